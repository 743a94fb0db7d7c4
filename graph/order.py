"""Orders (DOMAIN.md section 8, issue 16): a seller's sale of lots to a buyer, and the
money it pays the producers. The read maps of Order, its lines and a lot's sales, the
order(sellerCode, orderId) planner, recordOrder and cancelOrder.

    recordOrder   idempotent on (seller, order id): the same input again answers the
                  stored order and writes nothing; the same id with other content is
                  CONFLICT. Each lot is locked (graph/write.py `Write.lot`, in trace
                  code order) and drawn down by its lines' sum; an EPCIS retail_selling
                  event takes the lots as inputs (bizTransaction `order:<seller>:<id>`);
                  each line pays the lot's owner quantity x unitPrice (a Payment SALE
                  dated placedAt's CST date): a household's lot its household, a
                  cooperative's the cooperative, whose households were paid when it
                  accepted their lots, so no sale enters a household's income twice.
                  The order is counted into the sales summaries of its lots' regions
                  (graph/sales_summary.py).
    cancelOrder   PLACED to CANCELLED within 30 days of placedAt: remaining restored
                  under the same locks, the order's payments voided (platformSales drops),
                  the order counted out of the sales summaries.

Prices are Decimal yuan with two places in the API, integer fen in the graph.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.client_mutation import request_digest
from graph.compiler import Plan, Request, View, root
from graph.cursor import KeyKind
from graph.db import Database
from graph.errors import BadUserInput, Conflict, NotFound
from graph.lot import check_quantity, record_event
from graph.model import Label, Rel
from graph.payment import PaymentSource, amount_fen
from graph.readmap import Access, Conn, Embed, Field, Kind, Value, declare, extend
from graph.readmap import Rel as RelEntry
from graph.sales_summary import count_order
from graph.scope import Scope
from graph.seller import ORDER_KEYS, Channel, seek_by_seller
from graph.trace_event import DRAW, EPSILON, BizStep, EventType
from graph.write import Actor, Entity, Mutation, Write, write

CANCEL_DAYS = 30
MAX_LINES = 50
CST = dt.timezone(dt.timedelta(hours=8))


class OrderStatus(StrEnum):
    PLACED = "PLACED"
    CANCELLED = "CANCELLED"


def check_order_id(value: str, field: str) -> str:
    """8-64 letters, digits or . _ : - (the seller's own order number)."""
    from graph.validation import check_client_mutation_id

    try:
        return check_client_mutation_id(value, field)
    except BadUserInput:
        raise BadUserInput("an order id is 8-64 letters, digits or . _ : -", field=field) from None


declare(
    "Order",
    ("o",),
    {
        "id": Value("{o}.id"),
        "sellerCode": Value("{o}.sellerCode"),
        "channel": Value("{o}.channel"),
        "placedAt": Value("{o}.placedAt", Kind.DATETIME),
        "status": Value("{o}.status"),
        "total": Value("{o}.total", Kind.FEN),
        "cancelledOn": Value("{o}.cancelledOn", Kind.DATE),
        "cancelReason": Value("{o}.cancelReason"),
        "seller": RelEntry(
            "Seller", f"MATCH ({{o}})<-[:{Rel.SOLD}]-({{s}}:{Label.SELLER})", single=True
        ),
        "buyer": RelEntry(
            "Buyer", f"MATCH ({{o}})-[:{Rel.BOUGHT_BY}]->({{b}}:{Label.BUYER})", single=True
        ),
        "lines": RelEntry(
            "OrderLine",
            f"MATCH ({{o}})-[{{x}}:{Rel.LINE}]->({{l}}:{Label.LOT})",
            order="{x}.n",
            fixed_limit=MAX_LINES,
        ),
    },
)
_LINE = {
    "n": Value("{x}.n"),
    "quantity": Value("{x}.quantity"),
    "unitPrice": Value("{x}.unitPrice", Kind.FEN),
    "amount": Value("{x}.amount", Kind.FEN),
}
declare("OrderLine", ("x", "l"), {**_LINE, "lot": Embed("Lot", {"l": "l"})})
declare("OrderEdge", ("o",), {"node": Embed("Order", {"o": "o"})})
# A line of a lot, with its order: Lot.sales.
declare("Sale", ("x", "o"), {**_LINE, "order": Embed("Order", {"o": "o"})})
declare("SaleEdge", ("x", "o"), {"node": Embed("Sale", {"x": "x", "o": "o"})})
extend(
    "Lot",
    {
        "sales": Conn(
            "SaleEdge",
            f"MATCH ({{l}})<-[{{x}}:{Rel.LINE}]-({{o}}:{Label.ORDER})"
            f"<-[:{Rel.SOLD}]-({{s}}:{Label.SELLER})",
            keys=(
                *ORDER_KEYS[:1],
                ("{o}.sellerCode", "DESC", KeyKind.STR),
                ORDER_KEYS[1],
                ("{x}.n", "DESC", KeyKind.INT),
            ),
            kind="lot-sales",
            scoped=(("s", Access.SELLER),),
        ),
    },
)


def _order_id(request: Request) -> str:
    return check_order_id(str(request.args["orderId"]), "orderId")


def _plan_order(field: Field, view: View, shape: Any) -> Plan:
    return seek_by_seller(field, view, Label.ORDER, ("orderId", _order_id), "Order")


# order(sellerCode, orderId), and a payload's order: a seek on order_key, when the
# caller's scope holds the seller.
root("order")(_plan_order)
root("Order#key")(_plan_order)


# --- writes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    trace_code: str
    quantity: float
    unit_price: int  # fen


FIND_ORDER = (
    f"MATCH (o:{Label.ORDER} {{sellerCode: $seller, id: $id}}) "
    "RETURN o.digest AS digest, o.status AS status, o.placedAt AS placedAt, "
    f"COLLECT {{ MATCH (o)-[x:{Rel.LINE}]->(l:{Label.LOT}) "
    "RETURN {lot: l.traceCode, quantity: x.quantity} ORDER BY x.n } AS lines"
)

CREATE_ORDER = f"""
MATCH (s:{Label.SELLER} {{code: $seller}})
MERGE (b:{Label.BUYER} {{sellerCode: $seller, id: $buyer}})
SET b.cityCode = coalesce($city, b.cityCode)
CREATE (s)-[:{Rel.SOLD}]->(o:{Label.ORDER} {{sellerCode: $seller, id: $id, channel: $channel,
  placedAt: $placedAt, status: 'PLACED', total: $total, digest: $digest,
  createdAt: datetime()}})-[:{Rel.BOUGHT_BY}]->(b)
WITH o
UNWIND $lines AS line
MATCH (l:{Label.LOT} {{traceCode: line.lot}})
CREATE (o)-[:{Rel.LINE} {{n: line.n, quantity: line.quantity, unitPrice: line.unitPrice,
  amount: line.amount}}]->(l)
"""

CREATE_SALE_PAYMENTS = f"""
MATCH (o:{Label.ORDER} {{sellerCode: $seller, id: $id}})
UNWIND $payments AS row
MATCH (l:{Label.LOT} {{traceCode: row.lot}})<-[:{Rel.OWNS}]-(owner)
CREATE (p:{Label.PAYMENT} {{id: row.id, amount: row.amount, date: row.date, source: 'SALE'}})
CREATE (p)-[:{Rel.PAID_TO}]->(owner)
CREATE (p)-[:{Rel.PAID_FOR}]->(l)
CREATE (p)-[:{Rel.FOR_ORDER}]->(o)
"""

RESTORE = f"""
UNWIND $draws AS draw
MATCH (l:{Label.LOT} {{traceCode: draw.lot}})
SET l.remaining = round(l.remaining + draw.quantity, 3)
"""

CANCEL = f"""
MATCH (o:{Label.ORDER} {{sellerCode: $seller, id: $id}})
SET o.status = 'CANCELLED', o.cancelledOn = $today, o.cancelReason = $reason
WITH o
OPTIONAL MATCH (p:{Label.PAYMENT})-[:{Rel.FOR_ORDER}]->(o) WHERE p.voidedOn IS NULL
OPTIONAL MATCH (p)-[:{Rel.PAID_TO}]->(owner)
OPTIONAL MATCH (p)-[:{Rel.PAID_FOR}]->(l:{Label.LOT})
SET p.voidedOn = $today, p.voidReason = $reason
RETURN p.id AS payment, owner.code AS owner, owner:{Label.HOUSEHOLD} AS household,
  l.traceCode AS lot
"""


def order_request(
    channel: Channel, placed_at: dt.datetime, buyer: tuple[str, str | None], lines: Sequence[Line]
) -> dict[str, Any]:
    """What an order's digest is taken over: a replay is the same order."""
    return {
        "channel": channel.value,
        "placedAt": placed_at.astimezone(dt.UTC).isoformat(),
        "buyer": {"id": buyer[0], "cityCode": buyer[1]},
        "lines": [[x.trace_code, x.quantity, x.unit_price] for x in lines],
    }


async def _lock_lots(w: Write, lines: Sequence[Line]) -> dict[str, dict[str, Any]]:
    """Lock every lot of the lines, in trace code order: their states by code."""
    first: dict[str, int] = {}
    for i, line in enumerate(lines):
        first.setdefault(line.trace_code, i)
    states = {}
    for code in sorted(first):
        field = f"input.lines[{first[code]}].traceCode"
        states[code] = await w.lot(code, field=field, any_owner=True)
    return states


SELLER_ORDER = (
    f"MATCH (s:{Label.SELLER} {{code: $seller}}) WHERE {{scope}} "
    f"OPTIONAL MATCH (o:{Label.ORDER} {{sellerCode: $seller, id: $id}}) RETURN o.digest AS digest"
)


async def _stored(
    reader: Write | Database, scope: Scope, seller: str, order_id: str, digest: str
) -> bool:
    """Whether the seller (in the caller's scope: NOT_FOUND otherwise) has the order
    already: True when it is this input's, CONFLICT on input.orderId when another's.
    Read in a read transaction (`reader` the database) or in the write's own."""
    where, params = scope.filter(Access.SELLER, "s")
    cypher = SELLER_ORDER.replace("{scope}", where)
    values = {"seller": seller, "id": order_id, **params}
    if isinstance(reader, Database):
        record = await reader.read_one(cypher, values)
    else:
        record = await reader.tx.single(cypher, values)
    if record is None:
        raise NotFound("no such seller", field="input.sellerCode")
    if record["digest"] is None:
        return False
    if record["digest"] != digest:
        raise Conflict("the seller has another order with this id", field="input.orderId")
    return True


async def record_order(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    seller: str,
    order_id: str,
    channel: Channel,
    placed_at: dt.datetime,
    buyer: tuple[str, str | None],
    lines: Sequence[Line],
) -> dict[str, Any]:
    """A sale: {sellerCode, orderId} (the module docstring). The seller in the caller's
    scope (NOT_FOUND on input.sellerCode); every lot exists (NOT_FOUND on
    input.lines[i].traceCode), is not a deregistered household's (CONFLICT there), was
    produced by placedAt's day (BAD_USER_INPUT on input.placedAt), has remaining at
    least its lines' sum (CONFLICT on input.lines[i].quantity, the line that passes it)
    and takes whole numbers in a counted unit (BAD_USER_INPUT)."""
    digest = request_digest(order_request(channel, placed_at, buyer, lines))
    day = placed_at.astimezone(CST).date()

    result = {"sellerCode": seller, "orderId": order_id}
    # A replay is answered by a read, before any write transaction or lock (the seller's
    # scope checked all the same); a new order locks the seller and looks again, so two
    # at once make one order.
    if await _stored(db, actor.scope, seller, order_id, digest):
        return result

    async def work(w: Write) -> dict[str, Any]:
        found = await w.seller(seller, field="input.sellerCode")
        if await _stored(w, w.scope, seller, order_id, digest):
            return result
        states = await _lock_lots(w, lines)
        drawn: dict[str, float] = {}
        for i, line in enumerate(lines):
            state = states[line.trace_code]
            check_quantity(line.quantity, f"input.lines[{i}].quantity", state["unit"])
            if state["ownerDeregisteredOn"] is not None:
                raise Conflict(
                    "the lot's household is deregistered", field=f"input.lines[{i}].traceCode"
                )
            if day < state["producedOn"]:
                raise BadUserInput(
                    "the order is placed before a lot was produced", field="input.placedAt"
                )
            drawn[line.trace_code] = round(drawn.get(line.trace_code, 0) + line.quantity, 3)
            if drawn[line.trace_code] > state["remaining"] + EPSILON:
                raise Conflict(
                    f"more than remains of the lot ({state['remaining']:g} {state['unit']})",
                    field=f"input.lines[{i}].quantity",
                )
        draws = [{"lot": code, "quantity": quantity} for code, quantity in drawn.items()]
        await w.tx.run(DRAW, {"draws": draws})
        rows: list[dict[str, Any]] = [
            {"n": n, "lot": x.trace_code, "quantity": x.quantity, "unitPrice": x.unit_price,
             "amount": amount_fen(x.quantity, x.unit_price)}
            for n, x in enumerate(lines)
        ]  # fmt: skip
        total = sum(r["amount"] for r in rows)
        await w.tx.run(CREATE_ORDER, {
            "seller": seller, "id": order_id, "buyer": buyer[0], "city": buyer[1],
            "channel": channel.value, "placedAt": placed_at, "total": total, "digest": digest,
            "lines": rows})  # fmt: skip
        await record_event(
            w.tx, event_type=EventType.OBJECT, biz_step=BizStep.RETAIL_SELLING, date=day,
            read_point=found["regionCode"], inputs=draws,
            biz_transaction=f"order:{seller}:{order_id}",
        )  # fmt: skip
        payments = [
            {"id": str(uuid.uuid4()), "lot": r["lot"], "amount": r["amount"], "date": day}
            for r in rows
            if r["amount"] > 0
        ]
        await w.tx.run(
            CREATE_SALE_PAYMENTS, {"seller": seller, "id": order_id, "payments": payments}
        )
        await count_order(w.tx, seller, order_id, 1)
        households = []
        for payment in payments:
            state = states[payment["lot"]]
            entity = Entity.HOUSEHOLD if state["ownerKind"] == "HOUSEHOLD" else Entity.COOPERATIVE
            if entity is Entity.HOUSEHOLD:
                households.append(state["owner"])
            after = {
                "payment": payment["id"], "lot": payment["lot"], "date": day.isoformat(),
                "source": PaymentSource.SALE.value, "order": f"{seller}:{order_id}",
            }  # fmt: skip
            w.changed(
                entity, state["owner"], [{"field": "payments", "before": None, "after": after}]
            )
        w.touch(households=households, incomes=households, bump=False)
        after = {"order": order_id, "channel": channel.value, "placedAt": placed_at.isoformat(),
                 "status": OrderStatus.PLACED.value, "total": total,
                 "lines": [[r["lot"], r["quantity"]] for r in rows]}  # fmt: skip
        w.changed(Entity.SELLER, seller, [{"field": "orders", "before": None, "after": after}])
        return result

    return await write(db, actor, mutation, work)


async def cancel_order(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    seller: str,
    order_id: str,
    reason: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Cancel a PLACED order within 30 days of placedAt: {sellerCode, orderId}. The seller
    in the caller's scope (NOT_FOUND on input.sellerCode), the order its (NOT_FOUND on
    input.orderId); cancelled already or too late: CONFLICT on input.orderId."""

    async def work(w: Write) -> dict[str, Any]:
        await w.seller(seller, field="input.sellerCode")
        order = await w.tx.single(FIND_ORDER, {"seller": seller, "id": order_id})
        if order is None:
            raise NotFound("the seller has no order with this id", field="input.orderId")
        if order["status"] != OrderStatus.PLACED:
            raise Conflict("the order is cancelled already", field="input.orderId")
        placed = order["placedAt"].to_native()
        if now - placed > dt.timedelta(days=CANCEL_DAYS):
            raise Conflict(
                f"an order is cancelled within {CANCEL_DAYS} days of being placed",
                field="input.orderId",
            )
        lines = [Line(x["lot"], x["quantity"], 0) for x in order["lines"]]
        await _lock_lots(w, lines)
        drawn: dict[str, float] = {}
        for line in lines:
            drawn[line.trace_code] = round(drawn.get(line.trace_code, 0) + line.quantity, 3)
        await w.tx.run(RESTORE, {"draws": [{"lot": c, "quantity": q} for c, q in drawn.items()]})
        today = now.astimezone(CST).date()
        voided = await w.tx.run(
            CANCEL, {"seller": seller, "id": order_id, "today": today, "reason": reason}
        )
        await count_order(w.tx, seller, order_id, -1)
        households = []
        for record in voided:
            if record["payment"] is None:
                continue
            entity = Entity.HOUSEHOLD if record["household"] else Entity.COOPERATIVE
            if entity is Entity.HOUSEHOLD:
                households.append(record["owner"])
            payment = record["payment"]
            w.changed(entity, record["owner"], [{"field": "payments",
                "before": {"payment": payment, "voidedOn": None},
                "after": {"payment": payment, "voidedOn": today.isoformat()}}])  # fmt: skip
        w.touch(households=households, incomes=households, bump=False)
        w.changed(Entity.SELLER, seller, [{"field": "orders",
            "before": {"order": order_id, "status": OrderStatus.PLACED.value},
            "after": {"order": order_id, "status": OrderStatus.CANCELLED.value,
                      "cancelledOn": today.isoformat(), "reason": reason}}])  # fmt: skip
        return {"sellerCode": seller, "orderId": order_id}

    return await write(db, actor, mutation, work)
