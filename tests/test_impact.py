"""measureImpact over a generated graph (issue 14) against figures computed here, in
Python, from each household's records read by plain Cypher (status changes, passed
assessments, non-voided measures, its incomes by year): for several regions and
windows, every selection shape the planner compiles differently, a masked role and a
region officer's scope.

The medians are the textbook median; the means the exact mean of the whole-yuan
changes, correctly rounded (int / int), compared exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Api, run_on_db, wait_for_audit_runs
from neo4j import Driver
from starlette.testclient import TestClient

from api.auth import Role
from api.settings import Settings
from graph.household import IN_POVERTY
from graph.measure import MeasureCategory
from graph.stats import PRIVATE_BELOW
from graph.testdb import wipe
from seeds.generator import generate
from seeds.regions import PROVINCE

AS_OF = dt.date(2026, 11, 1)
N = 1500
CATEGORIES = [c.value for c in MeasureCategory]

FULL = """query($r: String!, $from: Int!, $to: Int!) {
  measureImpact(regionCode: $r, fromYear: $from, toYear: $to) { __typename
    cohort { households exited exitRate withIncome meanIncomeChange medianIncomeChange }
    categories { category __typename
      reached { households exited exitRate withIncome meanIncomeChange medianIncomeChange }
      other: comparison { households exited exitRate withIncome meanIncomeChange
                          medianIncomeChange __typename } } } }"""
# Without categories the cohort is one aggregation; without a mean no means pass.
COHORT = """query($r: String!, $from: Int!, $to: Int!) {
  measureImpact(regionCode: $r, fromYear: $from, toYear: $to) {
    cohort { households exited exitRate withIncome meanIncomeChange medianIncomeChange } } }"""
NO_MEAN = """query($r: String!, $from: Int!, $to: Int!) {
  measureImpact(regionCode: $r, fromYear: $from, toYear: $to) {
    categories { category reached { households withIncome medianIncomeChange }
                 comparison { exited withIncome medianIncomeChange } } } }"""


@pytest.fixture(scope="module")
def generated(app_client: TestClient, test_settings: Settings, driver: Driver) -> Iterator[Api]:
    wait_for_audit_runs(driver)
    wipe(driver)
    run_on_db(test_settings, lambda db: generate(db, households=N, seed=7, as_of=AS_OF))
    yield Api(app_client, test_settings)
    wipe(driver)


def households(driver: Driver, region: str) -> list[dict[str, Any]]:
    """The region's households on file in the statement's order (its prefixes', each
    by code), with their records."""
    records, _, _ = driver.execute_query(
        """
        MATCH (u:Region {code: $r}) UNWIND u.prefixes AS p
        MATCH (h:Household) WHERE h.code STARTS WITH p AND h.deregisteredOn IS NULL
        RETURN h.code AS code, h.status AS status, h.incomeYears AS years,
          h.incomeNets AS nets,
          COLLECT { MATCH (s:StatusChange)-[:STATUS_OF]->(h)
                    RETURN [s.on, s.seq, s.`to`] } AS changes,
          COLLECT { MATCH (a:Assessment)-[:ASSESSES]->(h) WHERE a.passed
                    RETURN a.year } AS exits,
          COLLECT { MATCH (m:Measure)-[:MEASURE_FOR]->(h) WHERE m.voidedOn IS NULL
                    RETURN [m.date.year, m.category] } AS measures
        ORDER BY p, code
        """,
        {"r": region},
    )
    prefixes = driver.execute_query("MATCH (u:Region {code: $r}) RETURN u.prefixes", r=region)
    order = {p: i for i, p in enumerate(prefixes.records[0][0])}
    rows = [dict(r) for r in records]
    rows.sort(key=lambda h: (min(order[p] for p in order if h["code"].startswith(p)), h["code"]))
    return rows


def in_cohort(h: dict[str, Any], start: dt.date, end: dt.date) -> bool:
    """In poverty on the window's first day or changed into poverty within it."""
    changes = sorted((c[0].to_native(), c[1], c[2]) for c in h["changes"])
    if not changes:
        return h["status"] in IN_POVERTY
    before = [to for on, _, to in changes if on <= start]
    if before and before[-1] in IN_POVERTY:
        return True
    return any(start < on <= end and to in IN_POVERTY for on, _, to in changes)


def change(h: dict[str, Any], low: int, high: int) -> int | None:
    years, nets = h["years"] or [], h["nets"] or []
    late = [i for i, y in enumerate(years) if y <= high]
    early = [i for i, y in enumerate(years) if y >= low - 1]
    if not late or not early or late[-1] <= early[0]:
        return None
    return int(nets[late[-1]] - nets[early[0]])


def exact_mean(values: list[int]) -> float | None:
    """The mean of whole numbers, rounded once (int / int)."""
    return sum(values) / len(values) if values else None


