"""Which measures lifted which families (issue 14): liftedHouseholds, measureImpact,
regionStats and pairingCoverage as of a past date, on the demo story seeded once for
the module (the tests read; the last ones write and say so). Expected figures derive
from seeds/demo.py and seeds/exits.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Api, migrated, run_on_db
from neo4j import Driver
from starlette.testclient import TestClient

from api.auth import Role
from api.settings import Settings
from graph.household import HouseholdStatus
from graph.income import per_capita_net
from graph.measure import MeasureCategory
from graph.testdb import wipe
from seeds import demo as story
from seeds.exits import ASSESSMENTS, RETURNS

AS_OF = dt.date(2026, 11, 1)
FU = story.FU_HOUSEHOLD


@pytest.fixture(scope="module")
def seeded(app_client: TestClient, test_settings: Settings, driver: Driver) -> Iterator[Api]:
    """The demo story as of AS_OF, loaded once for the module."""
    wipe(driver)
    run_on_db(test_settings, lambda db: story.load_demo(db, AS_OF, say=lambda _: None))
    yield Api(app_client, test_settings)
    wipe(driver)


def incomes_of(code: str) -> dict[int, int]:
    """The story's perCapitaNet of household `code` by year (no platform sales)."""
    return {
        AS_OF.year - back: per_capita_net(items, size)
        for household, back, size, items in story.INCOMES
        if household == code
    }


def measures_of(code: str) -> list[str]:
    return [m[0] for m in story.MEASURES if m[1] == code]


LIFTED = """query($r: String!, $year: Int, $returned: Boolean! = true, $first: Int = 20,
  $after: String) {
  liftedHouseholds(regionCode: $r, year: $year, includeReturned: $returned, first: $first,
                   after: $after) {
    edges { cursor node { household { code } exitYear exitDate returned incomeBeforeSupport
      incomeAtExit measuresBeforeExit { id category } officials { code } } }
    pageInfo { hasNextPage endCursor } } }"""


def lifted(api: Api, **variables: Any) -> Any:
    role = variables.pop("role", Role.ADMIN)
    found = api.data(LIFTED, {"r": "460000", **variables}, role=role)["liftedHouseholds"]
    return [e["node"] for e in found["edges"]], found["pageInfo"]


def test_lifted_households(seeded):
    """Done when 1: the three exit stories by code, the Fu household's in full."""
    nodes, page = lifted(seeded)
    exits = {a[1]: AS_OF.year - a[2] for a in ASSESSMENTS}
    assert [n["household"]["code"] for n in nodes] == sorted(exits)
    assert not page["hasNextPage"]
    by_code = {n["household"]["code"]: n for n in nodes}
    fu = by_code[FU]
    fu_incomes = incomes_of(FU)
    assert (fu["exitYear"], fu["returned"]) == (AS_OF.year, False)
    assert fu["incomeBeforeSupport"] == fu_incomes[AS_OF.year - 1] == 2900
    assert fu["incomeAtExit"] == fu_incomes[AS_OF.year] == 8500
    assert sorted(m["id"] for m in fu["measuresBeforeExit"]) == measures_of(FU)
    assert len(fu["measuresBeforeExit"]) == 4
    assert {"O-460203-001", "O-460203-002"} <= {o["code"] for o in fu["officials"]}
    returned = {code for code, _, _ in RETURNS}
    for code, year in exits.items():
        assert by_code[code]["exitYear"] == year
        assert by_code[code]["returned"] is (code in returned)
    assert by_code[story.SHUINAN + "0004"]["returned"] is True
    assert by_code[story.FANMAO + "0005"]["exitYear"] == AS_OF.year - 1

    this_year, _ = lifted(seeded, year=AS_OF.year)
    assert [n["household"]["code"] for n in this_year] == [FU]
    without, _ = lifted(seeded, returned=False)
    assert returned.isdisjoint(n["household"]["code"] for n in without)

    masked, _ = lifted(seeded, role=Role.INVESTIGATOR)
    assert masked and all(
        n["incomeBeforeSupport"] is None and n["incomeAtExit"] is None for n in masked
    )


def test_lifted_households_page_by_page(seeded):
    """Keyset pages in code order; pages of 1 and of 50 run the same statements."""
    first, page = lifted(seeded, first=1)
    second, _ = lifted(seeded, first=1, after=page["endCursor"])
    assert page["hasNextPage"]
    assert first[0]["household"]["code"] < second[0]["household"]["code"]
    counts = [statements(seeded, LIFTED, {"r": "460000", "first": n}) for n in (5, 50)]
    assert counts[0] == counts[1] == 1


