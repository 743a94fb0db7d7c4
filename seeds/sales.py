"""The demo's sales (seeds/README.md, "Sales"): two sellers, their orders, buyers and the
payments the orders made, dated back from the reference date; order ids are fixed so
the README and the tests can name them.

STORE-469025-01, a self-service store in Baisha, sold bottled honey in three orders of
2, 1 and 5 bottles at 38.80 (the cooperative's lot: the cooperative is paid, its
households were paid at acceptance). STATION-469022-01, the Meiting village e-commerce
service station, sold 10 of the Tunchang household's chickens at 120.00 to an
enterprise's canteen (the household is paid 1,200.00).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.client_mutation import request_digest
from graph.order import CST, Line, order_request
from graph.payment import amount_fen
from graph.seller import Channel
from seeds.trade import BOTTLED_LOT, CHICKEN_LOT, MEITING, TUNCHANG_HOUSEHOLD, trade

STORE, STATION = "STORE-469025-01", "STATION-469022-01"
SELLERS: list[dict[str, Any]] = [
    {"code": STORE, "name": "Baisha Self-Service Store", "kind": "SELF_SERVICE_STORE",
     "regionCode": "469025"},
    {"code": STATION, "name": "Meiting E-commerce Service Station", "kind": "SERVICE_STATION",
     "regionCode": MEITING},
]  # fmt: skip
HONEY_PRICE, CHICKEN_PRICE = 3880, 12000  # fen
# (order id, seller, channel, days before D (at 10:30 CST), buyer id, buyer's city,
# lines (lot, quantity, unit price in fen))
ORDERS: list[tuple[str, str, Channel, int, str, str | None, list[tuple[str, int, int]]]] = [
    ("store-00000001", STORE, Channel.SELF_SERVICE_STORE, 40, "buyer-7f3a9c", "460100",
     [(BOTTLED_LOT, 2, HONEY_PRICE)]),
    ("store-00000002", STORE, Channel.SELF_SERVICE_STORE, 30, "buyer-2b81d4", "440300",
     [(BOTTLED_LOT, 1, HONEY_PRICE)]),
    ("store-00000003", STORE, Channel.SELF_SERVICE_STORE, 20, "buyer-7f3a9c", "460100",
     [(BOTTLED_LOT, 5, HONEY_PRICE)]),
    ("station-00000001", STATION, Channel.SERVICE_STATION, 5, "enterprise-haikou-canteens",
     "460100", [(CHICKEN_LOT, 10, CHICKEN_PRICE)]),
]  # fmt: skip


def sold() -> dict[str, int]:
    """What the orders drew from each lot."""
    out: dict[str, int] = {}
    for *_, lines in ORDERS:
        for lot, quantity, _ in lines:
            out[lot] = out.get(lot, 0) + quantity
    return out


def sales(as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Sellers, orders (with their lines and payments) and their retail_selling events,
    ready for graph/bulk_trade.py's upserts."""
    orders, events = [], []
    payment = 3  # demo-payment-01 to -03 are the acceptance's
    for n, (oid, seller, channel, days, buyer, city, lines) in enumerate(ORDERS, 1):
        day = as_of - dt.timedelta(days=days)
        placed = dt.datetime.combine(day, dt.time(10, 30), CST)
        parsed = [Line(lot, float(quantity), price) for lot, quantity, price in lines]
        rows: list[dict[str, Any]] = [
            {"n": i, "lot": x.trace_code, "quantity": x.quantity, "unitPrice": x.unit_price,
             "amount": amount_fen(x.quantity, x.unit_price)}
            for i, x in enumerate(parsed)
        ]  # fmt: skip
        payments = []
        for row in rows:
            payment += 1
            payments.append({"id": f"demo-payment-{payment:02d}", "lot": row["lot"],
                             "amount": row["amount"], "date": day})  # fmt: skip
        orders.append({
            "id": oid, "seller": seller, "channel": channel.value, "placedAt": placed,
            "buyer": buyer, "city": city, "total": sum(r["amount"] for r in rows),
            "digest": request_digest(order_request(channel, placed, (buyer, city), parsed)),
            "lines": rows, "payments": payments,
        })  # fmt: skip
        seller_region = next(s["regionCode"] for s in SELLERS if s["code"] == seller)
        events.append({"id": f"demo-sale-event-{n:02d}", "eventType": "OBJECT",
                       "bizStep": "retail_selling", "kind": None, "date": day,
                       "readPoint": seller_region, "bizTransaction": f"order:{seller}:{oid}",
                       "inputs": [{"lot": r["lot"], "quantity": r["quantity"]} for r in rows],
                       "outputs": []})  # fmt: skip
    return {"sellers": SELLERS, "orders": orders, "saleEvents": events}


def household_payments(as_of: dt.date) -> list[dict[str, Any]]:
    """Every payment of the story to a household ({household, amount, date}): the
    acceptances, and the sales of a household's own lot (the chickens)."""
    out = [{k: p[k] for k in ("household", "amount", "date")} for p in trade(as_of)["payments"]]
    for order in sales(as_of)["orders"]:
        for p in order["payments"]:
            if p["lot"] == CHICKEN_LOT:
                out.append({"household": TUNCHANG_HOUSEHOLD, "amount": p["amount"],
                            "date": p["date"]})  # fmt: skip
    return out
