"""Which measures lifted which families (issue 14; DOMAIN.md section 7, statistics):
liftedHouseholds, measureImpact and regionStats, each one statement.

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

Cost: the province's statements read each of its households once by an index seek per
household-code prefix, and read the summaries written on each household
(graph/derived.py: measureKeys/Counts/Amounts, incomeYears/Nets/Sizes, exitYears,
returnYears) instead of its measures and incomes. Status changes are read only for a
household whose statusSince is after the date asked (graph/status.py `status_as_of`;
measureImpact's cohort: after the window's first day and not in poverty since a day of
the window). A page of liftedHouseholds reads its first + 1 households and their
measures. measureImpact's categories are no rows per category: the cohort's one
aggregation collects each household's [reached per category, exited, change] and its
means (a conditional avg per category and side, over the rows in their order), the
rows are grouped by reached and exited (about 2,600 groups for the province) and
graph/impact.py splits the groups in the post-pass (counts and medians, about 0.1 s
for the province); the cohort alone is one aggregation, without the measures' keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from graph import impact
from graph.compiler import (
    Binder,
    Compiler,
    ConnPost,
    Extra,
    Getter,
    Plan,
    Post,
    Request,
    View,
    plan,
    root,
)
from graph.coverage import plan_coverage
from graph.cursor import KeyKind, check_first, decode_key
from graph.errors import BadUserInput
from graph.household import IN_POVERTY, HouseholdStatus, status_as_of
from graph.impact import Figures
from graph.measure import MeasureCategory
from graph.model import Label, Rel
from graph.readmap import Access, Custom, Embed, Field, Kind, Limit, Mask, Value, declare
from graph.readmap import Rel as RelEntry
from graph.validation import check_region_code, today_cst

PRIVATE_BELOW = 5  # households: income figures over fewer are null for masked views
MAX_YEARS = 15
FIRST_YEAR = 2000
# Statuses regionStats counts, in the enum's order (new statuses join at the end).
COUNTED = tuple(s for s in HouseholdStatus if s is not HouseholdStatus.DEREGISTERED)
CATEGORIES = tuple(c.value for c in MeasureCategory)
LIFTED_KIND = "lifted-households"


def _region(request: Request) -> str:
    return check_region_code(str(request.args["regionCode"]), "regionCode")


def _index(years: str, test: str) -> str:
    """The indexes i of list `years` (a household's summary) where `test` ({y}: the
    element) holds, ascending."""
    return (
        f"[idx IN range(0, size(coalesce({years}, [])) - 1) WHERE {test.format(y=f'{years}[idx]')}]"
    )


def _private(view: View, count: str, expr: str) -> str:
    if not view.masked:
        return expr
    return f"CASE WHEN {count} < {PRIVATE_BELOW} THEN null ELSE {expr} END"


# --- liftedHouseholds -----------------------------------------------------------------


def _officials(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    """LiftedHousehold.officials: those with a pairing overlapping registration to
    exit, and the deliverers of the measures before the exit, by code."""
    h, a = row["h"], row["a"]
    o, r, m, x = (c.b.var(n) for n in ("o", "r", "m", "x"))
    node = c.project("Official", {"o": x}, f.fields, post)
    return (
        f"COLLECT {{ CALL ({h}, {a}) {{ "
        f"MATCH ({o}:{Label.OFFICIAL})-[{r}:{Rel.PAIRED_WITH}]->({h}) "
        f"WHERE {r}.since <= {a}.date AND ({r}.until IS NULL OR {r}.until >= "
        f"coalesce({h}.registrationDate, {r}.since)) RETURN {o} AS {x} "
        f"UNION MATCH ({o}:{Label.OFFICIAL})-[:{Rel.DELIVERED}]->({m}:{Label.MEASURE})"
        f"-[:{Rel.MEASURE_FOR}]->({h}) WHERE {m}.voidedOn IS NULL AND {m}.date <= {a}.date "
        f"RETURN {o} AS {x} }} WITH {x} ORDER BY {x}.code RETURN {node} }}"
    )


_BEFORE_SUPPORT = (
    "coalesce([j IN {registration} | {h}.incomeNets[j]][0], "
    "[j IN {before} | {h}.incomeNets[j]][-1])"
)

declare(
    "LiftedHousehold",
    ("h", "a"),
    {
        "household": Embed("Household", {"h": "h"}),
        "exitYear": Value("{a}.year"),
        "exitDate": Value("{a}.date", Kind.DATE),
        "returned": Value("{h}.status = 'RETURNED'"),
        "measuresBeforeExit": RelEntry(
            "Measure",
            f"MATCH ({{m}}:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->({{h}})",
            where=("{m}.voidedOn IS NULL", "{m}.date <= {a}.date"),
            order="{m}.date DESC, {m}.id DESC",
            limit=Limit("first", 20, 100),
        ),
        "incomeBeforeSupport": Value(
            _BEFORE_SUPPORT.format(
                registration=_index("{h}.incomeYears", "{y} = {{h}}.registrationYear"),
                before=_index("{h}.incomeYears", "{y} < {{h}}.firstMeasureYear"),
                h="{h}",
            ),
            mask=Mask.HIDDEN,
        ),
        "incomeAtExit": Value("{a}.perCapitaNet", mask=Mask.HIDDEN),
        "officials": Custom(_officials),
    },
)
declare("LiftedHouseholdEdge", ("h", "a"), {"node": Embed("LiftedHousehold", {"h": "h", "a": "a"})})


def _lifted_shape(args: Mapping[str, Any]) -> Any:
    return (
        args.get("year") is not None,
        args.get("includeReturned") is False,
        args.get("after") is not None,
    )


def _lifted_limit(request: Request) -> int:
    return check_first(request.args.get("first", 20)) + 1


def _lifted_after(request: Request) -> str:
    key = decode_key(request.args.get("after"), LIFTED_KIND, (KeyKind.STR,))
    return str(key[0]) if key else ""


def _lifted_year(request: Request) -> int:
    return int(request.args["year"])


@root("liftedHouseholds", shape=_lifted_shape)
def plan_lifted(field: Field, view: View, shape: Any) -> Plan:
    """liftedHouseholds(regionCode, year, includeReturned, first, after): households
    on file with a passed assessment, by code; an ordered seek per prefix from the
    cursor, first + 1 of each, then the page's latest exits and measures."""
    by_year, no_returned, has_after = shape
    b = Binder()
    post = Post(field=field)
    code = b.slot("regionCode", _region)
    limit = b.slot("limit", _lifted_limit)
    where = ["h.code STARTS WITH p", "h.exitYear IS NOT NULL", "h.deregisteredOn IS NULL"]
    if has_after:
        where.append(f"h.code > {b.slot('after', _lifted_after)}")
    if by_year:
        where.append(f"h.exitYear = {b.slot('year', _lifted_year)}")
    if no_returned:
        where.append(f"h.status <> {b.const(str(HouseholdStatus.RETURNED))}")
    where.append(view.scope.read_filter(Access.HOUSEHOLD, "h", b))
    conn = ConnPost(LIFTED_KIND, "limit", field, "LiftedHouseholdConnection")
    post.conn = conn
    h = b.var("h")
    row = Compiler(view, b).connection_row(
        "LiftedHouseholdEdge", {"h": h, "a": "a"}, conn, [f"{h}.code"]
    )
    cypher = f"""
MATCH (u:{Label.REGION} {{code: {code}}})
CALL (u) {{
  UNWIND u.prefixes AS p
  CALL (p) {{
    MATCH (h:{Label.HOUSEHOLD}) WHERE {" AND ".join(where)}
    WITH h ORDER BY h.code LIMIT {limit} RETURN h AS {h}
  }}
  WITH {h} ORDER BY {h}.code LIMIT {limit}
  WITH {h}, COLLECT {{ MATCH (e:{Label.ASSESSMENT})-[:{Rel.ASSESSES}]->({h}) WHERE e.passed
                     RETURN e ORDER BY e.date DESC, e.year DESC LIMIT 1 }}[0] AS a
  RETURN collect({row}) AS rows
}}
RETURN {{r: rows}} AS data"""
    return plan(cypher, b, post)


