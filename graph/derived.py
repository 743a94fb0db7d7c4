"""Derived data, kept current in the transaction of every write that changes what it
derives from (graph/write.py's settle calls these; bulk writers run the same Cypher):

    Household.memberCount          its active memberships
    Household.responsibleOfficial  the code of its active RESPONSIBLE official, or null
    Household.lastVisitDate        its latest visit's date, or null
    Household.monitored            an open monitoring record (graph/monitoring.py)
    Official.load                  its active pairings
    Official.pairingSince          the since and until of its pairings, in step
            .pairingUntil          (SUMMARIZE_LOAD: its load as of a past date)
    Household.pairingOfficials     its pairings' officials, roles, since and until
             .pairingRoles         (an active one's until 9999-12-31), and its
             .pairingSince         visits' dates, ascending (SUMMARIZE_CONTACTS:
             .pairingUntil         coverage and the visit filter as of a past date
             .visitDates           read them, not its relationships)
    Region(village).coverageKeys   one key per household on file (graph/village_keys.py)
    Region(village).stats*         per year, the regionStats figures of its households
                                   (graph/village_stats.py; refresh_households, the
                                   generator per county, migration step 23)
    Household.latestIncomeYear     the year of its latest income record, and that
             .latestPerCapitaNet   record's perCapitaNet, and the perCapitaNet of the
             .previousPerCapitaNet year before it (null without a record for it):
                                   graph/income.py's REFRESH_INCOMES, which
                                   recordIncome (the one write of an income record),
                                   every write of a payment (perCapitaNet holds the
                                   platform sales: `w.touch(incomes=...)`) and the
                                   upserts run; the generator writes them from
                                   `derived_incomes`, the same figures in Python
    Household.incomeYears          the years of its income records, ascending, and
             .incomeNets           beside them each record's perCapitaNet and
             .incomeSizes          householdSize: the same REFRESH_INCOMES
    Household.measureKeys          one 'YYYY:CATEGORY' per year and category of its
             .measureCounts        non-voided measures, ascending, and beside them how
             .measureAmounts       many and their amounts (yuan; none counts 0);
    Household.firstMeasureYear     the year of its first non-voided measure
                                   (SUMMARIZE_MEASURES, run by refresh_households)
    Household.exitYears            the years of its passed assessments, and the years
             .returnYears          of its changes to RETURNED (graph/status.py's
                                   SUMMARIZE_STATUS, with statusSince and exitYear)
    (:SalesDay)                    per region that is not a village and CST day, what
                                   the day's PLACED orders sold there: orders, revenue,
                                   by channel and product, and the buyers' previous
                                   days (graph/sales_summary.py: recordOrder and
                                   cancelOrder count their order in or out,
                                   `count_order`; upsert_sales and migration step 21
                                   recompute days, SUMMARIZE_DAY; the generator writes
                                   its own from `sales_days`, the same in Python)
    (:HouseholdPayments)           per household paid, its unvoided ACCEPTANCE and
                                   SALE payments' dates and amounts (graph/payment.py's
                                   SUMMARIZE_PAYMENTS, part of REFRESH_INCOMES, which
                                   every write of a payment runs; the generator writes
                                   its own from its payments; migration step 22)

The statistics (graph/stats.py: regionStats; graph/measure_impact.py:
measureImpact) read these summaries instead of a region's measures, incomes and
status changes, so a province's figures are one pass over its households. The
generator runs the same Cypher per county (`refresh_support` and graph/status.py's
`refresh_status`), migration step 17 backfilled them.

Reads stay one cheap statement because of them (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.db import Tx
from graph.model import Label, Rel
from graph.village_keys import refresh_villages

SUMMARIZE_MEASURES = f"""
WITH h, COLLECT {{
  MATCH (m:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h) WHERE m.voidedOn IS NULL
  WITH toString(m.date.year) + ':' + m.category AS k, count(m) AS n,
       sum(coalesce(m.amount, 0)) AS a
  RETURN {{k: k, n: n, a: a}} ORDER BY k }} AS kept
SET h.measureKeys = [x IN kept | x.k], h.measureCounts = [x IN kept | x.n],
    h.measureAmounts = [x IN kept | x.a],
    h.firstMeasureYear = toInteger(left(kept[0].k, 4))
"""
"""Cypher on a household `h`: its measure summaries (the module docstring), from its
few measures."""


# The `until` of a pairing still active, and the `since` of one without a date, in the
# stored lists below (a stored list holds no null): a pairing is active on D when its
# since <= D < its until, as graph/scope.py's active_on reads the relationship.
OPEN_UNTIL = "date('9999-12-31')"

SUMMARIZE_CONTACTS = f"""
WITH h, COLLECT {{
  MATCH (o:{Label.OFFICIAL})-[r:{Rel.PAIRED_WITH}]->(h)
  RETURN {{o: o.code, r: coalesce(r.role, ''), s: coalesce(r.since, {OPEN_UNTIL}),
          u: coalesce(r.until, {OPEN_UNTIL})}} ORDER BY r.since, o.code }} AS ps
