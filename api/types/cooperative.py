"""Cooperatives and their member households (DOMAIN.md section 8).

Declarations only: the values come from the compiled statement (graph/cooperative.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from api.types.lot import LotConnection
from api.types.page import PageInfo

if TYPE_CHECKING:
    from api.types.history import ChangeConnection
    from api.types.household import Household
    from api.types.region import Region


@strawberry.type(description="A producers' cooperative of a village.")
class Cooperative:
    code: str
    name: str
    trace_code: str = strawberry.field(description="Its QR trace code (FPC...).")
    village_code: str
    village: Annotated[Region, strawberry.lazy("api.types.region")] | None
    member_count: int = strawberry.field(description="Active members.")

    @strawberry.field(
        description="Its member households, longest-standing first; active ones only "
        "unless includeEnded. A household out of your scope is listed with a null node."
    )
    def members(
        self, first: int = 20, after: str | None = None, include_ended: bool = False
    ) -> CooperativeMemberConnection:
        return compiled()

    @strawberry.field(description="The lots it owns, newest first.")
    def lots(self, first: int = 20, after: str | None = None) -> LotConnection:
        return compiled()

    @strawberry.field(description="Its changes, newest first (not for field officials: FORBIDDEN).")
    def history(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[ChangeConnection, strawberry.lazy("api.types.history")] | None:
        return compiled()


@strawberry.type(description="A member of a cooperative: the membership, and the household.")
class CooperativeMemberEdge:
    node: Annotated[Household, strawberry.lazy("api.types.household")] | None = strawberry.field(
        description="Null when the household is not in your scope."
    )
    cursor: str
    since: dt.date
    until: dt.date | None
    active: bool


@strawberry.type(description="A page of a cooperative's members (Relay connection).")
class CooperativeMemberConnection:
    edges: list[CooperativeMemberEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A household's membership of a cooperative.")
class CooperativeMembership:
    cooperative: Cooperative
    since: dt.date
    until: dt.date | None
    active: bool


__all__ = [
    "Cooperative",
    "CooperativeMemberConnection",
    "CooperativeMemberEdge",
    "CooperativeMembership",
]
