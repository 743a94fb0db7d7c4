"""The sales summaries (graph/sales_summary.py, issue 17) and the households' payment
summaries (graph/payment.py): after recordOrder, cancelOrder, the demo's upserts,
migration steps 21 and 22 and the generator they equal what is computed here from the
orders and payments themselves (by the regions' prefixes, not by the PART_OF tree the
sales summaries follow), and salesImpact from them equals the figures computed here
from the lines and payments for regions at every level, windows cutting the days, and
every kind of caller (a scope that leaves households out, masked sums)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from neo4j import Driver

from api.auth import Role
from graph.payment import to_yuan
from graph.validation import today_cst
from seeds.sales import STATION, STORE
from seeds.trade import BOTTLED_LOT, CHICKEN_LOT, MEITING, NANLAO

CST = dt.timezone(dt.timedelta(hours=8))
RECORD = "mutation($input: RecordOrderInput!) { recordOrder(input: $input) { order { id } } }"
CANCEL = "mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { order { id } } }"
IMPACT = """query($r: String!, $from: Date!, $to: Date!) {
  salesImpact(regionCode: $r, from: $from, to: $to) {
    region { code } revenue orders buyers householdsPaid paidToHouseholds
    medianPaidPerHousehold
    byProduct { product { code } quantity revenue } byChannel { channel orders revenue }
    children { region { code } revenue orders buyers householdsPaid paidToHouseholds
      byProduct { product { code } quantity revenue } byChannel { channel orders revenue } }
  } }"""

ORDERS_OF = """
MATCH (o:Order {status: 'PLACED'})-[:BOUGHT_BY]->(b:Buyer)
RETURN o.sellerCode AS seller, o.id AS id, b.id AS buyer, o.channel AS channel,
  o.placedAt AS placedAt,
  COLLECT { MATCH (o)-[x:LINE]->(l:Lot)-[:OF_PRODUCT]->(p:Product)
    RETURN {village: l.villageCode, product: p.code, q: x.quantity, a: x.amount} } AS lines
