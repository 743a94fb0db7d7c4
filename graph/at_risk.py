"""Households at risk of (returning to) poverty (DOMAIN.md section 6; issue 13):
atRiskHouseholds(regionCode, asOf, thresholdFactor, dropShare, triggers, unsupported,
first, after), a keyset page in code order, one statement.

As of a date D:

- candidates: on file on D, in the caller's scope, with status EXITED or BORDERLINE on
  D (the latest status change on or before it; today's status when D is today), or
  with a SUDDEN_HARDSHIP monitoring record open on D;
- the latest income: the record of the greatest year <= D's year (the derived
  latestIncomeYear, latestPerCapitaNet and previousPerCapitaNet answer unless a
  record of a later year exists, and always as of today: no record is of a year
  after this one; graph/income.py's one perCapitaNet formula else);
- triggers, in this order: LOW_INCOME (below thresholdFactor x the threshold of the
  line in force in the income's year), INCOME_DROP (below (1 - dropShare) x the
  year before's), HARDSHIP (a SUDDEN_HARDSHIP record open on D); listed only with one;
- flaggedOn: startedOn of the record open on D (else null); firstMeasureAfterFlag:
  the first non-voided measure dated from then to D; supportedWithinMonth: that
  measure within 30 days of the flag (null unflagged). `unsupported: true` keeps the
  flagged ones not supported within a month and the unflagged (each a finding).

Cost: as of today, the region's watched households by a seek of the (status, code)
index per prefix (migration step 19), a sixth of the province's, and the open hardship
records by the group index; for a past D every household of the region by a seek per
household-code prefix, with its few status changes and monitoring records. Per
candidate its derived income figures, and the poverty lines read once (a threshold
by year: one list index a candidate); the record open on D and the first measure
after it only for the rows of the page (or for a count filtered on them: a
household's relationships are many, a record's one). The page is the top first + 1
of the candidates in code order; totalCount (when selected) counts them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from graph.compiler import Binder, Compiler, ConnPost, Plan, Post, Request, View, plan, root
from graph.cursor import KeyKind, check_first, decode_key
from graph.household import HouseholdStatus, latest_change, on_file
from graph.income import per_capita_cypher, sales_cypher
from graph.model import Label, Rel
from graph.monitoring import MonitoringGroup, open_on
from graph.readmap import Access, Embed, Field, Kind, Mask, Value, declare
from graph.readmap import Rel as RelEntry
from graph.validation import check_date, check_range, check_region_code, today_cst

KIND = "at-risk"
SUPPORT_DAYS = 30
FACTOR_RANGE = (1.0, 3.0)
DROP_RANGE = (0.05, 0.9)
# Statuses watched (with an open SUDDEN_HARDSHIP record, any status on file).
WATCHED = (HouseholdStatus.EXITED.value, HouseholdStatus.BORDERLINE.value)


class AtRiskTrigger(StrEnum):
    LOW_INCOME = "LOW_INCOME"
    INCOME_DROP = "INCOME_DROP"
    HARDSHIP = "HARDSHIP"


# The row: the household, the id of the record open on D, the first measure's id, and
# the figures computed for it.
ROW = ("h", "recId", "measureId", "triggers", "incomeYear", "net", "prev", "threshold",
       "flaggedOn", "supported")  # fmt: skip

declare(
    "AtRiskHousehold",
    ROW,
    {
        "household": Embed("Household", {"h": "h"}),
        "triggers": Value("{triggers}"),
        "latestIncomeYear": Value("{incomeYear}"),
        "latestPerCapitaNet": Value("{net}", mask=Mask.HIDDEN),
        "previousPerCapitaNet": Value("{prev}", mask=Mask.HIDDEN),
        "threshold": Value("{threshold}"),
        "flaggedOn": Value("{flaggedOn}", Kind.DATE),
        "supportedWithinMonth": Value("{supported}"),
        "monitoring": RelEntry(
            "MonitoringRecord",
            f"MATCH ({{r}}:{Label.MONITORING_RECORD} {{{{id: {{recId}}}}}})",
            single=True,
        ),
        "firstMeasureAfterFlag": RelEntry(
            "Measure",
            f"MATCH ({{m}}:{Label.MEASURE} {{{{id: {{measureId}}}}}})",
            single=True,
        ),
    },
)
declare("AtRiskEdge", ROW, {"node": Embed("AtRiskHousehold", {v: v for v in ROW})})


def _shape(args: Mapping[str, Any]) -> Any:
    as_of = args.get("asOf")
    return (
        as_of is None or as_of >= today_cst(),
        args.get("triggers") is not None,
        args.get("unsupported"),
        args.get("after") is not None,
    )


def _as_of(request: Request) -> dt.date:
    as_of = request.args.get("asOf")
    return request.today if as_of is None else check_date(as_of, "asOf")


def _region(request: Request) -> str:
    return check_region_code(request.args["regionCode"], "regionCode")


def _factor(request: Request) -> float:
    return float(check_range(request.args.get("thresholdFactor", 1.5), "thresholdFactor",
                             *FACTOR_RANGE))  # fmt: skip


def _drop(request: Request) -> float:
    return float(check_range(request.args.get("dropShare", 0.3), "dropShare", *DROP_RANGE))


def _triggers(request: Request) -> list[str]:
    given = request.args.get("triggers") or []
    return [str(getattr(t, "value", t)) for t in given]


def _limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _after(request: Request) -> str:
    key = decode_key(request.args.get("after"), KIND, (KeyKind.STR,))
    assert key is not None
    return str(key[0])


def _checked(request: Request) -> bool:
    """Every argument's shape is checked, used or not."""
    _region(request)
    _as_of(request)
    _factor(request)
    _drop(request)
    return True


