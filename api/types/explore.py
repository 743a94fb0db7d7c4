"""The graph as exploring returns it: nodes named by refs, edges between them.

Declarations only: the values come from the compiled statement (graph/subgraph.py
declares where each field lives; graph/explore.py plans the root fields)."""

from __future__ import annotations

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from graph.explore_kinds import EdgeType, NodeType


@strawberry.type(
    description="A property of a node or an edge, as text (lists comma-separated, dates "
    "ISO). Personal values are masked as the typed fields are for roles without personal "
    "data; properties without a value, or hidden from you, are left out."
)
class GraphProperty:
    name: str
    value: str


@strawberry.type(description="A node of the graph.")
class GraphNode:
    ref: str = strawberry.field(
        description="Type:key, as neighborhood and paths take it: Region:<code>, "
        "Household:<code>, Official:<code>, Visit:<id>, Person:<ref> (a random UUID, "
        "never the ID number)."
    )
    type: NodeType
    label: str = strawberry.field(
        description="What to show: a region's or official's name, a household's code, a "
        "person's name (masked for some roles), a visit's date."
    )
    properties: list[GraphProperty] = strawberry.field(
        description="The type's allow-listed properties that have a value."
    )


@strawberry.type(description="A relationship between two nodes, in its stored direction.")
class GraphEdge:
    type: EdgeType
    from_: str = strawberry.field(name="from", description="The ref of the node it leaves.")
    to: str = strawberry.field(description="The ref of the node it reaches.")
    properties: list[GraphProperty] = strawberry.field(
        description="A pairing's id, role, since and until; a membership's relation, "
        "since, until and end reason; none for the other types."
    )


@strawberry.type(description="A set of nodes and the relationships among them.")
class Graph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(
        description="True when a limit left nodes out (a node had more neighbours than "
        "the limit, or the graph reached it)."
    )


__all__ = ["Graph", "GraphEdge", "GraphNode", "GraphProperty"]
