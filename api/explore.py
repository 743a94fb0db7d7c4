"""Root query fields for exploring the graph: entity, neighborhood, paths.

Each compiles to one statement (graph/explore.py plans them) run with a 3-second
timeout. Exploring crosses every scope, so only roles that see every record may use
it: ADMIN and AUDITOR unmasked, INVESTIGATOR with personal fields masked. The resolvers
below serve only operations that graphql-core executes (with introspection);
api/execution.py runs the rest."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.auth import EXPLORERS, policy
from api.context import Context
from api.execution import resolve_root
from api.types.explore import Graph, GraphNode
from graph.explore_kinds import EdgeType


@strawberry.type
class ExploreQuery:
    @strawberry.field(
        description="What a search box names, by the key's shape: a trace code (FP...), 16 "
        "digits (a household), 6, 9 or 12 digits (a region), 18 characters (an ID number: "
        "null for roles that may not see one), else an official's code. Null when there "
        "is none.",
        permission_classes=[policy(*EXPLORERS)],
    )
    async def entity(self, info: strawberry.Info[Context, None], key: str) -> GraphNode | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The nodes within `depth` (1-3) steps of `ref`, breadth first, and the "
        "relationships among them: at most `limit` (1-200) nodes, and `limit` neighbours "
        "of each node (by type, then key); `truncated` tells when a limit cut. Regions are "
        "shown but not walked through unless expandRegions. edgeTypes null: every type but "
        "the support measures' (MEASURE_FOR, DELIVERED, RECEIVED_BY), followed only when "
        "named. Null for an unknown ref.",
        permission_classes=[policy(*EXPLORERS)],
    )
    async def neighborhood(
        self,
        info: strawberry.Info[Context, None],
        ref: str,
        depth: int = 1,
        edge_types: list[EdgeType] | None = None,
        expand_regions: bool = False,
        limit: int = 50,
    ) -> Graph | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The shortest paths from one ref to another, of at most `maxHops` "
        "(1-6) relationships, none through a Region unless expandRegions: the first "
        "`first` (1-10) of them; empty when there is none.",
        permission_classes=[policy(*EXPLORERS)],
    )
    async def paths(
        self,
        info: strawberry.Info[Context, None],
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        max_hops: int = 4,
        edge_types: list[EdgeType] | None = None,
        expand_regions: bool = False,
        first: int = 3,
    ) -> list[Graph]:
        return await resolve_root(info)  # type: ignore[no-any-return]
