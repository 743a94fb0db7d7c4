"""Sellers, buyers, orders and what sales brought a region (issue 16).

Declarations only: the values come from the compiled statement (graph/seller.py,
graph/order.py, graph/sales_impact.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from api.types.page import PageInfo
from api.types.product import Product
from graph.order import OrderStatus
from graph.seller import Channel, SellerKind

if TYPE_CHECKING:
    from api.types.lot import Lot
    from api.types.region import Region

_YUAN = "Yuan, two decimal places."


@strawberry.type(
    description="Who sells: a self-service store, an online shop, a village e-commerce "
    "service station or an enterprise."
)
class Seller:
    code: str
    name: str
    kind: SellerKind
    region_code: str
    region: Annotated[Region, strawberry.lazy("api.types.region")] | None
    created_at: dt.datetime | None

    @strawberry.field(description="Its orders, newest first (placedAt, then id).")
    def orders(self, first: int = 20, after: str | None = None) -> OrderConnection:
        return compiled()


@strawberry.type(
    description="A buyer as one seller knows them: the pseudonymous id it chose and a "
    "city; nothing else about a buyer is stored."
)
class Buyer:
    id: str
    city_code: str | None = strawberry.field(description="A 6-digit region code, or null.")

    @strawberry.field(description="Their orders from this seller, newest first.")
    def orders(self, first: int = 20, after: str | None = None) -> OrderConnection:
        return compiled()


@strawberry.type(description="One line of an order: a quantity of a lot at a price.")
class OrderLine:
    n: int = strawberry.field(description="Its position in the order, from 0.")
    quantity: float
    unit_price: Decimal = strawberry.field(description=_YUAN)
    amount: Decimal = strawberry.field(description="quantity x unitPrice. " + _YUAN)
    lot: Annotated[Lot, strawberry.lazy("api.types.lot")]


@strawberry.type(description="A sale of lots to a buyer.")
class Order:
    id: str = strawberry.field(description="The seller's own order id.")
    seller_code: str
    channel: Channel
    placed_at: dt.datetime
    status: OrderStatus
    total: Decimal = strawberry.field(description="The lines' amounts. " + _YUAN)
    cancelled_on: dt.date | None
    cancel_reason: str | None
    seller: Seller | None
    buyer: Buyer | None
    lines: list[OrderLine]


@strawberry.type
class OrderEdge:
    node: Order
    cursor: str


@strawberry.type(description="A page of orders, newest first (Relay connection).")
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A line of an order of a lot, with its order.")
class Sale:
    n: int
    quantity: float
    unit_price: Decimal = strawberry.field(description=_YUAN)
    amount: Decimal = strawberry.field(description=_YUAN)
    order: Order


@strawberry.type
class SaleEdge:
    node: Sale
    cursor: str


@strawberry.type(description="A page of a lot's sales, newest first (Relay connection).")
class SaleConnection:
    edges: list[SaleEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="What one product sold in a region.")
class ProductSales:
    product: Product | None
    quantity: float
    revenue: Decimal = strawberry.field(description=_YUAN)


@strawberry.type(description="What one channel sold in a region.")
class ChannelSales:
    channel: Channel
    orders: int
    revenue: Decimal = strawberry.field(description=_YUAN)


_PRIVATE = " Null for roles without personal data when fewer than 5 households were paid."


@strawberry.type(
    description="What sales brought a region in a window: revenue of PLACED orders by "
    "the village where each line's lot was produced; payments (ACCEPTANCE and SALE, "
    "unvoided) to the households of the region in your scope."
)
class SalesFigures:
    region: Annotated[Region, strawberry.lazy("api.types.region")]
    revenue: Decimal = strawberry.field(description=_YUAN)
    orders: int = strawberry.field(description="Orders with a line of a lot made here.")
    buyers: int
    by_product: list[ProductSales]
    by_channel: list[ChannelSales]
    households_paid: int
    paid_to_households: Decimal | None = strawberry.field(description=_YUAN + _PRIVATE)
    median_paid_per_household: Decimal | None = strawberry.field(
        description="The median of each paid household's total. " + _YUAN + _PRIVATE
    )


@strawberry.type(description="A region's sales figures, and each child's.")
class SalesImpact(SalesFigures):
    children: list[SalesFigures]


__all__ = [
    "Buyer",
    "ChannelSales",
    "Order",
    "OrderConnection",
    "OrderEdge",
    "OrderLine",
    "ProductSales",
    "Sale",
    "SaleConnection",
    "SaleEdge",
    "SalesFigures",
    "SalesImpact",
    "Seller",
]
