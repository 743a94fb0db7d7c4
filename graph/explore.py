"""Exploring the graph (issue 20): a node by what a search box gets (`entity`), a node's
neighbourhood (`neighborhood`) and the shortest paths between two nodes (`paths`), for
auditors and investigators. Each is one statement, run with a 3-second timeout. What a
node or an edge shows, and how a ref names a node, is graph/explore_kinds.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graph.compiler import Binder, Compiler, Getter, Plan, Post, Request, View, plan, root
from graph.errors import Forbidden
from graph.explore_kinds import (
    NODES,
    OPT_IN_RELS,
    EdgeType,
    key_of,
    parse_ref,
    shown,
    trace_code_of,
    type_of,
)
from graph.model import Label
from graph.readmap import Field
from graph.scope import ScopeKind
from graph.trace_code import TraceKind, normalize
from graph.validation import (
    check_household_code,
    check_id_number,
    check_official_code,
    check_range,
    check_region_code,
)

TIMEOUT_S = 3.0


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
    "lot": (Label.LOT, "traceCode", trace_code_of(TraceKind.LOT)),
    "cooperativeTrace": (Label.COOPERATIVE, "traceCode", trace_code_of(TraceKind.COOPERATIVE)),
    "householdTrace": (Label.HOUSEHOLD, "traceCode", trace_code_of(TraceKind.HOUSEHOLD)),
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