SET h.pairingOfficials = [p IN ps | p.o], h.pairingRoles = [p IN ps | p.r],
    h.pairingSince = [p IN ps | p.s], h.pairingUntil = [p IN ps | p.u],
    h.visitDates = COLLECT {{ MATCH (v:{Label.VISIT})-[:{Rel.VISIT_TO}]->(h)
      WHERE v.date IS NOT NULL RETURN v.date ORDER BY v.date }}
"""
"""Cypher on a household `h`: its pairings (official, role, since, until: four lists
in step) and its visits' dates, ascending, from its few pairings and visits; a
coverage or a visit filter as of a past date reads them instead of its relationships."""

SUMMARIZE_LOAD = f"""
WITH o, COLLECT {{
  MATCH (o)-[r:{Rel.PAIRED_WITH}]->(:{Label.HOUSEHOLD})
  RETURN {{s: coalesce(r.since, {OPEN_UNTIL}), u: coalesce(r.until, {OPEN_UNTIL})}}
  ORDER BY r.since }} AS ps
SET o.pairingSince = [p IN ps | p.s], o.pairingUntil = [p IN ps | p.u]
"""
"""Cypher on an official `o`: the since and until of its pairings, in step (its load
as of a past date is a count over them)."""


def summarize_support() -> str:
    """Cypher on a household `h`: its measure and income summaries (the bulk writers';
    graph/income.py imports the write frame, which imports this module)."""
    from graph.income import SUMMARIZE_INCOMES

    return SUMMARIZE_MEASURES + SUMMARIZE_INCOMES


# Household h's `monitored`: one of its monitoring records is open (graph/monitoring.py).
MONITORED = (
    f"EXISTS {{ MATCH (mr:{Label.MONITORING_RECORD})-[:{Rel.MONITORS}]->(h) "
    "WHERE mr.removedOn IS NULL }"
)

REFRESH_HOUSEHOLDS = f"""
UNWIND $codes AS code
MATCH (h:Household {{code: code}})
SET h.memberCount = COUNT {{ (:Person)-[m:MEMBER_OF]->(h) WHERE m.until IS NULL }},
    h.responsibleOfficial = COLLECT {{
      MATCH (o:Official)-[r:PAIRED_WITH]->(h) WHERE r.until IS NULL AND r.role = 'RESPONSIBLE'
      RETURN o.code ORDER BY r.since, o.code LIMIT 1 }}[0],
    h.lastVisitDate = COLLECT {{
      MATCH (v:Visit)-[:VISIT_TO]->(h) WHERE v.date IS NOT NULL
      RETURN v.date ORDER BY v.date DESC LIMIT 1 }}[0],
    h.monitored = {MONITORED}
WITH h CALL (h) {{ {SUMMARIZE_MEASURES} }}
WITH h CALL (h) {{ {SUMMARIZE_CONTACTS} }}
WITH DISTINCT coalesce(h.villageCode, left(h.code, 12)) AS village
RETURN village
"""

REFRESH_OFFICIALS = f"""
UNWIND $codes AS code
MATCH (o:Official {{code: code}})
SET o.load = COUNT {{ (o)-[r:PAIRED_WITH]->(:Household) WHERE r.until IS NULL }}
WITH o CALL (o) {{ {SUMMARIZE_LOAD} }}
"""


async def refresh_households(
    tx: Tx, codes: Sequence[str], villages: Sequence[str] = (), paid: Sequence[str] = ()
) -> None:
    """Recompute memberCount, responsibleOfficial, lastVisitDate, monitored and the
    measure summaries (a seek per code), then the coverage and statistics summaries of
    their villages and of `villages` (a village a household left), and the statistics
    summaries of the villages of `paid` (households whose incomes alone changed)."""
    from graph.village_stats import refresh_village_stats

    if codes or villages:
        records = await tx.run(REFRESH_HOUSEHOLDS, {"codes": list(codes)})
        await refresh_villages(tx, [*(r["village"] for r in records), *villages])
    # Statistics count a household in the village its code begins with (graph/stats.py).
    await refresh_village_stats(tx, sorted({c[:12] for c in [*codes, *paid]} | set(villages)))


async def refresh_support(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute the measure and income summaries of the households (a seek per code,
    then their few measures and income records): the generator, per county."""
    statement = (
        "UNWIND $codes AS code MATCH (h:Household {code: code}) "
        f"CALL (h) {{ {summarize_support()} }}"
    )
    await tx.run(statement, {"codes": list(codes)})


async def refresh_contacts(tx: Tx, households: Sequence[str], officials: Sequence[str]) -> None:
    """Recompute the pairing and visit summaries of the households and the load and
    pairing summaries of the officials (a seek per code, then their few pairings): the
    generator, per county (its BORDERLINE households are paired after the officials'
    lines were drawn)."""
    await tx.run(
        f"UNWIND $codes AS code MATCH (h:{Label.HOUSEHOLD} {{code: code}}) "
        f"CALL (h) {{ {SUMMARIZE_CONTACTS} }}",
        {"codes": list(households)},
    )
    await refresh_officials(tx, officials)


async def refresh_officials(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute each official's load from their active pairings."""
    await tx.run(REFRESH_OFFICIALS, {"codes": list(codes)})
