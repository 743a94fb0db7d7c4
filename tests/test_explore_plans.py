"""The planners of entity, neighborhood and paths (graph/explore.py), without a
database: what a document compiles to, which values are parameters, what is masked,
and which arguments are refused before any statement runs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import pytest
from graphql import parse

from api import selection
from api.schema import schema
from graph import explore, explore_kinds
from graph.compiler import ROOTS, Plan, Request, View
from graph.errors import BadUserInput, Forbidden
from graph.explore_kinds import EDGES, NODES, EdgeType, NodeType, parse_ref
from graph.model import Label, Rel
from graph.readmap import TYPES, Value
from graph.scope import Scope
from graph.trace_code import TraceKind, make
from seeds.demo import FU_HOUSEHOLD, LIN

CORE = schema._schema
EVERYTHING = Scope.everything()
TODAY = dt.date(2026, 11, 1)
NODE = "ref type label properties { name value }"
GRAPH = f"truncated nodes {{ {NODE} }} edges {{ type from to properties {{ name value }} }}"
PERSON_REF = "Person:0b3f5e2a-8c1d-4e8f-9a6b-2d4c6e8f0a1b"
ID_NUMBER = "460203197903140010"


def compiled(query: str, *, masked: bool = False, scope: Scope = EVERYTHING) -> list[Plan]:
    """The plan of each root field of `query` (its shape from the literal arguments)."""
    operation = parse(query).definitions[0]
    groups = selection.group(CORE.query_type, [operation.selection_set], {}, None)  # type: ignore[attr-defined]
    plans = []
    for key, nodes in groups.items():
        f = selection.field(CORE.query_type, key, nodes, {}, None)
        root = ROOTS[f.name]
        plans.append(root.plan(replace(f, args={}), View(scope, masked), root.shape(f.args)))
    return plans


def bound(query: str, **kw: Any) -> tuple[Plan, dict[str, Any]]:
    """The one plan of `query` and its parameters for the document's arguments."""
    (plan,) = compiled(query, **kw)
    operation = parse(query).definitions[0]
    groups = selection.group(CORE.query_type, [operation.selection_set], {}, None)  # type: ignore[attr-defined]
    (nodes,) = groups.values()
    f = selection.field(CORE.query_type, nodes[0].name.value, nodes, {}, None)
    return plan, plan.bind(Request(f.args, EVERYTHING, TODAY))


def neighborhood(args: str, fields: str = GRAPH) -> str:
    return f"{{ neighborhood({args}) {{ {fields} }} }}"


# --- the enums and the allow-lists ---------------------------------------------------


def test_node_and_edge_types_are_the_models_labels_and_types_minus_the_internal_ones():
    internal = {
        "ClientMutation", "SchemaVersion", "FupinTestDatabase", "Generated", "ChangeRecord",
        "AuditRun", "AuditLock", "Finding", "CrossCheckEntry", "CrossCheckImport",
    }  # fmt: skip
    assert internal <= explore_kinds.INTERNAL_LABELS
    assert {t.value for t in NodeType} == {
        label.name for label in Label if label.value not in explore_kinds.INTERNAL_LABELS
    }
    assert "POVERTY_LINE" not in {t.value for t in NodeType}  # reference data, no edges
    assert "INCOME_RECORD" not in {t.value for t in NodeType}  # personal figures only
    assert {t.value for t in EdgeType} == {
        rel.value for rel in Rel if rel.value not in explore_kinds.INTERNAL_RELS
    }
    # Every type shown has its allow-list, every field of it a plain value of the node.
    assert {Label[t.value] for t in NodeType} == set(NODES)
    assert {Rel(t.value) for t in EdgeType} == set(EDGES)
    assert explore_kinds._allow_list_problems() == []


def test_a_label_without_an_allow_list_is_reported(monkeypatch):
    monkeypatch.delitem(NODES, Label.VISIT)
    assert explore_kinds._allow_list_problems() == ["label Visit has no NodeKind"]


