"""Sales (issue 16): seller(code), order(sellerCode, orderId), buyer(id, sellerCode),
salesImpact, createSeller, recordOrder and cancelOrder. Thin: the rules are
graph/seller.py's and graph/order.py's; the reads compile (graph/sales_impact.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry

from api.auth import ORDER_WRITERS, SALES_READERS, SELLER_CREATORS, SELLER_READERS, policy
from api.context import Context
from api.execution import resolve_root
from api.types.sales import Buyer, Order, SalesImpact, Seller
from api.writes import actor, cmid, entity, mutation
from graph import order as graph_order
from graph import seller as graph_seller
from graph import validation as check
from graph.errors import BadUserInput
from graph.lot import check_quantity
from graph.order import CST, MAX_LINES, Line, check_order_id
from graph.payment import to_fen
from graph.seller import Channel, SellerKind, check_buyer_id, check_city_code, check_seller_code
from graph.trace_code import TraceKind, check_trace_code

_WINDOW = "A CST date from 1900-01-01 (the window may end in the future)."


@strawberry.type
class SalesQuery:
    @strawberry.field(
        description="A seller by its code; null when there is none or it is not yours to "
        "see (a region officer's: located in the subtree; a MERCHANT's: its own).",
        permission_classes=[policy(*SELLER_READERS)],
    )
    async def seller(self, info: strawberry.Info[Context, None], code: str) -> Seller | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A seller's order by its id, with its lines and their lots; null as "
        "for seller.",
        permission_classes=[policy(*SELLER_READERS)],
    )
    async def order(
        self, info: strawberry.Info[Context, None], seller_code: str, order_id: str
    ) -> Order | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A seller's buyer by the id it chose, with their orders; null as for "
        "seller (a MERCHANT's buyer of another seller is null).",
        permission_classes=[policy(*SELLER_READERS)],
    )
    async def buyer(
        self, info: strawberry.Info[Context, None], id: str, seller_code: str
    ) -> Buyer | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="What sales brought a region and each of its children between two CST "
        "dates (both included, at most 3 years apart); null for an unknown region.",
        permission_classes=[policy(*SALES_READERS)],
    )
    async def sales_impact(
        self,
        info: strawberry.Info[Context, None],
        region_code: str,
        from_: Annotated[dt.date, strawberry.argument(name="from", description=_WINDOW)],
        to: Annotated[dt.date, strawberry.argument(description=_WINDOW)],
    ) -> SalesImpact | None:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input
class CreateSellerInput:
    code: str = strawberry.field(description="1-40 letters, digits or hyphens: STORE-469025-01.")
    name: str
    kind: SellerKind
    region_code: str = strawberry.field(description="A county-level unit, a town or a village.")
    client_mutation_id: str | None = None


@strawberry.input
class BuyerInput:
    id: str = strawberry.field(description="A pseudonymous id the seller chooses, 1-64 characters.")
    city_code: str | None = strawberry.field(
        default=None, description="A 6-digit region code, or null."
    )


@strawberry.input
class OrderLineInput:
    trace_code: str
    quantity: float = strawberry.field(description="More than 0; whole in a counted unit.")
    unit_price: Decimal = strawberry.field(description="Yuan, at least 0, two decimal places.")


@strawberry.input
class RecordOrderInput:
    seller_code: str
    order_id: str = strawberry.field(
        description="The seller's own id, 8-64 letters, digits or . _ : -; the same input "
        "again answers the stored order."
    )
    channel: Channel
    placed_at: dt.datetime = strawberry.field(
        description="Not in the future; without an offset, China Standard Time."
    )
    buyer: BuyerInput
    lines: list[OrderLineInput] = strawberry.field(description=f"1-{MAX_LINES} lines.")
    client_mutation_id: str | None = None


@strawberry.input
class CancelOrderInput:
    seller_code: str
    order_id: str
    reason: str
    client_mutation_id: str | None = None


@strawberry.type
class SellerPayload:
    client_mutation_id: str | None
    _code: strawberry.Private[str | None] = None

    @strawberry.field
    async def seller(self, info: strawberry.Info[Context, None]) -> Seller | None:
        return await entity(info, "seller", code=self._code)  # type: ignore[no-any-return]


@strawberry.type
class OrderPayload:
    client_mutation_id: str | None
    _seller: strawberry.Private[str | None] = None
    _order: strawberry.Private[str | None] = None

    @strawberry.field
    async def order(self, info: strawberry.Info[Context, None]) -> Order | None:
        return await entity(  # type: ignore[no-any-return]
            info, "Order#key", sellerCode=self._seller, orderId=self._order
        )


def _placed_at(value: dt.datetime) -> dt.datetime:
    placed = value if value.tzinfo is not None else value.replace(tzinfo=CST)
    if placed > dt.datetime.now(dt.UTC):
        raise BadUserInput("the order is placed in the future", field="input.placedAt")
    if placed.astimezone(CST).date() < check.EARLIEST_DATE:
        raise BadUserInput("the order is placed too long ago", field="input.placedAt")
    return placed


@strawberry.type
class SalesMutation:
    @strawberry.mutation(
        description="Create a seller located in a region in your scope.",
        permission_classes=[policy(*SELLER_CREATORS)],
    )
    async def create_seller(
        self, info: strawberry.Info[Context, None], input: CreateSellerInput
    ) -> SellerPayload:
        client_id = cmid(input.client_mutation_id)
        result = await graph_seller.create_seller(
            info.context.db,
            actor(info),
            mutation("createSeller", input, client_id),
            check_seller_code(input.code, "input.code"),
            check.check_text(input.name, "input.name", max_length=100),
            input.kind,
            check.check_region_code(input.region_code, "input.regionCode"),
        )
        return SellerPayload(client_mutation_id=client_id, _code=result["code"])

    @strawberry.mutation(
        description="Record a sale (an EPCIS retail_selling event): each lot drawn down by "
        "its lines, each line paying the lot's owner quantity x unitPrice (a Payment SALE: "
        "a household's part of its income). The same input again answers the stored "
        "order and writes nothing; the same id with other content is CONFLICT.",
        permission_classes=[policy(*ORDER_WRITERS)],
    )
    async def record_order(
        self, info: strawberry.Info[Context, None], input: RecordOrderInput
    ) -> OrderPayload:
        if not 1 <= len(input.lines) <= MAX_LINES:
            raise BadUserInput(f"give 1 to {MAX_LINES} lines", field="input.lines")
        lines = []
        for i, line in enumerate(input.lines):
            code = check_trace_code(line.trace_code, f"input.lines[{i}].traceCode", TraceKind.LOT)
            quantity = check_quantity(line.quantity, f"input.lines[{i}].quantity")
            price = to_fen(line.unit_price, f"input.lines[{i}].unitPrice")
            lines.append(Line(code, quantity, price))
        client_id = cmid(input.client_mutation_id)
        seller = check_seller_code(input.seller_code, "input.sellerCode")
        order_id = check_order_id(input.order_id, "input.orderId")
        result = await graph_order.record_order(
            info.context.db,
            actor(info),
            mutation("recordOrder", input, client_id),
            seller,
            order_id,
            input.channel,
            _placed_at(input.placed_at),
            (
                check_buyer_id(input.buyer.id, "input.buyer.id"),
                check_city_code(input.buyer.city_code, "input.buyer.cityCode"),
            ),
            lines,
        )
        return OrderPayload(
            client_mutation_id=client_id, _seller=result["sellerCode"], _order=result["orderId"]
        )

    @strawberry.mutation(
        description="Cancel a PLACED order within 30 days of placedAt: its lots get back "
        "what it drew, its payments are voided (so platformSales drops); else CONFLICT.",
        permission_classes=[policy(*ORDER_WRITERS)],
    )
    async def cancel_order(
        self, info: strawberry.Info[Context, None], input: CancelOrderInput
    ) -> OrderPayload:
        client_id = cmid(input.client_mutation_id)
        result = await graph_order.cancel_order(
            info.context.db,
            actor(info),
            mutation("cancelOrder", input, client_id),
            check_seller_code(input.seller_code, "input.sellerCode"),
            check_order_id(input.order_id, "input.orderId"),
            check.check_text(input.reason, "input.reason", max_length=200),
            dt.datetime.now(dt.UTC),
        )
        return OrderPayload(
            client_mutation_id=client_id, _seller=result["sellerCode"], _order=result["orderId"]
        )
