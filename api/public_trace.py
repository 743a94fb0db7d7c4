"""The public trace lookup: publicTrace(code), open to everyone (anonymous callers are
limited per address by its policy alone: api/ratelimit.py). The statement is
graph/public_trace.py's."""

from __future__ import annotations

import strawberry

from api.auth import EVERYONE, policy
from api.context import Context
from api.execution import resolve_root
from api.types.public_trace import PublicTrace


@strawberry.type
class PublicTraceQuery:
    @strawberry.field(
        description="What a QR trace code shows anyone, without a token: a lot's product, "
        "day, place, cooperative and how many households contributed (a cooperative's or a "
        "household's place and products). Lower case, spaces and hyphens are accepted. "
        "Never a person. Null for a well-formed code of nothing; a malformed one is "
        "BAD_USER_INPUT. The same as a page for a phone: /t/{code}, and its QR code: "
        "/qr/{code}.svg.",
        permission_classes=[policy(*EVERYONE)],
    )
    async def public_trace(
        self, info: strawberry.Info[Context, None], code: str
    ) -> PublicTrace | None:
        return await resolve_root(info)  # type: ignore[no-any-return]
