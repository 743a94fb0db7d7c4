"""Who may see and do what: every root field and mutation under every role, on a small
story written through the API (two households in two counties, two officials).

    role                         sees                       writes
    ADMIN                        everything                 everything
    AUDITOR                      everything, unmasked       nothing
    INVESTIGATOR                 everything, masked         nothing
    REGION_OFFICER 460203        household A only           household A only
    REGION_OFFICER 469030        nothing (no households)    nothing
    FIELD_OFFICIAL OFF-A         household A (paired)       visits to A
    FIELD_OFFICIAL OFF-Z         nothing (no pairing)       nothing
    PUBLIC                       UNAUTHENTICATED everywhere

Out of scope answers as absent (null, NOT_FOUND, zero counts), never FORBIDDEN.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from api.auth import Role
from graph.validation import today_cst
from seeds.idnumber import make_id_number

VILLAGE_A = "460203100201"  # Shuinan, Jiyang district, Sanya
VILLAGE_B = "469001100201"  # Fanmao, Wuzhishan
HA = VILLAGE_A + "0001"
HB = VILLAGE_B + "0001"
ID_A1 = make_id_number("460203", dt.date(1971, 5, 1), 11)
ID_A2 = make_id_number("460203", dt.date(1973, 8, 9), 22)
ID_B1 = make_id_number("469001", dt.date(1965, 2, 3), 31)
ID_OFF_A = make_id_number("460200", dt.date(1980, 1, 2), 41)
ID_OFF_B = make_id_number("469001", dt.date(1982, 3, 4), 52)
NAME_A1, NAME_A2, NAME_B1 = "王小明", "陈美玲", "李四海"
PHONE_A, PHONE_B, PHONE_OFF_A = "13800138001", "13900139002", "13700137003"
BANK_A = "6222020200112233445"
ADDRESS_A = "Shuinan village, lane 3, house 12"
LAT_A, LON_A = 18.3521, 109.5712

PERSONAL_VALUES = [
    ID_A1, ID_A2, ID_B1, ID_OFF_A, ID_OFF_B, NAME_A1, NAME_A2, NAME_B1,
    PHONE_A, PHONE_B, PHONE_OFF_A, BANK_A, ADDRESS_A,
]  # fmt: skip


@dataclass(frozen=True)
class Caller:
    label: str
    role: Role
    scope: str | None = None

    def kw(self) -> dict[str, Any]:
        return {"role": self.role, "scope": self.scope}


ADMIN = Caller("admin", Role.ADMIN)
AUDITOR = Caller("auditor", Role.AUDITOR)
INVESTIGATOR = Caller("investigator", Role.INVESTIGATOR)
OFFICER_IN = Caller("region officer 460203", Role.REGION_OFFICER, "460203")
OFFICER_OUT = Caller("region officer 469030", Role.REGION_OFFICER, "469030")
FIELD_PAIRED = Caller("field official OFF-A", Role.FIELD_OFFICIAL, "OFF-A")
FIELD_UNPAIRED = Caller("field official OFF-Z", Role.FIELD_OFFICIAL, "OFF-Z")
PUBLIC = Caller("public", Role.PUBLIC)
CALLERS = [
    ADMIN,
    AUDITOR,
    INVESTIGATOR,
    OFFICER_IN,
    OFFICER_OUT,
    FIELD_PAIRED,
    FIELD_UNPAIRED,
    PUBLIC,
]

# What each caller sees of households A and B.
SEES = {
    ADMIN: {HA, HB},
    AUDITOR: {HA, HB},
    INVESTIGATOR: {HA, HB},
    OFFICER_IN: {HA},
    OFFICER_OUT: set(),
    FIELD_PAIRED: {HA},
    FIELD_UNPAIRED: set(),
}
UNMASKED = {ADMIN, AUDITOR, OFFICER_IN, FIELD_PAIRED}


def gql(api: Any, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    return api.data(query, variables, **kw)


def member(id_number: str, name: str, relation: str, phone: str | None = None) -> dict[str, Any]:
    m: dict[str, Any] = {"idNumber": id_number, "name": name, "relation": relation}
    if phone:
        m["phone"] = phone
    return m


REGISTER = """
mutation($input: RegisterHouseholdInput!) {
  registerHousehold(input: $input) { household { code version } }
}"""
CREATE_OFFICIAL = """
mutation($input: CreateOfficialInput!) { createOfficial(input: $input) { official { code } } }"""
PAIR = """
mutation($input: PairOfficialInput!) { pairOfficial(input: $input) { pairing { id } } }"""
VISIT = """
mutation($input: RecordVisitInput!) { recordVisit(input: $input) { visit { id } } }"""
RECORD_MEASURE = """mutation($input: RecordMeasureInput!) {
  recordMeasure(input: $input) { measure { id } } }"""


def build_story(api: Any, as_of: dt.date) -> None:
    """Households A (Sanya) and B (Wuzhishan), officials OFF-A and OFF-B paired with
    them, and a visit to A with a GPS point; all written by ADMIN through the API."""
    gql(api, REGISTER, {"input": {
        "clientMutationId": "story-register-a", "code": HA, "villageCode": VILLAGE_A,
        "mainCause": "ILLNESS", "address": ADDRESS_A, "headPhone": PHONE_A,
        "bankAccount": BANK_A, "registrationYear": 2016,
        "members": [member(ID_A1, NAME_A1, "HEAD", PHONE_A), member(ID_A2, NAME_A2, "SPOUSE")],
    }})  # fmt: skip
    gql(api, REGISTER, {"input": {
        "clientMutationId": "story-register-b", "code": HB, "villageCode": VILLAGE_B,
        "mainCause": "LACK_OF_SKILLS", "headPhone": PHONE_B, "registrationYear": 2017,
        "members": [member(ID_B1, NAME_B1, "HEAD")],
    }})  # fmt: skip
    for code, id_number, phone in (("OFF-A", ID_OFF_A, PHONE_OFF_A), ("OFF-B", ID_OFF_B, None)):
        official: dict[str, Any] = {
            "clientMutationId": f"story-official-{code}", "code": code,
            "name": f"Official {code}", "maxLoad": 10, "idNumber": id_number,
        }  # fmt: skip
        if phone:
            official["phone"] = phone
        gql(api, CREATE_OFFICIAL, {"input": official})
    for code, household in (("OFF-A", HA), ("OFF-B", HB)):
        # Paired a month before the visit below: a visit needs a pairing on its day.
        gql(api, PAIR, {"input": {
            "clientMutationId": f"story-pair-{code}", "householdCode": household,
            "officialCode": code, "role": "RESPONSIBLE",
            "since": (as_of - dt.timedelta(days=30)).isoformat(),
        }})  # fmt: skip
    gql(api, VISIT, {"input": {
        "clientMutationId": "story-visit-a", "householdCode": HA, "officialCode": "OFF-A",
        "date": as_of.isoformat() if as_of <= today_cst() else today_cst().isoformat(),
        "purpose": "income check", "notes": "spoke with the head", "latitude": LAT_A,
        "longitude": LON_A,
    }})  # fmt: skip


def load_regions(settings: Any) -> None:
    """The region tree of the demo without its households: the story's counts are
    then exactly the story's."""
    from conftest import run_on_db

    from graph.bulk import upsert_regions
    from seeds.demo import PLACES
    from seeds.regions import hainan

    async def work(db: Any) -> None:
        await db.write(lambda tx: upsert_regions(tx, [*hainan(), *PLACES]))

    run_on_db(settings, work)


