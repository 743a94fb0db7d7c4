"""The generator's planted audit cases (seeds/anomalies.py; issue 18 done-when 7, issue
19 done-when 8): on 10,000 generated households a run finds every planted case of the
planted rules and nothing else for them; NO_RESPONSIBLE_OFFICIAL and OFFICIAL_OVERLOADED
find what coverage counts, INCOME_ABOVE_LINE_TWO_YEARS what the income records count."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import run_on_db
from test_audit import run_audit
from typer.testing import CliRunner

from graph.audit import finding_key
from graph.income import per_capita_cypher
from graph.poverty_line import lines_in_force
from graph.validation import today_cst
from seeds.anomalies import PLANTED_RULES
from seeds.generator import generate

HOUSEHOLDS = 10_000


def present_keys(graph) -> dict[str, set[str]]:
    records, _, _ = graph.execute_query(
        "MATCH (f:Finding {present: true}) RETURN f.rule AS rule, f.key AS key"
    )
    found: dict[str, set[str]] = defaultdict(set)
    for r in records:
        found[r["rule"]].add(r["key"])
    return found


def above_the_line_two_years(graph) -> set[str]:
    """The keys INCOME_ABOVE_LINE_TWO_YEARS should find, counted from the income records
    themselves (not the households' derived figures) and the poverty lines in Python."""
    records, _, _ = graph.execute_query(
        f"""MATCH (h:Household) WHERE h.deregisteredOn IS NULL
              AND h.status IN ['REGISTERED', 'RETURNED']
            MATCH (i:IncomeRecord)-[:INCOME_OF]->(h)
            RETURN h.code AS code, i.year AS year, {per_capita_cypher("i")} AS net"""
    )
    lines, _, _ = graph.execute_query(
        "MATCH (l:PovertyLine) RETURN l.year AS year, l.line AS line, l.exitLine AS exitLine"
    )
    table = [(r["year"], r["line"], r["exitLine"]) for r in lines]
    years: dict[str, dict[int, int]] = defaultdict(dict)
    for r in records:
        years[r["code"]][r["year"]] = r["net"]
    keys = set()
    for code, nets in years.items():
        latest = max(nets)
        if latest - 1 not in nets:
            continue
        above = [nets[y] > (lines_in_force(y, table) or 10**9) for y in (latest, latest - 1)]
        if all(above):
            keys.add(finding_key("INCOME_ABOVE_LINE_TWO_YEARS", [f"Household:{code}"]))
    return keys


def measures_after_exit(graph) -> set[str]:
    """The keys MEASURE_AFTER_EXIT should find, from each household's status changes,
    monitoring records and measures walked in Python."""
    records, _, _ = graph.execute_query(
        """MATCH (h:Household) WHERE h.deregisteredOn IS NULL
           MATCH (x:Measure)-[:MEASURE_FOR]->(h) WHERE x.voidedOn IS NULL
           RETURN h.code AS code, x.id AS id, x.date AS date,
             COLLECT { MATCH (s:StatusChange)-[:STATUS_OF]->(h)
                       RETURN [s.on, s.seq, s.`to`] } AS changes,
             COLLECT { MATCH (r:MonitoringRecord)-[:MONITORS]->(h)
                       RETURN [r.startedOn, r.removedOn] } AS watched"""
    )
    keys = set()
    for r in records:
        before = sorted((on, seq, to) for on, seq, to in r["changes"] if on <= r["date"])
        watched = any(start <= r["date"] and (end is None or end > r["date"])
                      for start, end in r["watched"])  # fmt: skip
        if before and before[-1][2] == "EXITED" and not watched:
            refs = [f"Household:{r['code']}", f"Measure:{r['id']}"]
            keys.add(finding_key("MEASURE_AFTER_EXIT", refs))
    return keys


def monitored_without_support(graph, today) -> set[str]:
    """The keys MONITORED_WITHOUT_SUPPORT should find, from the records and the
    measures' dates in Python."""
    records, _, _ = graph.execute_query(
        """MATCH (r:MonitoringRecord)-[:MONITORS]->(h:Household) WHERE h.deregisteredOn IS NULL
           RETURN h.code AS code, r.id AS id, r.startedOn AS start,
             COLLECT { MATCH (x:Measure)-[:MEASURE_FOR]->(h) WHERE x.voidedOn IS NULL
                       RETURN x.date } AS dates"""
    )
    keys = set()
    for r in records:
        start = r["start"].to_native()
        if start > today - dt.timedelta(days=30):
            continue
        window = [d for d in r["dates"] if 0 <= (d.to_native() - start).days < 30]
        if not window:
            refs = [f"Household:{r['code']}", f"MonitoringRecord:{r['id']}"]
            keys.add(finding_key("MONITORED_WITHOUT_SUPPORT", refs))
    return keys


def test_a_run_finds_every_planted_case_and_nothing_else(api, graph, test_settings):
    today = today_cst()
    summary = run_on_db(
        test_settings, lambda db: generate(db, households=HOUSEHOLDS, seed=1, as_of=today)
    )
    planted = summary.planted
    assert {rule: len(keys) for rule, keys in planted.items()} == {
        rule.value: HOUSEHOLDS // 1000 for rule in PLANTED_RULES
    }
    # Spread over the counties: each rule's cases in as many units as there are cases.
    for keys in planted.values():
        units = {ref[len("Household:"):][:6] for key in keys for ref in key.split("|")
                 if ref.startswith("Household:")}  # fmt: skip
        assert len(units) >= len(keys)
    run = run_audit(api)
    assert run["status"] == "DONE", run
    found = present_keys(graph)
    for rule in PLANTED_RULES:
        assert found[rule.value] == set(planted[rule.value]), rule
    coverage = api.data(
        '{ pairingCoverage(regionCode: "460000") { households coveredHouseholds '
        "overloadedOfficials } }"
    )["pairingCoverage"]
    uncovered = coverage["households"] - coverage["coveredHouseholds"]
    assert len(found["NO_RESPONSIBLE_OFFICIAL"]) == uncovered > 0
    assert len(found["OFFICIAL_OVERLOADED"]) == coverage["overloadedOfficials"] > 0
    assert found["INCOME_ABOVE_LINE_TWO_YEARS"] == above_the_line_two_years(graph) != set()
    # Not planted yet (the generator still dates measures after some exits outside any
    # monitoring, and C3's generator has no monitoring records): equal to what Python
    # counts.
    assert found["MEASURE_AFTER_EXIT"] == measures_after_exit(graph)
    assert found["MONITORED_WITHOUT_SUPPORT"] == monitored_without_support(graph, today)
    # A second run finds the same, and adds nothing.
    again = run_audit(api)
    assert (again["added"], again["gone"], again["found"]) == (0, 0, run["found"])


def test_the_planted_report(graph, test_settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from api.cli import app

    monkeypatch.setenv("FUPIN_MODE", "development")
    monkeypatch.setenv("NEO4J_URI", test_settings.bolt_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", test_settings.neo4j_password.get_secret_value())
    report = tmp_path / "planted.json"
    args = ["seed", "--households", "1500", "--seed", "3", "--planted-report", str(report)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"planted {2 * len(PLANTED_RULES)} audit cases" in result.output
    written = json.loads(report.read_text())
    assert (written["seed"], written["households"]) == (3, 1500)
    assert {rule: len(keys) for rule, keys in written["planted"].items()} == {
        rule.value: 2 for rule in PLANTED_RULES
    }
    # The same seed plants the same cases.
    again = tmp_path / "again.json"
    result = CliRunner().invoke(app, [*args[:-1], str(again)])
    assert result.exit_code == 0, result.output
    assert json.loads(again.read_text()) == written
