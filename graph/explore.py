"""Exploring the graph (issue 20): a node by what a search box gets (`entity`), a node's
neighbourhood (`neighborhood`) and the shortest paths between two nodes (`paths`), for
auditors and investigators. Each is one statement, run with a 3-second timeout.

A node is named by a ref, `Type:key`:

    type        key                    label shown
    Region      its code               name
    Household   its code               code
    Person      its ref (a UUID)       name (masked for roles without personal data)
    Official    its code               name
    Visit       its id                 date
    Measure     its id                 category

Support measures (MEASURE_FOR, DELIVERED, RECEIVED_BY) are followed only when
edgeTypes names them, so a neighbourhood by default is what it was before them. Income
records are not explored: they are nothing but personal figures (Household.incomes).
    Product     its code               name
    Cooperative its code               name
    Lot         its trace code         trace code
    TraceEvent  its id                 bizStep
    Payment     its id                 date (its amount, personal, masked)
    Seller      its code               name (orders and buyers, keyed by seller and
                                       id, are read through the typed API)

A person's key is the random `ref` every person gets (graph/model.py), never the ID
number, which is personal. What a node or an edge shows is an allow-list of fields of
its type in the read map (`NODES`, `EDGES` below): the Cypher, kind and `Mask` of each
are the typed API's own (graph/household.py, graph/person.py, ...), so a role without
personal data sees the same masked values here as in `household { ... }`, and the raw
value never leaves Neo4j for it.

NodeType and EdgeType, the GraphQL enums, are graph/model.py's Label and Rel minus the
internal ones: no input ever becomes a label or a relationship type, and a label or
type added later must bring its allow-list here (checked when this module loads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import graph.cooperative
import graph.household
import graph.income  # Household's income fields
import graph.lot
import graph.measure
import graph.official
import graph.payment
import graph.person
import graph.product
import graph.region
import graph.seller
import graph.trace_event
import graph.visit  # noqa: F401  (the read maps the allow-lists name)
from graph.compiler import Binder, Compiler, Getter, Plan, Post, Request, View, plan, root
from graph.cooperative import check_cooperative_code
from graph.errors import BadUserInput, Forbidden
from graph.measure import check_measure_id
from graph.model import Label, Rel
from graph.product import check_product_code
from graph.readmap import TYPES, Field, Value, placeholders
from graph.scope import ScopeKind
from graph.seller import check_seller_code
from graph.trace_code import TraceKind, check_trace_code, normalize
from graph.validation import (
    check_household_code,
    check_id_number,
    check_official_code,
    check_person_ref,
    check_range,
    check_record_id,
    check_region_code,
    check_visit_id,
)


def _trace_code_of(kind: TraceKind) -> Callable[[str, str], str]:
    def check(value: str, field: str) -> str:
        return check_trace_code(value, field, kind)

    return check


TIMEOUT_S = 3.0

# Labels and relationship types that bookkeeping owns, never shown (some land later).
INTERNAL_LABELS = frozenset(
    {
        "ClientMutation",
        "SchemaVersion",
        "FupinTestDatabase",
        "Generated",
        "AuditRun",
        "CrossCheckEntry",
        "ChangeRecord",
        # Reference data with no relationship: nothing to explore (povertyLines reads it).
        "PovertyLine",
        # Personal figures only, read through Household.incomes.
        "IncomeRecord",
        # Keyed by (seller, id), not by one property a ref could name: read through
        # order(sellerCode, orderId), buyer(id, sellerCode) and Lot.sales (issue 16).
        "Order",
        "Buyer",
    }
)
INTERNAL_RELS: frozenset[str] = frozenset({"INCOME_OF", "SOLD", "BOUGHT_BY", "LINE", "FOR_ORDER"})
# Followed only when edgeTypes names them.
OPT_IN_RELS: frozenset[str] = frozenset({"MEASURE_FOR", "DELIVERED", "RECEIVED_BY"})


@dataclass(frozen=True)
class NodeKind:
    """A node type: the property its ref names (`key`), the read-map type whose fields
    it shows (`source`, read with the node as `var`), the field shown as its label, the
    allow-list of fields shown as its properties (`lists`: those holding lists), and
    the check a ref's key must pass."""

    label: Label
    key: str
    source: str
    var: str
    caption: str
    properties: tuple[str, ...]
    check: Callable[[str, str], str]
    lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class EdgeKind:
    """A relationship type and the fields of its read-map type (`source`, the
    relationship as `var`) shown as its properties."""

    rel: Rel
    source: str = ""
    var: str = ""
    properties: tuple[str, ...] = ()


