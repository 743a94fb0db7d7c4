"""The sales summaries (issue 17): one (:SalesDay) per region that is not a village
and CST day, what the PLACED orders placed that day sold there (graph/model.py lists
its properties). salesImpact (graph/sales_impact.py) sums a window's days instead of
reading the region's lines; a village's figures still come from its lines.

Distinct buyers without a set of buyers: each order of a day keeps the day of the same
buyer's previous PLACED order in the region (orders ordered by placedAt, then id; a
buyer is one seller's); a window [from, to] has one order per buyer whose previous
order is before `from` or absent, its first in the window, so its buyers are
firstOrders plus the previousDays before `from`, summed over its days.

Kept current by every writer of orders: recordOrder and cancelOrder count their one
order in or out of its cells (`count_order`: the order's own lines and the buyer's
neighbouring orders, not the day's other orders); the demo's upserts and migration
step 21 (every day) recompute whole days from their orders (`SUMMARIZE_DAY`); the
generator computes the same figures in Python (`sales_days`, the twin).
tests/test_sales_summary.py holds all of them to a reference built from the orders.

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
from graph.validation import CST

# A summary's properties (graph/model.py): the counts, then the lists.
_COUNTS = ("orders", "revenue", "firstOrders")
FIELDS = (*_COUNTS, "previousDays", "channels", "channelOrders", "channelRevenues",
          "products", "productQuantities", "productRevenues")  # fmt: skip


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

_SUMMARIZE = f"UNWIND $days AS day CALL (day) {{ {SUMMARIZE_DAY} }}"

# --- one order, counted in or out: recordOrder and cancelOrder ---------------------------

_NEIGHBOUR = """COLLECT {{ MATCH (b)<-[:{bought}]-(e:{order}) WHERE e.status = 'PLACED' AND e <> o
    AND ({test}) AND EXISTS {{ MATCH (e)-[:{line}]->(k:{lot})
      WHERE any(pre IN a.prefixes WHERE k.villageCode STARTS WITH pre) }}
    RETURN {day} AS d ORDER BY e.placedAt {way}, e.id {way} LIMIT 1 }}"""


def _neighbour(test: str, way: str) -> str:
    return _NEIGHBOUR.format(
        bought=Rel.BOUGHT_BY, order=Label.ORDER, line=Rel.LINE, lot=Label.LOT, test=test,
        day=cst_day("e.placedAt"), way=way,
    )  # fmt: skip


_CONTRIBUTION = f"""
MATCH (o:{Label.ORDER} {{sellerCode: $seller, id: $id}})-[:{Rel.BOUGHT_BY}]->(b:{Label.BUYER})
SET b._lock = true REMOVE b._lock
WITH o, b
MATCH (o)-[x:{Rel.LINE}]->(l:{Label.LOT})-[:{Rel.OF_PRODUCT}]->(p:{Label.PRODUCT})
{_regions_of("l", "a")}
WITH o, b, a, p.code AS product, sum(x.quantity) AS q, sum(x.amount) AS amount
WITH o, b, a, collect({{p: product, q: q, a: amount}}) AS lines
RETURN a.code AS region, {cst_day("o.placedAt")} AS day, o.channel AS channel, lines,
  {_neighbour("e.placedAt < o.placedAt OR (e.placedAt = o.placedAt AND e.id < o.id)", "DESC")}
    AS before,
  {_neighbour("e.placedAt > o.placedAt OR (e.placedAt = o.placedAt AND e.id > o.id)", "ASC")}
    AS after
