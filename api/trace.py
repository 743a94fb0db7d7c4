"""The investigator's trace: trace(code). Thin: the statement is graph/trace.py's."""

from __future__ import annotations

import strawberry

from api.auth import TRACERS, policy
from api.context import Context
from api.execution import resolve_root
from api.types.trace import Trace


@strawberry.type
class TraceQuery:
    @strawberry.field(
        description="Where a product came from, whom it helped and where it went: for a "
        "lot's trace code its tree upstream, producers, enabling measures, orders and "
        "payments, events and an EPCIS 2.0 document; for a household's or a cooperative's "
        "its lots and sales. Lower case, spaces and hyphens are accepted. A household "
        "outside your scope is left out (counted); investigators see personal fields "
        "masked. Null for a well-formed code of nothing (or a household outside your "
        "scope); a malformed one is BAD_USER_INPUT.",
        permission_classes=[policy(*TRACERS)],
    )
    async def trace(self, info: strawberry.Info[Context, None], code: str) -> Trace | None:
        return await resolve_root(info)  # type: ignore[no-any-return]