# The variables of a candidate with its triggers, before the support figures.
TRIGGERED = "h, rec, incomeYear, net, prev, threshold, triggers"


def _day(b: Binder, current: bool) -> str:
    return b.today() if current else b.slot("asOf", _as_of)


def _open_record(b: Binder, day: str) -> str:
    """Household h's monitoring record open on `day` (Cypher), or null."""
    mr = b.var("mr")
    return (
        f"COLLECT {{ MATCH ({mr}:{Label.MONITORING_RECORD})-[:{Rel.MONITORS}]->(h) "
        f"WHERE {open_on(mr, day)} RETURN {mr} ORDER BY {mr}.startedOn DESC LIMIT 1 }}[0]"
    )


def _candidates(b: Binder, view: View, current: bool, keyset: str) -> str:
    """MATCH ... WITH: the candidates on D with their triggers (TRIGGERED), listed only
    with one. As of today `rec` is the open record only when it is a hardship's (the
    rest are read by `_supported`, for the rows that need them)."""
    day = _day(b, current)
    region = b.slot("regionCode", _region)
    filed = "h.deregisteredOn IS NULL" if current else on_file("h", day)
    scope = view.scope.read_filter(Access.HOUSEHOLD, "h", b)
    i, prior, li = b.var("i"), b.var("i"), b.var("i")
    watched = b.const(list(WATCHED))
    in_prefix = "h.code >= prefix AND h.code < prefix + ':'"
    hardship = MonitoringGroup.SUDDEN_HARDSHIP
    if current:
        # Today's candidates are watched now (a seek of the (status, code) index) or
        # have a hardship record open, found from the records' side (a household's own
        # relationships are many, a record's one).
        hr = b.var("mr")
        households = f"""
      CALL (region) {{
        CALL (region) {{
          UNWIND region.prefixes AS prefix UNWIND {watched} AS watched
          MATCH (h:Household) WHERE h.status = watched AND {in_prefix} AND {keyset}
          RETURN h, null AS hard
          UNION ALL
          MATCH ({hr}:{Label.MONITORING_RECORD} {{group: '{hardship}'}})
                -[:{Rel.MONITORS}]->(h:Household)
          WHERE {open_on(hr, day)} AND {keyset}
            AND any(prefix IN region.prefixes WHERE h.code STARTS WITH prefix)
          RETURN h, {hr} AS hard
        }}
        RETURN h, collect(hard)[0] AS hard
      }}
      WITH thresholds, h, hard WHERE {filed} AND {scope}
      WITH thresholds, h, h.status AS st, hard AS rec"""
    else:
        households = f"""
      UNWIND region.prefixes AS prefix
      MATCH (h:Household)
      WHERE {in_prefix} AND {keyset} AND {filed} AND {scope}
      WITH thresholds, h, {latest_change("h", day, b.var("s"))} AS st,
           {_open_record(b, day)} AS rec"""
    if current:
        # No income record is of a year after this one (graph/income.py
        # `check_income_year`): as of today the derived figures are the latest record's.
        incomes = """
      WITH thresholds, h, rec, h.latestIncomeYear AS incomeYear, h.latestPerCapitaNet AS net,
           h.previousPerCapitaNet AS prev"""
    else:
        incomes = f"""
      WITH thresholds, h, rec, ({day}).year AS y,
           h.latestIncomeYear IS NULL OR h.latestIncomeYear <= ({day}).year AS derived
      WITH thresholds, h, rec, y, derived,
           CASE WHEN derived THEN null ELSE COLLECT {{
             MATCH ({i}:{Label.INCOME_RECORD})-[:{Rel.INCOME_OF}]->(h) WHERE {i}.year <= y
             RETURN {i} ORDER BY {i}.year DESC LIMIT 1 }}[0] END AS {li}
      WITH thresholds, h, rec,
           CASE WHEN derived THEN h.latestIncomeYear ELSE {li}.year END AS incomeYear,
           CASE WHEN derived THEN h.latestPerCapitaNet
                ELSE {per_capita_cypher(li, sales_cypher(li, b))} END AS net,
           CASE WHEN derived THEN h.previousPerCapitaNet ELSE COLLECT {{
             MATCH ({prior}:{Label.INCOME_RECORD})-[:{Rel.INCOME_OF}]->(h)
             WHERE {prior}.year = {li}.year - 1
             RETURN {per_capita_cypher(prior, sales_cypher(prior, b))} }}[0] END AS prev"""
    return f"""
      MATCH (region:Region {{code: {region}}})
      {households}
      WHERE st IN {watched} OR rec.group = '{hardship}'
      {incomes}
      WITH h, rec, incomeYear, net, prev,
           CASE WHEN incomeYear >= thresholds.first
                THEN coalesce(thresholds.by[incomeYear - thresholds.first], thresholds.by[-1])
           END AS threshold
      WITH h, rec, incomeYear, net, prev, threshold,
           [t IN [
             CASE WHEN net < {b.slot("factor", _factor)} * threshold
                  THEN '{AtRiskTrigger.LOW_INCOME}' END,
             CASE WHEN net < (1 - {b.slot("drop", _drop)}) * prev
                  THEN '{AtRiskTrigger.INCOME_DROP}' END,
             CASE WHEN rec.group = '{hardship}'
                  THEN '{AtRiskTrigger.HARDSHIP}' END
           ] WHERE t IS NOT NULL] AS triggers
      WHERE size(triggers) > 0
    """