NODES: dict[Label, NodeKind] = {
    kind.label: kind
    for kind in (
        NodeKind(
            Label.REGION, "code", "Region", "r", "name", ("code", "name", "level"),
            check_region_code,
        ),
        NodeKind(
            Label.HOUSEHOLD, "code", "Household", "h", "code",
            ("code", "villageCode", "status", "attribute", "mainCause", "secondaryCauses",
             "registrationYear", "standard", "monitored", "housingGrade", "housingArea",
             "safeWater", "electricity", "roadAccess", "sanitaryToilet", "cooperativeMember",
             "plannedExitYear", "address", "headPhone", "bankAccount", "debt", "memberCount",
             "responsibleOfficialCode", "lastVisitDate", "deregisteredOn",
             "deregistrationReason", "latestIncomeYear", "latestPerCapitaNet",
             "previousPerCapitaNet", "traceCode"),
            check_household_code, ("secondaryCauses",),
        ),
        NodeKind(
            Label.PERSON, "ref", "Person", "p", "name",
            ("idNumber", "name", "sex", "birthDate", "ethnicity", "education", "schooling",
             "health", "labourAbility", "workPlace", "workMonths", "medicalInsurance",
             "criticalIllnessInsurance", "pension", "diedOn", "phone"),
            check_person_ref,
        ),
        NodeKind(
            Label.OFFICIAL, "code", "Official", "o", "name",
            ("code", "name", "unit", "position", "phone", "idNumber", "maxLoad", "load"),
            check_official_code,
        ),
        NodeKind(
            Label.VISIT, "id", "Visit", "v", "date",
            ("id", "date", "purpose", "notes", "latitude", "longitude"),
            check_visit_id,
        ),
        NodeKind(
            Label.MEASURE, "id", "Measure", "m", "category",
            ("id", "category", "date", "amount", "quantity", "unit", "description", "agency",
             "termMonths", "notes", "voidedOn", "voidReason"),
            check_measure_id,
        ),
        NodeKind(
            Label.PRODUCT, "code", "Product", "p", "name", ("code", "name", "category", "unit"),
            check_product_code,
        ),
        NodeKind(
            Label.COOPERATIVE, "code", "Cooperative", "c", "name",
            ("code", "name", "traceCode", "villageCode"), check_cooperative_code,
        ),
        NodeKind(
            Label.LOT, "traceCode", "Lot", "l", "traceCode",
            ("traceCode", "quantity", "remaining", "unit", "producedOn", "villageCode"),
            _trace_code_of(TraceKind.LOT),
        ),
        NodeKind(
            Label.TRACE_EVENT, "id", "TraceEvent", "e", "bizStep",
            ("id", "eventType", "bizStep", "kind", "eventTime", "readPoint", "bizTransaction"),
            check_record_id,
        ),
        NodeKind(
            Label.PAYMENT, "id", "Payment", "p", "date",
            ("id", "amount", "date", "source", "voidedOn"), check_record_id,
        ),
        NodeKind(
            Label.SELLER, "code", "Seller", "s", "name", ("code", "name", "kind", "regionCode"),
            check_seller_code,
        ),
    )
}  # fmt: skip

EDGES: dict[Rel, EdgeKind] = {
    kind.rel: kind
    for kind in (
        EdgeKind(Rel.PART_OF),
        EdgeKind(Rel.IN_VILLAGE),
        EdgeKind(
            Rel.MEMBER_OF, "HouseholdMember", "m", ("relation", "since", "until", "endReason")
        ),
        EdgeKind(Rel.PAIRED_WITH, "Pairing", "r", ("id", "role", "since", "until")),
        EdgeKind(Rel.MADE_VISIT),
        EdgeKind(Rel.VISIT_TO),
        EdgeKind(Rel.MEASURE_FOR),
        EdgeKind(Rel.DELIVERED),
        EdgeKind(Rel.RECEIVED_BY),
        EdgeKind(Rel.LOCATED_IN),
        EdgeKind(Rel.COOPERATIVE_MEMBER, "CooperativeMembership", "m", ("since", "until")),
        EdgeKind(Rel.OF_PRODUCT),
        EdgeKind(Rel.PRODUCED),
        EdgeKind(Rel.OWNS),
        EdgeKind(Rel.INPUT, "TraceQuantity", "r", ("quantity",)),
        EdgeKind(Rel.OUTPUT, "TraceQuantity", "r", ("quantity",)),
        EdgeKind(Rel.PAID_TO),
        EdgeKind(Rel.PAID_FOR),
    )
}