IMPACT = """query($r: String!, $from: Int!, $to: Int!) {
  measureImpact(regionCode: $r, fromYear: $from, toYear: $to) {
    cohort { households exited exitRate withIncome meanIncomeChange medianIncomeChange }
    categories { category
      reached { households exited exitRate withIncome meanIncomeChange medianIncomeChange }
      comparison { households exited exitRate withIncome medianIncomeChange } } } }"""


def impact(api: Api, role: Role = Role.ADMIN, **years: int) -> Any:
    variables = {"r": "460203", "from": AS_OF.year - 1, "to": AS_OF.year, **years}
    return api.data(IMPACT, variables, role=role)["measureImpact"]


def test_measure_impact(seeded):
    """Done when 2: Jiyang's cohort of 6 (the deregistered Luobi 0003 is off file); the
    Fu household alone had a microloan, and its income rose by 5,600."""
    found = impact(seeded)
    assert found["cohort"]["households"] == 6
    assert [c["category"] for c in found["categories"]] == [c.value for c in MeasureCategory]
    micro = next(c for c in found["categories"] if c["category"] == "MICROCREDIT")
    fu = incomes_of(FU)
    assert micro["reached"] == {
        "households": 1, "exited": 1, "exitRate": 1.0, "withIncome": 1,
        "meanIncomeChange": fu[AS_OF.year] - fu[AS_OF.year - 1],
        "medianIncomeChange": 5600.0,
    }  # fmt: skip
    assert (micro["comparison"]["households"], micro["comparison"]["exited"]) == (5, 1)
    housing = next(c for c in found["categories"] if c["category"] == "HOUSING")
    assert housing["reached"]["households"] == 0 and housing["reached"]["exitRate"] is None

    masked = impact(seeded, Role.INVESTIGATOR)
    micro = next(c for c in masked["categories"] if c["category"] == "MICROCREDIT")
    assert micro["reached"]["medianIncomeChange"] is None
    assert micro["reached"]["meanIncomeChange"] is None
    assert micro["reached"]["households"] == 1


