"""Support measures, yearly incomes and poverty lines (issue 11) on the demo story: the
issue's "Done when" list, expected values derived from seeds/demo.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from test_authz_matrix import error_codes

from api.auth import Role
from graph.income import per_capita_net
from graph.poverty_line import POVERTY_LINES, lines_in_force
from graph.validation import today_cst
from seeds.demo import FANMAO, FU_HOUSEHOLD, HUANG, INCOMES, MEASURES, story
from seeds.sales import household_payments
from seeds.trade import BAISHA_HOUSEHOLDS

MEASURES_OF = """query($c: String!, $first: Int, $cats: [MeasureCategory!], $voided: Boolean) {
  household(code: $c) { measures(first: $first, categories: $cats, includeVoided: $voided) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id category date amount quantity unit termMonths notes agency
      deliveredBy { code } recipient { name } voided } } } } }"""
INCOMES_OF = """query($c: String!) { household(code: $c) {
  latestIncomeYear latestPerCapitaNet previousPerCapitaNet
  incomes { year householdSize perCapitaNet aboveThreshold version wages transfers
    povertyLine { year threshold } } } }"""
RECORD_MEASURE = """mutation($input: RecordMeasureInput!) { recordMeasure(input: $input) {
  clientMutationId measure { id category quantity unit deliveredBy { code } householdCode } } }"""
RECORD_INCOME = """mutation($input: RecordIncomeInput!) { recordIncome(input: $input) {
  income { id year version perCapitaNet householdSize } household { latestPerCapitaNet } } }"""


def measures_of(household: str, as_of: dt.date) -> list[dict[str, Any]]:
    """The demo's measures of a household, newest first, as the API shows them."""
    rows = [m for m in story(as_of)["measures"] if m["householdCode"] == household]
    rows.sort(key=lambda m: (m["properties"]["date"], m["id"]), reverse=True)
    return rows


def incomes_of(household: str, as_of: dt.date) -> list[dict[str, Any]]:
    rows = [i["properties"] for i in story(as_of)["incomes"] if i["householdCode"] == household]
    return sorted(rows, key=lambda r: r["year"])


def graph_count(graph: Any, cypher: str) -> int:
    return int(graph.execute_query(cypher)[0][0][0])


def test_measures_newest_first(api, demo):
    expected = measures_of(FU_HOUSEHOLD, demo)
    page = api.data(MEASURES_OF, {"c": FU_HOUSEHOLD, "first": 10})["household"]["measures"]
    assert page["totalCount"] == len(expected) == 4
    nodes = [e["node"] for e in page["edges"]]
    assert [(n["category"], n["date"], n["amount"], n["termMonths"]) for n in nodes] == [
        (m["properties"]["category"], m["properties"]["date"].isoformat(),
         m["properties"].get("amount"), m["properties"].get("termMonths"))
        for m in expected
    ]  # fmt: skip
    # The figures for D = 2026-11-01.
    assert [(n["category"], n["date"]) for n in nodes] == [
        ("SKILLS_TRAINING", "2026-06-04"), ("MICROCREDIT", "2026-04-15"),
        ("MEDICAL_TREATMENT", "2026-02-24"), ("MEDICAL_INSURANCE", "2026-01-25"),
    ]  # fmt: skip
    assert (nodes[1]["amount"], nodes[1]["termMonths"]) == (30000, 36)
    assert nodes[0]["deliveredBy"] == {"code": "O-460203-001"}
    assert (nodes[0]["quantity"], nodes[0]["unit"]) == (5, "days")
    assert nodes[2]["recipient"] == {"name": "Fu Wenqiang"}
    assert nodes[3]["agency"] == "Jiyang District Medical Security Bureau"


