"""Pairing coverage: the first headline question of the platform."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.dataloader import DataLoader

from api.context import Context
from api.pagination import DEFAULT_FIRST, PageInfo, check_first, decode_cursor, encode_cursor
from api.types.region import Region
from graph import coverage as graph_coverage
from graph.errors import BadUserInput
from graph.validation import today_cst

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
    _as_of: strawberry.Private[dt.date]
    _within_days: strawberry.Private[int]
    _statuses: strawberry.Private[tuple[str, ...]]
    # Filled by the statement that found this region's own figures (the root's
    # children); deeper levels are loaded, one statement per level.
    _children: strawberry.Private[list[PairingCoverage] | None] = None

    @strawberry.field(
        description="The same figures for each direct child region, by code, at any depth "
        "(one statement per nesting level); empty only for a region with no children."
    )
    async def children(self, info: strawberry.Info[Context, None]) -> list[PairingCoverage]:
        if self._children is None:
            key = ChildrenKey(self._as_of, self._within_days, self._statuses, self.region.code)
            self._children = await _children_loader(info.context).load(key)
        return self._children

    @strawberry.field(description="coveredHouseholds / households; null with no households.")
    def coverage_ratio(self) -> float | None:
        return self.covered_households / self.households if self.households else None

    @strawberry.field(description="Households with no active RESPONSIBLE pairing.")
    async def uncovered(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> CoverageHouseholdConnection:
        return await self._drill(info, "UNCOVERED", first, after)

    @strawberry.field(description="Households with no visit in the window.")
    async def overdue(
        self,
        info: strawberry.Info[Context, None],
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> CoverageHouseholdConnection:
        return await self._drill(info, "OVERDUE", first, after)

    async def _drill(
        self, info: strawberry.Info[Context, None], kind: str, first: int, after: str | None
    ) -> CoverageHouseholdConnection:
        from api.types.household import load_households

        check_first(first)
        key = decode_cursor(after, f"coverage-{kind}", 1)
        request = DrillKey(
            kind,
            self._as_of,
            self._within_days,
            self._statuses,
            first,
            graph_coverage.DrillRequest(self.region.code, str(key[0]) if key else None),
        )
        codes, more = await _drill_loader(info.context).load(request)
        nodes = await load_households(info, codes)
        edges = [
            CoverageHouseholdEdge(node=node, cursor=encode_cursor(f"coverage-{kind}", [node.code]))
            for node in nodes
        ]
        return CoverageHouseholdConnection(
            edges=edges,
            page_info=PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None),
        )


@dataclass(frozen=True)
class ChildrenKey:
    as_of: dt.date
    within_days: int
    statuses: tuple[str, ...]
    code: str


def _children_loader(context: Context) -> DataLoader[ChildrenKey, list[PairingCoverage]]:
    """The children of every region asked for at one nesting level, in one statement
    (graph.coverage.pairing_coverages) per set of arguments."""
    loader = context.loaders.get("coverage_children")
    if loader is None:

        async def load(keys: list[ChildrenKey]) -> list[list[PairingCoverage]]:
            groups: dict[tuple[dt.date, int, tuple[str, ...]], list[str]] = {}
            for k in keys:
                groups.setdefault((k.as_of, k.within_days, k.statuses), []).append(k.code)
            found: dict[tuple[dt.date, int, tuple[str, ...], str], list[PairingCoverage]] = {}
            for (as_of, within_days, statuses), codes in groups.items():
                coverages = await graph_coverage.pairing_coverages(
                    context.db,
                    sorted(set(codes)),
                    context.scope,
                    as_of=as_of,
                    today=today_cst(),
                    within_days=within_days,
                    statuses=statuses,
                )
                for code, coverage in coverages.items():
                    found[(as_of, within_days, statuses, code)] = [
                        _figures(c, as_of, within_days, statuses) for c in coverage.children
                    ]
            return [found.get((k.as_of, k.within_days, k.statuses, k.code), []) for k in keys]

        loader = context.loaders["coverage_children"] = DataLoader(load_fn=load, cache=False)
    result: DataLoader[ChildrenKey, list[PairingCoverage]] = loader
    return result


@dataclass(frozen=True)
class DrillKey:
    kind: str
    as_of: dt.date
    within_days: int
    statuses: tuple[str, ...]
    first: int
    request: graph_coverage.DrillRequest


def _drill_loader(context: Context) -> DataLoader[DrillKey, tuple[list[str], bool]]:
    """Drill-down pages asked for at one nesting level (the region and its children)
    go to Neo4j together: one statement per kind of list."""
    loader = context.loaders.get("coverage_drill")
    if loader is None:

        async def load(keys: list[DrillKey]) -> list[tuple[list[str], bool]]:
            groups: dict[tuple[str, dt.date, int, tuple[str, ...], int], list[int]] = {}
            for i, k in enumerate(keys):
                group = (k.kind, k.as_of, k.within_days, k.statuses, k.first)
                groups.setdefault(group, []).append(i)
            pages: list[tuple[list[str], bool]] = [([], False)] * len(keys)
            for (kind, as_of, within_days, statuses, first), indexes in groups.items():
                found = await graph_coverage.drill_down(
                    context.db,
                    [keys[i].request for i in indexes],
                    context.scope,
                    kind,
                    as_of=as_of,
                    today=today_cst(),
                    within_days=within_days,
                    statuses=statuses,
                    first=first,
                )
                for i, page in zip(indexes, found, strict=True):
                    pages[i] = page
            return pages

        loader = context.loaders["coverage_drill"] = DataLoader(load_fn=load, cache=False)
    result: DataLoader[DrillKey, tuple[list[str], bool]] = loader
    return result


def _figures(
    row: graph_coverage.CoverageRow, as_of: dt.date, within_days: int, statuses: tuple[str, ...]
) -> PairingCoverage:
    return PairingCoverage(
        region=Region.from_row({"code": row.code, "name": row.name, "level": row.level}),
        households=row.households,
        covered_households=row.covered,
        overdue_households=row.overdue,
        overloaded_officials=len(row.overloaded_officials),
        _as_of=as_of,
        _within_days=within_days,
        _statuses=statuses,
    )


async def resolve_pairing_coverage(
    info: strawberry.Info[Context, None],
    region_code: str,
    visit_within_days: int,
    as_of: dt.date | None,
    statuses: list[str] | None,
) -> PairingCoverage | None:
    if not 1 <= visit_within_days <= 366:
        raise BadUserInput("visitWithinDays must be between 1 and 366", field="visitWithinDays")
    chosen = tuple(graph_coverage.statuses_param(None if statuses is None else tuple(statuses)))
    day = as_of or today_cst()
    result = await graph_coverage.pairing_coverage(
        info.context.db,
        region_code,
        info.context.scope,
        as_of=day,
        today=today_cst(),
        within_days=visit_within_days,
        statuses=chosen,
    )
    if result is None:
        return None
    top = _figures(result.region, day, visit_within_days, chosen)
    top._children = [_figures(c, day, visit_within_days, chosen) for c in result.children]
    return top
