"""Lots, their EPCIS events and the payments they brought (DOMAIN.md section 8).

Declarations only: the values come from the compiled statement (graph/lot.py,
graph/trace_event.py, graph/payment.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from api.types.page import PageInfo
from api.types.product import Product
from graph.lot import PartyKind
from graph.payment import PaymentSource
from graph.product import QuantityUnit
from graph.trace_event import EventType, TransformationKind

if TYPE_CHECKING:
    from api.types.cooperative import Cooperative
    from api.types.household import Household
    from api.types.region import Region
    from api.types.sales import SaleConnection


@strawberry.type(
    description="Who produced or owns a lot: a household (null when it is not in your "
    "scope) or a cooperative."
)
class LotParty:
    kind: PartyKind
    trace_code: str | None
    household: Annotated[Household, strawberry.lazy("api.types.household")] | None
    cooperative: Annotated[Cooperative, strawberry.lazy("api.types.cooperative")] | None


@strawberry.type(description="How much of a lot an event took in or gave out.")
class TraceQuantity:
    quantity: float
    lot: Lot


@strawberry.type(
    description="A GS1 EPCIS step: an OBJECT event (bizStep commissioning: a lot was "
    "produced; accepting: a cooperative took it, bizTransaction the purchase) or a "
    "TRANSFORMATION (bizStep transforming or packing: inputs into outputs)."
)
class TraceEvent:
    id: strawberry.ID
    event_type: EventType
    biz_step: str = strawberry.field(description="The EPCIS Core Business Vocabulary word.")
    kind: TransformationKind | None
    event_time: dt.datetime = strawberry.field(description="The day, at 00:00 China Standard Time.")
    record_time: dt.datetime | None
    read_point: str | None = strawberry.field(description="The village code where it happened.")
    biz_transaction: str | None
    inputs: list[TraceQuantity]
    outputs: list[TraceQuantity] = strawberry.field(
        description="What a transformation made, or the lots an object event is about."
    )


@strawberry.type(
    description="A batch: a trace code, a product, a quantity and what remains of it, the "
    "day it was produced, who produced and who owns it."
)
class Lot:
    trace_code: str
    quantity: float
    remaining: float = strawberry.field(
        description="The quantity less what transformations (and orders) drew from it."
    )
    unit: QuantityUnit
    produced_on: dt.date
    village_code: str | None = strawberry.field(description="Where it was produced.")
    created_at: dt.datetime | None
    product: Product | None
    village: Annotated[Region, strawberry.lazy("api.types.region")] | None
    producer: LotParty | None
    owner: LotParty | None
    inputs: list[Lot] = strawberry.field(description="The lots it was made from.")
    outputs: list[Lot] = strawberry.field(description="The lots made from it.")
    events: list[TraceEvent] = strawberry.field(description="Its EPCIS events, oldest first.")

    @strawberry.field(
        description="The order lines that sold it, newest first: of the sellers you may "
        "see (a MERCHANT its own)."
    )
    def sales(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[SaleConnection, strawberry.lazy("api.types.sales")]:
        return compiled()


@strawberry.type
class LotEdge:
    node: Lot
    cursor: str


@strawberry.type(description="A page of lots, newest first (Relay connection).")
class LotConnection:
    edges: list[LotEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="Money paid through the platform: part of the household's income.")
class Payment:
    id: strawberry.ID
    amount: Decimal | None = strawberry.field(
        description="Yuan, two decimal places; personal (an income): null for some roles."
    )
    date: dt.date
    source: PaymentSource
    voided_on: dt.date | None
    lot: Lot | None = strawberry.field(description="The lot it paid for.")


@strawberry.type
class PaymentEdge:
    node: Payment
    cursor: str


@strawberry.type(description="A page of payments, newest first (Relay connection).")
class PaymentConnection:
    edges: list[PaymentEdge]
    page_info: PageInfo
    total_count: int


__all__ = [
    "Lot",
    "LotConnection",
    "LotEdge",
    "LotParty",
    "Payment",
    "PaymentConnection",
    "PaymentEdge",
    "TraceEvent",
    "TraceQuantity",
]