NodeType = StrEnum(  # type: ignore[misc]
    "NodeType", [(label.name, label.name) for label in Label if label not in INTERNAL_LABELS]
)
EdgeType = StrEnum(  # type: ignore[misc]
    "EdgeType", [(rel.name, rel.value) for rel in Rel if rel not in INTERNAL_RELS]
)
NodeType.__doc__ = "The kinds of node exploring shows (graph/model.py's labels)."
EdgeType.__doc__ = "The kinds of relationship exploring follows (graph/model.py's types)."


def _allow_list_problems() -> list[str]:
    """What is wrong with the allow-lists: a shown label or type without one, or a
    field that is not a plain value of the node (or relationship) alone."""
    labels = [Label[n.name] for n in NodeType]
    problems = [f"label {label} has no NodeKind" for label in labels if label not in NODES]
    problems += [f"type {e.value} has no EdgeKind" for e in EdgeType if Rel(e.value) not in EDGES]
    kinds: list[tuple[str, str, Iterable[str]]] = [
        (k.source, k.var, (k.caption, *k.properties)) for k in NODES.values()
    ]
    kinds += [(k.source, k.var, k.properties) for k in EDGES.values() if k.source]
    for source, var, names in kinds:
        for name in names:
            entry = TYPES[source].fields.get(name)
            if not isinstance(entry, Value) or placeholders(entry.cypher) != {var}:
                problems.append(f"{source}.{name} is not a value of {{{var}}} alone")
    return problems


_PROBLEMS = _allow_list_problems()
if _PROBLEMS:
    raise RuntimeError("; ".join(_PROBLEMS))

BY_NAME: dict[str, NodeKind] = {kind.label.value: kind for kind in NODES.values()}


def parse_ref(value: str, field: str) -> tuple[NodeKind, str]:
    """The node kind and the checked key of a ref `Type:key`; BAD_USER_INPUT (on
    `field`) when malformed. The message never repeats the value."""
    name, colon, key = str(value).strip().partition(":")
    kind = BY_NAME.get(name)
    if not colon or kind is None:
        types = ", ".join(BY_NAME)
        raise BadUserInput(f"a ref is Type:key, Type one of {types}", field=field)
    return kind, kind.check(key, field)


# --- Cypher of a node, whatever its kind ---------------------------------------------


def cases(n: str, then: Callable[[NodeKind], str], otherwise: str = "null") -> str:
    """A CASE over the node kinds of node expression `n`."""
    whens = " ".join(f"WHEN {n}:{kind.label} THEN {then(kind)}" for kind in NODES.values())
    return f"CASE {whens} ELSE {otherwise} END"


def type_of(n: str) -> str:
    return cases(n, lambda kind: f"'{kind.label.name}'")


def key_of(n: str) -> str:
    return cases(n, lambda kind: f"{n}.{kind.key}")


def shown(n: str) -> str:
    """Node `n` is of a kind exploring shows, and has its key."""
    return f"{key_of(n)} IS NOT NULL"


def ref_of(n: str) -> str:
    return cases(n, lambda kind: f"'{kind.label}:' + {n}.{kind.key}")


def edge_types(request: Request) -> list[str]:
    """The relationship types asked for (all but OPT_IN_RELS when edgeTypes is null):
    a parameter, each an EdgeType's value."""
    given = request.args.get("edgeTypes")
    if given is None:
        return [e.value for e in EdgeType if e.value not in OPT_IN_RELS]
    return sorted({EdgeType(getattr(t, "value", t)).value for t in given})


# The integer arguments: (lowest, highest, default).
BOUNDS = {"depth": (1, 3, 1), "limit": (1, 200, 50), "maxHops": (1, 6, 4), "first": (1, 10, 3)}


def bounded(args: Mapping[str, Any], name: str) -> int:
    """Argument `name`, BAD_USER_INPUT on it when out of its BOUNDS."""
    low, high, default = BOUNDS[name]
    value = args.get(name)
    return int(check_range(default if value is None else value, name, low, high))