def test_an_allow_list_naming_a_field_that_reads_another_row_is_reported(monkeypatch):
    visit = NODES[Label.VISIT]
    # Visit.householdCode reads the household's row, not the visit's.
    monkeypatch.setitem(NODES, Label.VISIT, replace(visit, properties=("householdCode",)))
    assert explore_kinds._allow_list_problems() == [
        "Visit.householdCode is not a value of {v} alone"
    ]


def test_the_allow_lists_carry_the_typed_fields_masks():
    for kind in NODES.values():
        for name in kind.properties:
            entry = TYPES[kind.source].fields[name]
            assert isinstance(entry, Value)
    person, visit = NODES[Label.PERSON], NODES[Label.VISIT]
    masked = {
        n
        for n in person.properties
        if TYPES["Person"].fields[n].mask is not None  # type: ignore[union-attr]
    }
    assert {"idNumber", "name", "phone", "birthDate", "health"} <= masked
    assert {"notes", "latitude", "longitude"} <= set(visit.properties)
    assert person.key == "ref"  # never the ID number


# --- refs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "label", "key"),
    [
        ("Region:460203", Label.REGION, "460203"),
        (f"Household:{FU_HOUSEHOLD}", Label.HOUSEHOLD, FU_HOUSEHOLD),
        (f"Official:{LIN}", Label.OFFICIAL, LIN),
        ("Visit:demo-visit-01", Label.VISIT, "demo-visit-01"),
        (PERSON_REF.upper().replace("PERSON", "Person"), Label.PERSON, PERSON_REF[7:]),
    ],
)
def test_a_ref_names_a_kind_and_a_checked_key(ref, label, key):
    kind, found = parse_ref(ref, "ref")
    assert (kind.label, found) == (label, key)


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "Household",
        f"household:{FU_HOUSEHOLD}",
        f"Household {FU_HOUSEHOLD}",
        "Household:46020310020100",
        "Region:4602",
        f"Person:{ID_NUMBER}",
        "Person:not-a-uuid",
        "ClientMutation:x",
        "Generated:1",
        "Visit:",
        "Visit:a b",
        "Official:",
    ],
)
def test_a_malformed_ref_is_bad_user_input_that_never_repeats_it(ref):
    with pytest.raises(BadUserInput) as raised:
        parse_ref(ref, "from")
    assert raised.value.field == "from"
    key = ref.partition(":")[2]
    assert not key or key not in raised.value.message


# --- neighborhood ----------------------------------------------------------------------


def test_a_neighborhood_is_one_statement_whose_values_are_parameters():
    plan, params = bound(neighborhood(f'ref: "Household:{FU_HOUSEHOLD}", depth: 2, limit: 7'))
    assert plan.timeout == explore.TIMEOUT_S == 3.0
    assert FU_HOUSEHOLD not in plan.cypher
    assert params["ref"] == FU_HOUSEHOLD
    assert (params["limit"], params["more"]) == (7, 8)
    # Support measures are followed only when asked for.
    assert params["types"] == [
        e.value for e in EdgeType if e.value not in explore_kinds.OPT_IN_RELS
    ]
    assert "MATCH (start:Household {code: $ref})" in plan.cypher
    assert plan.cypher.count("CALL (nodes, frontier)") == 2
    assert re.findall(r"'([^']*)'", plan.cypher)  # only code's own literals are quoted
    literals = set(re.findall(r"'([^']*)'", plan.cypher))
    allowed = {k.label.value + ":" for k in NODES.values()} | {t.value for t in NodeType}
    allowed |= {e.value for e in EdgeType} | {"", ","}
    allowed |= {n for k in NODES.values() for n in k.properties}
    allowed |= {n for k in EDGES.values() for n in k.properties}
    assert literals <= allowed, literals - allowed


def test_the_edge_types_asked_for_are_a_parameter_not_text():
    plan, params = bound(
        neighborhood(f'ref: "Household:{FU_HOUSEHOLD}", edgeTypes: [PAIRED_WITH, MEMBER_OF]')
    )
    assert params["types"] == ["MEMBER_OF", "PAIRED_WITH"]
    assert "type(r) IN $types" in plan.cypher
    assert "[:PAIRED_WITH" not in plan.cypher