def test_measures_page_by_keyset_and_filter_by_category(api, demo):
    expected = [m["id"] for m in measures_of(FU_HOUSEHOLD, demo)]
    seen, after = [], None
    while True:
        body = api.data(
            MEASURES_OF.replace("first: $first,", "first: $first, after: $after,").replace(
                "$voided: Boolean)", "$voided: Boolean, $after: String)"
            ),
            {"c": FU_HOUSEHOLD, "first": 3, "after": after},
        )
        page = body["household"]["measures"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    medical = api.data(
        MEASURES_OF, {"c": FU_HOUSEHOLD, "cats": ["MEDICAL_TREATMENT", "MEDICAL_INSURANCE"]}
    )["household"]["measures"]
    assert medical["totalCount"] == 2
    assert {e["node"]["category"] for e in medical["edges"]} == {
        "MEDICAL_TREATMENT",
        "MEDICAL_INSURANCE",
    }


def test_incomes_with_the_line_in_force(api, demo):
    data = api.data(INCOMES_OF, {"c": FU_HOUSEHOLD})["household"]
    expected = incomes_of(FU_HOUSEHOLD, demo)
    got = [(r["year"], r["householdSize"], r["perCapitaNet"], r["aboveThreshold"])
           for r in data["incomes"]]  # fmt: skip
    assert got == [
        (r["year"], r["householdSize"], per_capita_net(r, r["householdSize"]),
         per_capita_net(r, r["householdSize"]) > lines_in_force(r["year"], POVERTY_LINES))
        for r in expected
    ]  # fmt: skip
    assert got == [(2025, 4, 2900, False), (2026, 4, 8500, True)]  # the figures
    assert data["incomes"][0]["povertyLine"] == {"year": 2020, "threshold": 4000}
    assert (data["latestIncomeYear"], data["latestPerCapitaNet"]) == (2026, 8500)
    assert data["previousPerCapitaNet"] == 2900


def test_every_demo_income_is_as_the_readme_says(api, demo):
    paid: dict[tuple[str, int], int] = {}
    for p in household_payments(demo):
        key = (p["household"], p["date"].year)
        paid[key] = paid.get(key, 0) + p["amount"]
    for household, back, size, _ in INCOMES:
        record = next(r for r in incomes_of(household, demo) if r["year"] == demo.year - back)
        data = api.data(INCOMES_OF, {"c": household})["household"]
        found = next(r for r in data["incomes"] if r["year"] == demo.year - back)
        assert found["householdSize"] == size
        sales = paid.get((household, record["year"]), 0)  # the platform sales (issue 15)
        assert found["perCapitaNet"] == per_capita_net(record, size, sales)


def test_investigator_sees_no_incomes_nor_notes_and_a_masked_recipient(api, demo):
    data = api.data(
        INCOMES_OF.replace("latestIncomeYear", "latestIncomeYear measures { edges { node { "
                           "notes recipient { name } } } }"),
        {"c": FU_HOUSEHOLD},
        role=Role.INVESTIGATOR,
    )["household"]  # fmt: skip
    assert data["incomes"] is None
    assert data["latestPerCapitaNet"] is None and data["previousPerCapitaNet"] is None
    nodes = [e["node"] for e in data["measures"]["edges"]]
    assert all(n["notes"] is None for n in nodes)
    names = [n["recipient"]["name"] for n in nodes if n["recipient"]]
    assert names == ["F**"]  # one character of "Fu Wenqiang"
    admin = api.data(MEASURES_OF, {"c": FU_HOUSEHOLD})["household"]["measures"]["edges"]
    assert any(e["node"]["notes"] for e in admin)


def income_input(household: str, year: int, n: str, **extra: Any) -> dict[str, Any]:
    return {"clientMutationId": f"test-income-{n}", "householdCode": household, "year": year,
            "items": {"wages": 20000, "productionIncome": 5000, "productionCosts": 1000},
            **extra}  # fmt: skip


def test_who_may_record(api, demo, graph):
    nodes = graph_count(graph, "MATCH (n) WHERE NOT n:ChangeRecord RETURN count(n)")
    body = api.post(RECORD_INCOME, {"input": income_input(FU_HOUSEHOLD, 2024, "a")},
                    role=Role.AUDITOR)  # fmt: skip
    assert error_codes(body) == {"FORBIDDEN"}
    for query, variables in (
        (RECORD_INCOME, income_input(FU_HOUSEHOLD, 2024, "b")),
        (RECORD_MEASURE, {"clientMutationId": "test-measure-r", "householdCode": FU_HOUSEHOLD,
                          "category": "SUPPLIES", "date": "2026-10-01", "quantity": 10,
                          "unit": "kg", "agency": "Town"}),
    ):  # fmt: skip
        body = api.post(query, {"input": variables}, role=Role.REGION_OFFICER, scope="469001")
        assert error_codes(body) == {"NOT_FOUND"}
    read = api.data(
        "query($c: String!) { household(code: $c) { code } }",
        {"c": FU_HOUSEHOLD},
        role=Role.REGION_OFFICER,
        scope="469001",
    )
    assert read["household"] is None
    assert graph_count(graph, "MATCH (n) WHERE NOT n:ChangeRecord RETURN count(n)") == nodes


def test_a_field_official_records_only_their_own_measures_where_paired(api, demo, graph):
    seedlings = {"clientMutationId": "field-seedlings-01", "householdCode": FANMAO + "0001",
                 "category": "INDUSTRY", "date": demo.isoformat(), "quantity": 200,
                 "unit": "seedlings", "description": "mango seedlings"}  # fmt: skip
    before = graph_count(graph, "MATCH (n) RETURN count(n)")
    body = api.post(
        RECORD_MEASURE,
        {"input": {**seedlings, "clientMutationId": "field-seedlings-00",
                   "householdCode": FU_HOUSEHOLD}},
        role=Role.FIELD_OFFICIAL, scope=HUANG,
    )  # fmt: skip
    assert error_codes(body) == {"NOT_FOUND"}
    assert graph_count(graph, "MATCH (n) RETURN count(n)") == before
    body = api.post(
        RECORD_MEASURE,
        {"input": {**seedlings, "officialCode": "O-460203-001"}},
        role=Role.FIELD_OFFICIAL,
        scope=HUANG,
    )
    assert error_codes(body) == {"FORBIDDEN"}
    first = api.data(RECORD_MEASURE, {"input": seedlings}, role=Role.FIELD_OFFICIAL, scope=HUANG)
    measure = first["recordMeasure"]["measure"]
    assert measure["deliveredBy"] == {"code": HUANG}
    assert (measure["category"], measure["quantity"], measure["unit"]) == (
        "INDUSTRY", 200, "seedlings")  # fmt: skip
    after = graph_count(graph, "MATCH (n) RETURN count(n)")
    again = api.data(RECORD_MEASURE, {"input": seedlings}, role=Role.FIELD_OFFICIAL, scope=HUANG)
    assert again["recordMeasure"]["measure"]["id"] == measure["id"]
    assert graph_count(graph, "MATCH (n) RETURN count(n)") == after


def test_microcredit_limits(api, demo, graph):
    loan = {"clientMutationId": "loan-0000001", "householdCode": FU_HOUSEHOLD,
            "category": "MICROCREDIT", "date": demo.isoformat(), "amount": 30000,
            "termMonths": 24, "officialCode": "O-460203-001"}  # fmt: skip
    before = graph_count(graph, "MATCH (n) RETURN count(n)")
    for change, field in (
        ({"amount": 60000}, "input.amount"),
        ({"termMonths": 48}, "input.termMonths"),
        ({"termMonths": None}, "input.termMonths"),
        ({"amount": None}, "input.amount"),
    ):
        error = api.error(RECORD_MEASURE, {"input": {**loan, **change}})
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, change
    assert graph_count(graph, "MATCH (n) RETURN count(n)") == before
    api.data(RECORD_MEASURE, {"input": loan})


def test_measure_rules(api, demo, graph):
    base = {"clientMutationId": "rules-000001", "householdCode": FU_HOUSEHOLD,
            "category": "SUPPLIES", "date": demo.isoformat(), "quantity": 10, "unit": "kg",
            "agency": "Fenghuang Town Government"}  # fmt: skip
    spouse = next(m["person"]["idNumber"] for m in story(demo)["memberships"]
                  if m["householdCode"] == FU_HOUSEHOLD and m["relation"] == "SPOUSE")  # fmt: skip
    outsider = next(m["person"]["idNumber"] for m in story(demo)["memberships"]
                    if m["householdCode"] == FANMAO + "0001")  # fmt: skip
    before = graph_count(graph, "MATCH (n) RETURN count(n)")
    cases = [
        ({"date": (today_cst() + dt.timedelta(days=1)).isoformat()}, "input.date"),
        ({"date": "2020-01-01"}, "input.date"),  # before the registration
        ({"quantity": None, "unit": None}, "input.amount"),
        ({"unit": None}, "input.unit"),
        ({"agency": None}, "input.agency"),
        ({"termMonths": 12}, "input.termMonths"),
        ({"memberIdNumber": outsider}, "input.memberIdNumber"),
        ({"amount": 0}, "input.amount"),
    ]
    for change, field in cases:
        error = api.error(RECORD_MEASURE, {"input": {**base, **change}})
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, change
    error = api.error(RECORD_MEASURE, {"input": {**base, "officialCode": "O-999999-999"}})
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "input.officialCode"}
    assert graph_count(graph, "MATCH (n) RETURN count(n)") == before
    done = api.data(RECORD_MEASURE, {"input": {**base, "memberIdNumber": spouse}})
    assert done["recordMeasure"]["measure"]["householdCode"] == FU_HOUSEHOLD


