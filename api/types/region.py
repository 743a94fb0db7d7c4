"""Regions: the administrative tree, province to village.

Declarations only: the values come from the compiled statement (graph/region.py)."""

from __future__ import annotations

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from graph.model import RegionLevel


@strawberry.type(description="A province, city, district, county-level unit, town or village.")
class Region:
    code: str = strawberry.field(
        description="Division code: 6 digits to county, 9 town, 12 village."
    )
    name: str
    level: RegionLevel
    rural_population: int | None = strawberry.field(
        description="Its rural population (the denominator of regionStats' incidence), when "
        "known: set by setRuralPopulation."
    )

    @strawberry.field(description="The region this one belongs to; null for the province.")
    def parent(self) -> Region | None:
        return compiled()

    @strawberry.field(description="Direct children, by code (at most `first`, up to 100).")
    def children(self, first: int = 20) -> list[Region]:
        return compiled()

    @strawberry.field(description="From the province down to this region, itself included.")
    def path(self) -> list[Region]:
        return compiled()

    @strawberry.field(description="Households on file (not deregistered) in the region.")
    def household_count(self) -> int:
        return compiled()

    @strawberry.field(description="Active members of those households.")
    def person_count(self) -> int:
        return compiled()
