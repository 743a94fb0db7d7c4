"""Village statistics summaries (graph/stats.py's regionStats reads them).

Every village keeps, for each year from FIRST_ROW_YEAR to the year of its last
refresh, the figures regionStats counts from its households for that year (as of 31
December; the last year as of the refresh day):

    statsYears              the years, ascending
    statsFigures            STATS_WIDTH integers a year, in step: FIGURES
    statsMeasureKeys        one 'YYYY:CATEGORY' per year and category of its
    statsMeasureCounts      households' measures, ascending, and beside them how many
    statsMeasureHouseholds  measures, how many households received one and their
    statsMeasureAmounts     amounts (yuan)

so a province's figures are a read of its 2,553 villages, not of its 155,040
households. They are the same scan regionStats runs over a region's households, run
once per year on the village's few households (graph/stats.py `village_scan`).

Kept current in the transaction of every write that changes what they derive from:
graph/derived.py's refresh_households (memberships, measures, statuses, exits and
returns; graph/write.py's settle passes the households whose payments changed too),
the demo's seed through it, the generator per county, migration step 23 for data
written before them. A year's figures do not change afterwards without a write: no
record is dated after the day it is written (graph/validation.py), so the last year's
figures as of its refresh day are its figures as of any later day of that year. A
village without the year asked (an earlier year, a new year before its first write, a
village written by hand) is counted from its households; so is a field official's scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from graph.db import Tx
from graph.model import Label
from graph.stats import COUNTED, village_scan

if TYPE_CHECKING:
    from graph.stats import _Stats

FIRST_ROW_YEAR = 2014  # the poverty files begin (DOMAIN.md); earlier years are counted


FIGURES: tuple[str, ...] = (
    "households", "poor", "withIncome", "netSum", "exits", "returns",
    *(f"{kind}{i}" for i in range(len(COUNTED)) for kind in ("n", "q")),
)  # fmt: skip
"""The integers of one year in statsFigures: n{i} and q{i} are the households and
people of COUNTED[i] (graph/stats.py)."""
STATS_WIDTH = len(FIGURES)


@cache
def summarize_village_stats(today: str = "$today") -> tuple[str, dict[str, Any]]:
    """(Cypher on a village `v`, its constant parameters): recompute its statistics
    summaries, a scan of its households for each year; `today`: the refresh day (a
    Cypher date expression)."""
    scan, consts = village_scan("v", "yr", "toString(yr)", "day")
    flat = " + ".join(
        [
            "[f.households, f.poor, f.withIncome, f.netSum, f.exits, f.returns]",
            "reduce(acc = [], s IN f.byStatus | acc + [s.households, s.people])",
        ]
    )
    cypher = (
        f"WITH v, {today} AS today UNWIND range({FIRST_ROW_YEAR}, today.year) AS yr "
        "WITH v, yr, CASE WHEN yr = today.year THEN today "
        "ELSE date({year: yr, month: 12, day: 31}) END AS day "
        f"CALL (v, yr, day) {{ {scan} AS f }} "
        "WITH v, yr, f ORDER BY yr "
        "WITH v, collect(yr) AS years, collect({y: yr, f: f}) AS rows "
        "WITH v, years, reduce(acc = [], r IN rows | acc + "
        "[m IN r.f.measures | m {.*, key: toString(r.y) + ':' + m.category}]) AS ms, "
        f"reduce(acc = [], f IN [r IN rows | r.f] | acc + {flat}) AS figures "
        "SET v.statsYears = years, v.statsFigures = figures, "
        "v.statsMeasureKeys = [m IN ms | m.key], v.statsMeasureCounts = [m IN ms | m.measures], "
        "v.statsMeasureHouseholds = [m IN ms | m.households], "
        "v.statsMeasureAmounts = [m IN ms | m.amount]"
    )
    return cypher, consts


def read_summaries(stats: _Stats, prefixes: str) -> str | None:
    """regionStats' subquery returning the figures of the households under `prefixes`
    (graph/stats.py `_Stats.figures`): the sums of their villages' summaries of the
    year, a village without one counted from its households; None when the scope does
    not see whole villages (a field official's)."""
    b = stats.b
    p, v, i, o, x, fs = (b.var(n) for n in ("p", "v", "i", "o", "x", "fs"))
    in_scope = stats.view.scope.village_filter(v, b)
    if in_scope is None:
        return None
    keys, j, k, m = (b.var(n) for n in ("keys", "j", "k", "m"))
    # Offsets as a parameter: no number is spliced into the Cypher.
    place = b.const({name: n for n, name in enumerate(FIGURES)} | {"width": STATS_WIDTH})
    at = {name: f"{fs}[{o} + {place}.{name}]" for name in FIGURES}
    statuses = ", ".join(
        f"{{status: '{s.value}', households: {at[f'n{n}']}, people: {at[f'q{n}']}}}"
        for n, s in enumerate(COUNTED)
    )
    summed = ", ".join(
        f"sum({x}.byStatus[{n}].households) AS n{n}, sum({x}.byStatus[{n}].people) AS q{n}"
        for n in range(len(COUNTED))
    )
    stored = (
        f"{{households: {at['households']}, byStatus: [{statuses}], poor: {at['poor']}, "
        f"withIncome: {at['withIncome']}, netSum: {at['netSum']}, exits: {at['exits']}, "
        f"returns: {at['returns']}, measures: [{j} IN range(0, size({keys}) - 1) "
        f"WHERE split({keys}[{j}], ':')[0] = {stats.year_text} | "
        f"{{category: split({keys}[{j}], ':')[1], measures: {v}.statsMeasureCounts[{j}], "
        f"households: {v}.statsMeasureHouseholds[{j}], "
        f"amount: {v}.statsMeasureAmounts[{j}]}}]}}"
    )
    mc, mn, mh, ma = (b.var(n) for n in ("mc", "mn", "mh", "ma"))
    return (
        f"UNWIND {prefixes} AS {p} MATCH ({v}:{Label.REGION}) "
        f"WHERE {v}.code STARTS WITH {p} AND {v}.level = 'VILLAGE' AND {in_scope} "
        f"WITH {v}, [{i} IN range(0, size(coalesce({v}.statsYears, [])) - 1) "
        f"WHERE {v}.statsYears[{i}] = {stats.year}][0] AS {i} "
        f"CALL ({v}, {i}) {{ WITH {v}, {i} WHERE {i} IS NULL "
        f"CALL ({v}) {{ {stats.scan(v, f'[{v}.code]')} AS {x} }} RETURN {x} "
        f"UNION ALL WITH {v}, {i} WHERE {i} IS NOT NULL "
        f"WITH {v}, {i} * {place}.width AS {o}, {v}.statsFigures AS {fs}, "
        f"{v}.statsMeasureKeys AS {keys} RETURN {stored} AS {x} }} "
        f"WITH sum({x}.households) AS households, {summed}, "
        f"sum({x}.poor) AS poor, sum({x}.withIncome) AS withIncome, "
        f"sum({x}.netSum) AS netSum, sum({x}.exits) AS exits, sum({x}.returns) AS returns, "
        f"collect({x}.measures) AS mss "
        + stats.figures_map(
            "mss",
            f"{{ UNWIND mss AS {k} UNWIND {k} AS {m} "
            f"WITH {m}.category AS {mc}, sum({m}.measures) AS {mn}, "
            f"sum({m}.households) AS {mh}, sum({m}.amount) AS {ma} "
            f"RETURN {{category: {mc}, measures: {mn}, households: {mh}, amount: {ma}}} "
            f"ORDER BY {mc} }}",
        )
    )


_REFRESH = f"""
UNWIND $codes AS code
MATCH (v:{Label.REGION} {{code: code, level: 'VILLAGE'}})
CALL (v) {{ {{summary}} }}
"""


async def refresh_village_stats(tx: Tx, codes: Sequence[str], today: dt.date | None = None) -> None:
    """Recompute the statistics summaries of these villages (locked by the coverage
    refresh before, graph/village_keys.py) as of `today` (CST)."""
    from graph.validation import today_cst

    if not codes:
        return
    summary, consts = summarize_village_stats()
    await tx.run(
        _REFRESH.replace("{summary}", summary),
        {**consts, "codes": sorted(set(codes)), "today": today or today_cst()},
    )


async def refresh_region_stats(tx: Tx, prefix: str) -> None:
    """Recompute every village summary under the code prefix (the generator)."""
    from graph.validation import today_cst

    summary, consts = summarize_village_stats()
    await tx.run(
        f"MATCH (v:{Label.REGION}) WHERE v.code STARTS WITH $prefix AND v.level = 'VILLAGE' "
        f"CALL (v) {{ {summary} }}",
        {**consts, "prefix": prefix, "today": today_cst()},
    )


def migration_statement() -> tuple[str, dict[str, Any]]:
    """Migration step 23: every village's summaries, as of today in CST."""
    summary, consts = summarize_village_stats("date({timezone: 'Asia/Shanghai'})")
    return (
        f"MATCH (v:{Label.REGION} {{level: 'VILLAGE'}}) "
        f"CALL (v) {{ {summary} }} IN TRANSACTIONS OF 200 ROWS",
        consts,
    )
