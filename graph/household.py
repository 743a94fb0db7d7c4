"""Households: the file (DOMAIN.md section 3), its reads and its writes.

Reads are one statement each: `Projection` turns the GraphQL selection (a tree of
field names) into one map projection with `COLLECT { }` subqueries for the nested
lists asked for (members, village and path, pairings, latest visits; a person's own
households), so a page of 50 households with all of that costs one statement.

Writes run inside one `Database.write` transaction each and keep the derived
properties (memberCount, responsibleOfficial, lastVisitDate, and an official's load)
current with `refresh_households` / `refresh_officials` before it commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.client_mutation import write_once
from graph.compiler import (
    Binder,
    Compiler,
    ConnPost,
    Getter,
    Plan,
    Post,
    Request,
    View,
    arg,
    plan,
    root,
)
from graph.cursor import KeyKind, check_first, decode_key
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, Forbidden, NotFound
from graph.readmap import Access, Custom, Embed, Field, Flag, Kind, Limit, Mask, Rel, Value, declare
from graph.scope import Scope
from graph.validation import (
    check_date,
    check_household_code,
    check_range,
    check_region_code,
    today_cst,
)

Selection = Mapping[str, "Selection"]

LATEST_VISITS_MAX = 20


class HouseholdStatus(StrEnum):
    REGISTERED = "REGISTERED"
    EXITED = "EXITED"
    RETURNED = "RETURNED"
    # The file was closed without an exit (deregisterHousehold); it stays, marked, and
    # h.statusBeforeDeregistration keeps the status it had until then.
    DEREGISTERED = "DEREGISTERED"


# Statuses only a process sets: an exit assessment, deregisterHousehold.
_NOT_SETTABLE = {
    HouseholdStatus.EXITED: "a household exits only through an exit assessment",
    HouseholdStatus.DEREGISTERED: "a household is deregistered only by deregisterHousehold",
}


def check_settable_status(status: str, field: str) -> str:
    """REGISTERED or RETURNED: the statuses a household's file may be given directly."""
    if status in _NOT_SETTABLE:
        raise BadUserInput(_NOT_SETTABLE[HouseholdStatus(status)], field=field)
    return status


def mark_deregistered(h: str = "h") -> str:
    """The SET that makes household `h` DEREGISTERED, keeping the status it had (used by
    deregisterHousehold, the migration and the bulk upsert alike)."""
    return (
        f"SET {h}.statusBeforeDeregistration = {h}.status, "
        f"{h}.status = '{HouseholdStatus.DEREGISTERED}'"
    )


# A registration date where nothing better is known: 1 January of the registration
# year (or the day the file was created). The migration and the bulk upsert use it.
REGISTRATION_FROM_YEAR = (
    "CASE WHEN h.registrationYear IS NOT NULL "
    "THEN date({year: h.registrationYear, month: 1, day: 1}) ELSE date(h.createdAt) END"
)

# Deregistered (a date) but not yet marked: files written before the status existed.
UNMARKED_DEREGISTERED = (
    f"h.deregisteredOn IS NOT NULL AND coalesce(h.status, '') <> '{HouseholdStatus.DEREGISTERED}'"
)


class HouseholdAttribute(StrEnum):
    GENERAL = "GENERAL"
    LOW_INCOME_GUARANTEE = "LOW_INCOME_GUARANTEE"
    EXTREME_POVERTY_SUPPORT = "EXTREME_POVERTY_SUPPORT"


class PovertyCause(StrEnum):
    ILLNESS = "ILLNESS"
    DISABILITY = "DISABILITY"
    SCHOOLING_COSTS = "SCHOOLING_COSTS"
    DISASTER = "DISASTER"
    LACK_OF_LAND = "LACK_OF_LAND"
    LACK_OF_WATER = "LACK_OF_WATER"
    LACK_OF_SKILLS = "LACK_OF_SKILLS"
    LACK_OF_LABOUR = "LACK_OF_LABOUR"
    LACK_OF_FUNDS = "LACK_OF_FUNDS"
    POOR_TRANSPORT = "POOR_TRANSPORT"
    LACK_OF_MOTIVATION = "LACK_OF_MOTIVATION"
    MARRIAGE = "MARRIAGE"
    OTHER = "OTHER"


class IdentificationStandard(StrEnum):
    NATIONAL = "NATIONAL"
    PROVINCIAL = "PROVINCIAL"