def textbook_median(values: list[int]) -> float | None:
    v = sorted(values)
    if not v:
        return None
    mid = len(v) // 2
    return float(v[mid]) if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def figures(rows: list[tuple[bool, int | None]], masked: bool) -> dict[str, Any]:
    changes = [c for _, c in rows if c is not None]
    n, exited = len(rows), sum(1 for e, _ in rows if e)
    mean, median = exact_mean(changes), textbook_median(changes)
    hidden = masked and len(changes) < PRIVATE_BELOW
    return {
        "households": n,
        "exited": exited,
        "exitRate": None if n == 0 else exited / n,
        "withIncome": len(changes),
        "meanIncomeChange": None if hidden else mean,
        "medianIncomeChange": None if hidden else median,
    }


def expected(
    driver: Driver, region: str, low: int, high: int, masked: bool, scope: tuple[str, ...] = ("",)
) -> dict[str, Any]:
    start, end = dt.date(low, 1, 1), dt.date(high, 12, 31)
    cohort = []
    for h in households(driver, region):
        if not h["code"].startswith(scope) or not in_cohort(h, start, end):
            continue
        exited = any(low <= y <= high for y in h["exits"])
        cats = {c for year, c in h["measures"] if low <= year <= high}
        cohort.append((exited, change(h, low, high), cats))
    categories = []
    for cat in CATEGORIES:
        inside = [(e, c) for e, c, k in cohort if cat in k]
        outside = [(e, c) for e, c, k in cohort if cat not in k]
        categories.append((cat, figures(inside, masked), figures(outside, masked)))
    return {"cohort": figures([(e, c) for e, c, _ in cohort], masked), "categories": categories}


def regions(driver: Driver) -> tuple[str, str, str]:
    """The province, the county with the most households and its village with the
    most (a household's code starts with its village's, which starts with its
    county's)."""
    county, village = driver.execute_query(
        """MATCH (h:Household:Generated) WITH left(h.code, 6) AS county, count(*) AS n
        ORDER BY n DESC, county LIMIT 1
        MATCH (h:Household:Generated) WHERE h.code STARTS WITH county
        WITH county, left(h.code, 12) AS village, count(*) AS n
        RETURN county, village ORDER BY n DESC, village LIMIT 1"""
    ).records[0]
    return PROVINCE, county, village


WINDOWS = [(2016, 2020), (AS_OF.year, AS_OF.year), (2019, 2019), (AS_OF.year - 14, AS_OF.year)]


def check(found: dict[str, Any], want: dict[str, Any]) -> None:
    assert found["__typename"] == "MeasureImpact"
    assert found["cohort"] == want["cohort"]
    assert [c["category"] for c in found["categories"]] == CATEGORIES
    for got, (cat, inside, outside) in zip(found["categories"], want["categories"], strict=True):
        assert got["__typename"] == "CategoryImpact"
        assert got["reached"] == inside, cat
        assert got["other"] == {**outside, "__typename": "ImpactGroup"}, cat


def test_measure_impact_agrees_with_the_records(generated, driver):
    """The province, a county and a village over four windows, as an admin and as a
    masked role; the cohort alone and a selection without means agree with the full."""
    province, county, village = regions(driver)
    some_reached = False
    for region in (province, county, village):
        for low, high in WINDOWS:
            variables = {"r": region, "from": low, "to": high}
            for role, masked in ((Role.ADMIN, False), (Role.INVESTIGATOR, True)):
                want = expected(driver, region, low, high, masked)
                found = generated.data(FULL, variables, role=role)["measureImpact"]
                check(found, want)
                cohort = generated.data(COHORT, variables, role=role)["measureImpact"]
                assert cohort == {"cohort": want["cohort"]}
                lean = generated.data(NO_MEAN, variables, role=role)["measureImpact"]
                for got, full in zip(lean["categories"], found["categories"], strict=True):
                    assert got["reached"] == {
                        k: full["reached"][k]
                        for k in ("households", "withIncome", "medianIncomeChange")
                    }
                    assert got["comparison"] == {
                        k: full["other"][k] for k in ("exited", "withIncome", "medianIncomeChange")
                    }
                some_reached |= any(c["reached"]["withIncome"] >= 2 for c in found["categories"])
    assert some_reached  # the generated support reaches households with incomes


def test_measure_impact_counts_the_scope_and_masks_small_groups(generated, driver):
    """A region officer of the county reads the province's figures of its households
    only; a village's figures as a masked role hide the income figures of fewer than 5."""
    province, county, village = regions(driver)
    scope = driver.execute_query("MATCH (u:Region {code: $c}) RETURN u.prefixes", c=county).records[
        0
    ][0]
    variables = {"r": province, "from": 2016, "to": AS_OF.year}
    found = generated.data(FULL, variables, role=Role.REGION_OFFICER, scope=county)
    check(found["measureImpact"], expected(driver, province, 2016, AS_OF.year, False, tuple(scope)))
    masked = generated.data(FULL, {**variables, "r": village}, role=Role.INVESTIGATOR)
    groups = [masked["measureImpact"]["cohort"]] + [
        g for c in masked["measureImpact"]["categories"] for g in (c["reached"], c["other"])
    ]
    small = [g for g in groups if 0 < g["withIncome"] < PRIVATE_BELOW]
    assert small and all(g["medianIncomeChange"] is None for g in small)
    assert any(g["medianIncomeChange"] is not None for g in groups)