"""
"""What order ($seller, $id) adds to each region of its lots (not villages): its day,
channel and lines there, and the days of the same buyer's PLACED orders in the region
just before and just after it (itself left out, whatever its status); the buyer
write-locked first (two orders of one buyer change each other's previous day)."""

_LOCK_CELLS = f"""
UNWIND $cells AS cell
MERGE (s:{Label.SALES_DAY} {{regionCode: cell.region, day: cell.day}})
SET s.orders = coalesce(s.orders, 0)
RETURN cell.region AS region, cell.day AS day, properties(s) AS summary
"""
_WRITE_CELLS = f"""
UNWIND $cells AS cell
MATCH (s:{Label.SALES_DAY} {{regionCode: cell.region, day: cell.day}})
CALL (s, cell) {{ WITH s, cell WHERE cell.summary IS NULL DELETE s }}
CALL (s, cell) {{ WITH s, cell WHERE cell.summary IS NOT NULL SET s += cell.summary }}
"""


def _empty() -> dict[str, Any]:
    """A cell with no orders, as stored (FIELDS: three counts, the rest lists)."""
    return {k: 0 if k in _COUNTS else [] for k in FIELDS}


def _entry(cell: dict[str, Any], names: str, key: str, *figures: tuple[str, float]) -> None:
    """Add `figures` ((list name, delta), ...) to the entry `key` of `cell`'s sorted list
    `names`, inserting it, or dropping it when its first figure comes to nothing."""
    keys: list[Any] = list(cell[names])
    lists = {name: list(cell[name]) for name, _ in figures}
    if key not in keys:
        at = sum(1 for k in keys if k < key)
        keys.insert(at, key)
        for name in lists:
            lists[name].insert(at, 0)
    at = keys.index(key)
    for name, delta in figures:
        value = lists[name][at] + delta
        lists[name][at] = round(value, 3) if isinstance(value, float) else value
    first = figures[0][0]
    if abs(lists[first][at]) < 0.0005:
        keys.pop(at)
        for name in lists:
            lists[name].pop(at)
    cell[names] = keys
    cell.update(lists)


def _previous(cell: dict[str, Any], day: dt.date | None, sign: int) -> None:
    """Count an order whose buyer's previous order in the region was on `day` (None:
    its first) in (sign 1) or out (sign -1) of `cell`."""
    if day is None:
        cell["firstOrders"] += sign
        return
    days = list(cell["previousDays"])
    if sign > 0:
        days.insert(sum(1 for d in days if d <= day), day)
    elif day in days:
        days.remove(day)
    cell["previousDays"] = days


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


async def count_order(tx: Tx, seller: str, order_id: str, sign: int) -> None:
    """Count order ($seller, $id) in (sign 1: just written) or out (sign -1: being
    cancelled) of the summaries of its day in every region of its lots, and move the
    previous day of the same buyer's next order in each region (it was the order's
    own, or becomes it). The cells are write-locked in region and day order, after the
    lots and the buyer (concurrent orders lock in one order), then rewritten from their
    stored figures: a write reads its own order and the buyer's few others, never a
    whole day's orders. A cell left without orders is deleted."""
    found = await tx.run(_CONTRIBUTION, {"seller": seller, "id": order_id})
    if not found:
        return
    keys = set()
    for r in found:
        keys.add((r["region"], _native(r["day"])))
        if r["after"]:
            keys.add((r["region"], _native(r["after"][0])))
    locked = await tx.run(
        _LOCK_CELLS, {"cells": [{"region": g, "day": d} for g, d in sorted(keys)]}
    )
    cells: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for r in locked:
        cell = _empty()
        cell.update({k: _native(v) if k != "previousDays" else [_native(d) for d in v]
                     for k, v in r["summary"].items() if k in cell})  # fmt: skip
        cells[(r["region"], _native(r["day"]))] = cell
    for r in found:
        day = _native(r["day"])
        before = _native(r["before"][0]) if r["before"] else None
        cell = cells[(r["region"], day)]
        total = sum(int(y["a"]) for y in r["lines"])
        cell["orders"] += sign
        cell["revenue"] += sign * total
        _entry(cell, "channels", r["channel"], ("channelOrders", sign),
               ("channelRevenues", sign * total))  # fmt: skip
        for y in r["lines"]:
            _entry(cell, "products", y["p"], ("productQuantities", sign * float(y["q"])),
                   ("productRevenues", sign * int(y["a"])))  # fmt: skip
        _previous(cell, before, sign)
        if r["after"]:
            later = cells[(r["region"], _native(r["after"][0]))]
            # The next order's previous day: `before` without this order, its day with it.
            _previous(later, before if sign > 0 else day, -1)
            _previous(later, day if sign > 0 else before, 1)
    rows = [
        {"region": g, "day": d, "summary": None if cell["orders"] <= 0 else cell}
        for (g, d), cell in sorted(cells.items())
    ]
    await tx.run(_WRITE_CELLS, {"cells": rows})


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


def sales_days(
    orders: Iterable[Mapping[str, Any]],
    lots: Mapping[str, tuple[str, str]],
    ancestors: Mapping[str, Sequence[str]],
) -> dict[tuple[str, dt.date], dict[str, Any]]:
    """The summaries SUMMARIZE_DAY writes, by (region, day), for PLACED orders ({id,
    seller, buyer, channel, placedAt, lines: [{lot, quantity, amount}]}) whose buyers
    have no other orders; `lots` maps a trace code to (village, product), `ancestors`
    a village to its regions that are not villages."""
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
            cell = cells.setdefault((region, day), _open())
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


def _open() -> dict[str, Any]:
    """A cell being summed: the counts, the previous days, and the channels' and the
    products' figures by name (`_finish` turns them into the stored lists)."""
    return {"orders": 0, "revenue": 0, "firstOrders": 0, "previousDays": [], "ch": {}, "pr": {}}


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
        old = into.setdefault(key, _open())
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
