"""Every date argument and input has a documented range (the platform's era: from
1900-01-01 to today in China Standard Time, unless the field is a plan), checked before
any arithmetic: a date outside it answers BAD_USER_INPUT naming the field, never
INTERNAL, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from graphql import GraphQLInputObjectType, GraphQLNamedType, GraphQLNonNull, GraphQLObjectType

from api.schema import schema
from graph.validation import today_cst


def tomorrow() -> str:
    """Tomorrow in CST, read when a test runs (a run may cross midnight)."""
    return (today_cst() + dt.timedelta(days=1)).isoformat()


FU = "4602031002010001"
MEMBER = '{ idNumber: "460203198001010019", name: "Li Si", relation: SON, since: $day }'


def _is_date(kind: object) -> bool:
    while isinstance(kind, GraphQLNonNull) or hasattr(kind, "of_type"):
        kind = kind.of_type  # type: ignore[attr-defined]
    return getattr(kind, "name", None) == "Date"


def test_every_date_argument_and_input_documents_its_range():
    undocumented = []
    types: dict[str, GraphQLNamedType] = schema._schema.type_map
    for type_ in types.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLInputObjectType):
            for name, field in type_.fields.items():
                text = field.description or ""
                if _is_date(field.type) and "1900-01-01" not in text and "1980-01-01" not in text:
                    undocumented.append(f"{type_.name}.{name}")
        if isinstance(type_, GraphQLObjectType):
            for fname, field in type_.fields.items():
                for name, arg in field.args.items():
                    if _is_date(arg.type) and "1900-01-01" not in (arg.description or ""):
                        undocumented.append(f"{type_.name}.{fname}({name})")
    assert undocumented == []


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "tomorrow"])
def test_read_dates_out_of_range_are_refused(api, demo, day):
    day = tomorrow() if day == "tomorrow" else day
    cases = [
        (
            'query($day: Date) { pairingCoverage(regionCode: "460200", asOf: $day) '
            "{ households } }",
            "asOf",
        ),
        (
            "query($day: Date) { households(where: {visitOverdue: true, asOf: $day}) "
            "{ totalCount } }",
            "where.asOf",
        ),
        (
            "query($day: Date) { households(where: {asOf: $day}) { totalCount } }",
            "where.asOf",
        ),
        (
            f'query($day: Date) {{ household(code: "{FU}") {{ visitOverdue(asOf: $day) }} }}',
            "asOf",
        ),
    ]
    for query, field in cases:
        error = api.error(query, {"day": day})
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, query
        if day != tomorrow():
            assert "1900-01-01" in error["message"]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_write_dates_before_1900_are_refused_and_nothing_is_written(api, demo, graph, day):
    before = graph.execute_query("MATCH (n) RETURN count(n) AS n")[0][0]["n"]
    cases = [
        (
            "mutation($day: Date) { addMember(input: {clientMutationId: "
            f'"dates-add-1", householdCode: "{FU}", member: {MEMBER}}}) '
            "{ household { code } } }",
            "input.member.since",
        ),
        (
            "mutation($day: Date!) { endMembership(input: {householdCode: "
            f'"{FU}", idNumber: "460203201109010058", reason: MOVED_AWAY, date: $day}}) '
            "{ household { code } } }",
            "input.date",
        ),
        (
            "mutation($day: Date) { deregisterHousehold(input: {code: "
            f'"{FU}", expectedVersion: 1, reason: DUPLICATE, date: $day}}) '
            "{ household { code } } }",
            "input.date",
        ),
        (
            "mutation($day: Date) { pairOfficial(input: {clientMutationId: "
            f'"dates-pair-1", householdCode: "{FU}", officialCode: "O-469001-001", '
            "role: ASSISTING, since: $day}) { pairing { id } } }",
            "input.since",
        ),
        (
            "mutation($day: Date) { endPairing(input: {pairingId: "
            '"demo-pair-02", until: $day}) { pairing { id } } }',
            "input.until",
        ),
        (
            "mutation($day: Date!) { recordVisit(input: {clientMutationId: "
            f'"dates-visit-1", householdCode: "{FU}", officialCode: "O-460203-001", '
            'date: $day, purpose: "visit"}) { visit { id } } }',
            "input.date",
        ),
    ]
    for query, field in cases:
        error = api.error(query, {"day": day})
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, query
        assert "1900-01-01" in error["message"], query
    after = graph.execute_query("MATCH (n) RETURN count(n) AS n")[0][0]["n"]
    assert after == before


def test_registration_dates_have_their_own_range(api, demo):
    query = """mutation($day: Date, $year: Int) { registerHousehold(input: {
      clientMutationId: "dates-register-1", code: "4602031002010100",
      villageCode: "460203100201", mainCause: ILLNESS, registrationDate: $day,
      registrationYear: $year,
      members: [{ idNumber: "460203198001010019", name: "Li Dawei", relation: HEAD }]
    }) { household { code } } }"""
    for day in ("0001-01-01", "1979-12-31", tomorrow()):
        error = api.error(query, {"day": day})
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.registrationDate"}