class HousingGrade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class DeregistrationReason(StrEnum):
    """Why a file is closed without an exit: the record stays, marked."""

    DUPLICATE = "DUPLICATE"
    WRONGLY_IDENTIFIED = "WRONGLY_IDENTIFIED"
    MERGED = "MERGED"
    ALL_MEMBERS_DECEASED = "ALL_MEMBERS_DECEASED"
    MOVED_OUT_OF_PROVINCE = "MOVED_OUT_OF_PROVINCE"
    OTHER = "OTHER"


class HouseholdOrder(StrEnum):
    CODE_ASC = "CODE_ASC"
    CODE_DESC = "CODE_DESC"
    REGISTRATION_YEAR_ASC = "REGISTRATION_YEAR_ASC"
    REGISTRATION_YEAR_DESC = "REGISTRATION_YEAR_DESC"
    LAST_VISIT_ASC = "LAST_VISIT_ASC"
    LAST_VISIT_DESC = "LAST_VISIT_DESC"


# Household properties a mutation may set (the derived and bookkeeping ones are not).
HOUSEHOLD_INPUT_PROPERTIES = (
    "address",
    "headPhone",
    "bankAccount",
    "registrationYear",
    "standard",
    "attribute",
    "status",
    "monitored",
    "mainCause",
    "secondaryCauses",
    "housingGrade",
    "housingArea",
    "safeWater",
    "electricity",
    "roadAccess",
    "sanitaryToilet",
    "cooperativeMember",
    "plannedExitYear",
    "debt",
)


# The visit window, in days, that coverage and the households list accept.
WINDOW_DAYS = (1, 3660)

# The statuses of households in poverty: coverage's default, and the overdue filter's.
IN_POVERTY = ("REGISTERED", "RETURNED")


def overdue_expression(
    h: str = "h",
    as_of: str = "$asOf",
    start: str = "$windowStart",
    visit: str = "windowVisit",
    props: str | None = None,
) -> str:
    """No visit of household `h` dated in [start, as_of] (Cypher expressions for the
    window's ends). `props` holds h's lastVisitDate (h itself, or a map projected
    from it): the derived date answers unless the household was visited after as_of,
    when its visits in the window are looked up."""
    last = f"{props or h}.lastVisitDate"
    return (
        f"CASE WHEN {last} IS NULL THEN true"
        f" WHEN {last} <= {as_of} THEN {last} < {start}"
        f" ELSE NOT EXISTS {{ MATCH ({h})<-[:VISIT_TO]-({visit}:Visit)"
        f" WHERE {visit}.date >= {start} AND {visit}.date <= {as_of} }} END"
    )


def on_file(h: str, as_of: str = "$asOf") -> str:
    """Household `h` (a node, or a map projected from one with registrationDate and
    deregisteredOn) was on file on `as_of`: registered by then, not deregistered."""
    return (
        f"{h}.registrationDate <= {as_of}"
        f" AND ({h}.deregisteredOn IS NULL OR {h}.deregisteredOn > {as_of})"
    )


def status_on(h: str, as_of: str = "$asOf") -> str:
    """Household `h`'s status on `as_of`: today's, except that a household deregistered
    after it still had the status it was deregistered from."""
    return (
        f"CASE WHEN {h}.deregisteredOn > {as_of}"
        f" THEN coalesce({h}.statusBeforeDeregistration, {h}.status) ELSE {h}.status END"
    )


def active_on(r: str, as_of: str = "$asOf") -> str:
    """Pairing or membership `r` was active on `as_of`: begun by then, not ended."""
    return f"{r}.since <= {as_of} AND ({r}.until IS NULL OR {r}.until > {as_of})"


def covered_on(h: str, as_of: str = "$asOf", pairing: str = "coveredPair") -> str:
    """Household `h` (a node) had a RESPONSIBLE pairing active on `as_of`."""
    return (
        f"EXISTS {{ MATCH ({h})<-[{pairing}:PAIRED_WITH {{role: 'RESPONSIBLE'}}]-() "
        f"WHERE {active_on(pairing, as_of)} }}"
    )


# --- reads: the map of Household and HouseholdMember, and the root planners ----------

_NO_VISIT = "date('0001-01-01')"