@pytest.mark.parametrize(
    ("years", "field"),
    [({"to": AS_OF.year + 1}, "toYear"), ({"from": 2005}, "fromYear"),
     ({"from": AS_OF.year, "to": AS_OF.year - 1}, "toYear")],
)  # fmt: skip
def test_measure_impact_refuses_bad_windows(seeded, years, field):
    """Done when 6: toYear next year; 2005-2026 (over 15 years); a reversed window."""
    variables = {"r": "460203", "from": AS_OF.year - 1, "to": AS_OF.year, **years}
    error = seeded.error(IMPACT, variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field


STATS = """query($r: String!, $year: Int!) { regionStats(regionCode: $r, year: $year) {
  region { code ruralPopulation } year asOf households
  byStatus { status households people } poorPeople ruralPopulation incidence exits returns
  householdsWithIncome averagePerCapitaNet measures { category measures households amount }
  children { region { code } households poorPeople } } }"""


def stats(api: Api, code: str, year: int, **kw: Any) -> Any:
    return api.data(STATS, {"r": code, "year": year}, **kw)["regionStats"]


def test_region_stats_of_a_village(seeded):
    """Done when 3: Fanmao this year and last."""
    found = stats(seeded, story.FANMAO, AS_OF.year)
    by_status = {s["status"]: s for s in found["byStatus"]}
    assert [s["status"] for s in found["byStatus"]] == [
        s.value for s in HouseholdStatus if s is not HouseholdStatus.DEREGISTERED
    ]
    assert found["households"] == 5
    assert (by_status["REGISTERED"]["households"], by_status["REGISTERED"]["people"]) == (4, 6)
    assert (by_status["EXITED"]["households"], by_status["EXITED"]["people"]) == (1, 1)
    assert found["poorPeople"] == 6
    assert found["ruralPopulation"] == story.RURAL_POPULATION[story.FANMAO] == 800
    assert found["incidence"] == pytest.approx(6 / 800) == 0.0075
    assert found["exits"] == 0
    assert found["householdsWithIncome"] == 1
    assert found["averagePerCapitaNet"] == incomes_of(story.FANMAO + "0005")[AS_OF.year]
    assert found["children"] == []
    last = stats(seeded, story.FANMAO, AS_OF.year - 1)
    assert last["asOf"] == f"{AS_OF.year - 1}-12-31"
    assert last["exits"] == 1
    # On 31 December last year Fanmao 0005 had not yet exited (its assessment of last
    # year is dated this spring).
    assert {s["status"]: s["households"] for s in last["byStatus"]}["REGISTERED"] == 5


def test_region_stats_of_a_county_and_its_measures(seeded):
    """Done when 4: Wuzhishan has no population; its children list Tongshi. Jiyang's
    measures of this year are the story's (the Fu household's among them), its returns
    last year's typhoon."""
    found = stats(seeded, "469001", AS_OF.year)
    assert found["ruralPopulation"] is None and found["incidence"] is None
    assert [c["region"]["code"] for c in found["children"]] == ["469001100"]
    assert found["children"][0]["households"] == found["households"] == 5
    jiyang = stats(seeded, "460203", AS_OF.year)
    this_year = [m for m in story.MEASURES
                 if m[1].startswith("460203") and (AS_OF - dt.timedelta(days=m[3])).year
                 == AS_OF.year]  # fmt: skip
    assert FU in {m[1] for m in this_year}
    assert jiyang["measures"] == [
        {"category": category, "measures": len(ms), "households": len({m[1] for m in ms}),
         "amount": sum(m[4] or 0 for m in ms)}
        for category in sorted({m[2] for m in this_year})
        for ms in [[m for m in this_year if m[2] == category]]
    ]  # fmt: skip
    assert stats(seeded, "460203", AS_OF.year - 1)["returns"] == len(RETURNS)
    # BORDERLINE (issue 13) counts as a status of its own, not among the poor.
    shiyun = stats(seeded, story.SHIYUNCUN, AS_OF.year)
    borderline = [
        h for h in story.HOUSEHOLDS if h[0][:12] == story.SHIYUNCUN and h[2] == "BORDERLINE"
    ]
    by_status = {s["status"]: s for s in shiyun["byStatus"]}
    assert by_status["BORDERLINE"]["households"] == len(borderline) == 1
    assert (
        shiyun["poorPeople"] == by_status["REGISTERED"]["people"] + by_status["RETURNED"]["people"]
    )
    masked = stats(seeded, story.FANMAO, AS_OF.year, role=Role.INVESTIGATOR)
    assert masked["householdsWithIncome"] == 1 and masked["averagePerCapitaNet"] is None


def test_region_stats_in_scope(seeded):
    """Done when 7: a Wuzhishan officer counts nothing in Jiyang."""
    found = stats(seeded, "460203", AS_OF.year, role=Role.REGION_OFFICER, scope="469001")
    assert found["households"] == 0 and found["poorPeople"] == 0
    assert all(s["households"] == 0 for s in found["byStatus"])


COVERAGE = """query($r: String!, $asOf: Date) {
  pairingCoverage(regionCode: $r, asOf: $asOf) { households } }"""


def test_coverage_as_of_counts_the_status_of_that_day(seeded):
    """Done when 5: the Fu household, EXITED on its assessment's date this autumn, was
    REGISTERED on 1 June."""
    now = seeded.data(COVERAGE, {"r": "460203"})["pairingCoverage"]["households"]
    june = seeded.data(COVERAGE, {"r": "460203", "asOf": f"{AS_OF.year}-06-01"})
    assert (now, june["pairingCoverage"]["households"]) == (5, 6)


WITH_COVERAGE = """query($r: String!, $year: Int!) { regionStats(regionCode: $r, year: $year) {
  households coverage { households coveredHouseholds }
  children { region { code } coverage { households } } } }"""


def statements(api: Api, query: str, variables: dict[str, Any]) -> int:
    response = api.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {api.token(Role.ADMIN)}", "x-fupin-statements": "1"},
    )
    body = response.json()
    assert "errors" not in body, body
    return int(body["extensions"]["statements"])


def test_region_stats_statements_and_coverage(seeded):
    """Done when 8: one statement, one more for each coverage selected; coverage as of
    31 December of a past year."""
    variables = {"r": "460203", "year": AS_OF.year}
    assert statements(seeded, STATS, variables) == 1
    assert statements(seeded, WITH_COVERAGE, variables) == 3
    found = seeded.data(WITH_COVERAGE, variables)["regionStats"]
    assert found["coverage"]["households"] == 5
    assert found["children"][0]["coverage"] == {"households": 5}
    # On 31 December last year the Fu household was REGISTERED and Shuinan 0004 had
    # returned: six in poverty.
    last = seeded.data(WITH_COVERAGE, {**variables, "year": AS_OF.year - 1})["regionStats"]
    assert last["coverage"]["households"] == 6


MEASURE = """mutation($input: RecordMeasureInput!) { recordMeasure(input: $input) {
  measure { id } } }"""
VOID = """mutation($input: VoidMeasureInput!) { voidMeasure(input: $input) { measure { id } } }"""
POPULATION = """mutation($input: SetRuralPopulationInput!) { setRuralPopulation(input: $input) {
  region { code ruralPopulation } } }"""


