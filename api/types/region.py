"""Regions: the administrative tree, province to village."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from api.context import Context
from api.pagination import DEFAULT_FIRST, check_first
from graph import region as graph_region
from graph.model import RegionLevel
from graph.validation import check_region_code

strawberry.enum(RegionLevel, description="Level in the administrative tree.")


@strawberry.type(description="Household and people counts of a region, within the caller's scope.")
class RegionCounts:
    households: int
    people: int


@strawberry.type(description="A province, city, district, county-level unit, town or village.")
class Region:
    code: str = strawberry.field(
        description="Division code: 6 digits to county, 9 town, 12 village."
    )
    name: str
    level: RegionLevel
    # Parent, children and path, when the statement that found this region read them
    # (`_tree_loaded`); otherwise one batched statement per nesting level loads them.
    _tree_loaded: strawberry.Private[bool] = False
    _parent: strawberry.Private[dict[str, Any] | None] = None
    _children: strawberry.Private[list[dict[str, Any]] | None] = None
    _path: strawberry.Private[list[dict[str, Any]] | None] = None
    _counts: strawberry.Private[RegionCounts | None] = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Region:
        return cls(code=row["code"], name=row["name"], level=RegionLevel(row["level"]))

    def set_tree(self, row: dict[str, Any]) -> Region:
        self._parent, self._children, self._path = row["parent"], row["children"], row["path"]
        self._tree_loaded = True
        return self

    @strawberry.field(description="The region this one belongs to; null for the province.")
    async def parent(self, info: strawberry.Info[Context, None]) -> Region | None:
        await self._load_tree(info)
        return Region.from_row(self._parent) if self._parent else None

    @strawberry.field(description="Direct children, by code (at most `first`, up to 100).")
    async def children(
        self, info: strawberry.Info[Context, None], first: int = DEFAULT_FIRST
    ) -> list[Region]:
        check_first(first)
        await self._load_tree(info)
        return [Region.from_row(row) for row in (self._children or [])[:first]]

    @strawberry.field(description="From the province down to this region, itself included.")
    async def path(self, info: strawberry.Info[Context, None]) -> list[Region]:
        await self._load_tree(info)
        return [Region.from_row(row) for row in self._path or []]

    async def _load_tree(self, info: strawberry.Info[Context, None]) -> None:
        if self._tree_loaded:
            return
        context = info.context
        loader = context.loaders.get("region_tree")
        if loader is None:

            async def load(codes: list[str]) -> list[dict[str, Any] | None]:
                rows = await graph_region.get_regions(
                    context.db, codes, context.scope, counts=False
                )
                return [rows.get(code) for code in codes]

            loader = context.loaders["region_tree"] = DataLoader(load_fn=load)
        row = await loader.load(self.code)
        if row is not None:
            self.set_tree(row)

    @strawberry.field(description="Households on file (not deregistered) in the region.")
    async def household_count(self, info: strawberry.Info[Context, None]) -> int:
        return (await self._load_counts(info)).households

    @strawberry.field(description="Active members of those households.")
    async def person_count(self, info: strawberry.Info[Context, None]) -> int:
        return (await self._load_counts(info)).people

    async def _load_counts(self, info: strawberry.Info[Context, None]) -> RegionCounts:
        if self._counts is not None:
            return self._counts
        context = info.context
        loader = context.loaders.get("region_counts")
        if loader is None:

            async def load(codes: list[str]) -> list[RegionCounts]:
                counts = await graph_region.region_counts(context.db, codes, context.scope)
                return [
                    RegionCounts(households=h, people=p)
                    for h, p in (counts.get(c, (0, 0)) for c in codes)
                ]

            loader = context.loaders["region_counts"] = DataLoader(load_fn=load)
        result: RegionCounts = await loader.load(self.code)
        return result


async def resolve_region(info: strawberry.Info[Context, None], code: str) -> Region | None:
    check_region_code(code, "code")
    selected = {f.name for f in info.selected_fields[0].selections if hasattr(f, "name")}
    counts = bool(selected & {"householdCount", "personCount"})
    row = await graph_region.get_region(info.context.db, code, info.context.scope, counts=counts)
    if row is None:
        return None
    region = Region.from_row(row["region"]).set_tree(row)
    if counts:
        region._counts = RegionCounts(households=row["households"], people=row["people"])
    return region
