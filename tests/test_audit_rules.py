"""The audit's rules and planners without a database (graph/audit.py, graph/finding.py,
graph/audit_run.py), and the ID-number check in Cypher against the validator's."""

from __future__ import annotations

import datetime as dt
import random
import re
from typing import Any

import pytest

from graph.audit import RULES, AuditRule, finding_key, id_number_problem, rule_rows, rule_statement
from graph.audit_run import stale_after, upsert_findings
from graph.compiler import ROOTS, Compiler, Post, View
from graph.crosscheck import MAX_IDS, check_id_numbers
from graph.errors import BadUserInput, Forbidden
from graph.model import Label, Rel
from graph.readmap import TYPES, Access, Field
from graph.scope import Scope
from graph.validation import check_id_number, id_check_character
from seeds.anomalies import OTHER_DIVISIONS, _Planter
from seeds.idnumber import make_id_number

TODAY = dt.date(2026, 11, 1)
UNIT = "469001"


def labels_and_types(cypher: str) -> tuple[set[str], set[str]]:
    labels = set(re.findall(r"\(\w*:(\w+)", cypher))
    types = set(re.findall(r"\[\w*:(\w+)", cypher))
    return labels, types


@pytest.mark.parametrize("rule", list(AuditRule))
def test_a_rule_is_one_statement_of_parameters(rule: AuditRule) -> None:
    cypher, params = rule_statement(rule, UNIT, TODAY)
    assert params["unit"] == UNIT and params["rule"] == rule.value
    assert UNIT not in cypher and "2026" not in cypher  # values are parameters
    labels, types = labels_and_types(cypher)
    assert labels <= {label.value for label in Label}
    assert types <= {r.value for r in Rel}
    assert "STARTS WITH $unit" in cypher  # a seek on household_code per unit
    for column in ("key", "severity", "summary", "place", "households", "people", "officials",
                   "others"):  # fmt: skip
        assert f"AS {column}" in cypher
    assert rule.value in {r["rule"] for r in rule_rows()}
    assert rule_statement(rule, "460203", TODAY)[0] == cypher  # one plan for every unit
    wrapped = upsert_findings(cypher)
    assert wrapped.count("MERGE (f:Finding {key: key})") == 1


def test_the_rules_in_order_with_their_severity() -> None:
    assert list(RULES) == list(AuditRule)
    assert [r["severity"] for r in rule_rows()] == [
        "HIGH", "HIGH", "MEDIUM", "HIGH", "HIGH", "LOW", "MEDIUM", "LOW",
        "HIGH", "MEDIUM", "MEDIUM", "HIGH", "MEDIUM", "HIGH", "MEDIUM"]  # fmt: skip


def test_a_findings_key_is_the_rule_and_its_sorted_refs() -> None:
    key = finding_key("DUPLICATE_MEMBERSHIP", ["Person:b", "Household:2", "Household:1"])
    assert key == "DUPLICATE_MEMBERSHIP|Household:1|Household:2|Person:b"
    assert finding_key("X", ["b", "a"]) == finding_key("X", ["a", "b"])


def test_the_id_number_check_reads_only_parameters() -> None:
    expression = id_number_problem("p.idNumber")
    assert "$weights" in expression and "$checks" in expression
    assert "$todayNumber" in expression


def test_runs_go_stale_after_three_timeouts() -> None:
    assert stale_after(10) == 30 and stale_after(30) == 90 and stale_after(1) == 30


def test_id_numbers_of_an_import() -> None:
    good = make_id_number("469001", dt.date(1980, 1, 2), 11)
    assert check_id_numbers([good, good.lower(), good], "input.idNumbers") == [good]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(BadUserInput) as refused:
        check_id_numbers([good, wrong], "input.idNumbers")
    assert refused.value.field == "input.idNumbers[1]" and wrong not in refused.value.message
    for count in (0, MAX_IDS + 1):
        with pytest.raises(BadUserInput):
            check_id_numbers([good] * count, "input.idNumbers")


# --- who reads findings -------------------------------------------------------------


def view(scope: Scope, masked: bool = False) -> View:
    return View(scope, masked)


def test_the_scope_of_findings() -> None:
    from graph.compiler import Binder

    b = Binder()
    assert Scope.everything().read_filter(Access.FINDING, "f", b) == "true"
    assert Scope.official("O-1").read_filter(Access.FINDING, "f", b) == "false"
    assert Scope.nothing().read_filter(Access.FINDING, "f", b) == "false"
    region = Scope.region("469001").read_filter(Access.FINDING, "f", b)
    assert "(f)-[:CONCERNS]->" in region and ":Household" in region and ":Official" in region
    assert "469001" not in region


def household_findings(v: View) -> Post:
    post = Post()
    fields = (Field("findings", "findings", {"first": 5}, (Field("id", "id"),)),)
    Compiler(v).project("Household", {"h": "h"}, fields, post)
    return post