@pytest.mark.parametrize(
    ("depth", "expand", "walks_regions"),
    [(1, False, [True]), (3, False, [True, False, False]), (3, True, [True, True, True])],
)
def test_regions_are_walked_only_from_the_start_unless_expand_regions(depth, expand, walks_regions):
    args = f'ref: "Region:460000", depth: {depth}, expandRegions: {str(expand).lower()}'
    (plan,) = compiled(neighborhood(args, "truncated"))
    steps = plan.cypher.split("CALL (nodes, frontier)")[1:]
    assert [" WHERE NOT n:Region" not in step for step in steps] == walks_regions


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ("depth: 0", "depth"),
        ("depth: 4", "depth"),
        ("limit: 0", "limit"),
        ("limit: 201", "limit"),
        ('ref: "Person:460203197903140010"', "ref"),
    ],
)
def test_out_of_range_arguments_are_refused_before_planning(args, field):
    if "ref:" not in args:
        args = f'ref: "Household:{FU_HOUSEHOLD}", {args}'
    with pytest.raises(BadUserInput) as raised:
        compiled(neighborhood(args))
    assert raised.value.field == field


def branches(cypher: str, label: Label) -> str:
    """The text of every `WHEN n_1:<label> THEN ...` branch of a node's CASEs."""
    parts = cypher.split(f"WHEN n_1:{label} THEN ")[1:]
    ends = r" WHEN n_1:\w+ THEN | ELSE (?:null|\[\]) END"
    return " ".join(re.split(ends, part, maxsplit=1)[0] for part in parts)


def read_by_name(plan: Plan, label: Label) -> set[tuple[str, str]]:
    """The (field, property) pairs the plan reads by name for nodes of `label` (the
    parameter lists its CASE branches name)."""
    names = re.findall(r"\$(\w+)", branches(plan.cypher, label))
    return {
        (pair[0], pair[1])
        for name in names
        if isinstance(plan.consts.get(name), list)
        for pair in plan.consts[name]
    }


def test_a_masked_view_never_projects_a_personal_property_raw():
    (plain,) = compiled(neighborhood(f'ref: "Household:{FU_HOUSEHOLD}"'))
    (masked,) = compiled(neighborhood(f'ref: "Household:{FU_HOUSEHOLD}"'), masked=True)
    checked = set()
    for kind in NODES.values():
        for name in (kind.caption, *kind.properties):
            entry = TYPES[kind.source].fields[name]
            assert isinstance(entry, Value)
            if entry.mask is None:
                continue
            read = entry.cypher.format(**{kind.var: "n_1"})
            prop = read.split(".", 1)[1]
            raw = f"toString({read})"
            assert raw in branches(plain.cypher, kind.label) or (
                (name, prop) in read_by_name(plain, kind.label)
            ), (kind.label, name)
            assert raw not in branches(masked.cypher, kind.label), (kind.label, name)
            assert (name, prop) not in read_by_name(masked, kind.label), (kind.label, name)
            checked.add((kind.source, name))
    assert {("Person", "idNumber"), ("Person", "name"), ("Visit", "notes")} <= checked
    assert {("Household", "bankAccount"), ("Official", "phone")} <= checked
    # ID numbers go through their mask; notes and GPS points are left out.
    assert "left((n_1.idNumber), 6)" in branches(masked.cypher, Label.PERSON)
    assert ("idNumber", "idNumber") in read_by_name(plain, Label.PERSON)
    hidden = {"notes", "latitude", "longitude", "birthDate", "health", "address"}
    for label in NODES:
        assert not hidden & {field for field, _ in read_by_name(masked, label)}
    assert not [h for h in hidden if f"'{h}'" in masked.cypher]


def test_only_callers_who_see_every_record_get_a_plan():
    for scope in (Scope.region("460203"), Scope.official(LIN), Scope.nothing()):
        with pytest.raises(Forbidden):
            compiled(neighborhood(f'ref: "Household:{FU_HOUSEHOLD}"'), scope=scope)


