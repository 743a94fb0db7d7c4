"""What sales brought a region (issue 16): salesImpact(regionCode, from, to), for the
region and each of its children, in one statement.

    revenue, orders, buyers, byProduct, byChannel
        the lines of PLACED orders placed in the window (CST dates, both included),
        attributed to the village where each line's lot was produced; an order with
        lots of two regions counts in both
    householdsPaid, paidToHouseholds, medianPaidPerHousehold
        the unvoided payments (ACCEPTANCE and SALE) dated in the window to households
        of the region within the caller's scope (others do not count); for roles
        without personal data the two sums are null over fewer than 5 households

The maps are projected in a WITH that names every variable they use: their grouping
subqueries aggregate, and Neo4j then takes the projection for an aggregation whose
grouping keys must be explicit (as graph/coverage.py's).

Cost: the region's lots by the lot_village index (a seek per prefix), their lines and
the window's PLACED orders; the region's households by code (a seek per prefix) and
their payments of the window. The lines are summed in the database by village, product
and channel: a province's year is some thousands of groups, not its hundreds of
thousands of lines, which as one list of maps passed the transaction memory limit at
420,000 orders a year (BENCHMARKS.md). The children filter the region's two lists in
memory. Distinct orders and buyers (an order of two villages' lots counts once) are
counted by reading the region's (or the child's, or the channel's) lines again, one pass
a figure: a county's pass is a few hundred milliseconds at 152,000 households, the
province's one to two seconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.errors import BadUserInput
from graph.model import Label, Rel
from graph.payment import PaymentSource
from graph.readmap import Access, Field, yuan
from graph.validation import EARLIEST_DATE, check_region_code

MAX_YEARS = 3
PRIVATE_BELOW = 5  # households: payment sums over fewer are null for masked views
CST = dt.timezone(dt.timedelta(hours=8))


def _window(request: Request) -> tuple[dt.date, dt.date]:
    start, end = request.args["from"], request.args["to"]
    if start < EARLIEST_DATE:
        raise BadUserInput(f"from must not be before {EARLIEST_DATE.isoformat()}", field="from")
    if end < start:
        raise BadUserInput("to must not be before from", field="to")
    try:
        limit = start.replace(year=start.year + MAX_YEARS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + MAX_YEARS, day=28)
    if end >= limit:
        raise BadUserInput(f"from and to are at most {MAX_YEARS} years apart", field="to")
    return start, end


def _from(request: Request) -> dt.date:
    return _window(request)[0]


def _to(request: Request) -> dt.date:
    return _window(request)[1]


def _start(request: Request) -> dt.datetime:
    return dt.datetime.combine(_from(request), dt.time(), CST)


def _end(request: Request) -> dt.datetime:
    return dt.datetime.combine(_to(request) + dt.timedelta(days=1), dt.time(), CST)


def _region(request: Request) -> str:
    return check_region_code(str(request.args["regionCode"]), "regionCode")


def _within(prefixes: str, code: str) -> str:
    return f"any(pre IN {prefixes} WHERE {code} STARTS WITH pre)"


class _Impact:
    def __init__(self, view: View) -> None:
        self.view = view
        self.b = Binder()
        self.c = Compiler(view, self.b)
        self.start = self.end = ""  # the window's parameters, set by the planner

    def unit(
        self, u: str, sold: str, paid: str, fields: tuple[Field, ...], post: Post, name: str
    ) -> str:
        """The map (of GraphQL type `name`) of region `u` from its lines `sold` and
        households `paid`."""
        self.name = name
        parts = [f"`{f.key}`: {self.field(u, sold, paid, f, post.child(f))}" for f in fields]
        return "{" + ", ".join(parts) + "}"

    def private(self, paid: str, expr: str) -> str:
        if not self.view.masked:
            return expr
        return f"CASE WHEN size({paid}) < {PRIVATE_BELOW} THEN null ELSE {expr} END"

    def field(self, u: str, sold: str, paid: str, f: Field, post: Post) -> str:
        x = self.b.var("x")
        if f.name == "__typename":
            return f"'{self.name}'"
        if f.name == "region":
            return self.c.project("Region", {"r": u}, f.fields, post)
        if f.name == "revenue":
            return yuan(f"reduce(t = 0, {x} IN {sold} | t + {x}.a)")
        if f.name == "orders":
            o = self.b.var("o")
            return f"COUNT {{ {self.lines(u, o)} RETURN DISTINCT {o} }}"
        if f.name == "buyers":
            o, b = self.b.var("o"), self.b.var("buyer")
            return (
                f"COUNT {{ {self.lines(u, o)} "
                f"MATCH ({o})-[:{Rel.BOUGHT_BY}]->({b}:{Label.BUYER}) RETURN DISTINCT {b} }}"
            )
        if f.name == "byProduct":
            p, q, a = (self.b.var(n) for n in ("p", "q", "a"))
            values = {
                "product": self.c.project("Product", {"p": p}, f.sub("product")[0].fields, post)
                if f.sub("product") else "null",
                "quantity": q, "revenue": yuan(a), "__typename": "'ProductSales'",
            }  # fmt: skip
            return self._group(sold, x, f"{x}.p", p, q, a, f, values, f"{p}.code")
        if f.name == "byChannel":
            ch, n, a = (self.b.var(v) for v in ("ch", "n", "a"))
            values = {
                "channel": ch,
                "orders": n,
                "revenue": yuan(a),
                "__typename": "'ChannelSales'",
            }
            o = self.b.var("o")
            values["orders"] = (
                f"COUNT {{ {self.lines(u, o)} AND {o}.channel = {ch} RETURN DISTINCT {o} }}"
            )
            return (
                f"COLLECT {{ UNWIND {sold} AS {x} WITH {x}.channel AS {ch}, sum({x}.a) AS {a} "
                f"RETURN {self._map(f, values)} ORDER BY {ch} }}"
            )
        if f.name == "householdsPaid":
            return f"size({paid})"
        if f.name == "paidToHouseholds":
            return self.private(paid, yuan(f"reduce(t = 0, {x} IN {paid} | t + {x}.paid)"))
        if f.name == "medianPaidPerHousehold":
            s = f"COLLECT {{ UNWIND {paid} AS {x} RETURN {x}.paid ORDER BY {x}.paid }}"
            n = f"size({paid})"
            median = (
                f"CASE WHEN {n} = 0 THEN null ELSE toInteger(round(toFloat({s}[({n} - 1) / 2] "
                f"+ {s}[{n} / 2]) / 2)) END"
            )
            return self.private(paid, yuan(median))
        if f.name == "children":
            c, cs, cp = (self.b.var(v) for v in ("c", "sold", "paid"))
            y = self.b.var("y")
            inner = self.unit(c, cs, cp, f.fields, post, "SalesFigures")
            self.name = "SalesImpact"
            return (
                f"COLLECT {{ MATCH ({c}:{Label.REGION})-[:{Rel.PART_OF}]->({u}) "
                f"WITH {c}, [{y} IN {sold} WHERE {_within(f'{c}.prefixes', f'{y}.v')}] AS {cs}, "
                f"[{y} IN {paid} WHERE {_within(f'{c}.prefixes', f'{y}.v')}] AS {cp} "
                f"WITH {c}, {cs}, {cp}, {inner} AS {y} RETURN {y} ORDER BY {c}.code }}"
            )
        raise ValueError(f"SalesImpact.{f.name} is not compiled")

    def lines(self, u: str, o: str, line: str = "", lot: str = "") -> str:
        """MATCH ... WHERE (open to more conditions): the PLACED orders `o` of the window
        with a line of a lot produced in region `u`, from the region's lots (lot_village
        index, a seek per prefix); `line` and `lot` name the line and the lot."""
        pre = self.b.var("pre")
        lot = lot or self.b.var("l")
        return (
            f"UNWIND {u}.prefixes AS {pre} MATCH ({lot}:{Label.LOT}) "
            f"WHERE {lot}.villageCode STARTS WITH {pre} "
            f"MATCH ({lot})<-[{line}:{Rel.LINE}]-({o}:{Label.ORDER}) "
            f"WHERE {o}.placedAt >= {self.start} AND {o}.placedAt < {self.end} "
            f"AND {o}.status = 'PLACED'"
        )

    def _map(self, f: Field, values: dict[str, str]) -> str:
        return "{" + ", ".join(f"`{g.key}`: {values[g.name]}" for g in f.fields) + "}"

    def _group(
        self, sold: str, x: str, by: str, key: str, q: str, a: str, f: Field,
        values: dict[str, str], order: str,
    ) -> str:  # fmt: skip
        return (
            f"COLLECT {{ UNWIND {sold} AS {x} WITH {by} AS {key}, sum({x}.q) AS {q}, "
            f"sum({x}.a) AS {a} RETURN {self._map(f, values)} ORDER BY {order} }}"
        )


@root("salesImpact")
def plan_sales_impact(field: Field, view: View, shape: Any) -> Plan:
    """salesImpact(regionCode, from, to): null for an unknown region."""
    impact = _Impact(view)
    b = impact.b
    post = Post(field=field)
    code = b.slot("regionCode", _region)
    start, end = b.slot("windowStart", _start), b.slot("windowEnd", _end)
    impact.start, impact.end = start, end
    low, high = b.slot("from", _from), b.slot("to", _to)
    visible = view.scope.read_filter(Access.HOUSEHOLD, "h", b)
    sources = b.const([PaymentSource.ACCEPTANCE.value, PaymentSource.SALE.value])
    node = impact.unit("u", "sold", "paid", field.fields, post, "SalesImpact")
    cypher = f"""
MATCH (u:{Label.REGION} {{code: {code}}})
CALL (u) {{
  {impact.lines("u", "o", "x", "l")}
  MATCH (l)-[:{Rel.OF_PRODUCT}]->(p:{Label.PRODUCT})
  WITH l.villageCode AS v, p, o.channel AS channel, sum(x.quantity) AS q, sum(x.amount) AS a
  RETURN collect({{v: v, p: p, channel: channel, q: q, a: a}}) AS sold
}}
CALL (u) {{
  UNWIND u.prefixes AS hp MATCH (h:{Label.HOUSEHOLD}) WHERE h.code STARTS WITH hp AND {visible}
  MATCH (h)<-[:{Rel.PAID_TO}]-(pay:{Label.PAYMENT}) WHERE pay.date >= {low} AND pay.date <= {high}
    AND pay.voidedOn IS NULL AND pay.source IN {sources}
  WITH h, sum(pay.amount) AS total
  RETURN collect({{v: h.code, paid: total}}) AS paid
}}
WITH u, sold, paid, {node} AS data
RETURN data"""
    return plan(cypher, b, post)
