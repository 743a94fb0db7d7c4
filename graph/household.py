"""Households: the file (DOMAIN.md section 3) — its enums, the rules every read and
write of it shares (in poverty, on file on a date, overdue, settable statuses), its
read map and the household(code) planner. The list is graph/households.py, the writes
graph/registration.py (the file) and graph/membership.py (its members).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from graph.compiler import Compiler, Plan, Post, Request, View, root, seek
from graph.cursor import KeyKind
from graph.errors import BadUserInput
from graph.history import history
from graph.model import Label
from graph.model import Rel as RelType
from graph.payment import PAYMENTS
from graph.readmap import (
    Access,
    Conn,
    Custom,
    Embed,
    Field,
    Flag,
    Guard,
    Kind,
    Limit,
    Mask,
    Rel,
    Value,
    declare,
)
from graph.scope import active_in, active_on, pairings_in
from graph.validation import check_date, check_household_code, check_range

LATEST_VISITS_MAX = 20


class HouseholdStatus(StrEnum):
    REGISTERED = "REGISTERED"
    EXITED = "EXITED"
    RETURNED = "RETURNED"
    # The file was closed without an exit (deregisterHousehold); it stays, marked, and
    # h.statusBeforeDeregistration keeps the status it had until then.
    DEREGISTERED = "DEREGISTERED"
    # Not poor, watched (issue 13): borderline households at risk of falling into
    # poverty. Never in IN_POVERTY; returnToPoverty makes it REGISTERED.
    BORDERLINE = "BORDERLINE"


# Statuses only a process sets: an exit assessment, deregisterHousehold.
_NOT_SETTABLE = {
    HouseholdStatus.EXITED: "a household exits only through an exit assessment",
    HouseholdStatus.DEREGISTERED: "a household is deregistered only by deregisterHousehold",
}


def check_settable_status(status: str, field: str) -> str:
    """REGISTERED, RETURNED or BORDERLINE: the statuses a household's file may be given
    directly."""
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
    window's ends). `props` holds h's lastVisitDate and visitDates (h itself, or a map
    projected from it): the derived date answers unless the household was visited
    after as_of, then its visits' dates (graph/derived.py), else (a file written by
    hand) its visits in the window are looked up."""
    hp = props or h
    last = f"{hp}.lastVisitDate"
    return (
        f"CASE WHEN {last} IS NULL THEN true"
        f" WHEN {last} <= {as_of} THEN {last} < {start}"
        f" WHEN {hp}.visitDates IS NOT NULL"
        f" THEN none({visit} IN {hp}.visitDates WHERE {visit} >= {start} AND {visit} <= {as_of})"
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
    """Household `h`'s status on `as_of` for a file without a status history (written
    by hand): its stored one, except that a household deregistered after it still had
    the status it was deregistered from. `status_as_of` is the rule."""
    return (
        f"CASE WHEN {h}.deregisteredOn > {as_of}"
        f" THEN coalesce({h}.statusBeforeDeregistration, {h}.status) ELSE {h}.status END"
    )


def latest_change(h: str, day: str, var: str) -> str:
    """The `to` of household `h`'s latest change dated on or before `day` (Cypher), or
    null: its few changes, newest first."""
    return (
        f"COLLECT {{ MATCH ({var}:{Label.STATUS_CHANGE})-[:{RelType.STATUS_OF}]->({h}) "
        f"WHERE {var}.on <= {day} RETURN {var}.`to` ORDER BY {var}.on DESC, {var}.seq DESC "
        "LIMIT 1 }[0]"
    )


def status_as_of(h: str, hp: str, day: str, var: str) -> str:
    """Household `h`'s status on `day` (Cypher; hp: h or a map projected from it with
    status, statusSince, deregisteredOn and statusBeforeDeregistration): the stored
    status when its statusSince is on or before the day (no relationship read), else
    the latest change on or before it (null before the first: no status yet). A file
    without a history (written by hand) keeps the stored status."""
    return (
        f"CASE WHEN {hp}.statusSince IS NULL THEN {status_on(hp, day)} "
        f"WHEN {hp}.statusSince <= {day} THEN {hp}.status "
        f"ELSE {latest_change(h, day, var)} END"
    )


def covered_on(
    h: str, as_of: str = "$asOf", pairing: str = "coveredPair", props: str | None = None
) -> str:
    """Household `h` (a node; `props`: h or a map projected from it with its pairing
    summaries) had a RESPONSIBLE pairing active on `as_of`: from its pairing summaries
    (graph/derived.py), else (a file written by hand) from its pairings."""
    hp = props or h
    return (
        f"CASE WHEN {hp}.pairingRoles IS NOT NULL"
        f" THEN any({pairing} IN {pairings_in(hp)}"
        f" WHERE {hp}.pairingRoles[{pairing}] = 'RESPONSIBLE' AND {active_in(hp, pairing, as_of)})"
        f" ELSE EXISTS {{ MATCH ({h})<-[{pairing}:PAIRED_WITH {{role: 'RESPONSIBLE'}}]-() "
        f"WHERE {active_on(pairing, as_of)} }} END"
    )


# --- reads: the map of Household and HouseholdMember, and the root planners ----------

NO_VISIT = "date('0001-01-01')"


def _overdue_value(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    """Household.visitOverdue(withinDays, asOf): exact for any date, as coverage
    counts it (graph/coverage.py)."""
    within = check_range(f.arg("withinDays", 30), "withinDays", 1, 3660)
    as_of = f.args.get("asOf")
    day = c.b.today() if as_of is None else c.b.const(check_date(as_of, "asOf"))
    start = f"({day} - duration({{days: {c.b.const(int(within))}}}))"
    return overdue_expression(row["h"], day, start, c.b.var("visit"))


def in_scope(h: str = "h") -> Custom:
    """A household reached from something that is not scoped (a cooperative's member,
    a lot's producer): the household when the caller's scope holds it, else null."""

    def build(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
        visible = c.view.scope.read_filter(Access.HOUSEHOLD, row[h], c.b)
        node = c.project("Household", {"h": row[h]}, f.fields, post)
        return f"CASE WHEN {visible} THEN {node} ELSE null END"

    return Custom(build)


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
        "monitored": Value("coalesce({h}.monitored, false)"),
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
            order=f"coalesce({{v}}.date, {NO_VISIT}) DESC, {{v}}.createdAt DESC, {{v}}.id",
            limit=Limit("first", 5, LATEST_VISITS_MAX),
        ),
        "visitOverdue": Custom(_overdue_value),
        "history": history("h"),
        # Traceability (issue 15): graph/lot.py, graph/cooperative.py, graph/payment.py.
        "traceCode": Value("{h}.traceCode"),
        "lots": Conn(
            "LotEdge",
            "MATCH ({h})-[:PRODUCED]->({l}:Lot)",
            keys=(("{l}.producedOn", "DESC", KeyKind.DATE), ("{l}.traceCode", "DESC", KeyKind.STR)),
            kind="household-lots",
        ),
        "payments": PAYMENTS,
        "cooperatives": Rel(
            "CooperativeMembership",
            "MATCH ({h})-[{m}:COOPERATIVE_MEMBER]->({c}:Cooperative)",
            flags=(Flag("includeEnded", False, "{m}.until IS NULL"),),
            order="{m}.until IS NOT NULL, {m}.since, {c}.code",
        ),
        # The audit's findings that concern it (graph/finding.py), newest lastSeenAt
        # first: for region officers and the roles that see every record unmasked,
        # FORBIDDEN for field officials and investigators.
        "findings": Guard(
            Rel(
                "Finding",
                "MATCH ({h})<-[:CONCERNS]-({f}:Finding)",
                order="{f}.lastSeenAt DESC, {f}.id DESC",
                limit=Limit("first", 20, 100),
            ),
            frozenset({"ALL", "REGION"}),
            unmasked=True,
        ),
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
    return seek(
        field,
        view,
        ("code", _household_code),
        "MATCH (h:Household {{code: {key}}})",
        (Access.HOUSEHOLD, "h"),
        ("Household", {"h": "h"}),
    )


def _household_code(request: Request) -> str:
    return check_household_code(request.args["code"], "code")


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
