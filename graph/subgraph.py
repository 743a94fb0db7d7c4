"""How nodes and relationships read as the API's Graph: the read map of GraphNode,
GraphEdge, GraphProperty and Graph (graph/readmap.py), for any node or relationship
exploring shows (graph/explore_kinds.py's NODES and EDGES).

A node's properties are the allow-list of its kind, each written as text (lists joined
with commas, dates in ISO form) from the read-map value of the typed API, with that
value's Mask for roles without personal data: the masked expression is printed in
place of the property, so the raw value never leaves Neo4j for them. Properties
without a value (or hidden from the caller) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from graph.compiler import Compiler, Post, masked
from graph.explore_kinds import EDGES, cases, key_of, ref_of, type_of
from graph.readmap import TYPES, Custom, Field, Mask, Value, declare

_STORED = re.compile(r"\{(\w+)\}\.(\w+)")  # a property as it is stored: {v}.name


def _value(source: str, name: str) -> Value:
    entry = TYPES[source].fields[name]
    assert isinstance(entry, Value)  # graph/explore_kinds.py checks its allow-lists on import
    return entry


def _text(c: Compiler, entry: Value, var: str, expr: str, listed: bool = False) -> str:
    """A read-map value as text: masked as the typed field is for roles without
    personal data; a list (`listed`) joined with commas, anything else through
    toString (dates in ISO form; null stays null)."""
    x = entry.cypher.format(**{var: expr})
    if entry.mask is not None and c.view.masked:
        return masked(x, entry.mask)
    if listed:
        acc, item = c.b.var("acc"), c.b.var("item")
        return (
            f"reduce({acc} = '', {item} IN {x} | {acc} + "
            f"CASE {acc} WHEN '' THEN '' ELSE ',' END + toString({item}))"
        )
    return f"toString({x})"


def _properties(c: Compiler, f: Field, post: Post, pairs: str) -> str:
    """The GraphProperty list of `pairs` ([name, text] lists), null texts left out."""
    x = c.b.var("prop")
    item = c.project("GraphProperty", {"x": x}, f.fields, post)
    return f"[{x} IN {pairs} WHERE {x}[1] IS NOT NULL | {item}]"


def _fields(
    c: Compiler, source: str, var: str, expr: str, names: Iterable[str], lists: Iterable[str]
) -> str:
    """[name, text] pairs of the fields `names` of `source` read from `expr`.

    A field that is a property as it is stored (`{v}.prop`, unmasked for the caller) is
    read by name from a parameter list, which keeps the statement small (Neo4j plans a
    long one slowly); the others (masked, derived, lists) are written out."""
    stored: list[list[str]] = []
    written: list[str] = []
    for name in names:
        entry = _value(source, name)
        personal = entry.mask is not None and c.view.masked
        found = _STORED.fullmatch(entry.cypher)
        if personal and entry.mask is Mask.HIDDEN:
            continue  # null for the caller: left out
        if not personal and found and found.group(1) == var and name not in lists:
            stored.append([name, found.group(2)])
        else:
            written.append(f"['{name}', {_text(c, entry, var, expr, name in lists)}]")
    x = c.b.var("field")
    by_name = f"[{x} IN {c.b.const(stored)} | [{x}[0], toString({expr}[{x}[1]])]]"
    return f"{by_name} + [{', '.join(written)}]" if written else by_name


def _node_label(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    n = row["n"]
    caption = cases(n, lambda kind: _text(c, _value(kind.source, kind.caption), kind.var, n))
    return f"coalesce({caption}, {key_of(n)})"


def _node_properties(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    n = row["n"]
    pairs = cases(
        n, lambda kind: _fields(c, kind.source, kind.var, n, kind.properties, kind.lists), "[]"
    )
    return _properties(c, f, post, pairs)


def _edge_properties(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    r = row["r"]
    whens = " ".join(
        f"WHEN '{kind.rel.value}' THEN {_fields(c, kind.source, kind.var, r, kind.properties, ())}"
        for kind in EDGES.values()
        if kind.properties
    )
    return _properties(c, f, post, f"CASE type({r}) {whens} ELSE [] END")


def _each(target: str, var: str, source: str) -> Custom:
    """A list field: `target` projected for each element of the row's `source`."""

    def build(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
        x = c.b.var(var)
        return f"[{x} IN {row[source]} | {c.project(target, {var: x}, f.fields, post)}]"

    return Custom(build)


declare(
    "GraphNode",
    ("n",),
    {
        "ref": Value(ref_of("{n}")),
        "type": Value(type_of("{n}")),
        "label": Custom(_node_label),
        "properties": Custom(_node_properties),
    },
)
declare(
    "GraphEdge",
    ("r",),
    {
        "type": Value("type({r})"),
        "from": Value(ref_of("startNode({r})")),
        "to": Value(ref_of("endNode({r})")),
        "properties": Custom(_edge_properties),
    },
)
declare("GraphProperty", ("x",), {"name": Value("{x}[0]"), "value": Value("{x}[1]")})
declare(
    "Graph",
    ("nodes", "rels", "truncated"),
    {
        "nodes": _each("GraphNode", "n", "nodes"),
        "edges": _each("GraphEdge", "r", "rels"),
        "truncated": Value("{truncated}"),
    },
)