def make_story(api: Any, settings: Any) -> Any:
    load_regions(settings)
    build_story(api, today_cst() - dt.timedelta(days=3))
    return api


@pytest.fixture()
def story(api: Any, test_settings: Any) -> Any:
    return make_story(api, test_settings)


def counts(graph: Any) -> tuple[int, int]:
    """Nodes and relationships of the file, the change history left out (a write
    records its changes: tests/test_history.py checks those)."""
    records, _, _ = graph.execute_query(
        "CALL () { MATCH (n) WHERE NOT n:ChangeRecord RETURN count(n) AS nodes } "
        "CALL () { MATCH ()-[r]->() WHERE type(r) <> 'CHANGED' RETURN count(r) AS rels } "
        "RETURN nodes, rels"
    )
    return records[0]["nodes"], records[0]["rels"]


def error_codes(body: dict[str, Any]) -> set[str]:
    return {e["extensions"]["code"] for e in body.get("errors") or []}


# --- reads ---------------------------------------------------------------------------

HOUSEHOLD = """query($code: String!) {
  household(code: $code) { code headPhone bankAccount address
    members { person { idNumber name phone } }
    officials { official { code idNumber phone } }
    latestVisits { latitude longitude notes } } }"""
HOUSEHOLDS = "{ households(first: 100) { totalCount edges { node { code } } } }"
REGION_COUNTS = """{ p: region(code: "460000") { householdCount personCount }
  s: region(code: "460203") { householdCount personCount
     children { code householdCount } }
  w: region(code: "469001") { householdCount } }"""