def _bound(name: str, plus: int = 0) -> Getter:
    def get(request: Request) -> int:
        return bounded(request.args, name) + plus

    return get


def _ref_key(name: str) -> Getter:
    def get(request: Request) -> str:
        return parse_ref(request.args[name], name)[1]

    return get


_LIMIT, _MORE, _FIRST = _bound("limit"), _bound("limit", plus=1), _bound("first")


def _explorer(view: View, field: Field) -> tuple[Binder, Post, Compiler]:
    """A planner's binder, post-pass and compiler. Exploring crosses every scope, so
    only callers who see every record may (their policies say so; this keeps a
    planner from ever printing a statement for anyone else)."""
    import graph.subgraph  # noqa: F401  (the read map of Graph and GraphNode; it imports this)

    if view.scope.kind is not ScopeKind.ALL:
        raise Forbidden("exploring the graph needs a role that sees every record")
    b = Binder()
    return b, Post(field=field), Compiler(view, b)


# entity(key): by the key's shape, what it names and the check it must pass.
_ENTITIES: dict[str, tuple[Label, str, Callable[[str, str], str]]] = {
    "household": (Label.HOUSEHOLD, "code", check_household_code),
    "region": (Label.REGION, "code", check_region_code),
    "official": (Label.OFFICIAL, "code", check_official_code),
    "idNumber": (Label.PERSON, "idNumber", check_id_number),
    "lot": (Label.LOT, "traceCode", _trace_code_of(TraceKind.LOT)),
    "cooperativeTrace": (Label.COOPERATIVE, "traceCode", _trace_code_of(TraceKind.COOPERATIVE)),
    "householdTrace": (Label.HOUSEHOLD, "traceCode", _trace_code_of(TraceKind.HOUSEHOLD)),
}
_TRACE_SHAPES = {"C": "cooperativeTrace", "H": "householdTrace"}


def _entity_shape(args: Mapping[str, Any]) -> str:
    key = str(args["key"]).strip()
    digits = key.isascii() and key.isdigit()
    if normalize(key).startswith("FP"):
        # The kind letter picks the label; a malformed code fails the lot's check.
        return _TRACE_SHAPES.get(normalize(key)[2:3], "lot")
    if digits and len(key) == 16:
        return "household"
    if digits and len(key) in (6, 9, 12):
        return "region"
    if len(key) == 18 and key.isascii() and key[:17].isdigit():
        return "idNumber"
    return "official"


def _entity_key(shape: str) -> Getter:
    check = _ENTITIES[shape][2]

    def get(request: Request) -> str:
        return check(str(request.args["key"]).strip(), "key")

    return get


@root("entity", shape=_entity_shape)
def plan_entity(field: Field, view: View, shape: Any) -> Plan:
    """entity(key): one seek on the key's unique constraint (a trace code's on the
    label of its kind letter). An ID number answers null without a statement for
    roles that may not see one (no oracle), as `person` does."""
    b, post, c = _explorer(view, field)
    if shape not in _ENTITIES or (shape == "idNumber" and view.masked):
        return plan("", b, post)
    label, prop, _ = _ENTITIES[shape]
    key = b.slot("key", _entity_key(shape))
    node = c.project("GraphNode", {"n": "n"}, field.fields, post)
    cypher = f"MATCH (n:{label} {{{prop}: {key}}}) RETURN {node} AS data"
    return plan(cypher, b, post, timeout=TIMEOUT_S)


def _neighborhood_shape(args: Mapping[str, Any]) -> Any:
    kind, _ = parse_ref(args["ref"], "ref")
    depth = bounded(args, "depth")
    bounded(args, "limit")
    return kind.label, depth, bool(args.get("expandRegions"))


def _level(types: str, limit: str, more: str, *, regions: bool) -> str:
    """One breadth-first step: each frontier node's first `limit` neighbours by type
    and key (one more is read to tell truncation), then the new ones in that order
    until the graph holds `limit` nodes. Regions are not walked unless `regions`."""
    walk = "" if regions else f" WHERE NOT n:{Label.REGION}"
    return f"""
    CALL (nodes, frontier) {{
      UNWIND frontier AS n
      WITH n{walk}
      CALL (n) {{
        MATCH (n)-[r]-(m) WHERE type(r) IN {types} AND {shown("m")}
        WITH DISTINCT m ORDER BY {type_of("m")}, {key_of("m")} LIMIT {more}
        RETURN collect(m) AS found
      }}
      RETURN collect(found) AS founds
    }}
    WITH nodes, truncated, {limit} - size(nodes) AS room,
         any(f IN founds WHERE size(f) > {limit}) AS over,
         reduce(acc = [], f IN founds | acc + f[..{limit}]) AS near
    WITH nodes, room, truncated OR over AS truncated,
         reduce(acc = [], m IN near | CASE WHEN size(acc) > room OR m IN nodes OR m IN acc
           THEN acc ELSE acc + m END) AS new
    WITH nodes + new[..room] AS nodes, new[..room] AS frontier,
         truncated OR size(new) > room AS truncated"""