def _supported(b: Binder, current: bool) -> str:
    """WITH ...: from a candidate's TRIGGERED to the rows' variables (ROW): the record
    open on D, the first non-voided measure from its start to D, and whether that
    came within SUPPORT_DAYS."""
    day = _day(b, current)
    m = b.var("m")
    rec = f"coalesce(rec, CASE WHEN h.monitored THEN {_open_record(b, day)} END)"
    month = f"duration({{days: {SUPPORT_DAYS}}})"
    return f"""
      WITH h, {rec if current else "rec"} AS rec, incomeYear, net, prev, threshold, triggers
      WITH {TRIGGERED},
           CASE WHEN rec IS NULL THEN null ELSE COLLECT {{
             MATCH ({m}:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h)
             WHERE {m}.voidedOn IS NULL AND {m}.date >= rec.startedOn AND {m}.date <= {day}
             RETURN {m} ORDER BY {m}.date, {m}.id LIMIT 1 }}[0] END AS fm
      WITH h, rec.id AS recId, fm.id AS measureId, triggers, incomeYear, net, prev,
           threshold, rec.startedOn AS flaggedOn,
           CASE WHEN rec IS NULL THEN null
                ELSE fm IS NOT NULL AND fm.date <= rec.startedOn + {month} END AS supported
    """