"""
REGIONS = "MATCH (r:Region) RETURN r.code AS code, r.level AS level, r.prefixes AS prefixes"
SUMMARIES = "MATCH (s:SalesDay) RETURN s {.*} AS s"
PAYMENTS_OF = """
MATCH (p:Payment)-[:PAID_TO]->(h:Household)
WHERE p.voidedOn IS NULL AND p.source IN ['ACCEPTANCE', 'SALE']
RETURN h.code AS code, p.date AS date, p.id AS id, p.amount AS amount
"""
PAID = "MATCH (s:HouseholdPayments) RETURN s.code AS code, s.days AS days, s.amounts AS amounts"


@pytest.fixture()
def as_of() -> dt.date:
    return today_cst()


def _orders(driver: Driver) -> list[dict[str, Any]]:
    found = [r.data() for r in driver.execute_query(ORDERS_OF)[0]]
    for o in found:
        o["placedAt"] = o["placedAt"].to_native()
        o["day"] = o["placedAt"].astimezone(CST).date()
    return found


def _regions(driver: Driver) -> list[dict[str, Any]]:
    return [r.data() for r in driver.execute_query(REGIONS)[0]]


def _in(region: dict[str, Any], village: str) -> bool:
    return any(village.startswith(p) for p in region["prefixes"])


def reference(driver: Driver) -> dict[tuple[str, dt.date], dict[str, Any]]:
    """Every summary there should be, from the PLACED orders: for each region that is
    not a village and each day, the orders with a line of its lots; a buyer's previous
    order is the latest of their others placed before (placedAt, then id) in the region."""
    orders = _orders(driver)
    expected: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for region in _regions(driver):
        if region["level"] == "VILLAGE":
            continue
        mine = []
        for o in orders:
            lines = [x for x in o["lines"] if _in(region, x["village"])]
            if lines:
                mine.append({**o, "lines": lines})
        # Each order's buyer's previous order in the region: the one before it in
        # (placedAt, id) order.
        mine.sort(key=lambda o: (o["placedAt"], o["id"]))
        last: dict[tuple[str, str], dt.date] = {}
        for o in mine:
            o["prev"] = last.get((o["seller"], o["buyer"]))
            last[(o["seller"], o["buyer"])] = o["day"]
        for day in sorted({o["day"] for o in mine}):
            on = [o for o in mine if o["day"] == day]
            channels: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            products: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
            first = sum(1 for o in on if o["prev"] is None)
            previous = [o["prev"] for o in on if o["prev"] is not None]
            for o in on:
                total = sum(x["a"] for x in o["lines"])
                channels[o["channel"]][0] += 1
                channels[o["channel"]][1] += total
                for x in o["lines"]:
                    products[x["product"]][0] += x["q"]
                    products[x["product"]][1] += x["a"]
            expected[(region["code"], day)] = {
                "regionCode": region["code"], "day": day, "orders": len(on),
                "revenue": sum(r for _, r in channels.values()), "firstOrders": first,
                "previousDays": sorted(previous), "channels": sorted(channels),
                "channelOrders": [channels[c][0] for c in sorted(channels)],
                "channelRevenues": [channels[c][1] for c in sorted(channels)],
                "products": sorted(products),
                "productQuantities": [round(products[p][0], 3) for p in sorted(products)],
                "productRevenues": [products[p][1] for p in sorted(products)],
            }  # fmt: skip
    return expected


def stored(driver: Driver) -> dict[tuple[str, dt.date], dict[str, Any]]:
    found = {}
    for record in driver.execute_query(SUMMARIES)[0]:
        s = dict(record["s"])
        s["day"] = s["day"].to_native()
        s["previousDays"] = [d.to_native() for d in s["previousDays"]]
        found[(s["regionCode"], s["day"])] = s
    return found


def _payments(driver: Driver) -> list[dict[str, Any]]:
    found = [r.data() for r in driver.execute_query(PAYMENTS_OF)[0]]
    for p in found:
        p["date"] = p["date"].to_native()
    return found


def assert_summaries(driver: Driver) -> None:
    """The SalesDay and HouseholdPayments nodes are what the orders and payments make."""
    expected, found = reference(driver), stored(driver)
    assert found.keys() == expected.keys()
    for key in expected:
        assert found[key] == expected[key], key
    paid: dict[str, list[tuple[dt.date, str, int]]] = defaultdict(list)
    for p in _payments(driver):
        paid[p["code"]].append((p["date"], p["id"], p["amount"]))
    want = {code: ([d for d, _, _ in sorted(got)], [a for _, _, a in sorted(got)])
            for code, got in paid.items()}  # fmt: skip
    have = {r["code"]: ([d.to_native() for d in r["days"]], r["amounts"])
            for r in driver.execute_query(PAID)[0]}  # fmt: skip
    assert have == want


def paid_figures(
    payments: list[dict[str, Any]], prefixes: list[str], scope: list[str] | None, masked: bool,
    start: dt.date, end: dt.date,
) -> dict[str, Any]:  # fmt: skip
    """householdsPaid, paidToHouseholds, medianPaidPerHousehold of the households under
    `prefixes` (and `scope`'s, when given) from their payments in the window."""
    totals: dict[str, int] = defaultdict(int)
    for p in payments:
        if not start <= p["date"] <= end or not any(p["code"].startswith(x) for x in prefixes):
            continue
        if scope is not None and not any(p["code"].startswith(x) for x in scope):
            continue
        totals[p["code"]] += p["amount"]
    values = sorted(totals.values())
    n = len(values)
    median = None if n == 0 else int((values[(n - 1) // 2] + values[n // 2]) / 2 + 0.5)
    hidden = masked and n < 5
    return {
        "householdsPaid": n,
        "paidToHouseholds": None if hidden else str(to_yuan(sum(values))),
        "medianPaidPerHousehold": None if hidden or median is None else str(to_yuan(median)),
    }


def figures(graph: Any, code: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """A region's sales figures from its lines (graph/sales_impact.py's docstring);
    `graph` is (regions by code, orders) as read by _regions and _orders."""
    regions, every = graph
    region = regions[code]
    orders = [o for o in every if start <= o["day"] <= end]
    mine = []
    for o in orders:
        lines = [x for x in o["lines"] if _in(region, x["village"])]
        if lines:
            mine.append({**o, "lines": lines})
    products: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    channels: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in mine:
        channels[o["channel"]][0] += 1
        for x in o["lines"]:
            products[x["product"]][0] += x["q"]
            products[x["product"]][1] += x["a"]
            channels[o["channel"]][1] += x["a"]
    return {
        "region": {"code": code},
        "revenue": str(to_yuan(sum(int(a) for _, a in products.values()))),
        "orders": len(mine),
        "buyers": len({(o["seller"], o["buyer"]) for o in mine}),
        "byProduct": [{"product": {"code": p}, "quantity": round(products[p][0], 3),
                       "revenue": str(to_yuan(int(products[p][1])))} for p in sorted(products)],
        "byChannel": [{"channel": c, "orders": channels[c][0],
                       "revenue": str(to_yuan(channels[c][1]))} for c in sorted(channels)],
    }  # fmt: skip


def at(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), CST).isoformat()


def order(seller: str, order_id: str, buyer: str, placed: str, *lines: tuple[str, int]) -> Any:
    prices = {BOTTLED_LOT: "38.80", CHICKEN_LOT: "120.00"}
    channel = "SELF_SERVICE_STORE" if seller == STORE else "SERVICE_STATION"
    rows = [{"traceCode": c, "quantity": q, "unitPrice": prices[c]} for c, q in lines]
    return {"input": {"sellerCode": seller, "orderId": order_id, "channel": channel,
                      "placedAt": placed, "buyer": {"id": buyer}, "lines": rows}}  # fmt: skip


def test_orders_and_cancellations_keep_the_summaries(api, demo, graph):
    """Orders of two regions' lots, a buyer's two orders of one day, orders either side
    of a CST midnight, an order placed before a buyer's others recorded after them; then
    cancelling a buyer's earlier orders (the next one's previous day changes)."""
    d = demo  # today, CST; the chickens were raised on D-10, the honey packed on D-45
    assert_summaries(graph)  # the demo's upserts
    placed = [
        order(STORE, "sum-a-0001", "a", at(d - dt.timedelta(days=8), 10), (BOTTLED_LOT, 1),
              (CHICKEN_LOT, 1)),
        order(STORE, "sum-a-0002", "a", at(d - dt.timedelta(days=5), 23, 50), (BOTTLED_LOT, 2)),
        order(STORE, "sum-a-0003", "a", at(d - dt.timedelta(days=4), 0, 10), (CHICKEN_LOT, 1)),
        order(STORE, "sum-b-0001", "b", at(d - dt.timedelta(days=5), 9), (BOTTLED_LOT, 1)),
        order(STORE, "sum-b-0002", "b", at(d - dt.timedelta(days=5), 9), (BOTTLED_LOT, 3)),
        order(STORE, "sum-b-0003", "b", at(d - dt.timedelta(days=1), 12), (CHICKEN_LOT, 2)),
        order(STATION, "sum-c-0001", "a", at(d - dt.timedelta(days=3), 8), (CHICKEN_LOT, 1)),
        # Before a's other orders, recorded after them.
        order(STORE, "sum-a-0000", "a", at(d - dt.timedelta(days=9), 10), (CHICKEN_LOT, 1)),
    ]  # fmt: skip
    for variables in placed:
        api.data(RECORD, variables)
        assert_summaries(graph)
    keys = stored(graph)
    assert ("469025", d - dt.timedelta(days=5)) in keys and (
        "460000",
        d - dt.timedelta(days=4),
    ) in keys
    province = keys[("460000", d - dt.timedelta(days=5))]
    # b's second order of D-5 follows their first that day, a's follows D-8's.
    days = [d - dt.timedelta(days=5), d - dt.timedelta(days=8)]
    assert all(day in province["previousDays"] for day in days)
    for order_id in ("sum-a-0000", "sum-a-0001", "sum-b-0001"):
        api.data(CANCEL, {"input": {"sellerCode": STORE, "orderId": order_id, "reason": "test"}})
        assert_summaries(graph)
    assert ("469022", d - dt.timedelta(days=9)) not in stored(graph)  # its only order is gone
    # salesImpact from the summaries equals the figures from the lines.
    codes = ["460000", "469025", "469025101", NANLAO, "469022", MEITING]
    windows = [(d - dt.timedelta(days=9), d), (d - dt.timedelta(days=5), d - dt.timedelta(days=4)),
               (d - dt.timedelta(days=4), d), (d - dt.timedelta(days=8), d - dt.timedelta(days=8)),
               (d - dt.timedelta(days=400), d - dt.timedelta(days=6))]  # fmt: skip
    callers: list[dict[str, Any]] = [{}, {"role": Role.INVESTIGATOR},
                                     {"role": Role.REGION_OFFICER, "scope": "469025"}]  # fmt: skip
    read = ({r["code"]: r for r in _regions(graph)}, _orders(graph))
    payments = _payments(graph)
    regions = read[0]
    for code in codes:
        for start, end in windows:
            for caller in callers:
                variables = {"r": code, "from": start.isoformat(), "to": end.isoformat()}
                found = api.data(IMPACT, variables, **caller)["salesImpact"]
                scope = regions[caller["scope"]]["prefixes"] if "scope" in caller else None
                masked = caller.get("role") == Role.INVESTIGATOR
                children = found.pop("children")
                want = figures(read, code, start, end) | paid_figures(
                    payments, regions[code]["prefixes"], scope, masked, start, end)  # fmt: skip
                assert found == want, (code, start, end, caller)
                for child in children:
                    c = child["region"]["code"]
                    paid = paid_figures(payments, regions[c]["prefixes"], scope, masked, start, end)
                    del paid["medianPaidPerHousehold"]
                    assert child == figures(read, c, start, end) | paid, (c, start, end, caller)


def test_migrations_21_and_22_write_every_summary(api, demo, graph, test_settings):
    from conftest import migrated

    d = demo
    api.data(RECORD, order(STORE, "mig-a-0001", "a", at(d - dt.timedelta(days=3), 10),
                           (BOTTLED_LOT, 1), (CHICKEN_LOT, 1)))  # fmt: skip
    api.data(RECORD, order(STORE, "mig-a-0002", "a", at(d - dt.timedelta(days=2), 10),
                           (CHICKEN_LOT, 1)))  # fmt: skip
    expected = stored(graph)
    assert_summaries(graph)
    assert len(expected) > 6
    paid = graph.execute_query(PAID + " ORDER BY code")[0]
    assert len(paid) >= 4  # the demo's paid households
    migrated(graph, test_settings, 20, "MATCH (s:SalesDay|HouseholdPayments) DELETE s", "RETURN 1")
    assert stored(graph) == expected
    assert graph.execute_query(PAID + " ORDER BY code")[0] == paid