def test_void_a_measure(api, demo, graph):
    void = """mutation($input: VoidMeasureInput!) { voidMeasure(input: $input) {
      measure { id voided voidedOn voidReason } } }"""
    target = measures_of(FU_HOUSEHOLD, demo)[0]["id"]
    body = api.post(void, {"input": {"measureId": target, "reason": "x"}},
                    role=Role.FIELD_OFFICIAL, scope="O-460203-001")  # fmt: skip
    assert error_codes(body) == {"FORBIDDEN"}
    done = api.data(void, {"input": {"measureId": target, "reason": "entered twice"}})
    assert done["voidMeasure"]["measure"]["voided"] is True
    assert done["voidMeasure"]["measure"]["voidReason"] == "entered twice"
    page = api.data(MEASURES_OF, {"c": FU_HOUSEHOLD})["household"]["measures"]
    assert target not in [e["node"]["id"] for e in page["edges"]]
    assert page["totalCount"] == len(measures_of(FU_HOUSEHOLD, demo)) - 1
    every = api.data(MEASURES_OF, {"c": FU_HOUSEHOLD, "voided": True})["household"]["measures"]
    assert every["totalCount"] == len(measures_of(FU_HOUSEHOLD, demo))
    again = api.error(void, {"input": {"measureId": target, "reason": "entered twice"}})
    assert again["extensions"]["code"] == "CONFLICT"
    unknown = api.error(void, {"input": {"measureId": "no-such-measure", "reason": "x"}})
    assert unknown["extensions"] == {"code": "NOT_FOUND", "field": "input.measureId"}
    other = {"measureId": measures_of(FU_HOUSEHOLD, demo)[1]["id"], "reason": "x"}
    out = api.post(void, {"input": other}, role=Role.REGION_OFFICER, scope="469001")
    assert error_codes(out) == {"NOT_FOUND"}


