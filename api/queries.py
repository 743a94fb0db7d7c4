"""Root query fields of the foundation: regions and the health of the service."""

from __future__ import annotations

import strawberry

from api.auth import AUTHENTICATED, policy
from api.context import Context
from api.types.region import Region, resolve_region


@strawberry.type
class RegionQuery:
    @strawberry.field(
        description="A region by its division code; null when there is none.",
        permission_classes=[policy(*AUTHENTICATED)],
    )
    async def region(self, info: strawberry.Info[Context, None], code: str) -> Region | None:
        return await resolve_region(info, code)