PERSON = (
    "query($id: String!) { person(idNumber: $id) "
    "{ idNumber name households { household { code } } } }"
)
OFFICIAL = "query($code: String!) { official(code: $code) { code idNumber phone } }"
READS = [
    (HOUSEHOLD, {"code": HA}),
    (HOUSEHOLDS, {}),
    (REGION_COUNTS, {}),
    (PERSON, {"id": ID_A1}),
    (OFFICIAL, {"code": "OFF-A"}),
]


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_household_by_code(story, caller):
    for code in (HA, HB):
        body = story.post(HOUSEHOLD, {"code": code}, **caller.kw())
        if caller is PUBLIC:
            assert error_codes(body) == {"UNAUTHENTICATED"}
            assert body["data"] == {"household": None}
            continue
        assert "errors" not in body, body  # out of scope is null, never an error
        found = body["data"]["household"]
        assert (found is not None) == (code in SEES[caller]), (caller.label, code)


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_households_list_and_total_respect_scope(story, caller):
    body = story.post(HOUSEHOLDS, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    page = body["data"]["households"]
    assert {e["node"]["code"] for e in page["edges"]} == SEES[caller]
    assert page["totalCount"] == len(SEES[caller])
    # Filtering on a region out of scope finds nothing rather than an error.
    body = story.post(
        '{ households(where: {regionCode: "469001"}) { totalCount edges { node { code } } } }',
        **caller.kw(),
    )
    assert body["data"]["households"]["totalCount"] == len(SEES[caller] & {HB})


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_region_counts_respect_scope(story, caller):
    body = story.post(REGION_COUNTS, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    assert "errors" not in body, body
    data = body["data"]
    seen = SEES[caller]
    people = (2 if HA in seen else 0) + (1 if HB in seen else 0)
    assert data["p"] == {"householdCount": len(seen), "personCount": people}
    assert data["s"]["householdCount"] == (1 if HA in seen else 0)
    assert data["w"]["householdCount"] == (1 if HB in seen else 0)
    # Nested counts (batched by the DataLoader) are scoped too.
    assert sum(c["householdCount"] for c in data["s"]["children"]) == (1 if HA in seen else 0)


@pytest.mark.parametrize(
    "caller", [c for c in CALLERS if c is not INVESTIGATOR], ids=lambda c: c.label
)
def test_person_and_official_follow_the_household(story, caller):
    for id_number, household in ((ID_A1, HA), (ID_B1, HB)):
        body = story.post(PERSON, {"id": id_number}, **caller.kw())
        if caller is PUBLIC:
            assert error_codes(body) == {"UNAUTHENTICATED"}
            continue
        assert "errors" not in body, body
        assert (body["data"]["person"] is not None) == (household in SEES[caller])
    for code, household in (("OFF-A", HA), ("OFF-B", HB)):
        body = story.post(OFFICIAL, {"code": code}, **caller.kw())
        if caller is PUBLIC:
            assert error_codes(body) == {"UNAUTHENTICATED"}
            continue
        assert "errors" not in body, body
        visible = household in SEES[caller]
        assert (body["data"]["official"] is not None) == visible, (caller.label, code)


def test_investigator_cannot_look_people_up_by_id_number(story):
    body = story.post(PERSON, {"id": ID_A1}, **INVESTIGATOR.kw())
    assert body["data"]["person"] is None


@pytest.mark.parametrize("caller", [c for c in CALLERS if c is not PUBLIC], ids=lambda c: c.label)
def test_what_is_masked(story, caller):
    if HA not in SEES[caller]:
        return
    household = story.data(HOUSEHOLD, {"code": HA}, **caller.kw())["household"]
    people = [m["person"] for m in household["members"]]
    official = household["officials"][0]["official"]
    visit = household["latestVisits"][0]
    if caller in UNMASKED:
        assert household["headPhone"] == PHONE_A
        assert household["bankAccount"] == BANK_A
        assert household["address"] == ADDRESS_A
        assert {p["idNumber"] for p in people} == {ID_A1, ID_A2}
        assert {p["name"] for p in people} == {NAME_A1, NAME_A2}
        assert (official["idNumber"], official["phone"]) == (ID_OFF_A, PHONE_OFF_A)
        assert (visit["latitude"], visit["longitude"]) == (LAT_A, LON_A)
    else:
        assert household["headPhone"] == PHONE_A[:3] + "****" + PHONE_A[-4:]
        assert household["bankAccount"] == "****" + BANK_A[-4:]
        assert household["address"] is None
        assert {p["idNumber"] for p in people} == {
            i[:6] + "********" + i[-4:] for i in (ID_A1, ID_A2)
        }
        assert {p["name"] for p in people} == {NAME_A1[0] + "**", NAME_A2[0] + "**"}
        assert official["idNumber"] == ID_OFF_A[:6] + "********" + ID_OFF_A[-4:]
        assert official["phone"] == PHONE_OFF_A[:3] + "****" + PHONE_OFF_A[-4:]
        assert (visit["latitude"], visit["longitude"], visit["notes"]) == (None, None, None)


# --- writes --------------------------------------------------------------------------


def household_version(api: Any, code: str) -> int:
    version: int = api.data("query($c: String!) { household(code: $c) { version } }", {"c": code})[
        "household"
    ]["version"]
    return version


def pairing_id(api: Any, code: str) -> str:
    household = api.data(
        "query($c: String!) { household(code: $c) { officials { id } } }", {"c": code}
    )["household"]
    return str(household["officials"][0]["id"])


def mutation_text(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ household {{ code }} }} }}"


def measure_on_b(api: Any) -> str:
    """A measure of household B, recorded by ADMIN the first time it is asked for."""
    query = "query($c: String!) { household(code: $c) { measures { edges { node { id } } } } }"
    edges = api.data(query, {"c": HB})["household"]["measures"]["edges"]
    if edges:
        return str(edges[0]["node"]["id"])
    created = api.data(RECORD_MEASURE, {"input": {
        "clientMutationId": "matrix-measure-b", "householdCode": HB, "category": "SUPPLIES",
        "date": today_cst().isoformat(), "quantity": 20, "unit": "kg",
        "agency": "Tongshi Town Government"}})  # fmt: skip
    return str(created["recordMeasure"]["measure"]["id"])


FEEDBACK_MUTATION = "mutation($input: {1}!) {{ {0}(input: $input) {{ feedback {{ id }} }} }}"


def feedback_on(api: Any, code: str) -> str:
    """OPEN feedback on the household, submitted by ADMIN the first time it is asked for."""
    query = "query($c: String!) { household(code: $c) { feedback { edges { node { id } } } } }"
    edges = api.data(query, {"c": code})["household"]["feedback"]["edges"]
    if edges:
        return str(edges[0]["node"]["id"])
    submit = {"clientMutationId": f"matrix-feedback-{code}", "householdCode": code,
              "source": "HOUSEHOLD", "category": "COMPLAINT", "text": "no water yet"}  # fmt: skip
    query = FEEDBACK_MUTATION.format("submitFeedback", "SubmitFeedbackInput")
    created = api.data(query, {"input": submit})
    return str(created["submitFeedback"]["feedback"]["id"])


