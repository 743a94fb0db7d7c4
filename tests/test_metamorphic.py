"""Properties of the compiled reads that need no second implementation, on the demo
story in the real Neo4j:

- masking: the INVESTIGATOR's response is the ADMIN's with graph/masks.py's masks
  applied at exactly the fields the read map marks personal (the Cypher masks
  checked against the Python ones); roles with personal data see them unmasked;
- pagination (tests/test_paging.py);
- a household's node in households(...) is household(code) for the same selection;
- scope: a region officer's households, officials and counts are the ADMIN's,
  restricted to the officer's subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from differential import CALLERS, TwoWays, demo_ways, property_settings
from graphql import FieldNode, FragmentDefinitionNode, OperationDefinitionNode, parse, print_ast
from graphql.execution.values import get_variable_values
from hypothesis import assume, given
from hypothesis import strategies as st
from neo4j import Driver
from plans import CORE, QUERY, object_type, target_of
from querygen import keys_of, operations, queries
from starlette.testclient import TestClient
from test_differential import SOCKETS_OF_CANCELLED_RESOLVERS
from test_paging import household_filters

from api import selection
from api.auth import Role
from api.settings import Settings
from graph.masks import mask_account, mask_id_number, mask_name, mask_phone
from graph.readmap import TYPES, Custom, Field, Guard, Mask, Value
from graph.validation import today_cst

pytestmark = SOCKETS_OF_CANCELLED_RESOLVERS
SETTINGS = property_settings(30)
ADMIN, INVESTIGATOR = CALLERS["admin"], CALLERS["investigator"]
READERS = [label for label, p in CALLERS.items() if p.role is not Role.PUBLIC]


@pytest.fixture(scope="module")
def ways(driver: Driver, app_client: TestClient, test_settings: Settings) -> Iterator[TwoWays]:
    yield from demo_ways(driver, test_settings)


# --- masking ------------------------------------------------------------------------------

PYTHON_MASKS: dict[Mask, Callable[[Any], Any]] = {
    Mask.ID_NUMBER: mask_id_number,
    Mask.NAME: mask_name,
    Mask.PHONE: mask_phone,
    Mask.ACCOUNT: mask_account,
    Mask.HIDDEN: lambda _: None,
}


def root_fields(query: str, variables: Mapping[str, Any]) -> dict[str, Field]:
    """The operation's root fields as the executor sees them (api/selection.py)."""
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    coerced = get_variable_values(CORE, operation.variable_definitions or (), dict(variables))
    assert QUERY is not None and not isinstance(coerced, list)
    groups = selection.group(QUERY, [operation.selection_set], fragments, coerced)
    return {
        key: selection.field(QUERY, key, nodes, fragments, coerced)
        for key, nodes in groups.items()
        if nodes[0].name.value != "__typename"
    }


