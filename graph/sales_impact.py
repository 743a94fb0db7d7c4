"""What sales brought a region (issue 16): salesImpact(regionCode, from, to), for the
region and each of its children, in one statement.

    revenue, orders, buyers, byProduct, byChannel
        the lines of PLACED orders placed in the window (CST dates, both included),
        attributed to the village where each line's lot was produced; an order with
        lots of two regions counts in both
    householdsPaid, paidToHouseholds, medianPaidPerHousehold
        the unvoided payments (ACCEPTANCE and SALE) dated in the window to households
        of the region within the caller's scope (others do not count), read from the
        households' payment summaries (HouseholdPayments); for roles
        without personal data the two sums are null over fewer than 5 households

The maps are projected in a WITH that names every variable they use: their grouping
subqueries aggregate, and Neo4j then takes the projection for an aggregation whose
grouping keys must be explicit (as graph/coverage.py's). Product quantities are rounded
to 3 places (a line's are at most 3), so the sum's order does not show.

The sales figures of a region that is not a village are sums over its SalesDay
summaries of the window (graph/sales_summary.py, kept current by every writer of
orders); a village's, few, read its lines. The statement branches on the level
(`figures`: a UNION ALL of two subqueries, each filtered by `u.level`, one of which
returns nothing).

Cost: the payments first (`all_paying`: the region's and, when selected, its children's
in one subquery; a payments pass planned after another list comprehension ran two to
three times slower), each the region's HouseholdPayments summaries (graph/payment.py:
their codes' unique index, a seek per prefix: only households ever paid), their dates
in the window (a dozen each); for a view limited in scope, each one's household by
code. Then the sales figures: per region and child, a range seek on sales_day_key
(region, day) (a year: 365 small nodes, a province's with some hundred previous days
each, the distinct buyers' count), their products and channels; a village: its lots by
the lot_village index, their lines and the window's PLACED orders. At 152,000
households a province's year is 0.76 s p50, 1.1 s p95, a county's 96 ms p50, 144 ms p95
(BENCHMARKS.md, "The trade at province scale").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.errors import BadUserInput
from graph.model import Label, Rel
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


SALES = frozenset({"revenue", "orders", "buyers", "byProduct", "byChannel"})
PAID = frozenset({"householdsPaid", "paidToHouseholds", "medianPaidPerHousehold"})


class _Impact:
    def __init__(self, view: View) -> None:
        self.view = view
        self.b = Binder()
        self.c = Compiler(view, self.b)
        # The window's parameters, set by the planner.
        self.start = self.end = self.low = self.high = ""
        self.children_paid: dict[str, str] = {}  # a children selection's key -> its list

    def unit(
        self, u: str, f: str, paid: str, fields: tuple[Field, ...], post: Post, name: str
    ) -> str:
        """The map (of GraphQL type `name`) of region `u` from its sales figures `f`
        (`figures`) and payments `paid` (`paying`)."""
        self.name = name
        parts = [f"`{g.key}`: {self.field(u, f, paid, g, post.child(g))}" for g in fields]
        return "{" + ", ".join(parts) + "}"

    def figures(self, u: str, f: str, fields: tuple[Field, ...]) -> str:
        """CALL (u) { ... }: the sales figures of region `u` as map `f`, with the keys
        the selection needs (revenue, orders, buyers in fen and counts, products [{p,
        q, a}] and channels [{ch, n, a}] ascending): a region that is not a village
        sums its SalesDay summaries of the window (a seek on sales_day_key per day), a
        village reads its lines."""
        need = {g.name for g in fields} & SALES
        if not need:
            return ""
        s, cells, y, i, t = (self.b.var(v) for v in ("s", "cells", "y", "i", "t"))
        p, q, a, n, ch = (self.b.var(v) for v in ("p", "q", "a", "n", "ch"))

        def listed(keys: str, values: tuple[str, ...], group: tuple[str, ...]) -> str:
            sums = ", ".join(
                f"sum({s}.{v}[{i}]) AS {g}" for v, g in zip(values, group[1:], strict=True)
            )
            return (
                f"COLLECT {{ UNWIND {cells} AS {s} UNWIND range(0, size({s}.{keys}) - 1) AS {i} "
                f"WITH {s}.{keys}[{i}] AS {group[0]}, {sums} "
            )

        summed = {
            "revenue": f"reduce({t} = 0, {s} IN {cells} | {t} + {s}.revenue)",
            "orders": f"reduce({t} = 0, {s} IN {cells} | {t} + {s}.orders)",
            "buyers": (
                f"reduce({t} = 0, {s} IN {cells} | {t} + {s}.firstOrders "
                f"+ size([{y} IN {s}.previousDays WHERE {y} < {self.low}]))"
            ),
            "byProduct": listed("products", ("productQuantities", "productRevenues"), (p, q, a))
            + f"RETURN {{p: {p}, q: round({q}, 3), a: {a}}} ORDER BY {p} }}",
            "byChannel": listed("channels", ("channelOrders", "channelRevenues"), (ch, n, a))
            + f"RETURN {{ch: {ch}, n: {n}, a: {a}}} ORDER BY {ch} }}",
        }
        ls, o, b = self.b.var("lines"), self.b.var("o"), self.b.var("buyer")
        x, lot, pr = self.b.var("x"), self.b.var("l"), self.b.var("pr")
        read = {
            "revenue": f"reduce({t} = 0, {y} IN {ls} | {t} + {y}.a)",
            "orders": f"COUNT {{ UNWIND {ls} AS {y} RETURN DISTINCT {y}.o }}",
            "buyers": (
                f"COUNT {{ UNWIND {ls} AS {y} WITH {y}.o AS {o} "
                f"MATCH ({o})-[:{Rel.BOUGHT_BY}]->({b}:{Label.BUYER}) RETURN DISTINCT {b} }}"
            ),
            "byProduct": (
                f"COLLECT {{ UNWIND {ls} AS {y} WITH {y}.p AS {p}, sum({y}.q) AS {q}, "
                f"sum({y}.a) AS {a} RETURN {{p: {p}, q: round({q}, 3), a: {a}}} ORDER BY {p} }}"
            ),
            "byChannel": (
                f"COLLECT {{ UNWIND {ls} AS {y} WITH {y}.o.channel AS {ch}, "
                f"count(DISTINCT {y}.o) AS {n}, sum({y}.a) AS {a} "
                f"RETURN {{ch: {ch}, n: {n}, a: {a}}} ORDER BY {ch} }}"
            ),
        }
        keys = sorted(need)
        from_cells = ", ".join(f"`{k}`: {summed[k]}" for k in keys)
        from_lines = ", ".join(f"`{k}`: {read[k]}" for k in keys)
        return (
            f"CALL ({u}) {{ WITH {u} WHERE {u}.level <> 'VILLAGE' "
            f"OPTIONAL MATCH ({s}:{Label.SALES_DAY}) WHERE {s}.regionCode = {u}.code "
            f"AND {s}.day >= {self.low} AND {s}.day <= {self.high} "
            f"WITH {u}, collect({s}) AS {cells} "
            f"WITH {u}, {cells}, {{{from_cells}}} AS {f} RETURN {f} "
            f"UNION ALL WITH {u} WHERE {u}.level = 'VILLAGE' "
            f"WITH {u}, COLLECT {{ {self.lines(u, o, x, lot)} "
            f"MATCH ({lot})-[:{Rel.OF_PRODUCT}]->({pr}:{Label.PRODUCT}) "
            f"RETURN {{o: {o}, p: {pr}.code, q: {x}.quantity, a: {x}.amount}} }} AS {ls} "
            f"WITH {u}, {ls}, {{{from_lines}}} AS {f} RETURN {f} }} "
        )

    def all_paying(self, u: str, pay: str, fields: tuple[Field, ...]) -> str:
        """CALL (u) { ... }: the `paying` maps of region `u` (as `pay`) and, when a
        `children` selection has payment fields, of its children (as a list {code,
        pay} that `children_paid` names), in one subquery over the regions: a second
        payments pass planned after another list comprehension ran two to three times
        slower than the first (BENCHMARKS.md)."""
        root = bool({g.name for g in fields} & PAID)
        kids = [g for g in fields if g.name == "children" and {x.name for x in g.fields} & PAID]
        if not root and not kids:
            return ""
        needed = tuple(x for g in kids for x in g.fields) + fields
        r, c, one, pays = (self.b.var(v) for v in ("r", "c", "one", "pays"))
        for g in kids:
            self.children_paid[g.key] = pays
        children = (
            f" + COLLECT {{ MATCH ({c}:{Label.REGION})-[:{Rel.PART_OF}]->({u}) RETURN {c} }}"
            if kids else ""
        )  # fmt: skip
        own = f"[{c} IN {pays} WHERE {c}.code = {u}.code][0].pay" if root else "null"
        return (
            f"CALL ({u}) {{ UNWIND [{u}]{children} AS {r} "
            f"{self.paying(r, one, needed)}"
            f"RETURN collect({{code: {r}.code, pay: {one}}}) AS {pays} }} "
            f"WITH *, {own} AS {pay} "
        )

    def paying(self, u: str, pay: str, fields: tuple[Field, ...]) -> str:
        """CALL (u) { ... }: the payments of region `u`'s households in the caller's
        scope as map `pay`: n households paid in the window, their sum and (when
        selected) the median of their sums, from their HouseholdPayments (a seek per
        prefix on their codes; a limited scope also reads each one's household)."""
        need = {g.name for g in fields} & PAID
        if not need:
            return ""
        s, got, t, a, i = (self.b.var(v) for v in ("s", "got", "t", "a", "i"))
        total, totals = self.b.var("total"), self.b.var("totals")
        n = f"size({totals})"
        median = ""
        if "medianPaidPerHousehold" in need:
            median = (
                f", median: CASE WHEN {n} = 0 THEN null ELSE toInteger(round(toFloat("
                f"{totals}[({n} - 1) / 2] + {totals}[{n} / 2]) / 2)) END"
            )
        h = self.b.var("h")
        visible = self.view.scope.read_filter(Access.HOUSEHOLD, h, self.b)
        # Every household is visible to a view of all of them: no household is read.
        scoped = "" if visible == "true" else (
            f"MATCH ({h}:{Label.HOUSEHOLD} {{code: {s}.code}}) WHERE {visible} ")  # fmt: skip
        pre = self.b.var("pre")
        return (
            f"CALL ({u}) {{ UNWIND {u}.prefixes AS {pre} "
            f"MATCH ({s}:{Label.HOUSEHOLD_PAYMENTS}) WHERE {s}.code STARTS WITH {pre} {scoped}"
            f"WITH [{i} IN range(0, size({s}.days) - 1) WHERE {s}.days[{i}] >= {self.low} "
            f"AND {s}.days[{i}] <= {self.high} | {s}.amounts[{i}]] AS {got} WHERE {got} <> [] "
            f"WITH reduce({t} = 0, {a} IN {got} | {t} + {a}) AS {total} "
            + (f"ORDER BY {total} " if median else "")
            + f"WITH collect({total}) AS {totals} "
            f"RETURN {{n: {n}, sum: reduce({t} = 0, {a} IN {totals} | {t} + {a}){median}}} "
            f"AS {pay} }} "
        )

    def private(self, pay: str, expr: str) -> str:
        if not self.view.masked:
            return expr
        return f"CASE WHEN {pay}.n < {PRIVATE_BELOW} THEN null ELSE {expr} END"

    def field(self, u: str, f: str, paid: str, g: Field, post: Post) -> str:
        x = self.b.var("x")
        if g.name == "__typename":
            return f"'{self.name}'"
        if g.name == "region":
            return self.c.project("Region", {"r": u}, g.fields, post)
        if g.name == "revenue":
            return yuan(f"{f}.revenue")
        if g.name in ("orders", "buyers"):
            return f"{f}.{g.name}"
        if g.name == "byProduct":
            p = self.b.var("p")
            chosen = g.sub("product")
            values = {
                "product": self.c.project("Product", {"p": p}, chosen[0].fields, post)
                if chosen else "null",
                "quantity": f"{x}.q", "revenue": yuan(f"{x}.a"), "__typename": "'ProductSales'",
            }  # fmt: skip
            return (
                f"COLLECT {{ UNWIND {f}.byProduct AS {x} "
                f"MATCH ({p}:{Label.PRODUCT} {{code: {x}.p}}) "
                f"RETURN {self._map(g, values)} ORDER BY {p}.code }}"
            )
        if g.name == "byChannel":
            values = {
                "channel": f"{x}.ch",
                "orders": f"{x}.n",
                "revenue": yuan(f"{x}.a"),
                "__typename": "'ChannelSales'",
            }
            return f"[{x} IN {f}.byChannel | {self._map(g, values)}]"
        if g.name == "householdsPaid":
            return f"{paid}.n"
        if g.name == "paidToHouseholds":
            return self.private(paid, yuan(f"{paid}.sum"))
        if g.name == "medianPaidPerHousehold":
            return self.private(paid, yuan(f"{paid}.median"))
        if g.name == "children":
            c, cf, cp = (self.b.var(v) for v in ("c", "f", "pay"))
            y, z = self.b.var("y"), self.b.var("z")
            inner = self.unit(c, cf, cp, g.fields, post, "SalesFigures")
            self.name = "SalesImpact"
            pays = self.children_paid.get(g.key)
            paid_of = (
                f"WITH {c}, [{z} IN {pays} WHERE {z}.code = {c}.code][0].pay AS {cp} "
                if pays
                else ""
            )
            return (
                f"COLLECT {{ MATCH ({c}:{Label.REGION})-[:{Rel.PART_OF}]->({u}) "
                f"{paid_of}{self.figures(c, cf, g.fields)}"
                f"WITH {c}, {self.carry(cf, cp, g.fields)}{inner} AS {y} "
                f"RETURN {y} ORDER BY {c}.code }}"
            )
        raise ValueError(f"SalesImpact.{g.name} is not compiled")

    @staticmethod
    def carry(f: str, pay: str, fields: tuple[Field, ...]) -> str:
        """`f, pay, `: the figures `figures` and `paying` made for the selection."""
        names = {g.name for g in fields}
        return (f"{f}, " if names & SALES else "") + (f"{pay}, " if names & PAID else "")

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
    impact.low, impact.high = low, high
    pays = impact.all_paying("u", "pay", field.fields)
    carried = "".join(f"{v}, " for v in set(impact.children_paid.values()))
    node = impact.unit("u", "f", "pay", field.fields, post, "SalesImpact")
    cypher = f"""
MATCH (u:{Label.REGION} {{code: {code}}})
{pays}
{impact.figures("u", "f", field.fields)}
WITH u, {impact.carry("f", "pay", field.fields)}{carried}{node} AS data
RETURN data"""
    return plan(cypher, b, post)