def test_record_and_replace_an_income(api, demo, graph):
    year = demo.year
    body = api.error(RECORD_INCOME, {"input": income_input(FU_HOUSEHOLD, year, "c")})
    assert body["extensions"] == {"code": "CONFLICT", "field": "input.expectedVersion"}
    current = api.data(INCOMES_OF, {"c": FU_HOUSEHOLD})["household"]["incomes"][-1]
    replaced = api.data(
        RECORD_INCOME,
        {"input": income_input(FU_HOUSEHOLD, year, "d", expectedVersion=current["version"])},
    )["recordIncome"]
    assert replaced["income"]["version"] == current["version"] + 1
    assert replaced["income"]["perCapitaNet"] == (20000 + 5000 - 1000) // 4
    assert replaced["household"]["latestPerCapitaNet"] == 6000
    stale = api.error(
        RECORD_INCOME,
        {"input": income_input(FU_HOUSEHOLD, year, "e", expectedVersion=current["version"])},
    )
    assert stale["extensions"]["code"] == "CONFLICT"
    next_year = today_cst().year + 1
    ahead = api.error(RECORD_INCOME, {"input": income_input(FU_HOUSEHOLD, next_year, "f")})
    assert ahead["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.year"}
    early = api.error(RECORD_INCOME, {"input": income_input(FU_HOUSEHOLD, 2009, "g")})
    assert early["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.year"}


def test_a_new_income_takes_the_members_on_31_december(api, demo, graph):
    # Nobody was a member of the Fu household (registered the year before D) at the end
    # of the year before that: the size must be given.
    early = income_input(FU_HOUSEHOLD, demo.year - 2, "h")
    error = api.error(RECORD_INCOME, {"input": early})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.householdSize"}
    given = api.data(RECORD_INCOME, {"input": {**early, "householdSize": 3}})["recordIncome"]
    assert (given["income"]["householdSize"], given["income"]["version"]) == (3, 1)
    # A year of household 0002 without a record: its members on 31 December of it.
    code, year = FU_HOUSEHOLD[:12] + "0002", demo.year - 1
    assert not [r for r in incomes_of(code, demo) if r["year"] == year]
    day = dt.date(year, 12, 31)
    expected = sum(
        1 for m in story(demo)["memberships"]
        if m["householdCode"] == code and m["since"] <= day
        and (m["until"] is None or m["until"] > day)
    )  # fmt: skip
    created = api.data(RECORD_INCOME, {"input": income_input(code, year, "i")})["recordIncome"]
    assert created["income"]["householdSize"] == expected
    data = api.data(INCOMES_OF, {"c": code})["household"]
    latest = incomes_of(code, demo)[-1]
    assert data["latestIncomeYear"] == latest["year"] == year + 1
    assert data["latestPerCapitaNet"] == per_capita_net(latest, latest["householdSize"])
    assert data["previousPerCapitaNet"] == created["income"]["perCapitaNet"]