# --- paths -----------------------------------------------------------------------------


def paths(args: str) -> str:
    return f"{{ paths({args}) {{ nodes {{ ref }} edges {{ type from to }} }} }}"


def test_paths_are_all_shortest_within_max_hops_and_keep_out_of_regions():
    query = paths(f'from: "Household:{FU_HOUSEHOLD}", to: "Official:{LIN}", maxHops: 5')
    plan, params = bound(query)
    assert plan.timeout == 3.0
    assert "ALL SHORTEST" in plan.cypher
    assert "{0,5}" in plan.cypher
    assert "(y = target OR NOT y:Region)" in plan.cypher
    assert "LIMIT $first" in plan.cypher
    assert (params["from"], params["to"], params["first"]) == (FU_HOUSEHOLD, LIN, 3)
    assert FU_HOUSEHOLD not in plan.cypher and LIN not in plan.cypher
    expanded = paths(f'from: "Household:{FU_HOUSEHOLD}", to: "Region:460203", expandRegions: true')
    (plan,) = compiled(expanded)
    assert "NOT y:Region" not in plan.cypher
    assert "MATCH (origin:Household {code: $from}), (target:Region {code: $to})" in plan.cypher


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ("maxHops: 0", "maxHops"),
        ("maxHops: 7", "maxHops"),
        ("first: 0", "first"),
        ("first: 11", "first"),
    ],
)
def test_paths_arguments_out_of_range(args, field):
    query = paths(f'from: "Household:{FU_HOUSEHOLD}", to: "Official:{LIN}", {args}')
    with pytest.raises(BadUserInput) as raised:
        compiled(query)
    assert raised.value.field == field


@pytest.mark.parametrize("name", ["from", "to"])
def test_paths_refs_are_checked(name):
    refs = {"from": f"Household:{FU_HOUSEHOLD}", "to": f"Official:{LIN}", name: "Household:1"}
    with pytest.raises(BadUserInput) as raised:
        compiled(paths(f'from: "{refs["from"]}", to: "{refs["to"]}"'))
    assert raised.value.field == name


# --- entity ----------------------------------------------------------------------------


def entity(key: str) -> str:
    return f'{{ entity(key: "{key}") {{ {NODE} }} }}'


@pytest.mark.parametrize(
    ("key", "match"),
    [
        (FU_HOUSEHOLD, "MATCH (n:Household {code: $key})"),
        ("460203", "MATCH (n:Region {code: $key})"),
        ("460203100", "MATCH (n:Region {code: $key})"),
        ("460203100201", "MATCH (n:Region {code: $key})"),
        (LIN, "MATCH (n:Official {code: $key})"),
        (ID_NUMBER, "MATCH (n:Person {idNumber: $key})"),
    ],
)
def test_entity_reads_the_key_by_its_shape(key, match):
    plan, params = bound(entity(key))
    assert plan.cypher.startswith(match)
    assert params["key"] == key
    assert plan.timeout == 3.0


def test_entity_by_id_number_runs_no_statement_when_it_cannot_answer():
    (masked,) = compiled(entity(ID_NUMBER), masked=True)
    assert masked.cypher == ""  # a lookup by a value they may not see would be an oracle


@pytest.mark.parametrize("kind", list(TraceKind))
def test_entity_by_trace_code_seeks_the_label_of_its_kind_letter(kind):
    code = make(kind, "BA15HA0C01")
    (plan,) = compiled(entity(code.lower()))
    label = {TraceKind.LOT: "Lot", TraceKind.COOPERATIVE: "Cooperative",
             TraceKind.HOUSEHOLD: "Household"}[kind]  # fmt: skip
    assert plan.cypher.startswith(f"MATCH (n:{label} {{traceCode: $key}})")


def test_entity_refuses_a_key_that_fits_no_shape():
    plan, _ = bound(entity(LIN))
    with pytest.raises(BadUserInput) as raised:
        plan.bind(Request({"key": "x' OR 1=1 //"}, EVERYTHING, TODAY))
    assert raised.value.field == "key"
