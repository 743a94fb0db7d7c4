"""The investigator's trace (issue 17): where a product came from, whom it helped,
where it went.

Declarations only: the values come from the compiled statement (graph/trace.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from graph.lot import PartyKind
from graph.seller import Channel
from graph.trace_code import TraceKind

if TYPE_CHECKING:
    from api.types.cooperative import Cooperative
    from api.types.household import Household
    from api.types.lot import Lot, LotConnection, Payment, TraceEvent
    from api.types.measure import Measure
    from api.types.region import Region
    from api.types.sales import OrderConnection

_YUAN = "Yuan, two decimal places."
_HIDDEN = " Personal (an income): null for roles without personal data."


@strawberry.type(description="One lot upstream of the traced one, and how it went in.")
class TraceStep:
    lot: Annotated[Lot, strawberry.lazy("api.types.lot")]
    depth: int = strawberry.field(description="1 for the lots it was made from, 2 for theirs...")
    parent_trace_code: str = strawberry.field(description="The lot it went into.")
    quantity: float = strawberry.field(description="How much of it went in, in its unit.")
    event: Annotated[TraceEvent, strawberry.lazy("api.types.lot")] = strawberry.field(
        description="The transformation that took it in."
    )


@strawberry.type(
    description="A cooperative, or a household in your scope, that produced lots of the tree."
)
class TraceProducer:
    kind: PartyKind
    trace_code: str | None
    household: Annotated[Household, strawberry.lazy("api.types.household")] | None
    cooperative: Annotated[Cooperative, strawberry.lazy("api.types.cooperative")] | None
    village: Annotated[Region, strawberry.lazy("api.types.region")] | None = strawberry.field(
        description="Where it is: select `path` for the village, town, county..."
    )
    quantity: float | None = strawberry.field(
        description="What its raw lots (those made from nothing) put into the tree; null "
        "when it has none, or in two units."
    )
    unit: str | None


@strawberry.type(description="A support measure that enabled a producing household's lot.")
class EnablingMeasure:
    household: Annotated[Household, strawberry.lazy("api.types.household")] | None
    measure: Annotated[Measure, strawberry.lazy("api.types.measure")]


@strawberry.type(description="What one channel sold of a lot (and of the lots made from it).")
class TraceChannel:
    channel: Channel
    orders: int
    quantity: float = strawberry.field(
        description="Of the traced lot itself (or the party's lots)."
    )
    revenue: Decimal = strawberry.field(description=_YUAN)


@strawberry.type(description="How many orders went to buyers of one city.")
class BuyerCity:
    city_code: str | None
    orders: int


@strawberry.type(
    description="Where a lot went: the PLACED orders of it and of the lots made from it, "
    "by sellers you may see; the payments to households (in your scope) for it and the "
    "lots upstream of it."
)
class TraceDownstream:
    @strawberry.field(description="Newest first (placedAt, seller, id).")
    def orders(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[OrderConnection, strawberry.lazy("api.types.sales")]:
        return compiled()

    order_count: int
    quantity_sold: float = strawberry.field(description="Of the traced lot itself, in its unit.")
    by_channel: list[TraceChannel]
    buyer_cities: list[BuyerCity] = strawberry.field(description="Most orders first.")
    payments: list[Annotated[Payment, strawberry.lazy("api.types.lot")]] | None = strawberry.field(
        description="Oldest first, at most 500." + _HIDDEN
    )
    paid_to_households: Decimal | None = strawberry.field(description=_YUAN + _HIDDEN)


@strawberry.type(description="What a household's or a cooperative's lots sold.")
class TraceSales:
    lot_count: int
    orders: int = strawberry.field(description="PLACED orders of its lots, by sellers you may see.")
    revenue: Decimal = strawberry.field(description=_YUAN)
    by_channel: list[TraceChannel]
    paid: Decimal | None = strawberry.field(
        description="What the platform paid it (unvoided payments). " + _YUAN + _HIDDEN
    )


@strawberry.type(
    description="An investigator's trace of a code. For a lot: its tree upstream (at most "
    "10 deep and 500 steps: then `truncated`), its producers, the measures that enabled "
    "them, where it went, its events and the same as an EPCIS 2.0 document. For a "
    "household or a cooperative: its lots and what they sold."
)
class Trace:
    kind: TraceKind
    trace_code: str
    lot: Annotated[Lot, strawberry.lazy("api.types.lot")] | None
    household: Annotated[Household, strawberry.lazy("api.types.household")] | None
    cooperative: Annotated[Cooperative, strawberry.lazy("api.types.cooperative")] | None
    upstream: list[TraceStep] | None = strawberry.field(description="Breadth first.")
    truncated: bool | None
    producers: list[TraceProducer] | None = strawberry.field(
        description="Cooperatives first, then households in your scope by code."
    )
    out_of_scope_households: int | None = strawberry.field(
        description="Producing households outside your scope, left out of producers."
    )
    enabling_measures: list[EnablingMeasure] | None = strawberry.field(
        description="Non-voided INDUSTRY, SKILLS_TRAINING, MICROCREDIT, EMPLOYMENT and "
        "ECOMMERCE measures of the producing households in your scope, dated within three "
        "years before their lot of the tree was produced."
    )
    downstream: TraceDownstream | None
    events: list[Annotated[TraceEvent, strawberry.lazy("api.types.lot")]] | None = strawberry.field(
        description="The events that made the lots of the tree and those of the lot "
        "itself (its sales), by eventTime; at most 1,000."
    )
    epcis: JSON | None = strawberry.field(
        description="The same events as a GS1 EPCIS 2.0 JSON document (ObjectEvent and "
        "TransformationEvent; a lot class is its trace page's address)."
    )

    @strawberry.field(description="A household's or a cooperative's lots, newest first.")
    def lots(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[LotConnection, strawberry.lazy("api.types.lot")] | None:
        return compiled()

    sales: TraceSales | None


__all__ = [
    "BuyerCity",
    "EnablingMeasure",
    "Trace",
    "TraceChannel",
    "TraceDownstream",
    "TraceProducer",
    "TraceSales",
    "TraceStep",
]
