"""Change history: the history(ref) query (compiled: graph/history.py)."""

from __future__ import annotations

import strawberry

from api.auth import HISTORY_READERS, policy
from api.context import Context
from api.execution import resolve_root
from api.pagination import DEFAULT_FIRST
from api.types.history import ChangeConnection


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        description="The changes made to an entity, newest first: `ref` is "
        "Household:<code>, Official:<code> or Person:<ref> (a person's random ref, never an "
        "ID number). Empty for an entity that is unknown or outside your scope.",
        permission_classes=[policy(*HISTORY_READERS)],
    )
    async def history(
        self,
        info: strawberry.Info[Context, None],
        ref: str,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> ChangeConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]
