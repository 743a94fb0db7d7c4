"""Cypher fragments, quotes and control characters in every string argument of every
root field, and in the string inputs of mutations: refused with BAD_USER_INPUT or
stored and returned literally, and nothing else changes."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLNonNull, GraphQLScalarType
from test_authz_matrix import HA, counts, household_version, make_story

from api.schema import schema


@pytest.fixture()
def story(api: Any, test_settings: Any) -> Any:
    return make_story(api, test_settings)


PAYLOADS = [
    "x' OR 1=1 //",
    '" OR true //',
    "`) DETACH DELETE n //",
    "}) MATCH (n) DETACH DELETE n //",
    "$param",
    "\u0000",
    "'; CALL db.labels() //",
    "*/ MATCH (n) RETURN n /*",
    "\\'",
]

CORE = schema._schema


def string_args() -> list[tuple[str, str]]:
    found = []
    for name, field in CORE.query_type.fields.items():
        for arg_name, arg in field.args.items():
            t = arg.type.of_type if isinstance(arg.type, GraphQLNonNull) else arg.type
            if isinstance(t, GraphQLScalarType) and t.name in ("String", "ID"):
                found.append((name, arg_name))
    return found


@pytest.mark.parametrize(("field", "arg"), string_args())
def test_string_arguments_are_only_values(story, graph, field, arg):
    before = counts(graph)
    t = CORE.query_type.fields[field].args[arg].type
    for payload in PAYLOADS:
        query = f"query($v: {t}) {{ {field}({arg}: $v) {{ __typename }} }}"
        body = story.post(query, {"v": payload})
        for error in body.get("errors") or []:
            assert error["extensions"]["code"] == "BAD_USER_INPUT", (field, payload, body)
        data = (body.get("data") or {}).get(field)
        # Nothing matches a payload: lookups find nothing, lists are empty.
        if isinstance(data, dict) and "edges" in data:
            assert data["edges"] == []
        elif data is not None:
            pytest.fail(f"{field}({arg}: {payload!r}) found {data}")
    assert counts(graph) == before


UPDATE = """mutation($input: UpdateHouseholdInput!) {
  updateHousehold(input: $input) { household { address } } }"""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_string_inputs_are_stored_literally(story, graph, payload):
    before = counts(graph)
    body = story.post(
        UPDATE,
        {"input": {"code": HA, "expectedVersion": household_version(story, HA),
                   "address": payload}},
    )  # fmt: skip
    if body.get("errors"):
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    else:
        assert body["data"]["updateHousehold"]["household"]["address"] == payload
    assert counts(graph) == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_visit_notes_and_official_names_are_stored_literally(story, graph, payload):
    import datetime as dt

    nodes, rels = counts(graph)
    body = story.post(
        "mutation($input: RecordVisitInput!) { recordVisit(input: $input) "
        "{ visit { notes purpose } } }",
        {"input": {"clientMutationId": "inject-visit-0001", "householdCode": HA,
                   "officialCode": "OFF-A", "date": dt.date.today().isoformat(),
                   "purpose": payload, "notes": payload}},
    )  # fmt: skip
    if body.get("errors"):
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
        assert counts(graph) == (nodes, rels)
        return
    visit: dict[str, Any] = body["data"]["recordVisit"]["visit"]
    assert visit == {"notes": payload, "purpose": payload}
    # One visit node and the client mutation record, with their relationships; no more.
    new_nodes, new_rels = counts(graph)
    assert new_nodes - nodes <= 2
    assert new_rels - rels == 2
