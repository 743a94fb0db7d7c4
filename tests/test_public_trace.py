"""The public trace lookup on the demo (issue 15, Done when 1-3): what a QR code shows
anyone, what it never reaches, malformed and unknown codes, and the anonymous limit."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

from api.auth import Role
from api.ratelimit import BURST
from api.schema import schema
from graph.trace_code import TraceKind, new
from seeds.trade import (
    BAISHA_HOUSEHOLDS,
    BLENDED_LOT,
    BOTTLED_LOT,
    CHICKEN_LOT,
    COOPERATIVE_NAME,
    COOPERATIVE_TRACE,
    HONEY_LOTS,
    HOUSEHOLD_TRACES,
)

ROLES = [Role.PUBLIC, Role.ADMIN, Role.AUDITOR, Role.INVESTIGATOR]
SCOPED = [(Role.REGION_OFFICER, "460203"), (Role.FIELD_OFFICIAL, "O-460203-001")]

DONE_WHEN_1 = """query($code: String!) { publicTrace(code: $code) {
  kind product { name unit } producedOn place { county { code } } cooperative { name }
  contributingHouseholds } }"""
FULL = """query($code: String!) { publicTrace(code: $code) {
  kind traceCode product { name category unit } producedOn quantity unit
  place { village { code name } town { code name } county { code name } }
  cooperative { name traceCode } contributingHouseholds products { name unit } } }"""


def trace(api: Any, code: str, query: str = FULL, **kw: Any) -> Any:
    return api.data(query, {"code": code}, **kw)["publicTrace"]


def test_the_bottled_honey_with_no_token(api, demo, fresh_limit):
    found = trace(api, BOTTLED_LOT, DONE_WHEN_1, role=Role.PUBLIC)
    assert found == {
        "kind": "LOT",
        "product": {"name": "wild honey", "unit": "BOTTLE"},
        "producedOn": "2026-09-17",
        "place": {"county": {"code": "469025"}},
        "cooperative": {"name": COOPERATIVE_NAME},
        "contributingHouseholds": 3,
    }


@pytest.mark.parametrize(("role", "scope"), [(r, None) for r in ROLES] + SCOPED)
def test_every_role_sees_the_same(api, demo, fresh_limit, role, scope):
    assert trace(api, BOTTLED_LOT, role=role, scope=scope) == {
        "kind": "LOT",
        "traceCode": BOTTLED_LOT,
        "product": {"name": "wild honey", "category": "HONEY", "unit": "BOTTLE"},
        "producedOn": "2026-09-17",
        "quantity": 200.0,
        "unit": "BOTTLE",
        "place": {
            "village": {"code": "469025101201", "name": "Nanlao"},
            "town": {"code": "469025101", "name": "Yuanmen"},
            "county": {"code": "469025", "name": "Baisha"},
        },
        "cooperative": {"name": COOPERATIVE_NAME, "traceCode": COOPERATIVE_TRACE},
        "contributingHouseholds": 3,
        # By name, then code: WILD-HONEY (kg) before WILD-HONEY-500G (bottles).
        "products": [
            {"name": "wild honey", "unit": "KILOGRAM"},
            {"name": "wild honey", "unit": "BOTTLE"},
        ],
    }


def test_lots_cooperatives_and_households(api, demo, graph, fresh_limit):
    blended = trace(api, BLENDED_LOT, role=Role.PUBLIC)
    assert (blended["quantity"], blended["contributingHouseholds"]) == (100.0, 3)
    one = trace(api, HONEY_LOTS[0], role=Role.PUBLIC)
    assert (one["quantity"], one["producedOn"], one["contributingHouseholds"]) == (
        40.0,
        "2026-09-02",
        1,
    )
    assert one["cooperative"]["name"] == COOPERATIVE_NAME  # accepted: the cooperative's now
    chickens = trace(api, CHICKEN_LOT, role=Role.PUBLIC)
    assert chickens["cooperative"] is None and chickens["place"]["county"]["code"] == "469022"
    assert chickens["product"] == {
        "name": "free-range chicken",
        "category": "POULTRY",
        "unit": "PIECE",
    }
    coop = trace(api, COOPERATIVE_TRACE, role=Role.PUBLIC)
    assert coop["kind"] == "COOPERATIVE" and coop["product"] is None and coop["quantity"] is None
    assert coop["contributingHouseholds"] == 3
    assert coop["cooperative"] == {"name": COOPERATIVE_NAME, "traceCode": COOPERATIVE_TRACE}
    household = trace(api, HOUSEHOLD_TRACES[BAISHA_HOUSEHOLDS[0]], role=Role.PUBLIC)
    assert household["kind"] == "HOUSEHOLD" and household["contributingHouseholds"] == 1
    assert household["products"] == [{"name": "wild honey", "unit": "KILOGRAM"}]
    assert household["place"]["village"]["name"] == "Nanlao"
    assert household["cooperative"]["name"] == COOPERATIVE_NAME
    # A deregistered household no longer counts as contributing.
    graph.execute_query(
        "MATCH (h:Household {code: $code}) SET h.deregisteredOn = date()", code=BAISHA_HOUSEHOLDS[1]
    )
    assert trace(api, BOTTLED_LOT, role=Role.PUBLIC)["contributingHouseholds"] == 2


def test_typed_codes_are_accepted_as_a_person_types_them(api, demo, fresh_limit):
    typed = f"{BOTTLED_LOT[:3].lower()}-{BOTTLED_LOT[3:8].lower()} {BOTTLED_LOT[8:]}"
    assert trace(api, typed, role=Role.PUBLIC)["traceCode"] == BOTTLED_LOT


@pytest.mark.parametrize(
    "code",
    [
        "not-a-code",
        "FPL",
        BOTTLED_LOT[:-1] + ("0" if BOTTLED_LOT[-1] != "0" else "1"),
        "FPX" + BOTTLED_LOT[3:],
        BOTTLED_LOT + "0",
        "FPLBA15HA02OOD",
        "x" * 500,
    ],
)
def test_a_malformed_code_is_bad_user_input(api, demo, fresh_limit, code):
    error = api.error(DONE_WHEN_1, {"code": code}, role=Role.PUBLIC)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "code"
    assert code not in error["message"]


def test_a_well_formed_unknown_code_is_null(api, demo, fresh_limit):
    for kind in TraceKind:
        assert trace(api, new(kind), role=Role.PUBLIC) is None


# --- what the public may reach -----------------------------------------------------

# Field names that would give away a person, a household, an income or a measure.
FORBIDDEN_WORDS = ("person", "member", "idnumber", "name_", "phone", "address", "bank",
                   "household", "income", "measure", "payment", "amount", "official", "visit",
                   "latitude", "longitude", "debt", "id")  # fmt: skip
ALLOWED_NAMES = {"name", "contributingHouseholds"}  # a product's, a place's, a count


def reachable(type_: Any, seen: dict[str, Any]) -> dict[str, Any]:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    if isinstance(type_, GraphQLObjectType) and type_.name not in seen:
        seen[type_.name] = type_
        for field in type_.fields.values():
            reachable(field.type, seen)
    return seen


def test_nothing_public_trace_reaches_names_a_person_or_a_household():
    core = schema._schema
    types = reachable(core.query_type.fields["publicTrace"].type, {})
    assert set(types) == {"PublicTrace", "PublicProduct", "PublicPlace", "PlaceName",
                          "PublicCooperative"}  # fmt: skip
    for type_ in types.values():
        for name, field in type_.fields.items():
            assert not field.args, (type_.name, name)
            if name in ALLOWED_NAMES:
                continue
            lowered = name.lower()
            assert not any(word in lowered for word in FORBIDDEN_WORDS), (type_.name, name)
            assert lowered != "code" or type_.name == "PlaceName", (type_.name, name)
    # Its scalars: no ID anywhere.
    leaves = {
        str(f.type).strip("!")
        for t in types.values()
        for f in t.fields.values()
        if not isinstance(f.type, GraphQLObjectType)
    }
    assert "ID" not in leaves


def test_no_personal_value_in_the_answer(api, demo, fresh_limit):
    from seeds.demo import story

    rows = story(demo)
    codes = (BOTTLED_LOT, *HONEY_LOTS, CHICKEN_LOT, COOPERATIVE_TRACE, *HOUSEHOLD_TRACES.values())
    body = str([trace(api, code, role=Role.PUBLIC) for code in codes])
    personal = [m["person"]["name"] for m in rows["memberships"]]
    personal += [m["person"]["idNumber"] for m in rows["memberships"]]
    personal += [h["code"] for h in rows["households"]]
    assert not [value for value in personal if value in body]


# --- the anonymous limit ---------------------------------------------------------------


def test_anonymous_calls_are_limited_by_the_policy_alone(api, demo, fresh_limit):
    query = {"query": DONE_WHEN_1, "variables": {"code": BOTTLED_LOT}}
    answers = [api.client.post("/graphql", json=query) for _ in range(150)]
    limited = [a for a in answers if a.status_code == 429]
    assert answers[0].status_code == 200 and answers[0].json()["data"]["publicTrace"]
    assert 100 <= len(limited) <= 150 - BURST
    assert limited[0].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(limited[0].headers["retry-after"]) >= 1
    # With a token: never limited here.
    admin = {"authorization": f"Bearer {api.token(Role.ADMIN)}"}
    answers = [api.client.post("/graphql", json=query, headers=admin) for _ in range(150)]
    assert {a.status_code for a in answers} == {200}