def apply_masks(value: Any, f: Field, type_name: str, hidden: set[str]) -> Any:
    """`value` (of field `f`, of type `type_name`) as a masked view must see it; the
    response keys of fields hidden whole (a HIDDEN Custom: null, its arguments never
    checked) are added to `hidden`; fields guarded from masked views are null (and
    FORBIDDEN, `guarded_keys`)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [apply_masks(v, f, type_name, hidden) for v in value]
    parent = object_type(type_name)
    type_map = TYPES.get(type_name)
    out = dict(value)
    for sub in f.fields:
        if sub.name == "__typename" or sub.key not in out:
            continue
        entry = type_map.fields.get(sub.name) if type_map is not None else None
        if isinstance(entry, Value) and entry.mask is not None:
            out[sub.key] = PYTHON_MASKS[entry.mask](out[sub.key])
            continue
        if isinstance(entry, Custom) and entry.mask is Mask.HIDDEN:
            out[sub.key] = None
            hidden.add(sub.key)
            continue
        if isinstance(entry, Guard) and entry.unmasked:
            out[sub.key] = None
            continue
        target = target_of(parent, sub.name)
        if target is not None:
            out[sub.key] = apply_masks(out[sub.key], sub, target.name, hidden)
    return out


def guarded_keys(roots: Mapping[str, Field]) -> set[str]:
    """The response keys of the selected fields guarded from masked views."""
    found: set[str] = set()

    def walk(f: Field, type_name: str) -> None:
        type_map = TYPES.get(type_name)
        for sub in f.fields:
            entry = type_map.fields.get(sub.name) if type_map is not None else None
            if isinstance(entry, Guard) and entry.unmasked:
                found.add(sub.key)
                continue
            target = (
                target_of(object_type(type_name), sub.name) if sub.name != "__typename" else None
            )
            if target is not None:
                walk(sub, target.name)

    for f in roots.values():
        target = target_of(QUERY, f.name)
        if target is not None:
            walk(f, target.name)
    return found


def _under(error: Mapping[str, Any], keys: set[str]) -> bool:
    return any(step in keys for step in error.get("path") or [] if isinstance(step, str))


def masked_like_investigator(body: Mapping[str, Any], roots: Mapping[str, Field]) -> Any:
    """The ADMIN's response as the INVESTIGATOR must get it: masks applied; person()
    null and silent (a masked view never looks an ID number up), but for a malformed ID
    number: that check is on the argument's shape, the same for every role (an error
    below person() is not: the masked view plans nothing there); fields guarded from
    masked views null, and none of the ADMIN's errors under them (they are FORBIDDEN
    instead: `forbidden_at`)."""
    people = {key for key, f in roots.items() if f.name == "person"}
    guarded = guarded_keys(roots)

    def kept(e: Mapping[str, Any]) -> bool:
        path = e.get("path") or []
        if path and path[0] in people:
            return len(path) == 1 and e.get("extensions", {}).get("code") == "BAD_USER_INPUT"
        return not _under(e, guarded)

    errors = [e for e in body["errors"] if kept(e)]
    data = body["data"]
    hidden: set[str] = set()
    if data is not None:
        data = dict(data)
        for key, f in roots.items():
            if key in data:
                target = target_of(QUERY, f.name)
                assert target is not None
                data[key] = (
                    None if key in people else apply_masks(data[key], f, target.name, hidden)
                )
    for key, f in roots.items():  # the data may be null whole: the selection says too
        target = target_of(QUERY, f.name)
        if key not in people and target is not None:
            hidden |= hidden_keys(f, target.name)
    errors = [e for e in errors if not hidden & set(e.get("path", ())[1:])]
    return {"data": data, "errors": errors}


def forbidden_at(body: Mapping[str, Any], roots: Mapping[str, Field]) -> Any:
    """`body` without its errors under the fields guarded from masked views, which
    must all be FORBIDDEN."""
    guarded = guarded_keys(roots)
    at = [e for e in body["errors"] if _under(e, guarded)]
    assert {e["extensions"]["code"] for e in at} <= {"FORBIDDEN"}, body
    return {"data": body["data"], "errors": [e for e in body["errors"] if e not in at]}


def hidden_keys(f: Field, type_name: str) -> set[str]:
    """The response keys below `f` of fields hidden whole for masked views (a HIDDEN
    Custom), found from the selection alone."""
    parent = object_type(type_name)
    type_map = TYPES.get(type_name)
    found: set[str] = set()
    for sub in f.fields:
        if sub.name == "__typename":
            continue
        entry = type_map.fields.get(sub.name) if type_map is not None else None
        if isinstance(entry, Custom) and entry.mask is Mask.HIDDEN:
            found.add(sub.key)
            continue
        target = target_of(parent, sub.name)
        if target is not None:
            found |= hidden_keys(sub, target.name)
    return found


@SETTINGS
@given(data=st.data())
def test_the_investigator_sees_the_admins_answer_masked_in_python(
    ways: TwoWays, data: st.DataObject
) -> None:
    keys = keys_of(ways, ["4602031002010001", "4690011002010001"])
    query, variables = data.draw(operations(keys, today_cst()), label="operation")
    admin = ways.execute(query, ADMIN, variables)
    roots = root_fields(query, variables)
    expected = masked_like_investigator(admin, roots)
    assert forbidden_at(ways.execute(query, INVESTIGATOR, variables), roots) == expected
    # The auditor sees what the ADMIN sees, unmasked.
    assert ways.execute(query, CALLERS["auditor"], variables) == admin


def test_the_masks_reach_every_personal_field_of_the_story(ways: TwoWays) -> None:
    """The story's personal values, masked (the property above may miss a field)."""
    query = (
        '{ household(code: "4602031002010001") { address headPhone bankAccount debt '
        "members { person { idNumber name birthDate ethnicity health labourAbility phone } } "
        "officials { official { phone idNumber } } latestVisits { notes latitude longitude } } }"
    )
    admin = ways.execute(query, ADMIN)
    investigator = ways.execute(query, INVESTIGATOR)
    assert investigator == masked_like_investigator(admin, root_fields(query, {}))
    head = admin["data"]["household"]["members"][0]["person"]
    assert head["idNumber"] and head["name"] and head["birthDate"]  # unmasked for ADMIN
    masked_head = investigator["data"]["household"]["members"][0]["person"]
    assert masked_head["idNumber"] == mask_id_number(head["idNumber"]) != head["idNumber"]
    assert masked_head["name"] == mask_name(head["name"]) and masked_head["birthDate"] is None


# --- a node of the list is the entity ---------------------------------------------------


def household_selections(keys: Any, today: dt.date) -> st.SearchStrategy[str]:
    """The selection set of a generated household(code) query."""

    def selection_of(query: str) -> str:
        (operation,) = parse(query).definitions
        assert isinstance(operation, OperationDefinitionNode)
        (household,) = operation.selection_set.selections
        assert isinstance(household, FieldNode) and household.selection_set is not None
        return print_ast(household.selection_set)

    return queries(keys, today, fields=["household"]).map(selection_of)


@property_settings(20)
@given(data=st.data(), caller=st.sampled_from(READERS),
       region=st.sampled_from(["460203", "469001", "460000"]))  # fmt: skip