@pytest.mark.parametrize(
    ("scope", "masked", "allowed"),
    [
        (Scope.everything(), False, True),  # ADMIN, AUDITOR
        (Scope.region("469001"), False, True),  # REGION_OFFICER
        (Scope.everything(), True, False),  # INVESTIGATOR
        (Scope.official("O-1"), False, False),  # FIELD_OFFICIAL
    ],
)
def test_household_findings_are_guarded(scope: Scope, masked: bool, allowed: bool) -> None:
    post = household_findings(view(scope, masked))
    error = post.children["findings"].error
    assert (error is None) == allowed
    if not allowed:
        assert isinstance(error, Forbidden)


def plan_of(name: str, args: dict[str, Any], fields: tuple[Field, ...], scope: Scope) -> str:
    root = ROOTS[name]
    field = Field(name, name, {}, fields)
    return root.plan(field, view(scope), root.shape(args)).cypher


EDGES = (Field("edges", "edges", {}, (Field("node", "node", {}, (Field("id", "id"),)),)),)


def test_audit_findings_plans() -> None:
    plain = plan_of("auditFindings", {}, EDGES, Scope.everything())
    assert "MATCH (f:Finding) WHERE true" in plain and "STARTS WITH prefix" not in plain
    assert "COUNT" not in plain and "count(f)" not in plain  # no total unless selected
    regional = plan_of(
        "auditFindings",
        {"where": {"regionCode": "469001", "rule": AuditRule.IMPLAUSIBLE_AGE}, "after": "c"},
        (*EDGES, Field("totalCount", "totalCount")),
        Scope.region("460203"),
    )
    assert "f.place STARTS WITH prefix" in regional  # a seek on finding_place per prefix
    assert "f.rule = $rule" in regional and "$afterAt" in regional
    assert "count(f) AS total" in regional and "CONCERNS" in regional
    assert "469001" not in regional and "IMPLAUSIBLE_AGE" not in regional


def test_every_type_of_the_audit_is_in_the_read_map() -> None:
    for name in ("AuditRun", "Finding", "FindingEdge", "AuditSummary", "AuditCount",
                 "AuditRuleInfo", "CrossCheckImport", "CrossCheckImportEdge"):  # fmt: skip
        assert name in TYPES
    for name in ("auditRules", "auditRun", "auditFindings", "finding", "auditSummary",
                 "crossCheckImports", "CrossCheckImport#id"):  # fmt: skip
        assert name in ROOTS


# --- the planted lists' other numbers ------------------------------------------------


def test_the_other_numbers_on_the_lists_are_valid_and_from_elsewhere() -> None:
    def numbers(seed: int) -> dict[str, list[str]]:
        planter = _Planter(None, random.Random(seed), ["469001"], TODAY)  # type: ignore[arg-type]
        return planter.others()

    lists = numbers(1)
    assert lists == numbers(1) and lists != numbers(2)
    every = [n for ns in lists.values() for n in ns]
    assert 4_900 <= len(set(every)) <= 5_000
    assert {n[:6] for n in every} <= set(OTHER_DIVISIONS)
    assert all(check_id_number(n, "n", today=TODAY) == n for n in every[:500])


# --- the Cypher check against the validator, in Neo4j --------------------------------


def samples() -> list[str]:
    rng = random.Random(18)
    out = []
    for _ in range(300):
        born = dt.date(1890, 1, 1) + dt.timedelta(days=rng.randrange(140 * 365))
        first17 = f"{rng.choice(['469001', '110105'])}{born:%Y%m%d}{rng.randrange(1000):03d}"
        good = first17 + id_check_character(first17)
        out.append(good)
        out.append(good[:17] + rng.choice([c for c in "0123456789X" if c != good[17]]))
        day = rng.choice(["0230", "0229", "1301", "0431", "0000", "1232", "0101"])
        year = rng.choice(["1899", "1900", "2000", "2100", "1996", "2027"])
        odd = first17[:6] + year + day + first17[14:]
        out.append(odd + id_check_character(odd))
    out += ["", "12345", "46900119800102001", "4690011980010200111", "46900119800102001x",
            "4690011980O102001X", " 469001198001020011"]  # fmt: skip
    return out


def test_the_cypher_check_agrees_with_the_validator(graph: Any) -> None:
    numbers = samples()
    cypher = f"UNWIND $ids AS n RETURN n, {id_number_problem('n')} AS problem"
    _, params = rule_statement(AuditRule.INVALID_ID_NUMBER, UNIT, TODAY)
    params = {k: params[k] for k in ("weights", "checks", "todayNumber")}
    records, _, _ = graph.execute_query(cypher, ids=numbers, **params)
    disagree = []
    for record in records:
        try:
            valid = check_id_number(record["n"], "n", today=TODAY) == record["n"]
        except BadUserInput:
            valid = False
        if valid != (record["problem"] is None):
            disagree.append((record["n"], record["problem"]))
    assert disagree == []
    assert len(records) == len(numbers)
