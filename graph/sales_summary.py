"""The sales summaries (issue 17): one (:SalesDay) per region that is not a village
and CST day, what the PLACED orders placed that day sold there (graph/model.py lists
its properties). salesImpact (graph/sales_impact.py) sums a window's days instead of
reading the region's lines; a village's figures still come from its lines.

Distinct buyers without a set of buyers: each order of a day keeps the day of the same
buyer's previous PLACED order in the region (orders ordered by placedAt, then id; a
buyer is one seller's); a window [from, to] has one order per buyer whose previous
order is before `from` or absent, its first in the window, so its buyers are
firstOrders plus the previousDays before `from`, summed over its days.

Kept current by recomputing a (region, day) from its orders, the one statement
`SUMMARIZE_DAY` every writer runs: recordOrder and cancelOrder (`refresh_order`: the
order's day and the days of the buyer's later orders, in every region of its lots),
the demo's upserts, migration step 21 (every day) and, for its own orders, the
generator, which computes the same figures in Python (`sales_days`, the twin).

A lot's regions are its village's PART_OF ancestors; whether an earlier order of the
buyer has a lot in a region is read from the region's prefixes (the same regions: a
region's prefixes are its villages'), not by walking the tree down.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph.db import Tx
from graph.model import Label, Rel

CST = dt.timezone(dt.timedelta(hours=8))


def cst_day(x: str) -> str:
    """Cypher: the CST date of DATETIME `x`."""
    return f"date(datetime({{datetime: {x}, timezone: '+08:00'}}))"


def _regions_of(lot: str, a: str) -> str:
    """Cypher: MATCH the regions `a` that are not villages holding lot `lot` (its
    village's ancestors)."""
    return (
        f"MATCH (:{Label.REGION} {{code: {lot}.villageCode}})-[:{Rel.PART_OF}*1..]->"
        f"({a}:{Label.REGION})"
    )


SUMMARIZE_DAY = f"""
WITH day, datetime({{date: day, timezone: '+08:00'}}) AS t0
CALL (day, t0) {{
  MATCH (o:{Label.ORDER}) WHERE o.placedAt >= t0 AND o.placedAt < t0 + duration({{days: 1}})
    AND o.status = 'PLACED'
  MATCH (o)-[x:{Rel.LINE}]->(l:{Label.LOT})-[:{Rel.OF_PRODUCT}]->(p:{Label.PRODUCT})
  {_regions_of("l", "a")}
  WHERE $regions IS NULL OR a.code IN $regions
  WITH o, a, p.code AS product, sum(x.quantity) AS q, sum(x.amount) AS amount
  WITH o, a, collect({{p: product, q: q, a: amount}}) AS lines
  MATCH (o)-[:{Rel.BOUGHT_BY}]->(b:{Label.BUYER})
  WITH o, a, lines, COLLECT {{
    MATCH (b)<-[:{Rel.BOUGHT_BY}]-(e:{Label.ORDER})
    WHERE e.status = 'PLACED' AND (e.placedAt < o.placedAt OR (e.placedAt <= o.placedAt
      AND e.id < o.id))
      AND EXISTS {{ MATCH (e)-[:{Rel.LINE}]->(k:{Label.LOT})
        WHERE any(pre IN a.prefixes WHERE k.villageCode STARTS WITH pre) }}
    RETURN e.placedAt AS at ORDER BY at DESC LIMIT 1 }} AS before
  WITH a, collect({{ch: o.channel, lines: lines, total: reduce(t = 0, y IN lines | t + y.a),
    prev: CASE WHEN before = [] THEN null ELSE {cst_day("before[0]")} END}}) AS os
  WITH a, os,
    COLLECT {{ UNWIND os AS y WITH y.ch AS ch, count(*) AS n, sum(y.total) AS r
      RETURN {{ch: ch, n: n, r: r}} ORDER BY ch }} AS chs,
    COLLECT {{ UNWIND os AS y UNWIND y.lines AS z WITH z.p AS p, sum(z.q) AS q, sum(z.a) AS r
      RETURN {{p: p, q: round(q, 3), r: r}} ORDER BY p }} AS ps
  MERGE (s:{Label.SALES_DAY} {{regionCode: a.code, day: day}})
  SET s.orders = size(os), s.revenue = reduce(t = 0, y IN os | t + y.total),
      s.firstOrders = size([y IN os WHERE y.prev IS NULL]),
      s.previousDays = COLLECT {{ UNWIND os AS y WITH y.prev AS d WHERE d IS NOT NULL
        RETURN d ORDER BY d }},
      s.channels = [c IN chs | c.ch], s.channelOrders = [c IN chs | c.n],
      s.channelRevenues = [c IN chs | c.r],
      s.products = [c IN ps | c.p], s.productQuantities = [c IN ps | c.q],
      s.productRevenues = [c IN ps | c.r]
}}
"""
"""Cypher on a CST date `day`: the summaries of that day in every region (in
`$regions`, or all when null) with orders, MERGEd, from the day's PLACED orders (the
order_placed_at index), their lines and lots, and each order's buyer's earlier orders
(a handful). A summary of `$regions` whose orders are gone is not touched: the callers
reset and delete them (`refresh`)."""

_RESET = f"""
UNWIND $cells AS cell
MERGE (s:{Label.SALES_DAY} {{regionCode: cell.region, day: cell.day}})
SET s.orders = 0
"""
_SUMMARIZE = f"UNWIND $days AS day CALL (day) {{ {SUMMARIZE_DAY} }}"
_DROP_EMPTY = f"""
UNWIND $cells AS cell
MATCH (s:{Label.SALES_DAY} {{regionCode: cell.region, day: cell.day}}) WHERE s.orders = 0
DELETE s
"""


async def refresh(tx: Tx, regions: Sequence[str], days: Sequence[dt.date]) -> None:
    """Recompute the summaries of every region and day given: each (region, day)
    write-locked first, in region and day order (concurrent orders lock in one order,
    after their lots and buyer), then summarized from the days' orders; those left
    without orders are deleted."""
    cells = [{"region": r, "day": d} for r in sorted(set(regions)) for d in sorted(set(days))]
    if not cells:
        return
    await tx.run(_RESET, {"cells": cells})
    await tx.run(_SUMMARIZE, {"days": sorted(set(days)), "regions": sorted(set(regions))})
    await tx.run(_DROP_EMPTY, {"cells": cells})


_AFFECTED = f"""
MATCH (o:{Label.ORDER} {{sellerCode: $seller, id: $id}})-[:{Rel.BOUGHT_BY}]->(b:{Label.BUYER})
SET b._lock = true REMOVE b._lock
WITH o, b
RETURN COLLECT {{ MATCH (o)-[:{Rel.LINE}]->(l:{Label.LOT}) {_regions_of("l", "a")}
         RETURN DISTINCT a.code }} AS regions,
       COLLECT {{ MATCH (b)<-[:{Rel.BOUGHT_BY}]-(e:{Label.ORDER}) WHERE e.placedAt >= o.placedAt
         RETURN DISTINCT {cst_day("e.placedAt")} }} AS days
"""


async def refresh_order(tx: Tx, seller: str, order_id: str) -> None:
    """After an order is written or cancelled: its buyer write-locked (two orders of
    one buyer change each other's previous day), then the summaries of the regions of
    its lots on its day and on the days of the buyer's later orders (whose previous
    day may have changed) recomputed (`refresh`)."""
    found = await tx.single(_AFFECTED, {"seller": seller, "id": order_id})
    if found is not None:
        await refresh(tx, list(found["regions"]), list(found["days"]))


_ORDER_DAYS = f"""
UNWIND $orders AS key
MATCH (o:{Label.ORDER} {{sellerCode: key.seller, id: key.id}})
RETURN DISTINCT {cst_day("o.placedAt")} AS day
"""


async def refresh_days_of(tx: Tx, orders: Sequence[Mapping[str, Any]]) -> None:
    """The bulk upserts: every region's summaries of the days of these orders
    ({seller, id}) recomputed (a day's orders are a few hundred at full scale)."""
    records = await tx.run(_ORDER_DAYS, {"orders": [dict(o) for o in orders]})
    days = [r["day"] for r in records]
    if days:
        await tx.run(_SUMMARIZE, {"days": days, "regions": None})


# Migration step 21: every day with a PLACED order, one day a transaction.
SUMMARIZE_EVERY_DAY = f"""
MATCH (o:{Label.ORDER}) WHERE o.status = 'PLACED'
WITH DISTINCT {cst_day("o.placedAt")} AS day
CALL (day) {{ {SUMMARIZE_DAY} }} IN TRANSACTIONS OF 1 ROWS
"""
# The generator, after writing its own days: the days of the other orders (the demo's),
# whose summaries then hold both.
SUMMARIZE_OTHER_DAYS = f"""
MATCH (o:{Label.ORDER}) WHERE o.status = 'PLACED' AND NOT o:{Label.GENERATED}
WITH DISTINCT {cst_day("o.placedAt")} AS day
CALL (day) {{ {SUMMARIZE_DAY} }} IN TRANSACTIONS OF 1 ROWS
"""
# The generator, before it writes: every summary (its orders are about to go).
DROP_SALES_DAYS = f"""
MATCH (s:{Label.SALES_DAY}) WITH s LIMIT $limit DELETE s RETURN count(*) AS deleted
"""

# --- the twin, in Python: the generator's own orders ------------------------------------

FIELDS = ("orders", "revenue", "firstOrders", "previousDays", "channels", "channelOrders",
          "channelRevenues", "products", "productQuantities", "productRevenues")  # fmt: skip


def sales_days(
    orders: Iterable[Mapping[str, Any]],
    lots: Mapping[str, tuple[str, str]],
    ancestors: Mapping[str, Sequence[str]],
) -> dict[tuple[str, dt.date], dict[str, Any]]:
    """The summaries SUMMARIZE_DAY writes, by (region, day), for PLACED orders ({id,
    seller, buyer, channel, placedAt, lines: [{lot, quantity, amount}]}) whose buyers
    have no other orders; `lots` maps a trace code to (village, product), `ancestors`
    a village to its regions that are not villages."""
    # (region, day) -> [orders, revenue, {channel: [n, r]}, {product: [q, r]}, [prev days]]
    cells: dict[tuple[str, dt.date], dict[str, Any]] = {}
    last: dict[tuple[str, str, str], tuple[Any, ...]] = {}  # (seller, buyer, region)
    keyed = sorted(orders, key=lambda o: (o["placedAt"], o["id"]))
    for order in keyed:
        day = order["placedAt"].astimezone(CST).date()
        per: dict[str, dict[str, list[float]]] = {}
        for line in order["lines"]:
            village, product = lots[line["lot"]]
            for region in ancestors[village]:
                got = per.setdefault(region, {}).setdefault(product, [0.0, 0])
                got[0] += line["quantity"]
                got[1] += line["amount"]
        for region, products in per.items():
            cell = cells.setdefault((region, day), {
                "orders": 0, "revenue": 0, "firstOrders": 0, "previousDays": [],
                "ch": {}, "pr": {}})  # fmt: skip
            total = sum(int(r) for _, r in products.values())
            cell["orders"] += 1
            cell["revenue"] += total
            ch = cell["ch"].setdefault(order["channel"], [0, 0])
            ch[0] += 1
            ch[1] += total
            for product, (q, r) in products.items():
                pr = cell["pr"].setdefault(product, [0.0, 0])
                pr[0] += q
                pr[1] += int(r)
            buyer = (order["seller"], order["buyer"], region)
            if buyer in last:
                cell["previousDays"].append(last[buyer])
            else:
                cell["firstOrders"] += 1
            last[buyer] = day
    return {key: _finish(cell) for key, cell in cells.items()}


def _finish(cell: dict[str, Any]) -> dict[str, Any]:
    chs, prs = sorted(cell.pop("ch").items()), sorted(cell.pop("pr").items())
    cell["previousDays"].sort()
    cell["channels"] = [c for c, _ in chs]
    cell["channelOrders"] = [n for _, (n, _) in chs]
    cell["channelRevenues"] = [r for _, (_, r) in chs]
    cell["products"] = [p for p, _ in prs]
    cell["productQuantities"] = [round(q, 3) for _, (q, _) in prs]
    cell["productRevenues"] = [r for _, (_, r) in prs]
    return cell


def _add(into: dict[str, list[Any]], names: Sequence[str], *values: Sequence[Any]) -> None:
    for name, *more in zip(names, *values, strict=True):
        got = into.setdefault(name, [0] * len(more))
        for k, v in enumerate(more):
            got[k] += v


def merge_days(into: dict[tuple[str, dt.date], dict[str, Any]], rows: Iterable[Any]) -> None:
    """Add summary rows (`day_rows`') to `into`'s open ones (`finish_days` closes them),
    for regions whose orders come from several of the generator's counties (no buyer
    buys in two: the previous days are unchanged)."""
    for row in rows:
        key = (row["regionCode"], row["day"])
        old = into.setdefault(key, {"orders": 0, "revenue": 0, "firstOrders": 0,
                                    "previousDays": [], "ch": {}, "pr": {}})  # fmt: skip
        _add(old["ch"], row["channels"], row["channelOrders"], row["channelRevenues"])
        _add(old["pr"], row["products"], row["productQuantities"], row["productRevenues"])
        for name in ("orders", "revenue", "firstOrders", "previousDays"):
            old[name] += row[name]


def finish_days(cells: dict[tuple[str, dt.date], dict[str, Any]]) -> None:
    """Close `merge_days`' summaries (lists in step, previous days ascending)."""
    for cell in cells.values():
        if "ch" in cell:
            _finish(cell)


def day_rows(cells: Mapping[tuple[str, dt.date], Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows CREATE_SALES_DAYS writes."""
    return [{"regionCode": region, "day": day, **{k: cell[k] for k in FIELDS}}
            for (region, day), cell in sorted(cells.items())]  # fmt: skip


CREATE_SALES_DAYS = f"""
UNWIND $rows AS row
CREATE (s:{Label.SALES_DAY}) SET s = row
"""