def mutations_on_b(api: Any, today: dt.date) -> list[tuple[str, str, dict[str, Any]]]:
    """Every household mutation aimed at household B (Wuzhishan, paired with OFF-B),
    setPovertyLine, and the exits."""
    version = household_version(api, HB)
    measure = measure_on_b(api)
    feedback = feedback_on(api, HB)
    new_id = make_id_number("469001", dt.date(1990, 6, 7), 61)
    other_id = make_id_number("469001", dt.date(1992, 6, 7), 71)
    return [
        ("registerHousehold", REGISTER, {
            "clientMutationId": "matrix-register", "code": VILLAGE_B + "0002",
            "villageCode": VILLAGE_B, "mainCause": "ILLNESS",
            "members": [member(new_id, "Newcomer", "HEAD")]}),
        ("updateHousehold",
         mutation_text("updateHousehold", "UpdateHouseholdInput"),
         {"code": HB, "expectedVersion": version, "address": "changed"}),
        ("addMember",
         "mutation($input: AddMemberInput!) { addMember(input: $input) { household { code } } }",
         {"clientMutationId": "matrix-add-member", "householdCode": HB,
          "member": member(other_id, "Newcomer", "SON")}),
        ("updateMember",
         mutation_text("updateMember", "UpdateMemberInput"),
         {"householdCode": HB, "idNumber": ID_B1, "name": "Renamed"}),
        ("endMembership",
         mutation_text("endMembership", "EndMembershipInput"),
         {"householdCode": HB, "idNumber": ID_B1, "reason": "MOVED_AWAY",
          "date": today.isoformat()}),
        ("deregisterHousehold",
         mutation_text("deregisterHousehold", "DeregisterHouseholdInput"),
         {"code": HB, "expectedVersion": version, "reason": "DUPLICATE"}),
        ("pairOfficial", PAIR,
         {"clientMutationId": "matrix-pair", "householdCode": HB, "officialCode": "OFF-A",
          "role": "ASSISTING"}),
        ("endPairing",
         "mutation($input: EndPairingInput!) { endPairing(input: $input) { pairing { id } } }",
         {"pairingId": pairing_id(api, HB)}),
        ("recordVisit", VISIT,
         {"clientMutationId": "matrix-visit", "householdCode": HB, "date": today.isoformat(),
          "purpose": "check", "officialCode": "OFF-B"}),
        ("createOfficial", CREATE_OFFICIAL,
         {"clientMutationId": "matrix-official", "code": "OFF-NEW", "name": "New", "maxLoad": 5}),
        ("recordMeasure", RECORD_MEASURE,
         {"clientMutationId": "matrix-measure", "householdCode": HB, "category": "INDUSTRY",
          "date": today.isoformat(), "quantity": 100, "unit": "seedlings",
          "agency": "Wuzhishan Forestry Bureau"}),
        ("voidMeasure",
         "mutation($input: VoidMeasureInput!) { voidMeasure(input: $input) { measure { id } } }",
         {"measureId": measure, "reason": "recorded twice"}),
        ("recordIncome",
         "mutation($input: RecordIncomeInput!) { recordIncome(input: $input) "
         "{ income { id } } }",
         {"clientMutationId": "matrix-income", "householdCode": HB, "year": today.year - 1,
          "items": {"wages": 3000}, "householdSize": 1}),
        ("setPovertyLine",
         "mutation($input: SetPovertyLineInput!) { setPovertyLine(input: $input) "
         "{ povertyLine { year } } }",
         {"year": today.year, "line": 4500}),
        # After setPovertyLine: a line is in force this year (a failed assessment: no
        # income record).
        ("assessExit",
         "mutation($input: AssessExitInput!) { assessExit(input: $input) "
         "{ assessment { id passed } } }",
         {"clientMutationId": "matrix-assess", "householdCode": HB, "year": today.year,
          "verifiedBy": "OFF-B", "foodSecure": True, "clothingSecure": True,
          "villageConfirmed": True}),
        ("returnToPoverty", mutation_text("returnToPoverty", "ReturnToPovertyInput"),
         {"clientMutationId": "matrix-return", "householdCode": HB, "cause": "ILLNESS"}),
        ("setRuralPopulation",
         "mutation($input: SetRuralPopulationInput!) { setRuralPopulation(input: $input) "
         "{ region { code ruralPopulation } } }",
         {"regionCode": VILLAGE_B, "ruralPopulation": 900}),
        # Monitoring and feedback (issue 13).
        ("startMonitoring", mutation_text("startMonitoring", "StartMonitoringInput"),
         {"clientMutationId": "matrix-monitor", "householdCode": HB,
          "group": "SUDDEN_HARDSHIP", "riskTypes": ["ILLNESS"]}),
        ("endMonitoring", mutation_text("endMonitoring", "EndMonitoringInput"),
         {"householdCode": HB, "reason": "RISK_REMOVED"}),
        ("submitFeedback", FEEDBACK_MUTATION.format("submitFeedback", "SubmitFeedbackInput"),
         {"clientMutationId": "matrix-feedback", "householdCode": HB, "source": "HOUSEHOLD",
          "category": "REQUEST", "text": "a request"}),
        ("answerFeedback", FEEDBACK_MUTATION.format("answerFeedback", "AnswerFeedbackInput"),
         {"feedbackId": feedback, "answer": "an answer"}),
        ("closeFeedback", FEEDBACK_MUTATION.format("closeFeedback", "CloseFeedbackInput"),
         {"feedbackId": feedback}),
    ]  # fmt: skip


def expected_denial(caller: Caller, mutation: str) -> set[str] | None:
    """The error codes `caller` must get for `mutation` on household B; None if allowed."""
    if caller is PUBLIC:
        return {"UNAUTHENTICATED"}
    if caller is ADMIN:
        return None
    if caller in (AUDITOR, INVESTIGATOR):
        return {"FORBIDDEN"}
    if caller.role is Role.FIELD_OFFICIAL:
        # Field officials record visits, measures and incomes (of their own households
        # only), nothing else.
        recording = mutation in (
            "recordVisit",
            "recordMeasure",
            "recordIncome",
            "startMonitoring",
            "submitFeedback",
        )
        return {"NOT_FOUND"} if recording else {"FORBIDDEN"}
    if mutation == "createOfficial":
        return None  # officials belong to no region
    if mutation in ("registerHousehold", "setPovertyLine", "setRuralPopulation"):
        # Villages are public; writing outside the subtree is not. A poverty line and
        # the rural populations (the statistics' denominators) are ADMIN's.
        return {"FORBIDDEN"}
    return {"NOT_FOUND"}  # a region officer, and household B is out of their subtree


