"""Pairing coverage: the first headline question of the platform.

Declarations only: the values come from the compiled statement (graph/coverage.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from api.execution import compiled
from api.types.page import PageInfo
from api.types.region import Region

if TYPE_CHECKING:
    from api.types.household import Household


@strawberry.type(description="A household in a drill-down list, with its cursor.")
class CoverageHouseholdEdge:
    node: Annotated[Household, strawberry.lazy("api.types.household")]
    cursor: str


@strawberry.type(description="A page of uncovered or overdue households, by code.")
class CoverageHouseholdConnection:
    edges: list[CoverageHouseholdEdge]
    page_info: PageInfo


@strawberry.type(
    description=(
        "Coverage of a region as of a date: households in poverty, those with an active "
        "RESPONSIBLE pairing, those with no visit in the window, and overloaded officials."
    )
)
class PairingCoverage:
    region: Region
    households: int = strawberry.field(
        description="Households on file with one of the requested statuses, in scope."
    )
    covered_households: int = strawberry.field(
        description="Of those, the ones with a RESPONSIBLE pairing active on the date."
    )
    overdue_households: int = strawberry.field(
        description="Of those, the ones with no visit in the window ending on the date."
    )
    overloaded_officials: int = strawberry.field(
        description="Officials paired with those households whose active load exceeds "
        "their maximum."
    )
    children: list[PairingCoverage] = strawberry.field(
        description="The same figures for each direct child region, by code, at any depth "
        "(in the same statement); empty only for a region with no children."
    )

    @strawberry.field(description="coveredHouseholds / households; null with no households.")
    def coverage_ratio(self) -> float | None:
        return compiled()

    @strawberry.field(description="Households with no active RESPONSIBLE pairing.")
    def uncovered(self, first: int = 20, after: str | None = None) -> CoverageHouseholdConnection:
        return compiled()

    @strawberry.field(description="Households with no visit in the window.")
    def overdue(self, first: int = 20, after: str | None = None) -> CoverageHouseholdConnection:
        return compiled()