def _overdue_value(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    """Household.visitOverdue(withinDays, asOf): exact for any date, as coverage
    counts it (graph/coverage.py)."""
    within = check_range(f.arg("withinDays", 30), "withinDays", 1, 3660)
    as_of = f.args.get("asOf")
    day = c.b.today() if as_of is None else c.b.const(check_date(as_of, "asOf"))
    start = f"({day} - duration({{days: {c.b.const(int(within))}}}))"
    return overdue_expression(row["h"], day, start, c.b.var("visit"))


HOUSEHOLD = declare(
    "Household",
    ("h",),
    {
        "code": Value("{h}.code"),
        "villageCode": Value("coalesce({h}.villageCode, left({h}.code, 12))"),
        "address": Value("{h}.address", mask=Mask.HIDDEN),
        "headPhone": Value("{h}.headPhone", mask=Mask.PHONE),
        "bankAccount": Value("{h}.bankAccount", mask=Mask.ACCOUNT),
        "registrationDate": Value("{h}.registrationDate", Kind.DATE),
        "registrationYear": Value("{h}.registrationYear"),
        "standard": Value("{h}.standard"),
        "attribute": Value("{h}.attribute"),
        "status": Value("{h}.status"),
        "monitored": Value("{h}.monitored"),
        "mainCause": Value("{h}.mainCause"),
        "secondaryCauses": Value("coalesce({h}.secondaryCauses, [])"),
        "housingGrade": Value("{h}.housingGrade"),
        "housingArea": Value("{h}.housingArea"),
        "safeWater": Value("{h}.safeWater"),
        "electricity": Value("{h}.electricity"),
        "roadAccess": Value("{h}.roadAccess"),
        "sanitaryToilet": Value("{h}.sanitaryToilet"),
        "cooperativeMember": Value("{h}.cooperativeMember"),
        "plannedExitYear": Value("{h}.plannedExitYear"),
        "debt": Value("{h}.debt", mask=Mask.HIDDEN),
        "version": Value("coalesce({h}.version, 0)"),
        "createdAt": Value("{h}.createdAt", Kind.DATETIME),
        "updatedAt": Value("{h}.updatedAt", Kind.DATETIME),
        "deregisteredOn": Value("{h}.deregisteredOn", Kind.DATE),
        "deregistrationReason": Value("{h}.deregistrationReason"),
        "memberCount": Value("coalesce({h}.memberCount, 0)"),
        "responsibleOfficialCode": Value("{h}.responsibleOfficial"),
        "lastVisitDate": Value("{h}.lastVisitDate", Kind.DATE),
        "members": Rel(
            "HouseholdMember",
            "MATCH ({p}:Person)-[{m}:MEMBER_OF]->({h})",
            flags=(Flag("includePast", False, "{m}.until IS NULL"),),
            order="{m}.until IS NOT NULL, CASE {m}.relation WHEN 'HEAD' THEN 0 "
            "WHEN 'SPOUSE' THEN 1 ELSE 2 END, {p}.birthDate, {p}.idNumber",
        ),
        "village": Rel("Region", "MATCH ({h})-[:IN_VILLAGE]->({r}:Region)", single=True),
        "officials": Rel(
            "Pairing",
            "MATCH ({o}:Official)-[{r}:PAIRED_WITH]->({h})",
            flags=(Flag("includeEnded", False, "{r}.until IS NULL"),),
            order="{r}.until IS NOT NULL, {r}.role DESC, {r}.since, {r}.id",
        ),
        "latestVisits": Rel(
            "Visit",
            "MATCH ({o}:Official)-[:MADE_VISIT]->({v}:Visit)-[:VISIT_TO]->({h})",
            order=f"coalesce({{v}}.date, {_NO_VISIT}) DESC, {{v}}.createdAt DESC, {{v}}.id",
            limit=Limit("first", 5, LATEST_VISITS_MAX),
        ),
        "visitOverdue": Custom(_overdue_value),
    },
)

declare(
    "HouseholdMember",
    ("m", "p"),
    {
        "relation": Value("{m}.relation"),
        "since": Value("{m}.since", Kind.DATE),
        "until": Value("{m}.until", Kind.DATE),
        "endReason": Value("{m}.endReason"),
        "active": Value("{m}.until IS NULL"),
        "person": Embed("Person", {"p": "p"}),
    },
)

declare("HouseholdEdge", ("h",), {"node": Embed("Household", {"h": "h"})})


@root("household")
def plan_household(field: Field, view: View, shape: Any) -> Plan:
    """household(code): a seek on household_code, then the selection's subqueries."""
    b = Binder()
    post = Post(field=field)
    code = b.slot("code", _household_code)
    where = view.scope.read_filter(Access.HOUSEHOLD, "h", b)
    node = Compiler(view, b).project("Household", {"h": "h"}, field.fields, post)
    cypher = f"MATCH (h:Household {{code: {code}}}) WHERE {where} RETURN {node} AS data"
    return plan(cypher, b, post)


def _household_code(request: Request) -> str:
    return check_household_code(request.args["code"], "code")


# order -> (sort-key expression, direction, cursor key kinds); ties broken by code ASC.
_ORDERS: dict[HouseholdOrder, tuple[str | None, str, tuple[KeyKind, ...]]] = {
    HouseholdOrder.CODE_ASC: (None, "ASC", (KeyKind.STR,)),
    HouseholdOrder.CODE_DESC: (None, "DESC", (KeyKind.STR,)),
    HouseholdOrder.REGISTRATION_YEAR_ASC: (
        "coalesce(h.registrationYear, 0)", "ASC", (KeyKind.INT, KeyKind.STR)),
    HouseholdOrder.REGISTRATION_YEAR_DESC: (
        "coalesce(h.registrationYear, 0)", "DESC", (KeyKind.INT, KeyKind.STR)),
    HouseholdOrder.LAST_VISIT_ASC: (
        f"coalesce(h.lastVisitDate, {_NO_VISIT})", "ASC", (KeyKind.DATE, KeyKind.STR)),
    HouseholdOrder.LAST_VISIT_DESC: (
        f"coalesce(h.lastVisitDate, {_NO_VISIT})", "DESC", (KeyKind.DATE, KeyKind.STR)),
}  # fmt: skip


def _households_shape(args: Mapping[str, Any]) -> Any:
    where = args.get("where") or {}
    given = tuple(sorted(k for k, v in where.items() if v is not None))
    as_of = where.get("asOf")
    return (
        HouseholdOrder(args["orderBy"]),
        given,
        where.get("visitOverdue"),
        where.get("hasResponsibleOfficial"),
        bool(where.get("includeDeregistered"))
        or where.get("status") == HouseholdStatus.DEREGISTERED,
        args.get("after") is not None,
        as_of is None or as_of >= today_cst(),
    )


def _after(order: HouseholdOrder, position: int) -> Getter:
    kind = f"households:{order.value}"
    kinds = _ORDERS[order][2]

    def get(request: Request) -> Any:
        key = decode_key(request.args.get("after"), kind, kinds)
        assert key is not None
        return key[position]

    return get


def _limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _within(request: Request) -> int:
    where = request.args.get("where") or {}
    return int(check_range(where.get("withinDays", 30), "where.withinDays", *WINDOW_DAYS))


def _window_start(request: Request) -> dt.date:
    return _as_of(request) - dt.timedelta(days=_within(request))


def _as_of(request: Request) -> dt.date:
    where = request.args.get("where") or {}
    as_of = where.get("asOf")
    return request.today if as_of is None else check_date(as_of, "where.asOf")


def _region_code(request: Request) -> str:
    return check_region_code((request.args.get("where") or {})["regionCode"], "where.regionCode")


def _checked(request: Request) -> bool:
    """Every filter's shape is checked, used or not: a bad where answers BAD_USER_INPUT."""
    where = request.args.get("where") or {}
    if where.get("regionCode") is not None:
        _region_code(request)
    _as_of(request)
    _within(request)
    return True


def _household_conditions(b: Binder, view: View, shape: Any) -> list[str]:
    """The filters of households(where) on `h`, as of `asOf` (default today) with
    coverage's definitions: on file on that date, the status it had then, pairings and
    visits as they stood (`on_file`, `status_on`, `covered_on`, `overdue_expression`)."""
    _, given, overdue, responsible, include_deregistered, _, current = shape
    b.slot("checked", _checked)
    day = b.today() if current else b.slot("asOf", _as_of)
    status = "h.status" if current else status_on("h", day)
    where = []
    if include_deregistered:
        if not current:
            where.append(f"h.registrationDate <= {day}")
    else:
        where.append("h.deregisteredOn IS NULL" if current else on_file("h", day))
    if "status" in given:
        where.append(f"{status} = {b.slot('status', arg('where', 'status'))}")
    for name in ("attribute", "mainCause"):
        if name in given:
            where.append(f"h.{name} = {b.slot(name, arg('where', name))}")
    if responsible is not None:
        covered = (
            "h.responsibleOfficial IS NOT NULL"
            if current
            else covered_on("h", day, b.var("pairing"))
        )
        where.append(covered if responsible else f"NOT ({covered})")
    if overdue is not None:
        if "status" not in given:
            # Overdue is a question about households in poverty, as in coverage.
            where.append(f"{status} IN {b.const(list(IN_POVERTY))}")
        start = b.slot("windowStart", _window_start)
        expression = overdue_expression("h", day, start, b.var("visit"))
        where.append(expression if overdue else f"NOT ({expression})")
    where.append(view.scope.read_filter(Access.HOUSEHOLD, "h", b))
    return where


@root("households", shape=_households_shape)
def plan_households(field: Field, view: View, shape: Any) -> Plan:
    """households(where, orderBy, first, after): a page of first + 1 rows and, when
    selected, the total.

    One statement. Without a regionCode, CODE orders read the household_code index in
    order from the cursor on. With one, it seeks household_code once per prefix of the
    region (`STARTS WITH`) and keeps the best `first + 1` of each (index order for CODE
    orders) before the final top-k. Other orders sort the filtered households (top-k).
    The keyset predicate means a deep page costs what the first costs.
    """
    order, given, _, _, _, has_after, _ = shape
    b = Binder()
    post = Post(field=field)
    expr, direction, _ = _ORDERS[order]
    filtered = " AND ".join(_household_conditions(b, view, shape))
    if has_after:
        op = ">" if direction == "ASC" else "<"
        if expr is None:
            keyset = f"h.code {op} {b.slot('afterCode', _after(order, 0))}"
        else:
            key, code = b.slot("afterKey", _after(order, 0)), b.slot("afterCode", _after(order, 1))
            keyset = f"({expr} {op} {key} OR ({expr} = {key} AND h.code > {code}))"
    else:
        keyset = "true"
    sort_key = expr or "h.code"
    order_by = f"sortKey {direction}" + (", h.code ASC" if expr else "")
    limit = b.slot("limit", _limit)
    conn = ConnPost(f"households:{order.value}", "limit", field, "HouseholdConnection")
    post.conn = conn
    keys = ["h.code"] if expr is None else ["sortKey", "h.code"]
    row = Compiler(view, b).connection_row("HouseholdEdge", {"h": "h"}, conn, keys)
    regional = "regionCode" in given
    region = b.slot("regionCode", _region_code) if regional else ""
    match = (
        f"MATCH (region:Region {{code: {region}}}) UNWIND region.prefixes AS prefix "
        "MATCH (h:Household) WHERE h.code STARTS WITH prefix AND "
        if regional
        else "MATCH (h:Household) WHERE "
    )
    if any(f.name == "totalCount" for f in field.fields):
        count = f"CALL () {{ {match}{filtered} RETURN count(h) AS total }}"
    else:
        count = "WITH null AS total"
    if regional:
        # The best `limit` of each prefix first, then the best of those. Codes are
        # digits, so a prefix is the range [prefix, prefix + ':'): with the cursor's
        # bound, CODE orders seek straight to the page and read it in index order.
        page = f"""
      MATCH (region:Region {{code: {region}}}) UNWIND region.prefixes AS prefix
      WITH prefix, prefix + ':' AS prefixEnd
      CALL (prefix, prefixEnd) {{
        MATCH (h:Household)
        WHERE h.code >= prefix AND h.code < prefixEnd AND {filtered} AND {keyset}
        WITH h, {sort_key} AS sortKey ORDER BY {order_by} LIMIT {limit}
        RETURN h, sortKey
      }}"""
    elif expr is None:
        # CODE orders: read household_code in order from the cursor. The hint keeps the
        # planner from starting at the status index and sorting most of the file.
        page = f"""
      MATCH (h:Household) USING INDEX h:Household(code)
      WHERE {filtered} AND {keyset if has_after else "h.code >= ''"}
      WITH h, {sort_key} AS sortKey"""
    else:
        page = f"""
      {match}{filtered} AND {keyset}
      WITH h, {sort_key} AS sortKey"""
    cypher = f"""
    {count}
    CALL () {{
      {page}
      WITH h, sortKey ORDER BY {order_by} LIMIT {limit}
      RETURN collect({row}) AS rows
    }}
    RETURN {{r: rows, t: total}} AS data
    """
    return plan(cypher, b, post)


# --- client mutation ids, locks and derived properties ------------------------------


REFRESH_HOUSEHOLDS = """
UNWIND $codes AS code
MATCH (h:Household {code: code})
SET h.memberCount = COUNT { (:Person)-[m:MEMBER_OF]->(h) WHERE m.until IS NULL },
    h.responsibleOfficial = COLLECT {
      MATCH (o:Official)-[r:PAIRED_WITH]->(h) WHERE r.until IS NULL AND r.role = 'RESPONSIBLE'
      RETURN o.code ORDER BY r.since, o.code LIMIT 1 }[0],
    h.lastVisitDate = COLLECT {
      MATCH (v:Visit)-[:VISIT_TO]->(h) WHERE v.date IS NOT NULL
      RETURN v.date ORDER BY v.date DESC LIMIT 1 }[0]
WITH DISTINCT coalesce(h.villageCode, left(h.code, 12)) AS village
RETURN village
"""

REFRESH_OFFICIALS = """
UNWIND $codes AS code
MATCH (o:Official {code: code})
SET o.load = COUNT { (o)-[r:PAIRED_WITH]->(:Household) WHERE r.until IS NULL }
"""


async def refresh_households(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute memberCount, responsibleOfficial and lastVisitDate (a seek per code),
    then their villages' coverage summaries (graph/coverage.py)."""
    from graph.coverage import refresh_villages

    records = await tx.run(REFRESH_HOUSEHOLDS, {"codes": list(codes)})
    await refresh_villages(tx, [r["village"] for r in records])


async def refresh_officials(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute each official's load from their active pairings."""
    await tx.run(REFRESH_OFFICIALS, {"codes": list(codes)})


async def lock_household(
    tx: Tx, code: str, scope: Scope, *, field: str, writable: bool = True
) -> dict[str, Any]:
    """The household's version, state and causes, write-locked for the transaction.

    NotFound (on `field`) when it is absent or out of scope; Conflict when `writable`
    and it is deregistered.
    """
    where, params = scope.household_filter("h")
    record = await tx.single(
        f"MATCH (h:Household {{code: $code}}) WHERE {where} "
        "SET h._lock = true REMOVE h._lock "
        "RETURN h.version AS version, h.deregisteredOn AS deregisteredOn, "
        "h.mainCause AS mainCause, coalesce(h.secondaryCauses, []) AS secondaryCauses, "
        "h.status AS status, h.registrationDate AS registrationDate",
        {"code": code, **params},
    )
    if record is None:
        raise NotFound("no such household", field=field)
    if writable and record["deregisteredOn"] is not None:
        raise Conflict("the household is deregistered", field=field)
    return dict(record)


def registered_on(state: Mapping[str, Any]) -> dt.date | None:
    """The registration date in a `lock_household` state, as a Python date."""
    value = state.get("registrationDate")
    if value is None:
        return None
    native: dt.date = value.to_native() if hasattr(value, "to_native") else value
    return native


def check_after_registration(state: Mapping[str, Any], day: dt.date, field: str) -> None:
    """BAD_USER_INPUT unless `day` (a pairing, a visit, a deregistration) is on or after
    the household's registration date: nothing happens to a file before it exists."""
    registered = registered_on(state)
    if registered is not None and day < registered:
        raise BadUserInput(
            f"the date is before the household was registered ({registered.isoformat()})",
            field=field,
        )


async def _check_registration_change(
    tx: Tx, code: str, state: Mapping[str, Any], changes: Mapping[str, Any]
) -> None:
    """A new registration date may not be later than the household's first pairing or
    visit; a new registration year alone must be the stored date's year."""
    if "registrationDate" in changes:
        record = await tx.single(
            "MATCH (h:Household {code: $code}) "
            "CALL (h) { OPTIONAL MATCH (h)<-[p:PAIRED_WITH]-() RETURN min(p.since) AS paired } "
            "CALL (h) { OPTIONAL MATCH (h)<-[:VISIT_TO]-(v:Visit) RETURN min(v.date) AS visited } "
            "RETURN paired, visited",
            {"code": code},
        )
        events = [d.to_native() for d in (record or {}).values() if d is not None]
        if events and min(events) < changes["registrationDate"]:
            raise BadUserInput(
                "the household has a pairing or a visit dated before this registration date",
                field="input.registrationDate",
            )
    elif "registrationYear" in changes:
        registered = registered_on(state)
        if registered is not None and registered.year != changes["registrationYear"]:
            raise BadUserInput(
                "registrationYear must be the year of registrationDate: change registrationDate",
                field="input.registrationYear",
            )


def check_version(state: Mapping[str, Any], expected: int | None) -> None:
    if expected is not None and state["version"] != expected:
        raise Conflict(
            "the household was changed since it was read (stale expectedVersion)",
            field="input.expectedVersion",
        )


async def _check_code_in_scope(tx: Tx, code: str, scope: Scope, field: str) -> None:
    """FORBIDDEN unless a household with this code would lie in the caller's scope,
    whether or not one exists: checked on the code alone (a map standing for the
    household), before anything reads the stored households, so the answer says
    nothing about codes outside the scope. An OFFICIAL scope holds only households
    paired with the official: a new code never lies in it."""
    if scope.kind == "OFFICIAL":
        raise Forbidden("the household would lie outside your region", field=field)
    where, params = scope.household_filter("h")
    record = await tx.single(
        f"WITH {{code: $code}} AS h WHERE {where} RETURN h.code AS code",
        {"code": code, **params},
    )
    if record is None:
        raise Forbidden("the household would lie outside your region", field=field)


async def _check_village(tx: Tx, village_code: str, field: str) -> None:
    record = await tx.single(
        "MATCH (v:Region {code: $code}) RETURN v.level AS level", {"code": village_code}
    )
    if record is None:
        raise NotFound("no such village", field=field)
    if record["level"] != "VILLAGE":
        raise BadUserInput("the region is not a village", field=field)


async def _check_code_free(tx: Tx, code: str, field: str) -> None:
    record = await tx.single(
        "MATCH (h:Household {code: $code}) RETURN h.code AS code", {"code": code}
    )
    if record is not None:
        raise Conflict("a household with this code already exists", field=field)


# --- writes --------------------------------------------------------------------------


@dataclass(frozen=True)
class NewMember:
    """A member to add: the person's properties (idNumber included) and the membership."""

    person: dict[str, Any]
    relation: str
    since: dt.date
    field: str  # the input path of this member, for errors


async def check_members_free(
    tx: Tx,
    members: Sequence[NewMember],
    household_code: str,
    scope: Scope | None = None,
) -> None:
    """CONFLICT when a person is recorded as deceased or already holds an active
    membership. The other household's code is named, and a death mentioned, only when
    a household of the person lies in `scope` (None: never), so the message is no
    oracle for an ID number elsewhere; it never holds an ID number or a name.

    The Person nodes are MERGEd and write-locked first (in ID order, the same
    statement), so a concurrent transaction adding the same person waits for this one
    to commit and then sees its membership: two active memberships cannot result.
    A person created here for the lock is the one the caller then adds; on an error
    the transaction rolls back and nothing stays.
    """
    ids = sorted({m.person["idNumber"] for m in members})
    shown = scope or Scope.nothing()
    where, params = shown.household_filter("h")
    known, _ = shown.household_filter("kh")
    records = await tx.run(
        "UNWIND $ids AS id MERGE (p:Person {idNumber: id}) "
        "SET p._lock = true REMOVE p._lock "
        "WITH id, p "
        "OPTIONAL MATCH (p)-[m:MEMBER_OF]->(h:Household) WHERE m.until IS NULL "
        f"WITH id, p, h, CASE WHEN h IS NULL THEN null WHEN {where} THEN h.code "
        "ELSE '' END AS code "
        "RETURN id, p.diedOn AS diedOn, collect(code) AS active, "
        f"EXISTS {{ MATCH (p)-[:MEMBER_OF]->(kh:Household) WHERE {known} }} AS inScope",
        {"ids": ids, **params},
    )
    by_id = {r["id"]: r for r in records}
    for member in members:
        record = by_id.get(member.person["idNumber"])
        if record is None:
            continue
        field = f"{member.field}.idNumber"
        if record["diedOn"] is not None:
            if record["inScope"]:
                raise Conflict("the person is recorded as deceased", field=field)
            raise Conflict("the person cannot be added to this household", field=field)
        active = record["active"]
        if active:
            if household_code in active:
                raise Conflict("the person is already a member of this household", field=field)
            named = sorted(c for c in active if c)
            if named:
                raise Conflict(
                    f"the person is an active member of household {named[0]}", field=field
                )
            raise Conflict("the person is an active member of another household", field=field)


_ADD_MEMBERS = """
MATCH (h:Household {code: $code})
UNWIND $members AS member
MERGE (p:Person {idNumber: member.person.idNumber})
SET p += member.person
CREATE (p)-[:MEMBER_OF {relation: member.relation, since: member.since}]->(h)
"""


async def add_members(tx: Tx, code: str, members: Sequence[NewMember]) -> None:
    payload = [{"person": m.person, "relation": m.relation, "since": m.since} for m in members]
    await tx.run(_ADD_MEMBERS, {"code": code, "members": payload})


async def register_household(
    db: Database,
    scope: Scope,
    client_mutation_id: str,
    code: str,
    village_code: str,
    properties: dict[str, Any],
    members: Sequence[NewMember],
    *,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """Create the household in its village with its members; returns its code.

    One transaction: the client id (bound to the caller's `subject`), the code in the
    caller's scope (FORBIDDEN otherwise, before anything about stored households is
    read), the village (level VILLAGE), a free code, no member active elsewhere, then
    the writes and the derived counts; on any refusal nothing stays.
    """

    async def work(tx: Tx) -> str:
        await _check_code_in_scope(tx, code, scope, "input.villageCode")
        await _check_village(tx, village_code, "input.villageCode")
        await _check_code_free(tx, code, "input.code")
        await check_members_free(tx, members, code, scope)
        await tx.run(
            "MATCH (v:Region {code: $villageCode}) "
            "CREATE (h:Household {code: $code, villageCode: $villageCode}) "
            "SET h += $properties, h.version = 1, h.createdAt = datetime(), "
            "h.updatedAt = datetime(), h.memberCount = 0 "
            "CREATE (h)-[:IN_VILLAGE]->(v)",
            {"code": code, "villageCode": village_code, "properties": properties},
        )
        await add_members(tx, code, members)
        await refresh_households(tx, [code])
        return code

    return await write_once(
        db, client_mutation_id, "registerHousehold", subject, "code", work, digest=digest
    )


async def bump_version(tx: Tx, code: str) -> None:
    await tx.run(
        "MATCH (h:Household {code: $code}) "
        "SET h.version = coalesce(h.version, 0) + 1, h.updatedAt = datetime()",
        {"code": code},
    )


async def update_household(
    db: Database,
    scope: Scope,
    code: str,
    expected_version: int,
    changes: dict[str, Any],
    *,
    move_to: tuple[str, str] | None = None,
    client_mutation_id: str | None = None,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """Apply `changes` (a None value removes the property) and, with `move_to`
    (new code, village code), move the household; returns its code.

    Refuses a stale version (CONFLICT), a deregistered household, causes that do not
    fit together once merged with the stored ones, and a move out of the caller's
    region (FORBIDDEN, decided on the new code before any stored household is read).
    """

    async def work(tx: Tx) -> str:
        state = await lock_household(tx, code, scope, field="input.code")
        check_version(state, expected_version)
        if "mainCause" in changes or "secondaryCauses" in changes:
            main = changes.get("mainCause", state["mainCause"])
            secondary = changes.get("secondaryCauses", state["secondaryCauses"]) or []
            if main in secondary:
                raise BadUserInput(
                    "secondary causes must differ from the main cause",
                    field="input.secondaryCauses"
                    if "secondaryCauses" in changes
                    else "input.mainCause",
                )
        await _check_registration_change(tx, code, state, changes)
        await tx.run(
            "MATCH (h:Household {code: $code}) SET h += $changes",
            {"code": code, "changes": changes},
        )
        result = code
        if move_to is not None:
            new_code, village_code = move_to
            await _check_code_in_scope(tx, new_code, scope, "input.villageCode")
            await _check_village(tx, village_code, "input.villageCode")
            if new_code != code:
                await _check_code_free(tx, new_code, "input.newCode")
            await tx.run(
                "MATCH (h:Household {code: $code})-[old:IN_VILLAGE]->() DELETE old "
                "WITH DISTINCT h MATCH (v:Region {code: $villageCode}) "
                "SET h.code = $newCode, h.villageCode = $villageCode "
                "CREATE (h)-[:IN_VILLAGE]->(v)",
                {"code": code, "newCode": new_code, "villageCode": village_code},
            )
            result = new_code
        # Status, causes or a move change the villages' coverage summaries.
        await refresh_households(tx, [result])
        if move_to is not None:
            from graph.coverage import refresh_villages

            await refresh_villages(tx, [code[:12]])
        await bump_version(tx, result)
        return result

    return await write_once(
        db, client_mutation_id, "updateHousehold", subject, "code", work, digest=digest
    )


async def deregister_household(
    db: Database,
    scope: Scope,
    code: str,
    expected_version: int,
    reason: DeregistrationReason,
    on: dt.date,
    *,
    client_mutation_id: str | None = None,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """Mark the file DEREGISTERED (it stays, with its members and history) and end its
    active pairings on the same date, so the officials' loads drop."""

    async def work(tx: Tx) -> str:
        state = await lock_household(tx, code, scope, field="input.code")
        check_version(state, expected_version)
        check_after_registration(state, on, "input.date")
        records = await tx.run(
            "MATCH (h:Household {code: $code}) "
            "SET h.deregisteredOn = $on, h.deregistrationReason = $reason "
            f"{mark_deregistered('h')} "
            "WITH h OPTIONAL MATCH (o:Official)-[r:PAIRED_WITH]->(h) WHERE r.until IS NULL "
            "SET r.until = CASE WHEN r.since > $on THEN r.since ELSE $on END "
            "RETURN collect(o.code) AS officials",
            {"code": code, "on": on, "reason": reason.value},
        )
        await refresh_households(tx, [code])
        await refresh_officials(tx, records[0]["officials"] if records else [])
        await bump_version(tx, code)
        return code

    return await write_once(
        db, client_mutation_id, "deregisterHousehold", subject, "code", work, digest=digest
    )
