"""The generator's exit assessments and status histories (seeds/exit_draw.py): their own
stream changes no other draw, each status has the history and assessment it implies,
EXITED files pass the checks, and about 5% of households have a failed assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from conftest import run_on_db

from seeds import county
from seeds.county import draw_county
from seeds.exit_draw import Exits
from seeds.generator import generate
from seeds.layout import layout
from seeds.rows import Reserved

AS_OF = dt.date(2026, 11, 1)
N = 1500


def test_the_exit_stream_changes_no_other_draw(monkeypatch):
    unit = next(u for u in layout(400, 3) if u.households >= 20)
    drawn = draw_county(unit, 3, AS_OF, Reserved())
    monkeypatch.setattr(county, "draw_exits", lambda *args: Exits())
    without = draw_county(unit, 3, AS_OF, Reserved())
    for kind in ("officials", "households", "members", "pairings", "visits", "measures",
                 "incomes"):  # fmt: skip
        assert drawn.lines[kind] == without.lines[kind], kind
    assert len(drawn.lines["statusChanges"]) >= len(drawn.lines["households"])
    assert not without.lines["statusChanges"]


def one(graph: Any, cypher: str) -> Any:
    return graph.execute_query(cypher)[0][0][0]


def test_generated_exits(graph, test_settings):
    summary = run_on_db(test_settings, lambda db: generate(db, households=N, seed=5, as_of=AS_OF))
    assert summary.assessments
    # Every household's history ends in its status, on its statusSince.
    assert (
        one(
            graph,
            """
        MATCH (h:Household:Generated)
        WITH h, COLLECT { MATCH (s:StatusChange)-[:STATUS_OF]->(h)
                          RETURN s ORDER BY s.on DESC, s.seq DESC LIMIT 1 }[0] AS last
        WHERE last IS NULL OR last.`to` <> h.status OR last.on <> h.statusSince
        RETURN count(h)""",
        )
        == 0
    )
    # EXITED and RETURNED ones passed one assessment in their plannedExitYear, recorded
    # by their EXITED change; RETURNED ones went back 6-30 months later (long before D).
    assert (
        one(
            graph,
            """
        MATCH (h:Household:Generated) WHERE h.status IN ['EXITED', 'RETURNED']
        OPTIONAL MATCH (e:StatusChange {`to`: 'EXITED'})-[:STATUS_OF]->(h)
        OPTIONAL MATCH (e)-[:DECIDED_BY]->(a:Assessment {passed: true})-[:ASSESSES]->(h)
        OPTIONAL MATCH (o:Official)-[:VERIFIED]->(a)
        OPTIONAL MATCH (r:StatusChange {`to`: 'RETURNED'})-[:STATUS_OF]->(h)
        WITH h, e, a, o, r
        WHERE a IS NULL OR o IS NULL OR a.year <> h.plannedExitYear
           OR h.exitYear <> a.year OR a.date <> e.on OR NOT a.date.month IN [10, 11, 12]
           OR (h.status = 'RETURNED' AND (r IS NULL
               OR NOT duration.inDays(e.on, r.on).days >= 183
               OR NOT duration.inDays(e.on, r.on).days <= 913))
           OR (h.status = 'EXITED' AND r IS NOT NULL)
        RETURN count(h)""",
        )
        == 0
    )
    assert (
        one(
            graph,
            """
        MATCH (h:Household:Generated {status: 'REGISTERED'})
        WHERE h.exitYear IS NOT NULL OR COUNT { (:StatusChange)-[:STATUS_OF]->(h) } <> 1
        RETURN count(h)""",
        )
        == 0
    )
    # EXITED files pass the checks as they stand, but those the audit's planted
    # EXIT_CRITERIA_UNMET cases changed (seeds/anomalies.py).
    planted = [ref.removeprefix("Household:") for key in summary.planted["EXIT_CRITERIA_UNMET"]
               for ref in key.split("|") if ref.startswith("Household:")]  # fmt: skip
    assert planted
    failing, _, _ = graph.execute_query(
        """
        MATCH (h:Household:Generated {status: 'EXITED'})
        WHERE NOT h.housingGrade IN ['A', 'B'] OR NOT h.safeWater
           OR EXISTS { MATCH (p:Person)-[m:MEMBER_OF]->(h) WHERE m.until IS NULL
                       AND (NOT p.medicalInsurance OR p.schooling = 'DROPPED_OUT') }
        RETURN h.code AS code"""
    )
    assert sorted(r["code"] for r in failing) == sorted(planted)
    # About 5% of households have a failed assessment, REGISTERED ones, each failing a
    # check that its figures show.
    failed = one(
        graph,
        """
        MATCH (a:Assessment:Generated {passed: false})-[:ASSESSES]->(h)
        WHERE h.status = 'REGISTERED' RETURN count(a)""",
    )
    assert 0.02 * N <= failed <= 0.09 * N
    assert (
        one(
            graph,
            """
        MATCH (a:Assessment:Generated {passed: false})-[:ASSESSES]->(h)
        WHERE h.status <> 'REGISTERED'
           OR all(c IN a.checks WHERE c ENDS WITH ':PASSED')
           OR (any(c IN a.checks WHERE c = 'INCOME:PASSED') AND a.perCapitaNet <= a.threshold)
           OR (any(c IN a.checks WHERE c = 'SAFE_HOUSING:UNSAFE_HOUSING')
               AND a.housingGrade IN ['A', 'B'])
        RETURN count(a)""",
        )
        == 0
    )
    assert (
        one(
            graph,
            """
        MATCH (a:Assessment:Generated {passed: false})
        WHERE any(c IN a.checks WHERE c = 'INCOME:BELOW_THRESHOLD') RETURN count(a)""",
        )
        > 0
    )
    check_generated_monitoring(graph)


def check_generated_monitoring(graph: Any) -> None:
    """Issue 13 on the same graph (seeds/monitoring_draw.py, seeds/borderline.py):
    monitored exactly where a record is open, its group the status's, started on or after
    statusSince; about 60% of the flagged (the BORDERLINE households among them)
    supported within 30 days; about 0.5 feedback a household, 70% answered, half of
    those closed."""
    assert (
        one(
            graph,
            """
        MATCH (h:Household:Generated)
        WITH h, COLLECT { MATCH (r:MonitoringRecord)-[:MONITORS]->(h) WHERE r.removedOn IS NULL
                          RETURN r } AS open
        WHERE h.monitored <> (size(open) = 1) OR size(open) > 1
           OR any(r IN open WHERE r.startedOn < h.statusSince OR r.group <> CASE h.status
                  WHEN 'EXITED' THEN 'UNSTABLE_EXITED' WHEN 'BORDERLINE' THEN 'BORDERLINE'
                  ELSE 'SUDDEN_HARDSHIP' END
                  OR NOT 1 <= size(r.riskTypes) <= 4)
        RETURN count(h)""",
        )
        == 0
    )
    flagged = one(graph, "MATCH (r:MonitoringRecord:Generated) RETURN count(r)")
    supported = one(
        graph,
        """
        MATCH (r:MonitoringRecord:Generated)-[:MONITORS]->(h)
        WHERE EXISTS { MATCH (m:Measure)-[:MEASURE_FOR]->(h) WHERE m.voidedOn IS NULL
                       AND r.startedOn <= m.date <= r.startedOn + duration({days: 30}) }
        RETURN count(r)""",
    )
    assert flagged > 0 and 0.45 <= supported / flagged <= 0.85
    feedback = one(graph, "MATCH (f:Feedback:Generated) RETURN count(f)")
    assert 0.35 * N <= feedback <= 0.65 * N
    answered = one(graph, "MATCH (f:Feedback:Generated) WHERE f.answeredOn IS NOT NULL "
                   "RETURN count(f)")  # fmt: skip
    closed = one(graph, "MATCH (f:Feedback:Generated {status: 'CLOSED'}) RETURN count(f)")
    assert 0.6 <= answered / feedback <= 0.8 and 0.35 <= closed / answered <= 0.65
    assert one(graph, "MATCH (f:Feedback:Generated) WHERE (f.score IS NULL) <> "
               "(f.category <> 'SATISFACTION') RETURN count(f)") == 0  # fmt: skip


def test_the_monitoring_stream_changes_no_other_draw(monkeypatch):
    from seeds.monitoring_draw import Monitoring

    unit = next(u for u in layout(3000, 3) if u.households >= 150)
    drawn = draw_county(unit, 3, AS_OF, Reserved())
    monkeypatch.setattr(county, "draw_monitoring", lambda *args: Monitoring())
    without = draw_county(unit, 3, AS_OF, Reserved())
    for kind in ("officials", "households", "members", "pairings", "visits", "measures",
                 "incomes", "assessments", "statusChanges"):  # fmt: skip
        assert drawn.lines[kind] == without.lines[kind], kind
    monitored = sum(line.split("|")[10] == "1" for line in drawn.lines["households"])
    assert len(drawn.lines["monitoring"]) == monitored > 0
    assert not without.lines["monitoring"]