@root("neighborhood", shape=_neighborhood_shape)
def plan_neighborhood(field: Field, view: View, shape: Any) -> Plan:
    """neighborhood(ref, depth, edgeTypes, expandRegions, limit): a seek on the start
    node's key, `depth` breadth-first steps (each reads the frontier's relationships of
    the asked types), then every relationship of those types among the nodes found
    (from each node's outgoing ones). At most `limit` nodes and `limit` neighbours a
    node are kept, so the work stays bounded; the 3-second timeout is a backstop."""
    label, depth, regions = shape
    b, post, c = _explorer(view, field)
    kind = NODES[label]
    key = b.slot("ref", _ref_key("ref"))
    limit, more = b.slot("limit", _LIMIT), b.slot("more", _MORE)
    types = b.slot("types", edge_types)
    steps = [_level(types, limit, more, regions=regions or i == 0) for i in range(depth)]
    edges = f"""
    CALL (nodes) {{
      UNWIND range(0, size(nodes) - 1) AS at
      WITH nodes, nodes[at] AS a, at
      MATCH (a)-[r]->(z) WHERE type(r) IN {types} AND z IN nodes
      WITH r, at, z ORDER BY at, type(r), {key_of("z")}, elementId(r)
      RETURN collect(r) AS rels
    }}"""
    row = {"nodes": "nodes", "rels": "rels", "truncated": "truncated"}
    graph = c.project("Graph", row, field.fields, post)
    cypher = (
        f"MATCH (start:{kind.label} {{{kind.key}: {key}}}) "
        "WITH [start] AS nodes, [start] AS frontier, false AS truncated"
        + "".join(steps)
        + f"{edges} RETURN {graph} AS data"
    )
    return plan(cypher, b, post, timeout=TIMEOUT_S)


def _paths_shape(args: Mapping[str, Any]) -> Any:
    source, _ = parse_ref(args["from"], "from")
    target, _ = parse_ref(args["to"], "to")
    hops = bounded(args, "maxHops")
    bounded(args, "first")
    return source.label, target.label, hops, bool(args.get("expandRegions"))


@root("paths", shape=_paths_shape)
def plan_paths(field: Field, view: View, shape: Any) -> Plan:
    """paths(from, to, maxHops, edgeTypes, expandRegions, first): two seeks, then
    Neo4j's ALL SHORTEST (a search from both ends) of at most `maxHops` relationships
    of the asked types, none through a Region unless expandRegions (checked on each
    step, so it prunes the search); the first `first` by the keys along the path.

    maxHops is the quantifier's bound, which Cypher takes only as a literal: it is part
    of the plan's shape, checked (1-6) and printed as an integer; every value is a
    parameter."""
    source, target, hops, regions = shape
    b, post, c = _explorer(view, field)
    a, z = NODES[source], NODES[target]
    origin, end = b.slot("from", _ref_key("from")), b.slot("to", _ref_key("to"))
    types = b.slot("types", edge_types)
    through = "" if regions else f" AND (y = target OR NOT y:{Label.REGION})"
    row = {"nodes": "nodes(path)", "rels": "relationships(path)", "truncated": "false"}
    graph = c.project("Graph", row, field.fields, post)
    cypher = f"""
    RETURN COLLECT {{
      MATCH (origin:{a.label} {{{a.key}: {origin}}}), (target:{z.label} {{{z.key}: {end}}})
      MATCH path = ALL SHORTEST (origin) ((x)-[r]-(y) WHERE type(r) IN {types}{through})
        {{0,{int(hops)}}}
        (target)
      WITH path ORDER BY [node IN nodes(path) | {key_of("node")}] LIMIT {b.slot("first", _FIRST)}
      RETURN {graph}
    }} AS data"""
    return plan(cypher, b, post, timeout=TIMEOUT_S)
