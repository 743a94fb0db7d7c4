"""Officials and their pairings with households (DOMAIN.md section 4).

Declarations only: the values come from the compiled statement (graph/official.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from api.types.page import PageInfo
from graph.official import PairingRole

if TYPE_CHECKING:
    from api.types.history import ChangeConnection
    from api.types.household import Household
    from api.types.visit import Visit


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
    def paired_households(
        self, first: int = 20, after: str | None = None, include_ended: bool = False
    ) -> PairedHouseholdConnection:
        return compiled()

    @strawberry.field(
        description="The official's visits to households in your scope, newest first "
        "(by date, then visit id)."
    )
    def visits(self, first: int = 20, after: str | None = None) -> VisitConnection:
        return compiled()

    @strawberry.field(description="Its changes, newest first (not for field officials: FORBIDDEN).")
    def history(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[ChangeConnection, strawberry.lazy("api.types.history")] | None:
        return compiled()


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
        return compiled()


@strawberry.type
class OfficialEdge:
    node: Official
    cursor: str


@strawberry.type(description="A page of officials by code (Relay connection).")
class OfficialConnection:
    edges: list[OfficialEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="All officials matching `where` that you may see."
    )


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
        return compiled()


@strawberry.type(description="A page of an official's paired households (Relay connection).")
class PairedHouseholdConnection:
    edges: list[PairedHouseholdEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="All such pairings in your scope.")


@strawberry.type
class VisitEdge:
    node: Annotated[Visit, strawberry.lazy("api.types.visit")]
    cursor: str


@strawberry.type(description="A page of visits, newest first (Relay connection).")
class VisitConnection:
    edges: list[VisitEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="All such visits in your scope.")