def test_a_node_of_households_is_household_of_its_code(
    ways: TwoWays, data: st.DataObject, caller: str, region: str
) -> None:
    keys = keys_of(ways, ["4602031002010001"])
    sel = data.draw(household_selections(keys, today_cst()), label="selection")
    principal = CALLERS[caller]
    page = ways.execute(
        f'{{ households(where: {{regionCode: "{region}"}}, first: 100) {{ edges {{ node '
        f"{{ keyCode: code ...on Household {sel} }} }} }} }}",
        principal,
    )
    assume(not page["errors"])
    nodes = [e["node"] for e in page["data"]["households"]["edges"]]
    assume(nodes)
    one_each = " ".join(
        f'h{i}: household(code: "{n["keyCode"]}") {{ keyCode: code ...on Household {sel} }}'
        for i, n in enumerate(nodes[:12])
    )
    alone = ways.execute("{ " + one_each + " }", principal)
    # Twelve copies of a large selection may pass the limit on selected fields (the
    # page selected it once): a draw for a smaller selection.
    assume(not any("fields; at most" in e["message"] for e in alone["errors"]))
    assert not alone["errors"], alone["errors"]
    assert [alone["data"][f"h{i}"] for i in range(len(nodes[:12]))] == nodes[:12]


# --- scope: a region officer sees the ADMIN's answer, restricted --------------------------

OFFICERS = {"region-460203": "460203", "region-469001": "469001"}


def codes(ways: TwoWays, caller: Any, where: Mapping[str, Any] | None) -> tuple[int, list[str]]:
    data = ways.data(
        "query($where: HouseholdWhere) { households(where: $where, first: 100) "
        "{ totalCount edges { node { code } } } }",
        caller,
        where=where,
    )["households"]
    return data["totalCount"], [e["node"]["code"] for e in data["edges"]]


@pytest.mark.parametrize("officer", sorted(OFFICERS))
@pytest.mark.parametrize("where", household_filters(["460203", "460203100"]), ids=str)
def test_an_officer_sees_the_households_of_the_subtree(
    ways: TwoWays, officer: str, where: Any
) -> None:
    prefix = OFFICERS[officer]
    _, everything = codes(ways, ADMIN, where)
    total, seen = codes(ways, CALLERS[officer], where)
    assert seen == [c for c in everything if c.startswith(prefix)]
    assert total == len(seen)


def officials_of(ways: TwoWays, caller: Any, where: Mapping[str, Any] | None) -> list[str]:
    data = ways.data(
        "query($where: OfficialWhere) { officials(where: $where, first: 100) "
        "{ totalCount edges { node { code } } } }",
        caller,
        where=where,
    )["officials"]
    found = [e["node"]["code"] for e in data["edges"]]
    assert data["totalCount"] == len(found)
    return found


@pytest.mark.parametrize("officer", sorted(OFFICERS))
@pytest.mark.parametrize("where", [None, {"overloaded": True}, {"hasActivePairings": False}],
                         ids=str)  # fmt: skip
def test_an_officer_sees_the_officials_ever_paired_in_the_subtree(
    ways: TwoWays, officer: str, where: Any
) -> None:
    prefix = OFFICERS[officer]
    paired = ways.data(
        "query($r: String!) { households(where: {regionCode: $r, includeDeregistered: true}, "
        "first: 100) { edges { node { officials(includeEnded: true) { official { code } } } } } }",
        ADMIN,
        r=prefix,
    )["households"]["edges"]
    ever = {p["official"]["code"] for e in paired for p in e["node"]["officials"]}
    expected = [c for c in officials_of(ways, ADMIN, where) if c in ever]
    assert officials_of(ways, CALLERS[officer], where) == expected
    in_region = {"regionCode": prefix}
    assert officials_of(ways, CALLERS[officer], in_region) == officials_of(ways, ADMIN, in_region)


REGION_COUNTS = (
    "query($c: String!) { region(code: $c) { householdCount personCount } "
    "pairingCoverage(regionCode: $c) { households coveredHouseholds overdueHouseholds } }"
)


@pytest.mark.parametrize("officer", sorted(OFFICERS))
@pytest.mark.parametrize("code", ["460000", "460200", "460203", "460203100", "460203100201",
                                  "469001", "469001100201", "469030"])  # fmt: skip
def test_an_officer_counts_what_the_admin_counts_in_the_subtree(
    ways: TwoWays, officer: str, code: str
) -> None:
    prefix = OFFICERS[officer]
    path = ways.data("query($c: String!) { region(code: $c) { path { code } } }", ADMIN, c=prefix)
    above = {r["code"] for r in path["region"]["path"]} - {prefix}
    mine = ways.data(REGION_COUNTS, CALLERS[officer], c=code)
    if code.startswith(prefix):  # inside the subtree: all of it
        assert mine == ways.data(REGION_COUNTS, ADMIN, c=code)
    elif code in above:  # above it: the subtree's own figures
        assert mine == ways.data(REGION_COUNTS, ADMIN, c=prefix)
    else:
        zero = {"households": 0, "coveredHouseholds": 0, "overdueHouseholds": 0}
        assert mine == {"region": {"householdCount": 0, "personCount": 0}, "pairingCoverage": zero}