# --- years and windows ----------------------------------------------------------------


def _check_year(value: Any, name: str, request: Request) -> int:
    year = int(value)
    if year > request.today.year:
        raise BadUserInput(f"{name} must not be after this year", field=name)
    if year < FIRST_YEAR:
        raise BadUserInput(f"{name} must not be before {FIRST_YEAR}", field=name)
    return year


def _window(request: Request) -> tuple[int, int]:
    low = _check_year(request.args["fromYear"], "fromYear", request)
    high = _check_year(request.args["toYear"], "toYear", request)
    if high < low:
        raise BadUserInput("toYear must not be before fromYear", field="toYear")
    if high - low + 1 > MAX_YEARS:
        raise BadUserInput(f"the window is at most {MAX_YEARS} years", field="fromYear")
    return low, high


def _from_year(request: Request) -> int:
    return _window(request)[0]


def _to_year(request: Request) -> int:
    return _window(request)[1]


def _window_start(request: Request) -> dt.date:
    return dt.date(_window(request)[0], 1, 1)


def _window_end(request: Request) -> dt.date:
    return dt.date(_window(request)[1], 12, 31)


# --- measureImpact --------------------------------------------------------------------


def _group(view: View, g: str, fields: tuple[Field, ...]) -> str:
    """An ImpactGroup map of aggregated figures `g` ({n, e, w, mean, median})."""
    values = {
        "households": f"{g}.n",
        "exited": f"{g}.e",
        "exitRate": f"CASE WHEN {g}.n = 0 THEN null ELSE toFloat({g}.e) / {g}.n END",
        "withIncome": f"{g}.w",
        "meanIncomeChange": _private(view, f"{g}.w", f"{g}.mean"),
        "medianIncomeChange": _private(view, f"{g}.w", f"{g}.median"),
        "__typename": "'ImpactGroup'",
    }
    return "{" + ", ".join(f"`{f.key}`: {values[f.name]}" for f in fields) + "}"


