"""Root query fields of the household file: household, households, person, official,
officials.

Each compiles to one statement (graph/household.py, graph/person.py,
graph/official.py plan them); scope is applied inside it, so out-of-scope records
answer null or do not appear. The resolvers below serve only operations that
graphql-core executes (with introspection); api/execution.py runs the rest."""

from __future__ import annotations

import strawberry

from api.auth import HOUSEHOLD_READERS, policy
from api.context import Context
from api.execution import resolve_root
from api.pagination import DEFAULT_FIRST
from api.types.household import Household, HouseholdConnection, HouseholdWhere
from api.types.official import Official, OfficialConnection, OfficialWhere
from api.types.person import Person
from graph.household import HouseholdOrder


@strawberry.type
class HouseholdQuery:
    @strawberry.field(
        description="A household by its 16-digit code; null when there is none in your scope.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def household(self, info: strawberry.Info[Context, None], code: str) -> Household | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Households in your scope, a page at a time (opaque keyset cursors).",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def households(
        self,
        info: strawberry.Info[Context, None],
        where: HouseholdWhere | None = None,
        order_by: HouseholdOrder = HouseholdOrder.CODE_ASC,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> HouseholdConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A person by national ID number, with their households past and present; "
        "null when none is in your scope, and always null for roles that may not see ID "
        "numbers.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def person(self, info: strawberry.Info[Context, None], id_number: str) -> Person | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="An official by code; null when none is visible to you.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def official(self, info: strawberry.Info[Context, None], code: str) -> Official | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Officials you may see, by code, a page at a time (opaque keyset "
        "cursors): everyone for ADMIN, AUDITOR and INVESTIGATOR; otherwise those paired, "
        "now or before, with a household in your scope (and a field official themself).",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def officials(
        self,
        info: strawberry.Info[Context, None],
        where: OfficialWhere | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> OfficialConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]
