"""Facts that cannot be true are refused, naming the field, with nothing written: a
visit or a pairing dated before the household was registered, a visit by an official
with no pairing with the household on that day (unless an official of the same unit
who held one is named in standingInFor, which is recorded), a sex the ID number
contradicts. The demo story and the generator hold none of them."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import run_on_db
from test_household_mutations import snapshot

from seeds.demo import FU_HOUSEHOLD, HUANG, LIN, WANG, WU, id_number, story
from seeds.generator import generate

BAD = "BAD_USER_INPUT"
VISIT = """mutation($input: RecordVisitInput!) {
  recordVisit(input: $input) { visit { id date standingInFor official { code } }
                               household { lastVisitDate } } }"""
PAIR = """mutation($input: PairOfficialInput!) {
  pairOfficial(input: $input) { pairing { id since } } }"""


def days_ago(as_of: dt.date, days: int) -> str:
    return (as_of - dt.timedelta(days=days)).isoformat()


def refused(api, graph, query, variables, field):
    before = snapshot(graph)
    error = api.error(query, variables)
    assert error["extensions"] == {"code": BAD, "field": field}, error
    assert snapshot(graph) == before
    return error


def visit(official: str, date: str, **extra):
    return {
        "input": {
            "clientMutationId": f"facts-visit-{official}-{date}",
            "householdCode": FU_HOUSEHOLD,
            "officialCode": official,
            "date": date,
            "purpose": "visit",
            **extra,
        }
    }


def registered(api) -> dt.date:
    day = api.data(f'{{ household(code: "{FU_HOUSEHOLD}") {{ registrationDate }} }}')
    return dt.date.fromisoformat(day["household"]["registrationDate"])


def test_nothing_happens_to_a_file_before_it_was_registered(api, demo, graph):
    before = (registered(api) - dt.timedelta(days=1)).isoformat()
    error = refused(api, graph, VISIT, visit(LIN, before), "input.date")
    assert "registered" in error["message"]
    pairing = {
        "input": {
            "clientMutationId": "facts-pair-1",
            "householdCode": FU_HOUSEHOLD,
            "officialCode": WANG,
            "role": "ASSISTING",
            "since": "1900-01-01",
        }
    }
    refused(api, graph, PAIR, pairing, "input.since")
    pairing["input"]["since"] = registered(api).isoformat()
    assert api.data(PAIR, pairing)["pairOfficial"]["pairing"]["since"] == pairing["input"]["since"]


def test_a_visit_needs_a_pairing_on_its_day(api, demo, graph):
    # Huang is paired with households in Wuzhishan only.
    refused(api, graph, VISIT, visit(HUANG, days_ago(demo, 3)), "input.officialCode")
    # Wu was responsible from D-300 to D-200 and assists from D-200: not paired on D-305
    # (after the registration), paired on D-250 and on D-3.
    assert registered(api) < demo - dt.timedelta(days=305)
    refused(api, graph, VISIT, visit(WU, days_ago(demo, 305)), "input.officialCode")
    for days in (250, 3):
        done = api.data(VISIT, visit(WU, days_ago(demo, days)))["recordVisit"]
        assert done["visit"]["standingInFor"] is None


def test_standing_in_is_explicit_and_recorded(api, demo, graph):
    unit = "Jiyang District Bureau of Agriculture and Rural Affairs"  # Lin's unit
    for code, name, its_unit in (
        ("O-460203-009", "Chen Jun", unit),
        ("O-460203-010", "Ma Li", "Other"),
    ):
        api.data(
            f'mutation {{ createOfficial(input: {{clientMutationId: "facts-new-{code}", '
            f'code: "{code}", name: "{name}", unit: "{its_unit}", maxLoad: 5}}) '
            "{ official { code } } }"
        )
    day = days_ago(demo, 2)
    # No pairing of their own: refused, and the message says how to stand in.
    error = refused(api, graph, VISIT, visit("O-460203-009", day), "input.officialCode")
    assert "standingInFor" in error["message"]
    # Standing in for someone of another unit, for someone with no pairing that day,
    # for oneself: refused on standingInFor.
    refused(api, graph, VISIT, visit("O-460203-010", day, standingInFor=LIN), "input.standingInFor")
    refused(
        api, graph, VISIT, visit("O-460203-009", day, standingInFor=HUANG), "input.standingInFor"
    )
    refused(
        api,
        graph,
        VISIT,
        visit("O-460203-009", day, standingInFor="O-nobody"),
        "input.standingInFor",
    )
    # A colleague of Lin's unit standing in for Lin, who was paired that day: recorded.
    done = api.data(VISIT, visit("O-460203-009", day, standingInFor=LIN))["recordVisit"]
    assert done["visit"]["official"]["code"] == "O-460203-009"
    assert done["visit"]["standingInFor"] == LIN
    assert done["household"]["lastVisitDate"] == day


def test_sex_must_fit_the_id_number(api, demo, graph):
    man = id_number("460203", dt.date(1980, 1, 1), 1)
    woman = id_number("460203", dt.date(1982, 2, 2), 2)
    register = """mutation($input: RegisterHouseholdInput!) {
      registerHousehold(input: $input) { household { members { person { sex } } } } }"""
    value = {
        "clientMutationId": "facts-register-1",
        "code": "4602031002010100",
        "villageCode": "460203100201",
        "mainCause": "ILLNESS",
        "members": [
            {"idNumber": man, "name": "Li Dawei", "relation": "HEAD", "sex": "FEMALE"},
        ],
    }
    refused(api, graph, register, {"input": value}, "input.members[0].sex")
    add = (
        """mutation($input: AddMemberInput!) { addMember(input: $input) { household { code } } }"""
    )
    member = {"idNumber": woman, "name": "Li Mei", "relation": "SPOUSE", "sex": "MALE"}
    refused(
        api,
        graph,
        add,
        {
            "input": {
                "clientMutationId": "facts-add-1",
                "householdCode": FU_HOUSEHOLD,
                "member": member,
            }
        },
        "input.member.sex",
    )
    fu = next(m for m in story(demo)["memberships"] if m["person"]["name"] == "Fu Wenqiang")
    update = f"""mutation {{ updateMember(input: {{householdCode: "{FU_HOUSEHOLD}",
      idNumber: "{fu["person"]["idNumber"]}", sex: FEMALE}}) {{ household {{ code }} }} }}"""
    refused(api, graph, update, None, "input.sex")
    # Given right, or left out (it is read from the ID number), it is accepted.
    value["members"][0]["sex"] = "MALE"
    value["members"].append({"idNumber": woman, "name": "Li Mei", "relation": "SPOUSE"})
    members = api.data(register, {"input": value})["registerHousehold"]["household"]["members"]
    assert [m["person"]["sex"] for m in members] == ["MALE", "FEMALE"]


# --- the seeds hold none of them ------------------------------------------------------

# Each rule restated as a query for what breaks it (the test's own oracle).
VIOLATIONS = {
    "a visit before the registration": """
        MATCH (v:Visit)-[:VISIT_TO]->(h:Household) WHERE v.date < h.registrationDate
        RETURN count(*) AS n""",
    "a pairing before the registration": """
        MATCH ()-[p:PAIRED_WITH]->(h:Household) WHERE p.since < h.registrationDate
        RETURN count(*) AS n""",
    "a visit by an official not paired that day": """
        MATCH (o:Official)-[:MADE_VISIT]->(v:Visit)-[:VISIT_TO]->(h:Household)
        WHERE NOT EXISTS {
          MATCH (s:Official)-[p:PAIRED_WITH]->(h)
          WHERE s.code = coalesce(v.standingInFor, o.code)
            AND p.since <= v.date AND (p.until IS NULL OR p.until > v.date) }
        RETURN count(*) AS n""",
    "a sex the ID number contradicts": """
        MATCH (p:Person)
        WHERE (toInteger(substring(p.idNumber, 16, 1)) % 2 = 1) <> (p.sex = 'MALE')
        RETURN count(*) AS n""",
    "a registration date outside its year": """
        MATCH (h:Household) WHERE h.registrationDate.year <> h.registrationYear
           OR h.registrationDate IS NULL
        RETURN count(*) AS n""",
}


def violations(graph) -> dict[str, int]:
    found = {rule: graph.execute_query(q)[0][0]["n"] for rule, q in VIOLATIONS.items()}
    return {rule: n for rule, n in found.items() if n}


def test_the_demo_story_holds_no_impossible_fact(demo, graph):
    records, _, _ = graph.execute_query("MATCH (v:Visit) RETURN count(v) AS n")
    assert records[0]["n"] > 10
    assert violations(graph) == {}


# (2,000 households of seed 1 as of 2026-12-01 hold an uncovered household whose only
# visit fell on the day its pairing ended: the case the generator moves a day back.)
@pytest.mark.parametrize("as_of", [dt.date(2020, 1, 1), dt.date(2026, 12, 1)])
def test_the_generator_holds_no_impossible_fact(api, graph, test_settings, as_of):
    run_on_db(test_settings, lambda db: generate(db, households=2000, seed=1, as_of=as_of))
    records, _, _ = graph.execute_query("MATCH (v:Visit:Generated) RETURN count(v) AS n")
    assert records[0]["n"] > 1000
    assert violations(graph) == {}


def test_the_demo_story_dates_hold_for_any_reference_date():
    """Without a database: for every reference date over four years, each household's
    registration lies in its year and before its first pairing, visit and membership."""
    day = dt.date(2024, 1, 1)
    while day < dt.date(2028, 1, 1):
        rows = story(day)
        registered = {h["code"]: h["properties"]["registrationDate"] for h in rows["households"]}
        for h in rows["households"]:
            assert h["properties"]["registrationDate"].year == h["properties"]["registrationYear"]
        for p in rows["pairings"]:
            assert p["since"] >= registered[p["householdCode"]], (day, p["id"])
        for v in rows["visits"]:
            assert v["properties"]["date"] >= registered[v["householdCode"]], (day, v["id"])
        day += dt.timedelta(days=5)