def test_deregistered_household_takes_no_measure(api, demo):
    luobi_dup = "4602031002020003"  # deregistered in the demo
    body = api.error(RECORD_MEASURE, {"input": {
        "clientMutationId": "dereg-0000001", "householdCode": luobi_dup, "category": "OTHER",
        "date": "2026-01-01", "amount": 100, "agency": "Town"}})  # fmt: skip
    assert body["extensions"]["code"] == "CONFLICT"


NESTED = """query($first: Int!) { households(first: $first) { edges { node { code
  measures(first: 5) { totalCount edges { node { category date deliveredBy { code }
    recipient { name } } } }
  incomes { year perCapitaNet aboveThreshold povertyLine { threshold } } } } } }"""


def test_a_page_with_measures_and_incomes_is_one_statement(api, demo):
    counts = []
    for first in (5, 50):
        response = api.client.post(
            "/graphql",
            json={"query": NESTED, "variables": {"first": first}},
            headers={"authorization": f"Bearer {api.token(Role.ADMIN)}",
                     "x-fupin-statements": "1"},
        )  # fmt: skip
        body = response.json()
        assert "errors" not in body, body
        counts.append(body["extensions"]["statements"])
        edges = body["data"]["households"]["edges"]
        on_file = [h for h in story(demo)["households"] if "deregisteredOn" not in h["properties"]]
        assert len(edges) == min(first, len(on_file))
    assert counts == [1, 1]


def test_demo_measures_are_what_seeds_demo_says(demo):
    baisha = set(BAISHA_HOUSEHOLDS)  # the hives and the training behind the honey
    # and the borderline household's insurance (issue 13), the audit's imported rice and
    # treatment (issue 19)
    assert {m[1] for m in MEASURES} - baisha == {
        FU_HOUSEHOLD, FU_HOUSEHOLD[:12] + "0004", "4690301012010004", "4690011002010005",
        "4602031002020001"}  # fmt: skip
    assert sorted((m[1], m[2], m[3]) for m in MEASURES if m[1] in baisha) == sorted(
        (h, category, days) for h in BAISHA_HOUSEHOLDS
        for category, days in (("INDUSTRY", 500), ("SKILLS_TRAINING", 450)))  # fmt: skip


HISTORY = """query($ref: String!) { history(ref: $ref, first: 5) { edges { node {
  operation changes { field before after } } } } }"""


def test_changes_are_recorded_and_incomes_hidden_in_them(api, demo, graph):
    loan = {"clientMutationId": "history-loan-1", "householdCode": FU_HOUSEHOLD,
            "category": "MICROCREDIT", "date": demo.isoformat(), "amount": 20000,
            "termMonths": 12, "officialCode": "O-460203-001", "notes": "for goats"}  # fmt: skip
    api.data(RECORD_MEASURE, {"input": loan})
    api.data(RECORD_INCOME, {"input": income_input(FU_HOUSEHOLD, demo.year - 2, "j",
                                                   householdSize=4)})  # fmt: skip
    ref = {"ref": f"Household:{FU_HOUSEHOLD}"}
    edges = api.data(HISTORY, ref)["history"]["edges"]
    income, measure = edges[0]["node"], edges[1]["node"]
    assert (income["operation"], measure["operation"]) == ("recordIncome", "recordMeasure")
    (change,) = measure["changes"]
    assert change["field"] == "measures" and change["before"] is None
    assert change["after"]["amount"] == 20000 and change["after"]["official"] == "O-460203-001"
    assert "notes" not in change["after"]  # personal: never in the history
    (change,) = income["changes"]
    assert change["after"]["wages"] == 20000 and change["after"]["version"] == 1
    masked = api.data(HISTORY, ref, role=Role.INVESTIGATOR)["history"]["edges"][0]["node"]
    assert masked["changes"] == [{"field": "incomes", "before": None, "after": None}]
    # A poverty line belongs to no household: its change is recorded on the line.
    api.data("""mutation { setPovertyLine(input: {year: 2021, line: 4100, exitLine: 4200})
      { povertyLine { year line exitLine threshold } } }""")
    records = graph.execute_query(
        "MATCH (c:ChangeRecord)-[:CHANGED]->(l:PovertyLine {year: 2021}) "
        "RETURN c.entityType AS type, c.entityKey AS key, c.changes AS changes"
    )[0]
    assert [(r["type"], r["key"]) for r in records] == [("PovertyLine", "2021")]
    assert '"after": 4100' in records[0]["changes"]
    line = api.data("{ povertyLine(year: 2022) { year threshold } }")["povertyLine"]
    assert line == {"year": 2021, "threshold": 4200}
