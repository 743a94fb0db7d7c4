"""Pairing coverage: which households have an active responsible official and a
recent visit, for a region and each of its direct children (DOMAIN.md section 4).

Definitions, as of a date D with a visit window of W days; every read that takes an
`asOf` (coverage, its drill-down lists, the households list) uses the fragments below:

- on file on D (`on_file`): registered on or before D (registrationDate) and not
  deregistered on or before D;
- in poverty on D (`counted`): on file, with a status on D in `statuses` (default
  DEFAULT_STATUSES, REGISTERED and RETURNED: also what households(where:
  {visitOverdue}) lists when no status is given), within the caller's scope;
- a pairing or a membership active on D (`active_on`): since <= D, until null or
  after D;
- covered: with a RESPONSIBLE pairing active on D;
- overdue (`overdue_expression`): no visit dated in [D - W days, D];
- overloaded officials: officials with a pairing active on D to one of those
  households whose number of pairings active on D exceeds their maxLoad.

Statuses are today's (the file keeps no history of status changes) but for one step
(`status_on`): a household deregistered after D had, on D, the status it was
deregistered from. When D is today the derived properties answer (`current`).

Cost: one statement for every region asked at one nesting level of a request (the
root, then each level of `children`). Households are found by an index seek per
household-code prefix of each child region; when D is today the derived `responsibleOfficial`,
`lastVisitDate` and `load` answer without expanding relationships; for a past D only
the households visited after D, and all pairings, are expanded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph.db import Database
from graph.errors import BadUserInput
from graph.scope import Scope
from graph.validation import check_date, check_range, check_region_code

DEFAULT_STATUSES = ("REGISTERED", "RETURNED")
# The visit window, in days, that coverage and the households list accept.
WINDOW_DAYS = (1, 3660)


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    level: str
    households: int
    covered: int
    overdue: int
    overloaded_officials: frozenset[str]


@dataclass(frozen=True)
class Coverage:
    region: CoverageRow
    children: list[CoverageRow]


def on_file(h: str = "h") -> str:
    """Household `h` (a node, or a map projected from one) was on file on $asOf:
    registered by then, and not deregistered on or before it."""
    return (
        f"{h}.registrationDate <= $asOf"
        f" AND ({h}.deregisteredOn IS NULL OR {h}.deregisteredOn > $asOf)"
    )


def status_on(h: str = "h") -> str:
    """Household `h`'s status on $asOf: today's, except that a household deregistered
    after $asOf still had the status it was deregistered from."""
    return (
        f"CASE WHEN {h}.deregisteredOn > $asOf"
        f" THEN coalesce({h}.statusBeforeDeregistration, {h}.status) ELSE {h}.status END"
    )


def active_on(r: str, day: str = "$asOf") -> str:
    """Pairing or membership `r` was active on `day`: begun by then, not ended by then."""
    return f"{r}.since <= {day} AND ({r}.until IS NULL OR {r}.until > {day})"


def counted(h: str = "h", *, current: bool) -> str:
    """Household `h` counts on $asOf: on file, with a status in $statuses on that day.
    `current` ($asOf is today): stored values answer (no registration or
    deregistration lies in the future), so the status index can serve."""
    if current:
        return f"{h}.status IN $statuses AND {h}.deregisteredOn IS NULL"
    return f"{on_file(h)} AND {status_on(h)} IN $statuses"


def covered_on(h: str = "h") -> str:
    """Household `h` (a node) had a RESPONSIBLE pairing active on $asOf."""
    return (
        f"EXISTS {{ MATCH ({h})<-[pw:PAIRED_WITH {{role: 'RESPONSIBLE'}}]-() "
        f"WHERE {active_on('pw')} }}"
    )


def overdue_expression(props: str = "h") -> str:
    """No visit of household h dated in [$windowStart, $asOf]. `props` holds h's
    lastVisitDate (h itself, or a map projected from it): the derived date answers
    unless the household was visited after $asOf."""
    return (
        f"CASE WHEN {props}.lastVisitDate IS NULL THEN true"
        f" WHEN {props}.lastVisitDate <= $asOf THEN {props}.lastVisitDate < $windowStart"
        " ELSE NOT EXISTS { MATCH (h)<-[:VISIT_TO]-(windowVisit:Visit)"
        " WHERE windowVisit.date >= $windowStart AND windowVisit.date <= $asOf } END"
    )


OVERDUE = overdue_expression()


def _conditions(current: bool, props: str = "h") -> tuple[str, str, str]:
    """Cypher for (covered, overdue, official overloaded) on h / o, as of $asOf."""
    overdue = overdue_expression(props)
    if current:
        return f"{props}.responsibleOfficial IS NOT NULL", overdue, "o.load > o.maxLoad"
    overloaded = f"COUNT {{ MATCH (o)-[pw:PAIRED_WITH]->() WHERE {active_on('pw')} }} > o.maxLoad"
    return covered_on("h"), overdue, overloaded


def _household_match(scope_where: str, *, current: bool) -> str:
    # One projection reads the properties in one pass over h's property chain
    # (reading them one by one costs about 60% more at the province's scale).
    past = "" if current else ", .registrationDate, .statusBeforeDeregistration"
    return (
        "UNWIND unit.prefixes AS p "
        "MATCH (h:Household) WHERE h.code STARTS WITH p "
        f"WITH h, h {{.status, .deregisteredOn, .responsibleOfficial, .lastVisitDate{past}}} AS hp "
        f"WHERE {counted('hp', current=current)} AND {scope_where}"
    )


def coverage_statement(scope: Scope, *, current: bool) -> tuple[str, dict[str, Any]]:
    """The statement behind `pairing_coverages` (pure: no database)."""
    where, params = scope.household_filter("h")
    covered, overdue, overloaded = _conditions(current, "hp")
    active = "pw.until IS NULL" if current else active_on("pw")
    # Overloaded officials are few: their pairings with counted households are read
    # once, then shared out to the units by household-code prefix in memory. Every
    # region of $codes (one nesting level of a request) is answered by this statement.
    cypher = f"""
    CALL () {{
      MATCH (o:Official) WHERE {overloaded}
      MATCH (o)-[pw:PAIRED_WITH]->(h:Household)
      WHERE {active} AND {counted("h", current=current)} AND {where}
      RETURN collect({{official: o.code, household: h.code}}) AS overloadedPairs
    }}
    UNWIND $codes AS askedCode
    MATCH (r:Region {{code: askedCode}})
    CALL (r) {{
      OPTIONAL MATCH (c:Region)-[:PART_OF]->(r)
      WITH c ORDER BY c.code
      RETURN collect(c) AS children
    }}
    UNWIND CASE WHEN size(children) = 0 THEN [r] ELSE children END AS unit
    CALL (unit) {{
      {_household_match(where, current=current)}
      WITH h, {covered} AS covered, {overdue} AS overdue
      RETURN count(h) AS households,
             count(CASE WHEN covered THEN 1 END) AS coveredHouseholds,
             count(CASE WHEN overdue THEN 1 END) AS overdueHouseholds
    }}
    RETURN r.code AS rootCode, r.name AS rootName, r.level AS rootLevel,
           size(children) > 0 AS hasChildren,
           unit.code AS code, unit.name AS name, unit.level AS level,
           households, coveredHouseholds, overdueHouseholds,
           [pair IN overloadedPairs
            WHERE any(prefix IN unit.prefixes WHERE pair.household STARTS WITH prefix)
            | pair.official] AS overloaded
    """
    return cypher, params


def as_of_params(
    as_of: dt.date,
    within_days: int,
    *,
    today: dt.date,
    as_of_field: str = "asOf",
    window_field: str = "visitWithinDays",
) -> dict[str, Any]:
    """$asOf and $windowStart for the statements here, after checking the date's range
    (graph.validation.check_date) and the window's, before any arithmetic on them."""
    check_date(as_of, as_of_field, today=today)
    check_range(within_days, window_field, *WINDOW_DAYS)
    return {"asOf": as_of, "windowStart": as_of - dt.timedelta(days=within_days)}