def _group_value(masked: bool, g: Figures, fields: tuple[Field, ...]) -> dict[str, Any]:
    """`_group`'s map, from figures computed in Python (graph/impact.py)."""
    private = masked and g.with_income < PRIVATE_BELOW
    values = {
        "households": g.households,
        "exited": g.exited,
        "exitRate": None if g.households == 0 else g.exited / g.households,
        "withIncome": g.with_income,
        "meanIncomeChange": None if private else g.mean,
        "medianIncomeChange": None if private else g.median,
        "__typename": "ImpactGroup",
    }
    return {f.key: values[f.name] for f in fields}


def _window_key(year: Getter) -> Getter:
    def key(request: Request) -> str:
        return str(year(request))

    return key


def _after_window(request: Request) -> str:
    return str(_to_year(request) + 1)


def _cohort(b: Binder, view: View, categories: str | None) -> str:
    """The clauses reading the cohort: one row per household in poverty at some time
    in the window, with `e` (exited in the window), `c` (its income change, or null)
    and, given `categories` (the list parameter), `m`: for each category whether a
    measure of it reached the household in the window."""
    code = b.slot("regionCode", _region)
    low, high = b.slot("fromYear", _from_year), b.slot("toYear", _to_year)
    start, end = b.slot("windowStart", _window_start), b.slot("windowEnd", _window_end)
    poor = b.const(list(IN_POVERTY))
    visible = view.scope.read_filter(Access.HOUSEHOLD, "h", b)
    # Its changes up to the window's end, in order: [after its first day, into poverty].
    changes = (
        f"COLLECT {{ MATCH (s:{Label.STATUS_CHANGE})-[:{Rel.STATUS_OF}]->(h) WHERE s.on <= {end} "
        f"RETURN [s.on > {start}, s.`to` IN {poor}] ORDER BY s.on, s.seq }}"
    )
    in_cohort = (
        # Read from hp: the node's properties again would be read from the store.
        f"CASE WHEN hp.statusSince IS NULL OR hp.statusSince <= {start} "
        f"THEN hp.status IN {poor} "
        # In poverty since a day of the window: no change to read.
        f"WHEN hp.statusSince <= {end} AND hp.status IN {poor} THEN true "
        # The latest change on or before the first day into poverty, or one in the window.
        f"ELSE any(l IN [{changes}] WHERE coalesce([x IN l WHERE NOT x[0]][-1][1], false) "
        "OR any(x IN l WHERE x[0] AND x[1])) END"
    )
    late = _index("hp.incomeYears", f"{{y}} <= {high}") + "[-1]"
    early = _index("hp.incomeYears", f"{{y}} >= {low} - 1") + "[0]"
    props = ".status, .statusSince, .incomeYears, .incomeNets, .exitYears"
    k, m = "", ""
    if categories is not None:
        props += ", .measureKeys"
        # 'YYYY:CATEGORY' keys of the window compare as strings: YYYY has four digits.
        first, after = b.slot("fromKey", _window_key(_from_year)), b.slot("afterKey", _after_window)
        k = (
            f", [k IN coalesce(hp.measureKeys, []) WHERE k >= {first} AND k < {after} "
            "| substring(k, 5)] AS k"
        )
        m = f", [cat IN {categories} | cat IN k] AS m"
    return f"""
MATCH (u:{Label.REGION} {{code: {code}}})
CALL (u) {{
  UNWIND u.prefixes AS p
  MATCH (h:{Label.HOUSEHOLD}) WHERE h.code STARTS WITH p AND h.deregisteredOn IS NULL
    AND {visible}
  WITH h, h {{{props}}} AS hp
  WHERE {in_cohort}
  WITH hp, {late} AS li, {early} AS ei
  WITH any(y IN coalesce(hp.exitYears, []) WHERE y >= {low} AND y <= {high}) AS e,
    CASE WHEN li > ei THEN hp.incomeNets[li] - hp.incomeNets[ei] END AS c{k}
  WITH e, c{m}"""


