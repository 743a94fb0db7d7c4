"""Which measures lifted which families (issue 14; DOMAIN.md section 7, statistics):
regionStats here, and the helpers the other two root fields use (liftedHouseholds in
graph/lifted.py, measureImpact in graph/measure_impact.py); each one statement.

    liftedHouseholds  households with a passed assessment (exitYear set), in code
                      order: their latest exit, the measures before it, their income
                      before support and at exit, the officials who helped
    measureImpact     a cohort (households in poverty at some time in a window of
                      years) split by each measure category into the households
                      reached in the window and the rest: exits and income change
    regionStats       a region and its children as of 31 December of a year (today
                      for this year): households by their status then, poor people,
                      incidence, exits, returns, incomes and measures of the year

Households count within the caller's scope (out of scope: absent); for roles without
personal data the incomes of one household are null, and income figures over fewer
than PRIVATE_BELOW households too.

Cost: regionStats over a scope of whole villages (not a field official's) sums the
statistics summaries each village keeps per year (graph/village_stats.py): the
province reads its 2,553 villages, not its households; a year a village has no summary
for is counted from its households. Those scans, and the other two fields, read each
household once by an index seek per household-code prefix, and read the summaries
written on each household (graph/derived.py: measureKeys/Counts/Amounts,
incomeYears/Nets/Sizes, exitYears, returnYears) instead of its measures and incomes.
Status changes are read only for a household whose statusSince is after the date
asked (graph/status.py `status_as_of`; measureImpact's cohort: after the window's first
day and not in poverty since a day of the window). A page of liftedHouseholds reads
its first + 1 households and their measures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from graph.compiler import (
    Compiler,
    Extra,
    Plan,
    Post,
    Request,
    View,
    plan,
    root,
)
from graph.coverage import plan_coverage
from graph.errors import BadUserInput
from graph.household import IN_POVERTY, HouseholdStatus, status_as_of
from graph.model import Label, Rel
from graph.readmap import Access, Field
from graph.validation import check_region_code, today_cst

PRIVATE_BELOW = 5  # households: income figures over fewer are null for masked views
FIRST_YEAR = 2000
# Statuses regionStats counts, in the enum's order (new statuses join at the end).
COUNTED = tuple(s for s in HouseholdStatus if s is not HouseholdStatus.DEREGISTERED)


def region_of(request: Request) -> str:
    return check_region_code(str(request.args["regionCode"]), "regionCode")


def year_indexes(years: str, test: str) -> str:
    """The indexes i of list `years` (a household's summary) where `test` ({y}: the
    element) holds, ascending."""
    return (
        f"[idx IN range(0, size(coalesce({years}, [])) - 1) WHERE {test.format(y=f'{years}[idx]')}]"
    )


def private(view: View, count: str, expr: str) -> str:
    if not view.masked:
        return expr
    return f"CASE WHEN {count} < {PRIVATE_BELOW} THEN null ELSE {expr} END"


# --- years and windows ----------------------------------------------------------------


def check_year(value: Any, name: str, request: Request) -> int:
    year = int(value)
    if year > request.today.year:
        raise BadUserInput(f"{name} must not be after this year", field=name)
    if year < FIRST_YEAR:
        raise BadUserInput(f"{name} must not be before {FIRST_YEAR}", field=name)
    return year


# --- regionStats ----------------------------------------------------------------------


def _stats_year(request: Request) -> int:
    return check_year(request.args["year"], "year", request)


def _year_text(request: Request) -> str:
    return str(_stats_year(request))


def stats_as_of(request: Request) -> dt.date:
    """31 December of the year asked, or today for this year."""
    year = _stats_year(request)
    return request.today if year >= request.today.year else dt.date(year, 12, 31)


def _stats_shape(args: Mapping[str, Any]) -> Any:
    year = args.get("year")
    return (year is None or int(year) >= today_cst().year,)


_PROJECTED = (
    "{h} {{.status, .statusSince, .deregisteredOn, .statusBeforeDeregistration, .memberCount, "
    ".incomeYears, .incomeNets, .incomeSizes, .measureKeys, .measureCounts, .measureAmounts, "
    ".exitYears, .returnYears}}"
)


class _Stats:
    """Prints the statement of one regionStats selection (or, given Cypher expressions
    for the year, its text and the day, a village summary's scan of one year)."""

    def __init__(
        self, view: View, year: str | None = None, year_text: str | None = None,
        as_of: str | None = None,
    ) -> None:  # fmt: skip
        self.view = view
        self.c = Compiler(view)
        self.b = self.c.b
        self.year = year or self.b.slot("year", _stats_year)
        self.year_text = year_text or self.b.slot("yearText", _year_text)
        self.as_of = as_of or self.b.slot("asOf", stats_as_of)
        self.poor = self.b.const(list(IN_POVERTY))

    def scan(self, u: str, prefixes: str) -> str:
        """A subquery returning the figures (a map) of the households under `prefixes`
        (an expression on region u)."""
        p, h, hp, st, ix = (self.b.var(n) for n in ("p", "h", "hp", "st", "ix"))
        people, net, ex, rt, ms, x, k = (
            self.b.var(n) for n in ("people", "net", "ex", "rt", "ms", "x", "k")
        )
        mc, mn, mh, ma = (self.b.var(n) for n in ("mc", "mn", "mh", "ma"))
        visible = self.view.scope.read_filter(Access.HOUSEHOLD, h, self.b)
        status = status_as_of(h, hp, self.as_of, self.b.var("sc"))
        index = year_indexes(f"{hp}.incomeYears", f"{{y}} = {self.year}") + "[0]"
        keys = year_indexes(f"{hp}.measureKeys", f"left({{y}}, 4) = {self.year_text}")
        by_status = ", ".join(
            f"sum(CASE WHEN {st} = '{s.value}' THEN 1 ELSE 0 END) AS n{i}, "
            f"sum(CASE WHEN {st} = '{s.value}' THEN {people} ELSE 0 END) AS q{i}"
            for i, s in enumerate(COUNTED)
        )
        return (
            f"UNWIND {prefixes} AS {p} MATCH ({h}:{Label.HOUSEHOLD}) "
            f"WHERE {h}.code STARTS WITH {p} AND {visible} "
            f"WITH {h}, {_PROJECTED.format(h=h)} AS {hp} "
            f"WITH {hp}, {status} AS {st} "
            f"WHERE {st} IS NOT NULL AND {st} <> '{HouseholdStatus.DEREGISTERED}' "
            f"AND ({hp}.deregisteredOn IS NULL OR {hp}.deregisteredOn > {self.as_of}) "
            f"WITH {hp}, {st}, {index} AS {ix} "
            f"WITH {st}, CASE WHEN {ix} IS NULL THEN coalesce({hp}.memberCount, 0) "
            f"ELSE {hp}.incomeSizes[{ix}] END AS {people}, {hp}.incomeNets[{ix}] AS {net}, "
            f"size([y IN coalesce({hp}.exitYears, []) WHERE y = {self.year}]) AS {ex}, "
            f"size([y IN coalesce({hp}.returnYears, []) WHERE y = {self.year}]) AS {rt}, "
            f"[idx IN {keys} | [substring({hp}.measureKeys[idx], 5), {hp}.measureCounts[idx], "
            f"{hp}.measureAmounts[idx]]] AS {ms} "
            f"WITH count(*) AS households, {by_status}, "
            f"sum(CASE WHEN {st} IN {self.poor} THEN {people} ELSE 0 END) AS poor, "
            f"count({net}) AS withIncome, sum({net}) AS netSum, sum({ex}) AS exits, "
            f"sum({rt}) AS returns, collect(CASE WHEN size({ms}) > 0 THEN {ms} END) AS mss "
            + self.figures_map(
                "mss",
                f"{{ UNWIND mss AS {k} UNWIND {k} AS {x} "
                f"WITH {x}[0] AS {mc}, sum({x}[1]) AS {mn}, count(*) AS {mh}, sum({x}[2]) AS {ma} "
                f"RETURN {{category: {mc}, measures: {mn}, households: {mh}, amount: {ma}}} "
                f"ORDER BY {mc} }}",
            )
        )

    def figures_map(self, lists: str, measures: str) -> str:
        """The figures' map after an aggregation into households, n0/q0..., poor,
        withIncome, netSum, exits, returns and `lists`, which `measures` (a COLLECT
        body) reads."""
        names = ", ".join(f"n{i}, q{i}" for i in range(len(COUNTED)))
        ml = self.b.var("ml")
        statuses = ", ".join(
            f"{{status: '{s.value}', households: n{i}, people: q{i}}}"
            for i, s in enumerate(COUNTED)
        )
        return (
            # The subquery aggregates: every variable is named (see graph/coverage.py).
            f"WITH households, {names}, poor, withIncome, netSum, exits, returns, {lists}, "
            f"COLLECT {measures} AS {ml} "
            f"RETURN {{households: households, byStatus: [{statuses}], poor: poor, "
            f"withIncome: withIncome, netSum: netSum, exits: exits, returns: returns, "
            f"measures: {ml}}}"
        )

    def figures(self, u: str, prefixes: str) -> str:
        """A subquery returning the figures of the households under `prefixes`: the
        sums of their villages' summaries when the scope sees whole villages
        (graph/village_stats.py), else counted from the households."""
        from graph.village_stats import read_summaries

        return read_summaries(self, prefixes) or self.scan(u, prefixes)

    def unit(
        self, u: str, fields: tuple[Field, ...], post: Post, depth: int
    ) -> tuple[str, str, str]:
        """(clauses, map, fig): the clauses computing region u's figures `fig` (and
        its children's lists) and the RegionStats map of `fields` on them. With
        children selected, u's figures are the sums of its first children list's
        (each household is read once); without, its own households'."""
        fig = self.b.var("fig")
        clauses: list[str] = []
        kids: dict[str, str] = {}
        lists: list[str] = []
        for f in fields:
            if f.name == "children":
                c, y, k = self.b.var("c"), self.b.var("y"), self.b.var("kids")
                inner, node, child = self.unit(c, f.fields, post.child(f), depth + 1)
                # An aggregating subquery in a projection: every variable named (as
                # graph/coverage.py's).
                clauses.append(
                    f"WITH {', '.join([u, *lists])}, COLLECT {{ "
                    f"MATCH ({c}:{Label.REGION})-[:{Rel.PART_OF}]->({u}) {inner} "
                    f"WITH {c}, {{f: {child}, n: {node}}} AS {y} RETURN {y} "
                    f"ORDER BY {c}.code }} AS {k}"
                )
                kids[f.key] = f"[x IN {k} | x.n]"
                lists.append(k)
        if not lists:
            clauses.append(f"CALL ({u}) {{ {self.figures(u, f'{u}.prefixes')} AS {fig} }}")
        else:
            first, own, msum = lists[0], self.b.var("own"), self.b.var("msum")
            mine = f"CASE WHEN size({first}) = 0 THEN {u}.prefixes ELSE [] END"
            m, mc, mn, mh, ma = (self.b.var(n) for n in ("m", "mc", "mn", "mh", "ma"))
            clauses.append(f"CALL ({u}, {first}) {{ {self.figures(u, mine)} AS {own} }}")
            clauses.append(
                f"WITH {', '.join([u, *lists, own])}, COLLECT {{ "
                f"UNWIND {own}.measures + reduce(acc = [], k IN {first} | acc + k.f.measures) "
                f"AS {m} WITH {m}.category AS {mc}, sum({m}.measures) AS {mn}, "
                f"sum({m}.households) AS {mh}, sum({m}.amount) AS {ma} "
                f"RETURN {{category: {mc}, measures: {mn}, households: {mh}, amount: {ma}}} "
                f"ORDER BY {mc} }} AS {msum}"
            )

            def total(path: str) -> str:
                return f"{own}.{path} + reduce(s = 0, k IN {first} | s + k.f.{path})"

            statuses = ", ".join(
                f"{{status: '{st.value}', households: {total(f'byStatus[{i}].households')}, "
                f"people: {total(f'byStatus[{i}].people')}}}"
                for i, st in enumerate(COUNTED)
            )
            sums = ", ".join(
                f"{name}: {total(name)}"
                for name in ("households", "poor", "withIncome", "netSum", "exits", "returns")
            )
            clauses.append(
                f"WITH {', '.join([u, *lists])}, "
                f"{{{sums}, byStatus: [{statuses}], measures: {msum}}} AS {fig}"
            )
        self.kids = kids
        parts = [f"`{f.key}`: {self.field(u, fig, f, post.child(f), depth)}" for f in fields]
        return " ".join(clauses), "{" + ", ".join(parts) + "}", fig

    def field(self, u: str, fig: str, f: Field, post: Post, depth: int) -> str:
        n = f.name
        if n == "__typename":
            return "'RegionStats'"
        if n == "region":
            return self.c.project("Region", {"r": u}, f.fields, post)
        if n == "year":
            return self.year
        if n == "asOf":
            return f"toString({self.as_of})"
        if n in ("households", "exits", "returns"):
            return f"{fig}.{n}"
        if n == "poorPeople":
            return f"{fig}.poor"
        if n == "householdsWithIncome":
            return f"{fig}.withIncome"
        if n == "ruralPopulation":
            return f"{u}.ruralPopulation"
        if n == "incidence":
            return (
                f"CASE WHEN coalesce({u}.ruralPopulation, 0) = 0 THEN null "
                f"ELSE toFloat({fig}.poor) / {u}.ruralPopulation END"
            )
        if n == "averagePerCapitaNet":
            mean = (
                f"CASE WHEN {fig}.withIncome = 0 THEN null "
                f"ELSE toFloat({fig}.netSum) / {fig}.withIncome END"
            )
            return private(self.view, f"{fig}.withIncome", mean)
        if n == "byStatus":
            return _sub(f, f"{fig}.byStatus", "StatusCount")
        if n == "measures":
            return _sub(f, f"{fig}.measures", "MeasureCount")
        if n == "coverage":
            if depth > 1:
                post.error = BadUserInput(
                    "coverage is read for the region and its children only", field="coverage"
                )
            return "null"  # the extra statement fills it in
        if n == "children":
            return self.kids[f.key]
        raise ValueError(f"RegionStats.{n} is not compiled")


def village_scan(v: str, year: str, year_text: str, as_of: str) -> tuple[str, dict[str, Any]]:
    """(Cypher, its constants): the figures of village `v`'s households (every one,
    unmasked) for the Cypher expressions of a year, its text and a day; the body of a
    subquery returning them (graph/village_stats.py)."""
    from graph.scope import Scope

    stats = _Stats(View(Scope.everything(), masked=False), year, year_text, as_of)
    cypher = stats.scan(v, f"[{v}.code]")
    assert not stats.b.slots, "a village summary binds no request argument"
    return cypher, dict(stats.b.consts)


def _sub(f: Field, source: str, typename: str) -> str:
    x = "item"
    parts = [
        f"`{g.key}`: " + (f"'{typename}'" if g.name == "__typename" else f"{x}.{g.name}")
        for g in f.fields
    ]
    return f"[{x} IN {source} | {{{', '.join(parts)}}}]"


def _coverage_args(request: Request) -> Mapping[str, Any]:
    return {"regionCode": request.args["regionCode"], "asOf": stats_as_of(request)}


def _coverage_extras(field: Field, view: View, current: bool) -> tuple[Extra, ...]:
    """The coverage statements of the selection: one for each coverage of the region,
    one for each coverage of its children (pairingCoverage's children, by code)."""
    extras: list[Extra] = []
    cover = Field("pairingCoverage", "pairingCoverage")

    def at_root(key: str) -> Any:
        def splice(value: Any, found: Any) -> None:
            value[key] = found

        return splice

    def at_children(kids: str, key: str) -> Any:
        def splice(value: Any, found: Any) -> None:
            below = (found or {}).get("children") or []
            for child, cov in zip(value.get(kids) or [], below, strict=False):
                if child is not None:
                    child[key] = cov

        return splice

    for f in field.fields:
        if f.name == "coverage":
            sub = replace(cover, fields=f.fields)
            extras.append(
                Extra(
                    plan_coverage(sub, view, (current,)), _coverage_args, at_root(f.key), (f.key,)
                )
            )
        if f.name == "children":
            for g in f.fields:
                if g.name == "coverage":
                    kids = Field("children", "children", fields=g.fields)
                    sub = replace(cover, fields=(kids,))
                    extras.append(
                        Extra(
                            plan_coverage(sub, view, (current,)),
                            _coverage_args,
                            at_children(f.key, g.key),
                            (f.key,),
                        )
                    )
    return tuple(extras)


@root("regionStats", shape=_stats_shape)
def plan_stats(field: Field, view: View, shape: Any) -> Plan:
    """regionStats(regionCode, year): the region's figures and its children's (any
    depth) in one statement, one more for each selected coverage; null for an unknown
    region."""
    (current,) = shape
    stats = _Stats(view)
    b = stats.b
    post = Post(field=field)
    code = b.slot("regionCode", region_of)
    clauses, node, _ = stats.unit("u", field.fields, post, 0)
    cypher = f"MATCH (u:{Label.REGION} {{code: {code}}}) {clauses} RETURN {node} AS data"
    return replace(plan(cypher, b, post), extras=_coverage_extras(field, view, current))