DENIED_CALLERS = [c for c in CALLERS if c is not ADMIN]


@pytest.mark.parametrize("caller", DENIED_CALLERS, ids=lambda c: c.label)
def test_mutations_outside_scope_change_nothing(story, graph, caller):
    today = today_cst()
    for name, query, variables in mutations_on_b(story, today):
        expected = expected_denial(caller, name)
        before = counts(graph)
        version = household_version(story, HB)
        if caller.role is Role.FIELD_OFFICIAL and name == "recordVisit":
            variables.pop("officialCode", None)  # theirs by default
        body = story.post(query, {"input": variables}, **caller.kw())
        if expected is None:
            assert "errors" not in body, (caller.label, name, body)
            continue
        assert error_codes(body) == expected, (caller.label, name, body)
        assert counts(graph) == before, (caller.label, name)
        assert household_version(story, HB) == version, (caller.label, name)


def test_admin_may_run_every_mutation(story, graph):
    for name, query, variables in mutations_on_b(story, today_cst()):
        if name in ("endMembership", "deregisterHousehold", "endPairing"):
            continue  # each would make the next ones moot; they run in the scoped tests
        if name == "returnToPoverty":
            continue  # B never exited: tests/test_exit.py returns an EXITED household
        body = story.post(query, {"input": variables})
        assert "errors" not in body, (name, body)


def test_region_officer_writes_in_scope(story):
    version = household_version(story, HA)
    body = story.post(
        "mutation($input: UpdateHouseholdInput!) { updateHousehold(input: $input) "
        "{ household { address } } }",
        {"input": {"code": HA, "expectedVersion": version, "address": "new address"}},
        **OFFICER_IN.kw(),
    )
    assert body["data"]["updateHousehold"]["household"]["address"] == "new address"


def test_region_officer_cannot_move_a_household_out(story):
    version = household_version(story, HA)
    body = story.post(
        "mutation($input: UpdateHouseholdInput!) { updateHousehold(input: $input) "
        "{ household { code } } }",
        {"input": {"code": HA, "expectedVersion": version, "newCode": VILLAGE_B + "0009",
                   "villageCode": VILLAGE_B}},
        **OFFICER_IN.kw(),
    )  # fmt: skip
    assert body.get("errors"), body
    assert error_codes(body) <= {"NOT_FOUND", "FORBIDDEN", "BAD_USER_INPUT"}
    assert story.data(HOUSEHOLD, {"code": HA})["household"]["code"] == HA


def test_field_official_records_visits_only_where_paired(story, graph):
    today = today_cst().isoformat()
    visit = {"clientMutationId": "matrix-own-visit", "householdCode": HA, "date": today,
             "purpose": "follow-up"}  # fmt: skip
    body = story.post(VISIT, {"input": visit}, **FIELD_PAIRED.kw())
    assert "errors" not in body, body
    before = counts(graph)
    other = {**visit, "clientMutationId": "matrix-unpaired-visit"}
    body = story.post(VISIT, {"input": other}, **FIELD_UNPAIRED.kw())
    assert error_codes(body) == {"NOT_FOUND"}
    # Nor in another official's name.
    body = story.post(
        VISIT,
        {"input": {**visit, "clientMutationId": "matrix-as-other", "officialCode": "OFF-B"}},
        **FIELD_PAIRED.kw(),
    )
    assert body.get("errors")
    assert counts(graph) == before


# --- pairing coverage and the officials list -----------------------------------------

# As of today both households have a RESPONSIBLE official; as of yesterday neither had
# (the story pairs them today). With a one-day window both are overdue (A was visited
# three days ago, B never). So `now` lists every visible household as covered and
# overdue, `before` every visible household as uncovered.
COVERAGE = """query($before: Date!) {
  now: pairingCoverage(regionCode: "460000", visitWithinDays: 1) {
    households coveredHouseholds overdueHouseholds
    uncovered(first: 100) { edges { node { code } } }
    overdue(first: 100) { edges { node { code headPhone
      members { person { idNumber phone } } } } } }
  before: pairingCoverage(regionCode: "460000", visitWithinDays: 1, asOf: $before) {
    households coveredHouseholds
    uncovered(first: 100) { edges { node { code headPhone
      members { person { idNumber phone } } } } } } }"""
OFFICIALS = "{ officials(first: 100) { totalCount edges { node { code idNumber phone } } } }"
# The officials each caller may see: those paired with a household they see.
OFFICIAL_OF = {HA: "OFF-A", HB: "OFF-B"}


def codes_of(connection: dict[str, Any]) -> set[str]:
    return {e["node"]["code"] for e in connection["edges"]}


def masked_id(value: str) -> str:
    return value[:6] + "********" + value[-4:]


