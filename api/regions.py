"""Regions: the region query (compiled: graph/region.py; the resolver serves
graphql-core's execution only)."""

from __future__ import annotations

import strawberry

from api.auth import AUTHENTICATED, policy
from api.context import Context
from api.execution import resolve_root
from api.types.region import Region


@strawberry.type
class RegionQuery:
    @strawberry.field(
        description="A region by its division code; null when there is none.",
        permission_classes=[policy(*AUTHENTICATED)],
    )
    async def region(self, info: strawberry.Info[Context, None], code: str) -> Region | None:
        return await resolve_root(info)  # type: ignore[no-any-return]