_FIGURES = (
    "count(*) AS n, count(CASE WHEN e THEN 1 END) AS e, count(c) AS w, "
    "toFloat(avg(c)) AS mean, toFloat(percentileCont(c, 0.5)) AS median"
)


def _means(selected: bool) -> str:
    """The means of the split, aggregated over the cohort's rows in their order (each
    avg sees the rows a grouped avg of its group would, in the same order), or nothing
    when none is selected."""
    if not selected:
        return ""
    inside = ", ".join(f"avg(CASE WHEN m[{i}] THEN c END)" for i in range(len(CATEGORIES)))
    outside = ", ".join(
        f"avg(CASE WHEN m[{i}] THEN null ELSE c END)" for i in range(len(CATEGORIES))
    )
    return f", toFloat(avg(c)) AS mean, [{inside}] AS reached, [{outside}] AS comparison"


def _impact_transform(field: Field, masked: bool) -> Any:
    """The MeasureImpact map of `field`'s selection from the split statement's value."""

    def transform(value: Mapping[str, Any]) -> dict[str, Any]:
        cohort, split = impact.split(value, len(CATEGORIES))
        out: dict[str, Any] = {}
        for f in field.fields:
            if f.name == "__typename":
                out[f.key] = "MeasureImpact"
            elif f.name == "cohort":
                out[f.key] = _group_value(masked, cohort, f.fields)
            elif f.name == "categories":
                items = []
                for cat, (reached, comparison) in zip(CATEGORIES, split, strict=True):
                    sides = {"reached": reached, "comparison": comparison}
                    item: dict[str, Any] = {}
                    for g in f.fields:
                        if g.name == "category":
                            item[g.key] = cat
                        elif g.name == "__typename":
                            item[g.key] = "CategoryImpact"
                        else:
                            item[g.key] = _group_value(masked, sides[g.name], g.fields)
                    items.append(item)
                out[f.key] = items
        return out

    return transform


def _selects_mean(field: Field) -> bool:
    return any(
        h.name == "meanIncomeChange"
        for f in field.fields
        for g in f.fields
        for h in (g.fields if f.name == "categories" else (g,))
    )


@root("measureImpact")
def plan_impact(field: Field, view: View, shape: Any) -> Plan:
    """measureImpact(regionCode, fromYear, toYear): the cohort and, per category, the
    households reached in the window and the rest; null for an unknown region.

    Without categories selected the cohort's figures are one aggregation over its
    rows. With them the rows are grouped by (categories reached, exited) and the split
    is graph/impact.py's, in the post-pass; the means, whose last bits depend on the
    rows' order, are aggregated over the rows in their order (`_means`)."""
    b = Binder()
    post = Post(field=field)
    names = {f.name for f in field.fields}
    for f in field.fields:
        if f.name not in ("__typename", "cohort", "categories"):
            raise ValueError(f"MeasureImpact.{f.name} is not compiled")
    if "categories" not in names:
        fields: dict[str, str] = {}
        for f in field.fields:
            fields[f.key] = (
                "'MeasureImpact'" if f.name == "__typename" else _group(view, "cohort", f.fields)
            )
        node = "{" + ", ".join(f"`{k}`: {v}" for k, v in fields.items()) + "}"
        if "cohort" not in names:
            code = b.slot("regionCode", _region)
            b.slot("fromYear", _from_year), b.slot("toYear", _to_year)  # the window checked
            cypher = f"MATCH (u:{Label.REGION} {{code: {code}}}) RETURN {node} AS data"
            return plan(cypher, b, post)
        cypher = f"""{_cohort(b, view, None)}
  WITH {_FIGURES}
  RETURN {{n: n, e: e, w: w, mean: mean, median: median}} AS cohort
}}
RETURN {node} AS data"""
        return plan(cypher, b, post)
    categories = b.const(list(CATEGORIES))
    post.transform = _impact_transform(field, view.masked)
    means = _means(_selects_mean(field))
    extra = ", mean: mean, reached: reached, comparison: comparison" if means else ""
    cypher = f"""{_cohort(b, view, categories)}
  RETURN collect([m, e, c]) AS rows{means}
}}
CALL (rows) {{
  UNWIND rows AS x WITH x[0] AS m, x[1] AS e, count(*) AS n, collect(x[2]) AS cs
  RETURN collect([m, e, n, cs]) AS groups
}}
RETURN {{groups: groups{extra}}} AS data"""
    return plan(cypher, b, post)