def statuses_param(statuses: tuple[str, ...] | None, field: str = "statuses") -> list[str]:
    """$statuses: the households in poverty (DEFAULT_STATUSES) unless others are asked."""
    if statuses is not None and not statuses:
        raise BadUserInput("statuses must not be empty", field=field)
    if statuses and "DEREGISTERED" in statuses:
        raise BadUserInput("deregistered households are never counted", field=field)
    return list(statuses or DEFAULT_STATUSES)


async def pairing_coverages(
    db: Database,
    codes: list[str],
    scope: Scope,
    *,
    as_of: dt.date,
    today: dt.date,
    within_days: int,
    statuses: tuple[str, ...] = DEFAULT_STATUSES,
) -> dict[str, Coverage]:
    """Coverage of each region of `codes` and its direct children, by code; unknown
    codes are left out. One statement for them all (see the module docstring for its
    cost): a request's nesting level costs one, whatever the number of regions."""
    for code in codes:
        check_region_code(code, "regionCode")
    dates = as_of_params(as_of, within_days, today=today)
    cypher, params = coverage_statement(scope, current=as_of >= today)
    records = await db.read(
        cypher, {**params, **dates, "codes": list(codes), "statuses": statuses_param(statuses)}
    )
    by_root: dict[str, list[Any]] = {}
    for record in records:
        by_root.setdefault(record["rootCode"], []).append(record)
    return {code: _coverage(found) for code, found in by_root.items()}