def test_summaries_follow_the_writes(seeded):
    """Writes (this test and the next two change the module's data): a measure
    recorded counts in regionStats at once, voided it is gone; setRuralPopulation is
    ADMIN's and sets the incidence."""
    year = AS_OF.year

    def housing() -> list[Any]:
        found = stats(seeded, story.LUOBI, year)["measures"]
        return [m for m in found if m["category"] == "HOUSING"]

    assert housing() == []
    recorded = seeded.data(
        MEASURE,
        {"input": {"clientMutationId": "c4-housing-1", "householdCode": story.LUOBI + "0001",
                   "category": "HOUSING", "date": f"{year}-10-01", "amount": 20000,
                   "agency": "Jiyang Housing Bureau"}},
    )["recordMeasure"]["measure"]["id"]  # fmt: skip
    assert housing() == [{"category": "HOUSING", "measures": 1, "households": 1, "amount": 20000}]
    seeded.data(VOID, {"input": {"measureId": recorded, "reason": "entered twice"}})
    assert housing() == []

    refused = seeded.error(
        POPULATION, {"input": {"regionCode": "469001", "ruralPopulation": 5000}},
        role=Role.REGION_OFFICER, scope="469001",
    )  # fmt: skip
    assert refused["extensions"]["code"] == "FORBIDDEN"
    unknown = seeded.error(POPULATION, {"input": {"regionCode": "469099", "ruralPopulation": 1}})
    assert unknown["extensions"]["code"] == "NOT_FOUND"
    done = seeded.data(POPULATION, {"input": {"regionCode": "469001", "ruralPopulation": 5000}})
    assert done["setRuralPopulation"]["region"] == {"code": "469001", "ruralPopulation": 5000}
    assert stats(seeded, "469001", year)["incidence"] == pytest.approx(6 / 5000)


INCOME = """mutation($input: RecordIncomeInput!) { recordIncome(input: $input) {
  income { year } } }"""
SUMMARIES = (
    "MATCH (v:Region {level: 'VILLAGE'}) RETURN count(v.statsYears) AS n, count(v) AS villages"
)


def province_years(api: Api) -> dict[int, Any]:
    """The province's statistics for a year before the villages' summaries begin, a
    year within them, last year and this year."""
    from graph.village_stats import FIRST_ROW_YEAR

    years = (FIRST_ROW_YEAR - 1, FIRST_ROW_YEAR + 5, AS_OF.year - 1, AS_OF.year)
    return {year: stats(api, "460000", year) for year in years}


def test_village_summaries_count_what_the_households_count(seeded, driver, test_settings):
    """The province's figures summed from the villages' statistics summaries (kept by
    every write: an income recorded counts at once) equal its figures counted from its
    households (the summaries removed) and the summaries migration 23 writes."""
    luobi = stats(seeded, story.LUOBI, AS_OF.year)
    seeded.data(
        INCOME,
        {"input": {"clientMutationId": "c4-income-1", "householdCode": story.LUOBI + "0002",
                   "year": AS_OF.year, "items": {"wages": 36000}}},
    )  # fmt: skip
    again = stats(seeded, story.LUOBI, AS_OF.year)
    assert again["householdsWithIncome"] == luobi["householdsWithIncome"] + 1
    summed = province_years(seeded)
    kept = driver.execute_query(SUMMARIES).records[0]
    assert kept["n"] == kept["villages"] >= len(story.RURAL_POPULATION)
    driver.execute_query(
        "MATCH (v:Region {level: 'VILLAGE'}) REMOVE v.statsYears, v.statsFigures, "
        "v.statsMeasureKeys, v.statsMeasureCounts, v.statsMeasureHouseholds, "
        "v.statsMeasureAmounts"
    )
    assert driver.execute_query(SUMMARIES).records[0]["n"] == 0
    counted = province_years(seeded)
    assert counted == summed
    assert counted[AS_OF.year]["households"] > 0 and counted[AS_OF.year]["measures"]
    migrated(driver, test_settings, 22, "RETURN 1", "RETURN 1")
    assert driver.execute_query(SUMMARIES).records[0]["n"] == kept["villages"]
    assert province_years(seeded) == summed


def test_migration_17_backfills_the_summaries(seeded, driver, test_settings):
    """The backfill writes what the writes keep current (run last: it rewrites them)."""
    read = (
        "MATCH (h:Household {code: $code}) RETURN h.measureKeys AS k, h.incomeYears AS y, "
        "h.incomeNets AS n, h.firstMeasureYear AS f, h.exitYears AS e"
    )
    before = driver.execute_query(read, code=FU).records[0]
    assert before["k"] and before["y"] == [AS_OF.year - 1, AS_OF.year]
    clear = (
        "MATCH (h:Household) REMOVE h.measureKeys, h.measureCounts, h.measureAmounts, "
        "h.firstMeasureYear, h.incomeYears, h.incomeNets, h.incomeSizes, h.exitYears, "
        "h.returnYears"
    )
    migrated(driver, test_settings, 16, clear, "RETURN 1")
    after = driver.execute_query(read, code=FU).records[0]
    assert dict(after) == dict(before)
    assert after["n"] == [2900, 8500] and after["e"] == [AS_OF.year]