def masked_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:]


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_pairing_coverage_respects_scope(story, caller):
    # Before the story's pairings began (a month before its visit, 3 days ago).
    before_pairings = (today_cst() - dt.timedelta(days=40)).isoformat()
    body = story.post(COVERAGE, {"before": before_pairings}, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        assert body["data"] is None or set(body["data"].values()) == {None}
        return
    assert "errors" not in body, body
    now, before = body["data"]["now"], body["data"]["before"]
    seen = SEES[caller]
    assert now["households"] == now["coveredHouseholds"] == len(seen), caller.label
    assert now["overdueHouseholds"] == len(seen), caller.label
    assert codes_of(now["uncovered"]) == set()
    assert codes_of(now["overdue"]) == seen, caller.label
    assert (before["households"], before["coveredHouseholds"]) == (len(seen), 0), caller.label
    assert codes_of(before["uncovered"]) == seen, caller.label
    # The drill-down nodes are masked like any household.
    nodes = [e["node"] for e in now["overdue"]["edges"] + before["uncovered"]["edges"]]
    ids = {p["person"]["idNumber"] for n in nodes for p in n["members"]}
    phones = {n["code"]: n["headPhone"] for n in nodes}
    expected_ids: set[str] = set()
    if HA in seen:
        expected_ids |= {ID_A1, ID_A2}
    if HB in seen:
        expected_ids |= {ID_B1}
    head_phone = {HA: PHONE_A, HB: PHONE_B}
    if caller in UNMASKED:
        assert ids == expected_ids
        assert phones == {h: head_phone[h] for h in seen}
    else:
        assert ids == {masked_id(i) for i in expected_ids}
        assert phones == {h: masked_phone(head_phone[h]) for h in seen}


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_officials_list_respects_scope(story, caller):
    body = story.post(OFFICIALS, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    assert "errors" not in body, body
    page = body["data"]["officials"]
    visible = {OFFICIAL_OF[h] for h in SEES[caller]}
    assert codes_of(page) == visible, caller.label
    assert page["totalCount"] == len(visible), caller.label
    nodes = {e["node"]["code"]: e["node"] for e in page["edges"]}
    if "OFF-A" in nodes:
        official = nodes["OFF-A"]
        if caller in UNMASKED:
            assert (official["idNumber"], official["phone"]) == (ID_OFF_A, PHONE_OFF_A)
        else:
            assert official["idNumber"] == masked_id(ID_OFF_A)
            assert official["phone"] == masked_phone(PHONE_OFF_A)
    if "OFF-B" in nodes and caller not in UNMASKED:
        assert nodes["OFF-B"]["idNumber"] == masked_id(ID_OFF_B)
    # No personal value leaks unmasked to a masked role anywhere in the answer.
    if caller not in UNMASKED:
        text = str(body)
        assert not [v for v in PERSONAL_VALUES if v in text], caller.label


# --- exploring the graph -------------------------------------------------------------

EXPLORE = """query($ref: String!, $from: String!, $to: String!, $key: String!) {
  neighborhood(ref: $ref, depth: 2) { truncated
    nodes { ref type label properties { name value } }
    edges { type from to properties { name value } } }
  paths(from: $from, to: $to) { nodes { ref label properties { name value } } }
  entity(key: $key) { ref label properties { name value } } }"""
EXPLORERS = {ADMIN, AUDITOR, INVESTIGATOR}


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_exploring_the_graph(story, caller):
    """Only roles that see every record explore (a scope would cut every path);
    INVESTIGATOR with personal values masked, people named by their random refs."""
    variables = {"ref": f"Household:{HA}", "from": f"Household:{HA}", "to": "Official:OFF-A"}
    variables["key"] = ID_A1
    body = story.post(EXPLORE, variables, **caller.kw())
    if caller not in EXPLORERS:
        expected = "UNAUTHENTICATED" if caller is PUBLIC else "FORBIDDEN"
        assert error_codes(body) == {expected}, caller.label
        assert len(body["errors"]) == 3
        assert body["data"] is None  # paths is a non-null list
        return
    assert "errors" not in body, body
    data = body["data"]
    nodes = {n["ref"]: n for n in data["neighborhood"]["nodes"]}
    people = [n for n in nodes.values() if n["type"] == "PERSON"]
    assert {"Household:" + HA, "Official:OFF-A", "Region:" + VILLAGE_A} <= set(nodes)
    assert len(people) == 2
    assert not [n for n in nodes if HB in n]  # B shares nothing with A within 2 steps
    (path,) = data["paths"]
    assert [n["ref"] for n in path["nodes"]] == ["Household:" + HA, "Official:OFF-A"]
    ids = {p["value"] for n in people for p in n["properties"] if p["name"] == "idNumber"}
    labels = {n["label"] for n in people}
    text = str(body)
    if caller is INVESTIGATOR:
        assert ids == {masked_id(ID_A1), masked_id(ID_A2)}
        assert labels == {NAME_A1[0] + "**", NAME_A2[0] + "**"}
        assert data["entity"] is None  # no lookup by an ID number it may not see
        assert not [v for v in PERSONAL_VALUES if v in text]
        assert str(LAT_A) not in text and "spoke with the head" not in text
    else:
        assert ids == {ID_A1, ID_A2}
        assert labels == {NAME_A1, NAME_A2}
        assert data["entity"]["ref"] in {n["ref"] for n in people}
        assert str(LAT_A) in text
    for node in people:  # named by a random UUID, whoever asks
        assert uuid.UUID(node["ref"].removeprefix("Person:")).version == 4


# --- measures, incomes and poverty lines ------------------------------------------------

SUPPORT = """query($code: String!) { household(code: $code) {
  measures { totalCount edges { node { notes recipient { name } deliveredBy { code } } } }
  incomes { year perCapitaNet wages } latestPerCapitaNet } }"""
LINES = "{ povertyLines { year threshold } povertyLine(year: 2026) { year threshold } }"


@pytest.fixture()
def support_story(story: Any, test_settings: Any) -> Any:
    """The story with the national poverty lines, a measure (with notes, received by the
    head, delivered by the paired official) and an income record on each household."""
    from conftest import run_on_db

    from graph.poverty_line import MERGE_POVERTY_LINES

    async def lines(db: Any) -> None:
        await db.run_autocommit(MERGE_POVERTY_LINES)

    run_on_db(test_settings, lines)
    from graph.validation import today_cst

    day = today_cst().isoformat()  # the members joined today (the story's registrations)
    for code, head, official in ((HA, ID_A1, "OFF-A"), (HB, ID_B1, "OFF-B")):
        gql(story, RECORD_MEASURE, {"input": {
            "clientMutationId": f"support-measure-{code}", "householdCode": code,
            "category": "MEDICAL_TREATMENT", "date": day, "amount": 2000,
            "memberIdNumber": head, "officialCode": official, "notes": "heart surgery",
        }})  # fmt: skip
        gql(story, "mutation($input: RecordIncomeInput!) { recordIncome(input: $input) "
            "{ income { id } } }", {"input": {
                "clientMutationId": f"support-income-{code}", "householdCode": code,
                "year": today_cst().year - 1, "items": {"wages": 9000},
                "householdSize": 2 if code == HA else 1}})  # fmt: skip
    return story


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_measures_and_incomes_by_role(support_story, caller):
    heads = {HA: NAME_A1, HB: NAME_B1}
    for code in (HA, HB):
        body = support_story.post(SUPPORT, {"code": code}, **caller.kw())
        if caller is PUBLIC:
            assert error_codes(body) == {"UNAUTHENTICATED"}
            continue
        assert "errors" not in body, body
        found = body["data"]["household"]
        if code not in SEES[caller]:
            assert found is None, (caller.label, code)
            continue
        (node,) = [e["node"] for e in found["measures"]["edges"]]
        assert found["measures"]["totalCount"] == 1
        if caller in UNMASKED:
            assert node["notes"] == "heart surgery"
            assert node["recipient"]["name"] == heads[code]
            assert [(r["wages"], r["perCapitaNet"]) for r in found["incomes"]] == [
                (9000, 9000 // (2 if code == HA else 1))
            ]
            assert found["latestPerCapitaNet"] == found["incomes"][0]["perCapitaNet"]
        else:
            assert node["notes"] is None
            assert node["recipient"]["name"] == heads[code][0] + "**"
            assert found["incomes"] is None and found["latestPerCapitaNet"] is None
            assert "heart surgery" not in str(body) and "9000" not in str(body)


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_poverty_lines_for_every_role(support_story, caller):
    body = support_story.post(LINES, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    assert "errors" not in body, body
    assert body["data"]["povertyLine"] == {"year": 2020, "threshold": 4000}
    assert [r["year"] for r in body["data"]["povertyLines"]] == list(range(2015, 2021))


def test_in_scope_writers_record_measures_and_incomes(support_story):
    today = today_cst().isoformat()
    measure = {"clientMutationId": "scope-measure-a", "householdCode": HA,
               "category": "SUPPLIES", "date": today, "quantity": 5, "unit": "kg",
               "agency": "Fenghuang Town Government"}  # fmt: skip
    body = support_story.post(RECORD_MEASURE, {"input": measure}, **OFFICER_IN.kw())
    assert "errors" not in body, body
    mine = {**measure, "clientMutationId": "scope-measure-field", "agency": None}
    body = support_story.post(
        "mutation($input: RecordMeasureInput!) { recordMeasure(input: $input) "
        "{ measure { deliveredBy { code } } } }",
        {"input": mine},
        **FIELD_PAIRED.kw(),
    )
    assert body["data"]["recordMeasure"]["measure"]["deliveredBy"] == {"code": "OFF-A"}


# --- the field app's sync ------------------------------------------------------------

SYNC = """mutation($input: SyncFieldRecordsInput!) {
  syncFieldRecords(input: $input) { results { clientId status code id } } }"""
SYNC_STATUS = "query($ids: [String!]!) { syncStatus(clientIds: $ids) { clientId status id } }"


def sync_visit(caller: Caller, household: str, official: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "clientId": f"matrix-sync-{household}-{caller.role.value}-{caller.scope}".replace(
            " ", "-"
        )[:64],
        "recordedAt": dt.datetime.now(dt.UTC).isoformat(),
        "householdCode": household, "date": today_cst().isoformat(), "purpose": "sync",
    }  # fmt: skip
    if caller.role is not Role.FIELD_OFFICIAL:
        record["officialCode"] = official
    return {"visit": record}


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_field_records_sync_within_scope(story, graph, caller):
    """syncFieldRecords and syncStatus: the field app's users (ADMIN, REGION_OFFICER,
    FIELD_OFFICIAL), each record in the caller's scope (out of it: NOT_FOUND, nothing
    written); the roles that record nothing FORBIDDEN, the public UNAUTHENTICATED."""
    records = [sync_visit(caller, HA, "OFF-A"), sync_visit(caller, HB, "OFF-B")]
    variables = {"input": {"deviceId": "matrix-phone-1", "records": records}}
    ids = [r["visit"]["clientId"] for r in records]
    before = counts(graph)
    body = story.post(SYNC, variables, **caller.kw())
    status = story.post(SYNC_STATUS, {"ids": ids}, **caller.kw())
    if caller in (PUBLIC, AUDITOR, INVESTIGATOR):
        code = {"UNAUTHENTICATED"} if caller is PUBLIC else {"FORBIDDEN"}
        assert error_codes(body) == code and error_codes(status) == code, caller.label
        assert counts(graph) == before
        return
    assert "errors" not in body and "errors" not in status, (body, status)
    results = body["data"]["syncFieldRecords"]["results"]
    expected = [
        ("STORED", None) if household in SEES[caller] else ("REJECTED", "NOT_FOUND")
        for household in (HA, HB)
    ]
    assert [(r["status"], r["code"]) for r in results] == expected, caller.label
    assert [s["status"] for s in status["data"]["syncStatus"]] == [
        "STORED" if household in SEES[caller] else "UNKNOWN" for household in (HA, HB)
    ]


STATUS = """query($code: String!) { household(code: $code) {
  status statusOn statusHistory { from to reason } assessments { year perCapitaNet
    checks { check passed members { name } } } } }"""


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_status_history_and_assessments_by_role(story, caller):
    """Every household reader sees the history and assessments of the households in
    scope; only roles with personal data see perCapitaNet."""
    assessed = story.post(
        "mutation($input: AssessExitInput!) { assessExit(input: $input) { assessment { id } } }",
        {"input": {"clientMutationId": "matrix-status-assess", "householdCode": HA,
                   "year": 2020, "date": "2020-12-01", "verifiedBy": "OFF-A",
                   "foodSecure": True, "clothingSecure": True, "villageConfirmed": False}},
    )  # fmt: skip
    # No line in force in the story (BAD_USER_INPUT on input.year): nothing stored.
    assert error_codes(assessed) == {"BAD_USER_INPUT"}
    for code in (HA, HB):
        body = story.post(STATUS, {"code": code}, **caller.kw())
        if caller is PUBLIC:
            assert error_codes(body) == {"UNAUTHENTICATED"}
            continue
        assert "errors" not in body, body
        found = body["data"]["household"]
        if code not in SEES[caller]:
            assert found is None, (caller.label, code)
            continue
        assert found["statusHistory"] == [
            {"from": None, "to": "REGISTERED", "reason": "REGISTERED"}
        ]
        assert found["statusOn"] == found["status"] == "REGISTERED"
        assert found["assessments"] == []


# --- monitoring and feedback (issue 13) ------------------------------------------------

WATCHED = """{ atRiskHouseholds(regionCode: "460000") { totalCount
  edges { node { household { code } triggers } } } }"""
FEEDBACK_READ = """{ feedback(first: 100) { totalCount edges { node { householdCode text
  answer } } } }"""
MONITORING_READ = """query($code: String!) { household(code: $code) { monitored
  monitoring { group note } feedback { totalCount edges { node { text } } } } }"""


@pytest.fixture()
def watched_story(story: Any) -> Any:
    """The story with both households hit by a sudden hardship (a record with a note)
    and a complaint on each, all written by ADMIN."""
    for code in (HA, HB):
        start = {"clientMutationId": f"matrix-watch-{code}", "householdCode": code,
                 "group": "SUDDEN_HARDSHIP", "riskTypes": ["DISASTER"],
                 "note": "roof gone"}  # fmt: skip
        gql(story, mutation_text("startMonitoring", "StartMonitoringInput"), {"input": start})
        feedback_on(story, code)
    return story


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_monitoring_and_feedback_by_role(watched_story, caller):
    """atRiskHouseholds: the household readers but investigators (it filters on
    incomes), in scope; the feedback list and Household.monitoring/feedback: every
    household reader in scope, text, answer and note masked for investigators."""
    api, seen = watched_story, SEES.get(caller, set())
    body = api.post(WATCHED, **caller.kw())
    if caller in (PUBLIC, INVESTIGATOR):
        code = "UNAUTHENTICATED" if caller is PUBLIC else "FORBIDDEN"
        assert error_codes(body) == {code}, caller.label
    else:
        assert "errors" not in body, body
        found = body["data"]["atRiskHouseholds"]
        assert {e["node"]["household"]["code"] for e in found["edges"]} == seen, caller.label
        assert all(e["node"]["triggers"] == ["HARDSHIP"] for e in found["edges"])
        assert found["totalCount"] == len(seen)
    body = api.post(FEEDBACK_READ, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    assert "errors" not in body, body
    page = body["data"]["feedback"]
    assert {e["node"]["householdCode"] for e in page["edges"]} == seen, caller.label
    assert page["totalCount"] == len(seen)
    texts = {e["node"]["text"] for e in page["edges"]}
    assert texts == (set() if not seen else {"no water yet"} if caller in UNMASKED else {None})
    for code in (HA, HB):
        found = api.data(MONITORING_READ, {"code": code}, **caller.kw())["household"]
        if code not in seen:
            assert found is None
            continue
        assert found["monitored"] is True
        note = "roof gone" if caller in UNMASKED else None
        assert found["monitoring"] == [{"group": "SUDDEN_HARDSHIP", "note": note}]
        assert found["feedback"]["totalCount"] == 1


STATISTICS = """query($year: Int!) {
  regionStats(regionCode: "460000", year: $year) { households averagePerCapitaNet
    children { households } }
  measureImpact(regionCode: "460000", fromYear: $year, toYear: $year) {
    cohort { households withIncome medianIncomeChange } }
  liftedHouseholds(regionCode: "460000") { edges { node { household { code } } } } }"""


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.label)
def test_statistics_count_what_the_caller_sees(story, caller):
    """regionStats, measureImpact, liftedHouseholds (issue 14): every household reader,
    counting the households in scope (others are absent); income figures over fewer
    than 5 households null for roles without personal data."""
    body = story.post(STATISTICS, {"year": today_cst().year}, **caller.kw())
    if caller is PUBLIC:
        assert error_codes(body) == {"UNAUTHENTICATED"}
        return
    assert "errors" not in body, body
    seen = len(SEES[caller])
    stats, impact = body["data"]["regionStats"], body["data"]["measureImpact"]
    assert stats["households"] == sum(c["households"] for c in stats["children"]) == seen
    assert impact["cohort"]["households"] == seen, caller.label
    assert stats["averagePerCapitaNet"] is None  # no income records in the story
    assert body["data"]["liftedHouseholds"]["edges"] == []  # nor exits
