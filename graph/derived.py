"""Derived data, kept current in the transaction of every write that changes what it
derives from (graph/write.py's settle calls these; bulk writers run the same Cypher):

    Household.memberCount          its active memberships
    Household.responsibleOfficial  the code of its active RESPONSIBLE official, or null
    Household.lastVisitDate        its latest visit's date, or null
    Household.monitored            an open monitoring record (graph/monitoring.py)
    Official.load                  its active pairings
    Region(village).coverageKeys   one key per household on file (graph/coverage.py)
    Household.latestIncomeYear     the year of its latest income record, and that
             .latestPerCapitaNet   record's perCapitaNet, and the perCapitaNet of the
             .previousPerCapitaNet year before it (null without a record for it):
                                   graph/income.py's REFRESH_INCOMES, which
                                   recordIncome (the one write of an income record),
                                   every write of a payment (perCapitaNet holds the
                                   platform sales: `w.touch(incomes=...)`) and the
                                   upserts run; the generator writes them from
                                   `derived_incomes`, the same figures in Python

Reads stay one cheap statement because of them (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.coverage import refresh_villages
from graph.db import Tx
from graph.model import Label, Rel

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
WITH DISTINCT coalesce(h.villageCode, left(h.code, 12)) AS village
RETURN village
"""

REFRESH_OFFICIALS = """
UNWIND $codes AS code
MATCH (o:Official {code: code})
SET o.load = COUNT { (o)-[r:PAIRED_WITH]->(:Household) WHERE r.until IS NULL }
"""


async def refresh_households(tx: Tx, codes: Sequence[str], villages: Sequence[str] = ()) -> None:
    """Recompute memberCount, responsibleOfficial, lastVisitDate and monitored (a seek
    per code),
    then the coverage summaries of their villages and of `villages` (a village a
    household left)."""
    records = await tx.run(REFRESH_HOUSEHOLDS, {"codes": list(codes)})
    await refresh_villages(tx, [*(r["village"] for r in records), *villages])


async def refresh_officials(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute each official's load from their active pairings."""
    await tx.run(REFRESH_OFFICIALS, {"codes": list(codes)})