# --- regionStats ----------------------------------------------------------------------


def _stats_year(request: Request) -> int:
    return _check_year(request.args["year"], "year", request)


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
    """Prints the statement of one regionStats selection."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.c = Compiler(view)
        self.b = self.c.b
        self.year = self.b.slot("year", _stats_year)
        self.year_text = self.b.slot("yearText", _year_text)
        self.as_of = self.b.slot("asOf", stats_as_of)
        self.poor = self.b.const(list(IN_POVERTY))

    def scan(self, u: str, prefixes: str) -> str:
        """A subquery returning the figures (a map) of the households under `prefixes`
        (an expression on region u)."""
        p, h, hp, st, ix = (self.b.var(n) for n in ("p", "h", "hp", "st", "ix"))
        people, net, ex, rt, ms, x, k = (
            self.b.var(n) for n in ("people", "net", "ex", "rt", "ms", "x", "k")
        )
        mc, mn, mh, ma, ml = (self.b.var(n) for n in ("mc", "mn", "mh", "ma", "ml"))
        names = ", ".join(f"n{i}, q{i}" for i in range(len(COUNTED)))
        visible = self.view.scope.read_filter(Access.HOUSEHOLD, h, self.b)
        status = status_as_of(h, hp, self.as_of, self.b.var("sc"))
        index = _index(f"{hp}.incomeYears", f"{{y}} = {self.year}") + "[0]"
        keys = _index(f"{hp}.measureKeys", f"left({{y}}, 4) = {self.year_text}")
        by_status = ", ".join(
            f"sum(CASE WHEN {st} = '{s.value}' THEN 1 ELSE 0 END) AS n{i}, "
            f"sum(CASE WHEN {st} = '{s.value}' THEN {people} ELSE 0 END) AS q{i}"
            for i, s in enumerate(COUNTED)
        )
        statuses = ", ".join(
            f"{{status: '{s.value}', households: n{i}, people: q{i}}}"
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
            # The subquery aggregates: every variable is named (see graph/coverage.py).
            f"WITH households, {names}, poor, withIncome, netSum, exits, returns, mss, "
            f"COLLECT {{ UNWIND mss AS {k} UNWIND {k} AS {x} "
            f"WITH {x}[0] AS {mc}, sum({x}[1]) AS {mn}, count(*) AS {mh}, sum({x}[2]) AS {ma} "
            f"RETURN {{category: {mc}, measures: {mn}, households: {mh}, amount: {ma}}} "
            f"ORDER BY {mc} }} AS {ml} "
            f"RETURN {{households: households, byStatus: [{statuses}], poor: poor, "
            f"withIncome: withIncome, netSum: netSum, exits: exits, returns: returns, "
            f"measures: {ml}}}"
        )

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
            clauses.append(f"CALL ({u}) {{ {self.scan(u, f'{u}.prefixes')} AS {fig} }}")
        else:
            first, own, msum = lists[0], self.b.var("own"), self.b.var("msum")
            mine = f"CASE WHEN size({first}) = 0 THEN {u}.prefixes ELSE [] END"
            m, mc, mn, mh, ma = (self.b.var(n) for n in ("m", "mc", "mn", "mh", "ma"))
            clauses.append(f"CALL ({u}, {first}) {{ {self.scan(u, mine)} AS {own} }}")
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
            return _private(self.view, f"{fig}.withIncome", mean)
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
    code = b.slot("regionCode", _region)
    clauses, node, _ = stats.unit("u", field.fields, post, 0)
    cypher = f"MATCH (u:{Label.REGION} {{code: {code}}}) {clauses} RETURN {node} AS data"
    return replace(plan(cypher, b, post), extras=_coverage_extras(field, view, current))