def _coverage(records: list[Any]) -> Coverage:
    rows = [
        CoverageRow(
            code=r["code"],
            name=r["name"],
            level=r["level"],
            households=r["households"],
            covered=r["coveredHouseholds"],
            overdue=r["overdueHouseholds"],
            overloaded_officials=frozenset(r["overloaded"]),
        )
        for r in records
    ]
    first = records[0]
    if not first["hasChildren"]:
        return Coverage(region=rows[0], children=[])
    total = CoverageRow(
        code=first["rootCode"],
        name=first["rootName"],
        level=first["rootLevel"],
        households=sum(row.households for row in rows),
        covered=sum(row.covered for row in rows),
        overdue=sum(row.overdue for row in rows),
        overloaded_officials=frozenset().union(*(row.overloaded_officials for row in rows)),
    )
    return Coverage(region=total, children=rows)


async def pairing_coverage(
    db: Database,
    code: str,
    scope: Scope,
    *,
    as_of: dt.date,
    today: dt.date,
    within_days: int,
    statuses: tuple[str, ...] = DEFAULT_STATUSES,
) -> Coverage | None:
    """Coverage of region `code` and its direct children (`pairing_coverages` for one
    code); None when there is no such region."""
    found = await pairing_coverages(
        db,
        [code],
        scope,
        as_of=as_of,
        today=today,
        within_days=within_days,
        statuses=statuses,
    )
    return found.get(code)


DRILL_KINDS = ("UNCOVERED", "OVERDUE")


def drill_statement(scope: Scope, kind: str, *, current: bool) -> tuple[str, dict[str, Any]]:
    """For each row of $units ({code, after}), the codes of the uncovered or overdue
    households of region `code` after `after`, by code, at most $limit.

    Cost: an ordered index seek per household-code prefix from `after`, stopping at
    `limit` rows each; a deep page costs what the first costs. One statement serves
    every region asked for at one nesting level."""
    if kind not in DRILL_KINDS:
        raise ValueError(f"kind must be one of {DRILL_KINDS}")
    where, params = scope.household_filter("h")
    covered, overdue, _ = _conditions(current)
    predicate = f"NOT ({covered})" if kind == "UNCOVERED" else overdue
    cypher = f"""
    UNWIND range(0, size($units) - 1) AS i
    WITH i, $units[i] AS u
    MATCH (unit:Region {{code: u.code}})
    CALL (unit, u) {{
      UNWIND unit.prefixes AS p
      CALL (p, u) {{
        MATCH (h:Household)
        WHERE h.code STARTS WITH p AND h.code > u.after
          AND {counted("h", current=current)} AND {where} AND {predicate}
        WITH h ORDER BY h.code
        LIMIT $limit
        RETURN h.code AS code
      }}
      WITH code ORDER BY code LIMIT $limit
      RETURN collect(code) AS codes
    }}
    RETURN i, codes
    """
    return cypher, params


@dataclass(frozen=True)
class DrillRequest:
    code: str
    after: str | None


async def drill_down(
    db: Database,
    requests: list[DrillRequest],
    scope: Scope,
    kind: str,
    *,
    as_of: dt.date,
    today: dt.date,
    within_days: int,
    statuses: tuple[str, ...],
    first: int,
) -> list[tuple[list[str], bool]]:
    """For each request, a page of `first` household codes (uncovered or overdue) and
    whether more follow; one statement for all of them."""
    dates = as_of_params(as_of, within_days, today=today)
    cypher, params = drill_statement(scope, kind, current=as_of >= today)
    records = await db.read(
        cypher,
        {
            **params,
            **dates,
            "units": [{"code": r.code, "after": r.after or ""} for r in requests],
            "limit": first + 1,
            "statuses": statuses_param(statuses),
        },
    )
    found = {r["i"]: list(r["codes"]) for r in records}
    pages = []
    for i in range(len(requests)):
        codes = found.get(i, [])
        pages.append((codes[:first], len(codes) > first))
    return pages