@root("atRiskHouseholds", shape=_shape)
def plan_at_risk(field: Field, view: View, shape: Any) -> Plan:
    """atRiskHouseholds: a page of first + 1 rows in code order and, when selected,
    the total (module docstring)."""
    current, filtered, unsupported, has_after = shape
    b = Binder()
    post = Post(field=field)
    b.slot("checked", _checked)
    conditions = []
    if filtered:
        conditions.append(f"any(t IN triggers WHERE t IN {b.slot('triggers', _triggers)})")
    if unsupported is not None:
        finding = "(recId IS NULL OR supported = false)"
        conditions.append(finding if unsupported else f"NOT {finding}")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    # The threshold in force each year from the first line's (the last line's after
    # it), read once: a candidate's is one list index, not a search of the lines.
    thresholds = f"""CALL () {{
      MATCH (l:{Label.POVERTY_LINE}) WITH l ORDER BY l.year
      WITH collect(l {{.year, t: coalesce(l.exitLine, l.line)}}) AS ls
      RETURN CASE WHEN size(ls) = 0 THEN {{first: 0, by: []}} ELSE {{first: ls[0].year,
        by: [y IN range(ls[0].year, ls[-1].year) | [l IN ls WHERE l.year <= y][-1].t]}}
      END AS thresholds }}"""
    limit = b.slot("limit", _limit)
    conn = ConnPost(KIND, "limit", field, "AtRiskConnection")
    post.conn = conn
    row = Compiler(view, b).connection_row("AtRiskEdge", {v: v for v in ROW}, conn, ["h.code"])
    carried = ", ".join(ROW)
    # The support figures are read for the page's rows only, unless `unsupported`
    # filters on them (then for every candidate, before the filter).
    early = unsupported is not None
    listed = carried if early else TRIGGERED
    late = "" if early else _supported(b, current)
    page = f"{late} WITH {carried} ORDER BY h.code RETURN collect({row}) AS rows"

    def found(keyset: str) -> str:
        support = _supported(b, current) if early else ""
        return f"{_candidates(b, view, current, keyset)} {support} WITH {listed} {where}"

    if any(f.name == "totalCount" for f in field.fields):
        # One pass: the candidates in code order, counted, and the page cut from them.
        names = listed.split(", ")
        kept = ", ".join(f"{n}: {n}" for n in names)
        top = f"found[..{limit}]"
        if has_after:
            top = f"[x IN found WHERE x.h.code > {b.slot('after', _after)}][..{limit}]"
        cypher = f"""
    {thresholds}
    CALL (thresholds) {{
      {found("true")}
      WITH {listed} ORDER BY h.code
      WITH collect({{{kept}}}) AS found
      RETURN size(found) AS total, {top} AS top
    }}
    CALL (top) {{
      UNWIND top AS x
      WITH {", ".join(f"x.{n} AS {n}" for n in names)}
      {page}
    }}
    RETURN {{r: rows, t: total}} AS data
    """
    else:
        keyset = f"h.code > {b.slot('after', _after)}" if has_after else "true"
        cypher = f"""
    {thresholds}
    CALL (thresholds) {{
      {found(keyset)}
      WITH {listed} ORDER BY h.code LIMIT {limit}
      {page}
    }}
    RETURN {{r: rows, t: null}} AS data
    """
    return plan(cypher, b, post)
