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
from graph.coverage import (
    DEFAULT_STATUSES,
    OVERDUE,
    WINDOW_DAYS,
    covered_on,
    on_file,
    status_on,
)
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, Forbidden, NotFound
from graph.scope import Scope
from graph.validation import check_date, check_range, check_region_code

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


# --- reads -------------------------------------------------------------------------


class Projection:
    """Builds the map projection of a household or a person for a selection tree.

    Variable names are numbered so nested subqueries never shadow each other; every
    nested household passes the scope filter too.
    """

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.params: dict[str, Any] = {}
        self._n = 0

    def _var(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def scope_filter(self, var: str) -> str:
        where, params = self.scope.household_filter(var)
        self.params.update(params)
        return where

    def household(self, h: str, sel: Selection) -> str:
        parts = [".*"]
        if "members" in sel:
            p, m = self._var("p"), self._var("m")
            person = self.person(p, sel["members"].get("person", {}))
            parts.append(
                f"members: COLLECT {{ MATCH ({p}:Person)-[{m}:MEMBER_OF]->({h}) "
                f"RETURN {m} {{.*, person: {person}}} "
                f"ORDER BY {m}.until IS NOT NULL, "
                f"CASE {m}.relation WHEN 'HEAD' THEN 0 WHEN 'SPOUSE' THEN 1 ELSE 2 END, "
                f"{p}.birthDate, {p}.idNumber }}"
            )
        if "village" in sel:
            v, n, top, path = self._var("v"), self._var("n"), self._var("top"), self._var("path")
            parts.append(
                f"village: COLLECT {{ MATCH ({h})-[:IN_VILLAGE]->({v}:Region) "
                f"OPTIONAL MATCH {path} = ({v})-[:PART_OF*0..]->({top}:Region) "
                f"WHERE NOT ({top})-[:PART_OF]->() "
                f"RETURN {v} {{.code, .name, .level, "
                f"path: [{n} IN reverse(nodes({path})) | {n} {{.code, .name, .level}}]}} }}[0]"
            )
        if "officials" in sel:
            o, r = self._var("o"), self._var("r")
            parts.append(
                f"pairings: COLLECT {{ MATCH ({o}:Official)-[{r}:PAIRED_WITH]->({h}) "
                f"RETURN {r} {{.*, official: {o} {{.*}}}} "
                f"ORDER BY {r}.until IS NOT NULL, {r}.role DESC, {r}.since, {r}.id }}"
            )
        if "latestVisits" in sel:
            o, v = self._var("o"), self._var("visit")
            parts.append(
                f"visits: COLLECT {{ MATCH ({o}:Official)-[:MADE_VISIT]->({v}:Visit)"
                f"-[:VISIT_TO]->({h}) RETURN {v} {{.*, householdCode: {h}.code, "
                f"official: {o} {{.*}}}} ORDER BY coalesce({v}.date, {_NO_VISIT}) DESC, "
                f"{v}.createdAt DESC, {v}.id "
                f"LIMIT {LATEST_VISITS_MAX} }}"
            )
        return f"{h} {{{', '.join(parts)}}}"

    def person(self, p: str, sel: Selection) -> str:
        parts = [".*"]
        if "households" in sel:
            h, m = self._var("h"), self._var("m")
            household = self.household(h, sel["households"].get("household", {}))
            parts.append(
                f"memberships: COLLECT {{ MATCH ({p})-[{m}:MEMBER_OF]->({h}:Household) "
                f"WHERE {self.scope_filter(h)} "
                f"RETURN {m} {{.*, household: {household}}} "
                f"ORDER BY {m}.until IS NOT NULL, {m}.since DESC, {h}.code }}"
            )
        return f"{p} {{{', '.join(parts)}}}"


async def get_household(
    db: Database, code: str, scope: Scope, sel: Selection
) -> dict[str, Any] | None:
    """The household with what `sel` asks for, or None when absent or out of scope.

    One statement: a seek on household_code, then one COLLECT subquery per nested list.
    """
    proj = Projection(scope)
    where = proj.scope_filter("h")
    node = proj.household("h", sel)
    record = await db.read_one(
        f"MATCH (h:Household {{code: $code}}) WHERE {where} RETURN {node} AS household",
        {"code": code, **proj.params},
    )
    return dict(record["household"]) if record else None


async def get_households(
    db: Database, codes: Sequence[str], scope: Scope, sel: Selection
) -> dict[str, dict[str, Any]]:
    """The households among `codes` that exist and are in scope, by code, with what
    `sel` asks for. One statement: a seek on household_code per code."""
    proj = Projection(scope)
    where = proj.scope_filter("h")
    node = proj.household("h", sel)
    records = await db.read(
        f"UNWIND $codes AS code MATCH (h:Household {{code: code}}) WHERE {where} "
        f"RETURN {node} AS household",
        {"codes": list(codes), **proj.params},
    )
    return {r["household"]["code"]: dict(r["household"]) for r in records}


@dataclass(frozen=True)
class HouseholdFilter:
    region_code: str | None = None
    status: HouseholdStatus | None = None
    attribute: HouseholdAttribute | None = None
    main_cause: PovertyCause | None = None
    has_responsible_official: bool | None = None
    visit_overdue: bool | None = None
    within_days: int = 30
    as_of: dt.date | None = None
    include_deregistered: bool = False


_NO_VISIT = "date('0001-01-01')"
# order -> (sort-key expression, direction of the key); ties broken by the code ASC.
_ORDERS: dict[HouseholdOrder, tuple[str | None, str]] = {
    HouseholdOrder.CODE_ASC: (None, "ASC"),
    HouseholdOrder.CODE_DESC: (None, "DESC"),
    HouseholdOrder.REGISTRATION_YEAR_ASC: ("coalesce(h.registrationYear, 0)", "ASC"),
    HouseholdOrder.REGISTRATION_YEAR_DESC: ("coalesce(h.registrationYear, 0)", "DESC"),
    HouseholdOrder.LAST_VISIT_ASC: (f"coalesce(h.lastVisitDate, {_NO_VISIT})", "ASC"),
    HouseholdOrder.LAST_VISIT_DESC: (f"coalesce(h.lastVisitDate, {_NO_VISIT})", "DESC"),
}


def cursor_length(order: HouseholdOrder) -> int:
    """How many values a cursor of this order holds (the sort key, then the code)."""
    return 1 if _ORDERS[order][0] is None else 2


def cursor_key(order: HouseholdOrder, row: Mapping[str, Any]) -> list[Any]:
    """The keyset position of a row returned by `list_households`."""
    code = row["node"]["code"]
    if _ORDERS[order][0] is None:
        return [code]
    key = row["key"]
    return [key.iso_format() if hasattr(key, "iso_format") else key, code]


def _keyset(
    order: HouseholdOrder, after: list[Any] | None, field: str
) -> tuple[str, dict[str, Any]]:
    if after is None:
        return "true", {}
    expr, direction = _ORDERS[order]
    op = ">" if direction == "ASC" else "<"
    code = after[-1]
    if not isinstance(code, str):
        raise BadUserInput("not a valid cursor", field=field)
    if expr is None:
        return f"h.code {op} $afterCode", {"afterCode": code}
    key: Any = after[0]
    try:
        if order in (HouseholdOrder.LAST_VISIT_ASC, HouseholdOrder.LAST_VISIT_DESC):
            key = dt.date.fromisoformat(str(key))
        elif not isinstance(key, int) or isinstance(key, bool):
            raise ValueError
    except ValueError:
        raise BadUserInput("not a valid cursor", field=field) from None
    return (
        f"({expr} {op} $afterKey OR ({expr} = $afterKey AND h.code > $afterCode))",
        {"afterKey": key, "afterCode": code},
    )


def check_filter(f: HouseholdFilter, today: dt.date) -> None:
    """BAD_USER_INPUT (naming the `where` field) for a filter that cannot be asked:
    a malformed region code, an asOf outside the platform's era, a window out of range."""
    if f.region_code is not None:
        check_region_code(f.region_code, "where.regionCode")
    if f.as_of is not None:
        check_date(f.as_of, "where.asOf", today=today)
    check_range(f.within_days, "where.withinDays", *WINDOW_DAYS)


def _filters(f: HouseholdFilter, today: dt.date) -> tuple[list[str], dict[str, Any]]:
    """The WHERE conditions of `f` on h, as of `f.as_of` (default today) with coverage's
    definitions (graph/coverage.py): on file on that date, the status it had then,
    pairings and visits as they stood."""
    check_filter(f, today)
    day = f.as_of or today
    current = day >= today
    where: list[str] = []
    params: dict[str, Any] = {"asOf": day}
    status = "h.status" if current else status_on("h")
    if f.include_deregistered or f.status is HouseholdStatus.DEREGISTERED:
        if not current:
            where.append("h.registrationDate <= $asOf")
    else:
        where.append("h.deregisteredOn IS NULL" if current else on_file("h"))
    if f.status is not None:
        where.append(f"{status} = $status")
        params["status"] = f.status.value
    if f.attribute is not None:
        where.append("h.attribute = $attribute")
        params["attribute"] = f.attribute.value
    if f.main_cause is not None:
        where.append("h.mainCause = $mainCause")
        params["mainCause"] = f.main_cause.value
    if f.has_responsible_official is not None:
        if current:
            where.append(
                f"h.responsibleOfficial IS {'NOT ' if f.has_responsible_official else ''}NULL"
            )
        else:
            where.append(
                covered_on("h") if f.has_responsible_official else f"NOT {covered_on('h')}"
            )
    if f.visit_overdue is not None:
        if f.status is None:
            # Overdue is a question about households in poverty, as in coverage.
            where.append(f"{status} IN $statuses")
            params["statuses"] = list(DEFAULT_STATUSES)
        params["windowStart"] = day - dt.timedelta(days=f.within_days)
        where.append(OVERDUE if f.visit_overdue else f"NOT ({OVERDUE})")
    return where, params


async def list_households(
    db: Database,
    scope: Scope,
    where: HouseholdFilter,
    order: HouseholdOrder,
    first: int,
    after: list[Any] | None,
    sel: Selection,
    *,
    total: bool,
    today: dt.date,
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of `first + 1` rows ({key, node}) after the keyset position `after`, and
    the total matching (only when `total`).

    One statement. Without a regionCode, CODE orders read the household_code index in
    order from the cursor on. With one, it seeks household_code once per prefix of the
    region (`STARTS WITH`) and keeps the best `first + 1` of each (index order for CODE
    orders) before the final top-k. Other orders sort the filtered households (top-k).
    The keyset predicate means a deep page costs what the first costs.
    """
    proj = Projection(scope)
    conditions, params = _filters(where, today)
    conditions.append(proj.scope_filter("h"))
    if where.region_code is not None:
        match = (
            "MATCH (region:Region {code: $regionCode}) UNWIND region.prefixes AS prefix "
            "MATCH (h:Household) WHERE h.code STARTS WITH prefix AND "
        )
        params["regionCode"] = where.region_code
    else:
        match = "MATCH (h:Household) WHERE "
    keyset, keyset_params = _keyset(order, after, "after")
    expr, direction = _ORDERS[order]
    sort_key = expr or "h.code"
    order_by = f"sortKey {direction}" + (", h.code ASC" if expr else "")
    node = proj.household("h", sel)
    filtered = " AND ".join(conditions)
    count_block = (
        f"CALL () {{ {match}{filtered} RETURN count(h) AS totalCount }}"
        if total
        else "WITH null AS totalCount"
    )
    if where.region_code is not None:
        # The best `limit` of each prefix first, then the best of those. Codes are
        # digits, so a prefix is the range [prefix, prefix + ':'): with the cursor's
        # bound, CODE orders seek straight to the page and read it in index order.
        page = f"""
      MATCH (region:Region {{code: $regionCode}}) UNWIND region.prefixes AS prefix
      WITH prefix, prefix + ':' AS prefixEnd
      CALL (prefix, prefixEnd) {{
        MATCH (h:Household)
        WHERE h.code >= prefix AND h.code < prefixEnd AND {filtered} AND {keyset}
        WITH h, {sort_key} AS sortKey ORDER BY {order_by} LIMIT $limit
        RETURN h, sortKey
      }}"""
    elif expr is None:
        # CODE orders: read household_code in order from the cursor. The hint keeps the
        # planner from starting at the status index and sorting most of the file.
        if after is None:
            keyset = "h.code >= ''"
        page = f"""
      MATCH (h:Household) USING INDEX h:Household(code)
      WHERE {filtered} AND {keyset}
      WITH h, {sort_key} AS sortKey"""
    else:
        page = f"""
      {match}{filtered} AND {keyset}
      WITH h, {sort_key} AS sortKey"""
    cypher = f"""
    {count_block}
    CALL () {{
      {page}
      WITH h, sortKey ORDER BY {order_by} LIMIT $limit
      RETURN collect({{key: sortKey, node: {node}}}) AS rows
    }}
    RETURN rows, totalCount
    """
    record = await db.read_one(
        cypher, {**params, **keyset_params, **proj.params, "limit": first + 1}
    )
    if record is None:
        return [], 0 if total else None
    return [dict(r) for r in record["rows"]], record["totalCount"]


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
"""

REFRESH_OFFICIALS = """
UNWIND $codes AS code
MATCH (o:Official {code: code})
SET o.load = COUNT { (o)-[r:PAIRED_WITH]->(:Household) WHERE r.until IS NULL }
"""


async def refresh_households(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute memberCount, responsibleOfficial and lastVisitDate (a seek per code)."""
    await tx.run(REFRESH_HOUSEHOLDS, {"codes": list(codes)})


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


# --- bulk upserts for seeds and imports ----------------------------------------------


_UPSERT_HOUSEHOLDS = f"""
UNWIND $rows AS row
MATCH (v:Region {{code: row.villageCode}})
MERGE (h:Household {{code: row.code}})
ON CREATE SET h.version = 1, h.createdAt = datetime()
SET h += row.properties, h.villageCode = row.villageCode, h.updatedAt = datetime()
SET h.registrationDate = coalesce(h.registrationDate, {REGISTRATION_FROM_YEAR})
MERGE (h)-[:IN_VILLAGE]->(v)
WITH h WHERE {UNMARKED_DEREGISTERED}
{mark_deregistered("h")}
"""


async def upsert_households(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE households on their code ({code, villageCode, properties}); one without a
    registrationDate gets REGISTRATION_FROM_YEAR, one with a deregisteredOn date is
    marked DEREGISTERED; the derived properties are left to `refresh_households`."""
    await tx.run(_UPSERT_HOUSEHOLDS, {"rows": [dict(r) for r in rows]})
