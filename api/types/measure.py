"""Support measures delivered to households (DOMAIN.md section 5).

Declarations only: the values come from the compiled statement (graph/measure.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.types.page import PageInfo
from graph.measure import MeasureCategory

if TYPE_CHECKING:
    from api.types.official import Official
    from api.types.person import Person


@strawberry.type(
    description="A support measure delivered to a household: an amount (whole yuan) or a "
    "quantity, by an official or an agency, perhaps to one member. A voided one stays, "
    "out of every figure."
)
class Measure:
    id: strawberry.ID
    category: MeasureCategory
    date: dt.date
    amount: int | None = strawberry.field(description="Whole yuan.")
    quantity: float | None = strawberry.field(description="How many `unit`s.")
    unit: str | None
    description: str | None
    agency: str | None = strawberry.field(description="The agency that delivered it, if any.")
    term_months: int | None = strawberry.field(description="A MICROCREDIT's term, 1-36 months.")
    notes: str | None = strawberry.field(description="Personal: null for some roles.")
    voided: bool
    voided_on: dt.date | None
    void_reason: str | None
    created_at: dt.datetime | None
    household_code: str
    delivered_by: Annotated[Official, strawberry.lazy("api.types.official")] | None = (
        strawberry.field(description="The official who delivered it, if any.")
    )
    recipient: Annotated[Person, strawberry.lazy("api.types.person")] | None = strawberry.field(
        description="The member who received it, if any (masked like any person)."
    )


@strawberry.type
class MeasureEdge:
    node: Measure
    cursor: str


@strawberry.type(description="A page of a household's measures, newest first (Relay).")
class MeasureConnection:
    edges: list[MeasureEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="All the household's measures that match (counted only when asked for)."
    )


__all__ = ["Measure", "MeasureConnection", "MeasureEdge"]
