"""The generator's support measures and yearly incomes (seeds/support.py): every rule
of recordMeasure holds, the incomes have the issue's shape, the households' derived
income properties are what REFRESH_INCOMES computes, and no other draw changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import run_on_db

from graph.bulk import HOUSEHOLD_COLUMNS
from graph.income import per_capita_cypher
from graph.poverty_line import line_in_force, threshold_of
from seeds import county
from seeds.county import draw_county
from seeds.generator import generate
from seeds.layout import layout
from seeds.rows import Reserved
from seeds.support import LAST_INCOME_YEAR, Support

AS_OF = dt.date(2026, 11, 1)
N = 1500


def test_the_support_stream_changes_no_other_draw(monkeypatch):
    unit = next(u for u in layout(400, 3) if u.households >= 20)
    drawn = draw_county(unit, 3, AS_OF, Reserved())
    monkeypatch.setattr(county, "draw_support", lambda *args: Support())
    without = draw_county(unit, 3, AS_OF, Reserved())
    for kind in ("officials", "members", "pairings", "visits"):
        assert drawn.lines[kind] == without.lines[kind], kind
    cut = len(HOUSEHOLD_COLUMNS) - 3  # the derived income properties come last
    assert [line.split("|")[:cut] for line in drawn.lines["households"]] == [
        line.split("|")[:cut] for line in without.lines["households"]
    ]
    assert drawn.lines["measures"] and drawn.lines["incomes"]
    assert not without.lines["measures"] and not without.lines["incomes"]


def one(graph: Any, cypher: str, **params: Any) -> Any:
    return graph.execute_query(cypher, params)[0][0][0]


def test_generated_measures_and_incomes(graph, test_settings):
    summary = run_on_db(test_settings, lambda db: generate(db, households=N, seed=5, as_of=AS_OF))
    assert summary.measures and summary.incomes
    assert one(graph, "MATCH (l:PovertyLine) RETURN count(l)") == 6  # the generator's lines
    # 2-8 support measures a household, and at most one more after a monitored
    # household's flag (seeds/monitoring_draw.py: ids <county>K<serial>); the BORDERLINE
    # ones (seeds/borderline.py) are not poor: tests/test_generated_borderline.py.
    low, high, flagged, unflagged = graph.execute_query(
        "MATCH (h:Household:Generated) WHERE h.status <> 'BORDERLINE' "
        "WITH h, COUNT { (m:Measure)-[:MEASURE_FOR]->(h) WHERE m.id =~ '.{6}K.*' } AS k, "
        "COUNT { (m:Measure)-[:MEASURE_FOR]->(h) WHERE NOT m.id =~ '.{6}K.*' } AS n "
        "RETURN min(n), max(n), max(CASE WHEN h.monitored THEN k END), "
        "max(CASE WHEN NOT coalesce(h.monitored, false) THEN k END)"
    )[0][0]
    assert low >= 2 and high <= 8
    assert flagged == 1 and unflagged == 0
    # Every rule of recordMeasure, and a deliverer paired that day.
    broken = one(graph, """
        MATCH (m:Measure:Generated)-[:MEASURE_FOR]->(h:Household)
        OPTIONAL MATCH (o:Official)-[:DELIVERED]->(m)
        OPTIONAL MATCH (m)-[:RECEIVED_BY]->(p:Person)
        WITH m, h, o, p
        WHERE m.date < h.registrationDate OR m.date > $asOf
           OR (m.amount IS NULL AND m.quantity IS NULL)
           OR (m.quantity IS NOT NULL AND m.unit IS NULL)
           OR (o IS NULL AND m.agency IS NULL)
           OR (m.category = 'MICROCREDIT' AND NOT (m.amount >= 1 AND m.amount <= 50000
               AND m.termMonths >= 1 AND m.termMonths <= 36))
           OR (m.category <> 'MICROCREDIT' AND m.termMonths IS NOT NULL)
           OR (p IS NOT NULL AND NOT EXISTS { MATCH (p)-[r:MEMBER_OF]->(h)
               WHERE r.since <= m.date AND (r.until IS NULL OR r.until > m.date) })
           OR (o IS NOT NULL AND NOT EXISTS { MATCH (o)-[r:PAIRED_WITH]->(h)
               WHERE r.since <= m.date AND (r.until IS NULL OR r.until > m.date) })
           OR (h.status = 'EXITED' AND m.date > date({year: h.plannedExitYear, month: 12,
               day: 31}) AND NOT m.id =~ '.{6}K.*')
        RETURN count(m)""", asOf=AS_OF)  # fmt: skip
    assert broken == 0
    # One record a year, from the registration year to 2020 (the BORDERLINE households:
    # the two years before the as-of date's), sized by the members then
    # (but in the two households of each planted duplicate membership, and the one an
    # official grew up in, written after the incomes and past the file's checks for the
    # audit to find: seeds/anomalies.py).
    joined = [
        ref.removeprefix("Household:")
        for rule in ("DUPLICATE_MEMBERSHIP", "OFFICIAL_PAIRED_WITH_RELATIVE")
        for key in summary.planted.get(rule, [])
        for ref in key.split("|")[1:]
        if ref.startswith("Household:")
    ]
    assert joined
    broken = one(graph, """
        MATCH (h:Household:Generated) WHERE NOT h.code IN $joined AND h.status <> 'BORDERLINE'
        WITH h, COLLECT { MATCH (i:IncomeRecord)-[:INCOME_OF]->(h) RETURN i.year ORDER BY i.year }
               AS years,
             COLLECT { MATCH (i:IncomeRecord)-[:INCOME_OF]->(h)
               WHERE i.householdSize <> COUNT { (:Person)-[r:MEMBER_OF]->(h)
                 WHERE r.since <= date({year: i.year, month: 12, day: 31})
                   AND (r.until IS NULL OR r.until > date({year: i.year, month: 12, day: 31})) }
               RETURN i } AS missized
        WHERE years <> range(h.registrationYear, $last) OR size(missized) > 0
        RETURN count(h)""", last=LAST_INCOME_YEAR, joined=joined)  # fmt: skip
    assert broken == 0
    # The derived properties are REFRESH_INCOMES' (the Python twin wrote them).
    latest = (
        "COLLECT { MATCH (i:IncomeRecord)-[:INCOME_OF]->(h) RETURN i ORDER BY i.year DESC "
        "LIMIT 1 }[0]"
    )
    differ = one(graph, f"""
        MATCH (h:Household:Generated) WITH h, {latest} AS latest
        WITH h, latest, COLLECT {{ MATCH (p:IncomeRecord)-[:INCOME_OF]->(h)
          WHERE p.year = latest.year - 1 RETURN {per_capita_cypher("p")} }}[0] AS previous
        WHERE h.latestIncomeYear <> latest.year
           OR h.latestPerCapitaNet <> {per_capita_cypher("latest")}
           OR h.previousPerCapitaNet <> previous
           OR (h.previousPerCapitaNet IS NULL) <> (previous IS NULL)
        RETURN count(h)""")  # fmt: skip
    assert differ == 0
    above = f"{per_capita_cypher('i')} > {threshold_of(line_in_force('i.year', 'l'))}"
    # EXITED and RETURNED households are above the threshold in their plannedExitYear.
    below = one(graph, f"""
        MATCH (i:IncomeRecord)-[:INCOME_OF]->(h:Household:Generated)
        WHERE h.status IN ['EXITED', 'RETURNED'] AND i.year = h.plannedExitYear
          AND NOT ({above})
        RETURN count(i)""")  # fmt: skip
    assert below == 0
    # About one REGISTERED household in ten is above it two years running.
    share = one(graph, f"""
        MATCH (h:Household:Generated {{status: 'REGISTERED'}})
        WITH h, COLLECT {{ MATCH (i:IncomeRecord)-[:INCOME_OF]->(h) WHERE {above}
          RETURN i.year }} AS years
        RETURN toFloat(count(CASE WHEN any(y IN years WHERE y + 1 IN years) THEN 1 END))
          / count(h)""")  # fmt: skip
    assert 0.05 <= share <= 0.16
    # The first year: 60-90% of the threshold in force (2015's before any line).
    ratio = f"toFloat({per_capita_cypher('i')}) / {threshold_of('line')}"
    ratios = graph.execute_query(f"""
        MATCH (h:Household:Generated) WHERE h.status <> 'BORDERLINE'
        WITH h, COLLECT {{ MATCH (i:IncomeRecord)-[:INCOME_OF]->(h) RETURN i
          ORDER BY i.year LIMIT 1 }}[0] AS i
        WITH i, {line_in_force("CASE WHEN i.year < 2015 THEN 2015 ELSE i.year END", "l")}
          AS line
        RETURN min({ratio}), max({ratio})""")[0][0]  # fmt: skip
    assert ratios[0] >= 0.59 and ratios[1] <= 0.91
