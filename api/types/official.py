"""Officials and their pairings with households (DOMAIN.md section 4)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader

from api.masking import mask_id_number, mask_phone, sees_personal
from api.pagination import DEFAULT_FIRST, PageInfo, check_first, decode_cursor, encode_cursor
from graph import official as graph_official
from graph.errors import BadUserInput
from graph.official import NestedPage, PageRequest, PairingRole

if TYPE_CHECKING:
    from api.types.household import Household
    from api.types.visit import Visit

strawberry.enum(PairingRole, description="An official's part in a household's pairing.")


def to_date(value: Any) -> dt.date | None:
    """A Neo4j DATE (or None) as a Python date."""
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, dt.date) else None


def to_datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, dt.datetime) else None


@strawberry.type(
    description="A cadre of a government unit or state enterprise who helps households."
)
class Official:
    code: str
    name: str | None
    unit: str | None = strawberry.field(description="Work unit: a department or enterprise.")
    position: str | None
    phone: str | None = strawberry.field(description="Personal: masked for some roles.")
    id_number: str | None = strawberry.field(
        description="Personal: first 6 and last 4 characters only for some roles."
    )
    max_load: int | None = strawberry.field(
        description="The most households the official may carry."
    )
    load: int = strawberry.field(description="Active pairings the official carries now.")

    @strawberry.field(
        description="The official's pairings with households in your scope, by household "
        "code (then pairing id); active ones only unless includeEnded. Each edge carries "
        "the pairing (id, role, since, until) and its node is the household."
    )
    async def paired_households(
        self,
        info: strawberry.Info[Any, Any],
        first: int = DEFAULT_FIRST,
        after: str | None = None,
        include_ended: bool = False,
    ) -> PairedHouseholdConnection:
        from api.types.household import Household, selection

        check_first(first)
        key = decode_cursor(after, PAIRED_KIND, 2)
        if key is not None and not all(isinstance(part, str) for part in key):
            raise BadUserInput("not a valid cursor", field="after")
        sel = selection(info)
        node_sel = sel.get("edges", {}).get("node", {})
        total = "totalCount" in sel
        context = info.context

        def fetch(requests: list[PageRequest]) -> Awaitable[list[NestedPage]]:
            return graph_official.paired_households(
                context.db,
                requests,
                context.scope,
                node_sel,
                first=first,
                include_ended=include_ended,
                total=total,
            )

        name = f"official-households:{first}:{include_ended}:{total}:{_key(node_sel)}"
        page = await _loader(context, name, fetch).load(
            PageRequest(self.code, tuple(key) if key else None)
        )
        mask = not sees_personal(info)
        edges = []
        for row in page.rows:
            household = Household.from_row(row["household"], mask)
            edges.append(
                PairedHouseholdEdge(
                    node=household,
                    cursor=encode_cursor(PAIRED_KIND, [household.code, row["id"]]),
                    pairing_id=strawberry.ID(row["id"]),
                    role=PairingRole(row["role"]),
                    since=to_date(row.get("since")),
                    until=to_date(row.get("until")),
                )
            )
        return PairedHouseholdConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            _total=page.total,
        )

    @strawberry.field(
        description="The official's visits to households in your scope, newest first "
        "(by date, then visit id)."
    )
    async def visits(
        self,
        info: strawberry.Info[Any, Any],
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> VisitConnection:
        from api.types.household import selection
        from api.types.visit import Visit

        check_first(first)
        key = decode_cursor(after, VISITS_KIND, 2)
        position: tuple[Any, ...] | None = None
        if key is not None:
            try:
                if not isinstance(key[0], str) or not isinstance(key[1], str):
                    raise ValueError
                position = (dt.date.fromisoformat(key[0]), key[1])
            except ValueError:
                raise BadUserInput("not a valid cursor", field="after") from None
        total = "totalCount" in selection(info)
        context = info.context

        def fetch(requests: list[PageRequest]) -> Awaitable[list[NestedPage]]:
            return graph_official.official_visits(
                context.db, requests, context.scope, first=first, total=total
            )

        name = f"official-visits:{first}:{total}"
        page = await _loader(context, name, fetch).load(PageRequest(self.code, position))
        mask = not sees_personal(info)
        edges = []
        for row in page.rows:
            day = to_date(row.get("day")) or dt.date.min
            edges.append(
                VisitEdge(
                    node=Visit.from_row(row, mask),
                    cursor=encode_cursor(VISITS_KIND, [day.isoformat(), row["id"]]),
                )
            )
        return VisitConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            _total=page.total,
        )

    @classmethod
    def from_row(cls, row: Mapping[str, Any], mask: bool) -> Official:
        phone, id_number = row.get("phone"), row.get("idNumber")
        return cls(
            code=row["code"],
            name=row.get("name"),
            unit=row.get("unit"),
            position=row.get("position"),
            phone=mask_phone(phone) if mask else phone,
            id_number=mask_id_number(id_number) if mask else id_number,
            max_load=row.get("maxLoad"),
            load=row.get("load") or 0,
        )


@strawberry.type(description="An official paired with a household; active while `until` is null.")
class Pairing:
    id: strawberry.ID
    role: PairingRole
    since: dt.date | None
    until: dt.date | None
    household_code: str | None
    official: Official

    @strawberry.field(description="True while the pairing has not ended.")
    def active(self) -> bool:
        return self.until is None

    @classmethod
    def from_row(
        cls, row: Mapping[str, Any], mask: bool, household_code: str | None = None
    ) -> Pairing:
        return cls(
            id=strawberry.ID(row["id"]),
            role=PairingRole(row["role"]),
            since=to_date(row.get("since")),
            until=to_date(row.get("until")),
            household_code=row.get("householdCode", household_code),
            official=Official.from_row(row["official"], mask),
        )


# --- connections: officials, an official's households and visits ----------------------

OFFICIALS_KIND = "officials"
PAIRED_KIND = "official-households"
VISITS_KIND = "official-visits"


def _key(sel: Mapping[str, Any]) -> str:
    return json.dumps(sel, sort_keys=True)


def _loader(
    context: Any,
    name: str,
    fetch: Callable[[list[PageRequest]], Awaitable[list[NestedPage]]],
) -> DataLoader[PageRequest, NestedPage]:
    """The per-request loader `name` (a nested list with its arguments and selection):
    every official of a page asking for it at one nesting level shares one statement."""
    loader = context.loaders.get(name)
    if loader is None:

        async def load(requests: list[PageRequest]) -> Sequence[NestedPage]:
            return await fetch(requests)

        loader = context.loaders[name] = DataLoader(load_fn=load)
    result: DataLoader[PageRequest, NestedPage] = loader
    return result


@strawberry.type
class OfficialEdge:
    node: Official
    cursor: str


@strawberry.type(description="A page of officials by code (Relay connection).")
class OfficialConnection:
    edges: list[OfficialEdge]
    page_info: PageInfo
    _total: strawberry.Private[int | None]

    @strawberry.field(description="All officials matching `where` that you may see.")
    def total_count(self) -> int:
        return self._total or 0


@strawberry.input(description="Filters of the officials list; all of them must hold.")
class OfficialWhere:
    region_code: str | None = strawberry.field(
        default=None,
        description="Officials with an active pairing to a household of this region (any "
        "level, descendants included) that lies in your scope.",
    )
    unit: str | None = strawberry.field(default=None, description="The work unit, exactly.")
    overloaded: bool | None = strawberry.field(
        default=None, description="True: load above maxLoad; false: within it (or no maximum)."
    )
    has_active_pairings: bool | None = strawberry.field(
        default=None, description="True: paired with a household now; false: with none."
    )


@strawberry.type(
    description="A household an official is paired with: the pairing on the edge, the "
    "household as the node."
)
class PairedHouseholdEdge:
    node: Annotated[Household, strawberry.lazy("api.types.household")]
    cursor: str
    pairing_id: strawberry.ID
    role: PairingRole
    since: dt.date | None
    until: dt.date | None

    @strawberry.field(description="True while the pairing has not ended.")
    def active(self) -> bool:
        return self.until is None


@strawberry.type(description="A page of an official's paired households (Relay connection).")
class PairedHouseholdConnection:
    edges: list[PairedHouseholdEdge]
    page_info: PageInfo
    _total: strawberry.Private[int | None]

    @strawberry.field(description="All such pairings in your scope.")
    def total_count(self) -> int:
        return self._total or 0


@strawberry.type
class VisitEdge:
    node: Annotated[Visit, strawberry.lazy("api.types.visit")]
    cursor: str


@strawberry.type(description="A page of visits, newest first (Relay connection).")
class VisitConnection:
    edges: list[VisitEdge]
    page_info: PageInfo
    _total: strawberry.Private[int | None]

    @strawberry.field(description="All such visits in your scope.")
    def total_count(self) -> int:
        return self._total or 0
