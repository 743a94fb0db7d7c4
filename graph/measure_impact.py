"""measureImpact(regionCode, fromYear, toYear) (issue 14): a cohort (households in
poverty at some time in a window of years) split by each measure category into the
households reached in the window and the rest: exits and income change. One statement;
graph/impact.py, pure, splits its groups in the post-pass.

Cost: its categories are no rows per category: the cohort's households are grouped
in the statement by (reached per category, exited), with each group's count and income
changes (about 2,600 groups for the province), and graph/impact.py splits the groups
in the post-pass (counts, exact means and medians, about 0.1 s for the province); the
cohort alone is one aggregation, without the measures' keys. A household's first and
last income of the window are indexes counted on its ascending incomeYears.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from graph import impact
from graph.compiler import (
    Binder,
    Getter,
    Plan,
    Post,
    Request,
    View,
    plan,
    root,
)
from graph.errors import BadUserInput
from graph.household import IN_POVERTY
from graph.impact import Figures
from graph.measure import MeasureCategory
from graph.model import Label, Rel
from graph.readmap import Access, Field
from graph.stats import PRIVATE_BELOW, check_year, private, region_of

MAX_YEARS = 15
CATEGORIES = tuple(c.value for c in MeasureCategory)


def _window(request: Request) -> tuple[int, int]:
    low = check_year(request.args["fromYear"], "fromYear", request)
    high = check_year(request.args["toYear"], "toYear", request)
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
        "meanIncomeChange": private(view, f"{g}.w", f"{g}.mean"),
        "medianIncomeChange": private(view, f"{g}.w", f"{g}.median"),
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
    code = b.slot("regionCode", region_of)
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
    # incomeYears ascend: the last index of a year <= high, the first of one >= low - 1
    # (past the end when none: then li > ei fails or reads null).
    late = f"size([y IN coalesce(hp.incomeYears, []) WHERE y <= {high}]) - 1"
    early = f"size([y IN coalesce(hp.incomeYears, []) WHERE y < {low} - 1])"
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


# The mean as graph/impact.py's `mean`: an exact sum of whole yuan over the count.
_FIGURES = (
    "count(*) AS n, count(CASE WHEN e THEN 1 END) AS e, count(c) AS w, "
    "CASE WHEN count(c) = 0 THEN null ELSE toFloat(sum(c)) / count(c) END AS mean, "
    "toFloat(percentileCont(c, 0.5)) AS median"
)


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


@root("measureImpact")
def plan_impact(field: Field, view: View, shape: Any) -> Plan:
    """measureImpact(regionCode, fromYear, toYear): the cohort and, per category, the
    households reached in the window and the rest; null for an unknown region.

    Without categories selected the cohort's figures are one aggregation over its
    rows. With them the rows are grouped by (categories reached, exited) and the split
    is graph/impact.py's, in the post-pass."""
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
            code = b.slot("regionCode", region_of)
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
    cypher = f"""{_cohort(b, view, categories)}
  WITH m, e, count(*) AS n, collect(c) AS cs
  RETURN collect([m, e, n, cs]) AS groups
}}
RETURN {{groups: groups}} AS data"""
    return plan(cypher, b, post)
