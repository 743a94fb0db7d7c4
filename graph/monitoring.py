"""Return-to-poverty monitoring (DOMAIN.md section 6; issue 13): a household is watched
through MonitoringRecords, at most one of them open (removedOn null) at a time.

    group        UNSTABLE_EXITED (needs status EXITED), BORDERLINE (needs BORDERLINE),
                 SUDDEN_HARDSHIP (any household on file)
    riskTypes    1-4 of RiskType
    startedOn    the day it opened; removedOn and removalReason when it closed

    startMonitoring       opens one (CONFLICT when one is open)
    endMonitoring         closes the open one (CONFLICT when none)
    returnToPoverty       closes an open UNSTABLE_EXITED or BORDERLINE one,
                          RETURNED_TO_POVERTY, in its own transaction
    deregisterHousehold   closes any open one, DEREGISTERED
    migration 13          each stored `monitored: true` without a record gets an open one
                          (EXITED: UNSTABLE_EXITED, else SUDDEN_HARDSHIP; [OTHER]; from
                          its statusSince)

Household.monitored is derived: true while a record is open (graph/derived.py's
REFRESH_HOUSEHOLDS, run at settle by every write that touches the household, and by
the bulk writers). Recorded on the household (field `monitoring`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from graph.compiler import Plan, Request, View, root, seek
from graph.db import Database, Tx
from graph.derived import MONITORED
from graph.errors import BadUserInput, Conflict
from graph.household import HouseholdStatus, check_after_registration
from graph.model import Label, Rel
from graph.readmap import Access, Field, Kind, Limit, Mask, Value, declare, extend
from graph.readmap import Rel as RelEntry
from graph.validation import check_record_id
from graph.write import Actor, Entity, Mutation, Write, write

MONITORING_MAX = 20
RISK_TYPES_MAX = 4
NOTE_MAX = 500


class MonitoringGroup(StrEnum):
    UNSTABLE_EXITED = "UNSTABLE_EXITED"
    BORDERLINE = "BORDERLINE"
    SUDDEN_HARDSHIP = "SUDDEN_HARDSHIP"


class RiskType(StrEnum):
    LOW_INCOME = "LOW_INCOME"
    INCOME_DROP = "INCOME_DROP"
    ILLNESS = "ILLNESS"
    DISABILITY = "DISABILITY"
    DISASTER = "DISASTER"
    ACCIDENT = "ACCIDENT"
    SCHOOLING_COSTS = "SCHOOLING_COSTS"
    OTHER = "OTHER"


class RemovalReason(StrEnum):
    RISK_REMOVED = "RISK_REMOVED"
    RETURNED_TO_POVERTY = "RETURNED_TO_POVERTY"
    DEREGISTERED = "DEREGISTERED"


# The status a group needs the household to have (the others: any on file).
GROUP_STATUS: dict[MonitoringGroup, HouseholdStatus] = {
    MonitoringGroup.UNSTABLE_EXITED: HouseholdStatus.EXITED,
    MonitoringGroup.BORDERLINE: HouseholdStatus.BORDERLINE,
}
# The groups returnToPoverty closes (the household's risk came true).
CLOSED_BY_RETURN = (MonitoringGroup.UNSTABLE_EXITED, MonitoringGroup.BORDERLINE)

# --- reads ------------------------------------------------------------------------

declare(
    "MonitoringRecord",
    ("r",),
    {
        "id": Value("{r}.id"),
        "group": Value("{r}.group"),
        "riskTypes": Value("coalesce({r}.riskTypes, [])"),
        "startedOn": Value("{r}.startedOn", Kind.DATE),
        "removedOn": Value("{r}.removedOn", Kind.DATE),
        "removalReason": Value("{r}.removalReason"),
        "open": Value("{r}.removedOn IS NULL"),
        "note": Value("{r}.note", mask=Mask.HIDDEN),
        "createdAt": Value("{r}.createdAt", Kind.DATETIME),
    },
)

extend(
    "Household",
    {
        "monitoring": RelEntry(
            "MonitoringRecord",
            f"MATCH ({{r}}:{Label.MONITORING_RECORD})-[:{Rel.MONITORS}]->({{h}})",
            order="{r}.startedOn DESC, {r}.createdAt DESC, {r}.id DESC",
            limit=Limit("first", 5, MONITORING_MAX),
        ),
    },
)


def open_on(r: str, day: str) -> str:
    """Monitoring record `r` was open on `day` (Cypher): started by then, not removed
    by then."""
    return f"{r}.startedOn <= {day} AND ({r}.removedOn IS NULL OR {r}.removedOn > {day})"


# --- bulk: the migration, the seeds -----------------------------------------------

MIGRATE_MONITORED = f"""
MATCH (h:Household) WHERE h.monitored = true AND NOT {MONITORED}
CALL (h) {{
  CREATE (:{Label.MONITORING_RECORD} {{id: randomUUID(),
          group: CASE WHEN h.status = '{HouseholdStatus.EXITED}'
                      THEN '{MonitoringGroup.UNSTABLE_EXITED}'
                      ELSE '{MonitoringGroup.SUDDEN_HARDSHIP}' END,
          riskTypes: ['{RiskType.OTHER}'],
          startedOn: coalesce(h.statusSince, h.registrationDate, date()),
          createdAt: datetime()}})-[:{Rel.MONITORS}]->(h)
}} IN TRANSACTIONS OF 10000 ROWS
"""
"""Migration 13: every household stored `monitored: true` without an open record gets
one (EXITED: UNSTABLE_EXITED, else SUDDEN_HARDSHIP; [OTHER]; from its statusSince).
Its `monitored` stays true, now derived from the record."""

UPSERT_MONITORING = f"""
UNWIND $rows AS row
MATCH (h:Household {{code: row.householdCode}})
MERGE (r:{Label.MONITORING_RECORD} {{id: row.id}})
SET r.group = row.group, r.riskTypes = row.riskTypes, r.startedOn = row.startedOn,
    r.removedOn = row.removedOn, r.removalReason = row.removalReason, r.note = row.note,
    r.createdAt = coalesce(r.createdAt, datetime())
MERGE (r)-[:{Rel.MONITORS}]->(h)
"""


async def upsert_monitoring(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE monitoring records by id ({id, householdCode, group, riskTypes, startedOn,
    removedOn, removalReason, note}); the households' `monitored` follows at
    refresh_households."""
    await tx.run(UPSERT_MONITORING, {"rows": [dict(r) for r in rows]})


# --- writes -----------------------------------------------------------------------

OPEN_RECORD = (
    f"MATCH (r:{Label.MONITORING_RECORD})-[:{Rel.MONITORS}]->(:Household {{code: $code}}) "
    "WHERE r.removedOn IS NULL "
    "RETURN r.id AS id, r.group AS group, r.startedOn AS startedOn LIMIT 1"
)

CREATE_RECORD = (
    "MATCH (h:Household {code: $code}) "
    f"CREATE (r:{Label.MONITORING_RECORD} {{id: $id}})-[:{Rel.MONITORS}]->(h) "
    "SET r.group = $group, r.riskTypes = $riskTypes, r.startedOn = $startedOn, "
    "r.note = $note, r.createdAt = datetime()"
)

CLOSE_RECORD = (
    f"MATCH (r:{Label.MONITORING_RECORD} {{id: $id}}) "
    "SET r.removedOn = CASE WHEN r.startedOn > $on THEN r.startedOn ELSE $on END, "
    "r.removalReason = $reason RETURN r.removedOn AS removedOn"
)


def check_risk_types(values: Sequence[str], field: str) -> list[str]:
    """1-4 distinct risk types, in RiskType's order."""
    given = {str(getattr(v, "value", v)) for v in values}
    if not 1 <= len(given) <= RISK_TYPES_MAX:
        raise BadUserInput(f"give 1-{RISK_TYPES_MAX} distinct risk types", field=field)
    return [r.value for r in RiskType if r.value in given]


def _opened(record_id: str, group: str, risks: Sequence[str], on: dt.date) -> dict[str, Any]:
    return {
        "record": record_id,
        "group": group,
        "riskTypes": list(risks),
        "startedOn": on.isoformat(),
    }


async def close_open(
    w: Write, code: str, reason: RemovalReason, on: dt.date, groups: Sequence[str] | None = None
) -> str | None:
    """Close household `code`'s open record (of `groups` only, when given) on `on` (its
    startedOn if later) with `reason`, in the caller's write frame (the household
    locked): the record's id, or None when none was open. Recorded on the household."""
    record = await w.tx.single(OPEN_RECORD, {"code": code})
    if record is None or (groups is not None and record["group"] not in groups):
        return None
    closed = await w.tx.single(CLOSE_RECORD, {"id": record["id"], "on": on, "reason": reason.value})
    removed = closed["removedOn"].to_native() if closed else on
    w.changed(
        Entity.HOUSEHOLD,
        code,
        [{"field": "monitored", "before": True, "after": False},
         {"field": "monitoring", "before": {"record": record["id"], "removedOn": None},
          "after": {"record": record["id"], "removedOn": removed.isoformat(),
                    "removalReason": reason.value}}],
    )  # fmt: skip
    return str(record["id"])


async def start_monitoring(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    code: str,
    group: MonitoringGroup,
    risk_types: Sequence[str],
    started_on: dt.date,
    note: str | None,
) -> dict[str, Any]:
    """Open a monitoring record of household `code`: {id, code}. NOT_FOUND out of scope;
    CONFLICT when deregistered or a record is open (input.householdCode);
    BAD_USER_INPUT when the group needs another status (input.group) or the day is
    before the registration (input.startedOn). monitored becomes true; version + 1."""

    async def work(w: Write) -> dict[str, Any]:
        state = await w.household(code)
        needed = GROUP_STATUS.get(group)
        if needed is not None and state["status"] != needed:
            raise BadUserInput(
                f"{group.value} monitoring is for {needed.value} households", field="input.group"
            )
        check_after_registration(state, started_on, "input.startedOn")
        if await w.tx.single(OPEN_RECORD, {"code": code}) is not None:
            raise Conflict("the household is already monitored", field="input.householdCode")
        record_id = str(uuid.uuid4())
        await w.tx.run(
            CREATE_RECORD,
            {"code": code, "id": record_id, "group": group.value, "riskTypes": list(risk_types),
             "startedOn": started_on, "note": note},
        )  # fmt: skip
        w.changed(
            Entity.HOUSEHOLD,
            code,
            [{"field": "monitored", "before": False, "after": True},
             {"field": "monitoring", "before": None,
              "after": _opened(record_id, group.value, risk_types, started_on)}],
        )  # fmt: skip
        return {"id": record_id, "code": code}

    return await write(db, actor, mutation, work)


async def end_monitoring(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    code: str,
    removed_on: dt.date,
    reason: RemovalReason,
) -> dict[str, Any]:
    """Close household `code`'s open record on `removed_on` with `reason` (only
    RISK_REMOVED: the others are returnToPoverty's and deregisterHousehold's):
    {id, code}. NOT_FOUND out of scope; CONFLICT when none is open; BAD_USER_INPUT
    before the record started (input.removedOn). monitored becomes false; version + 1."""
    if reason is not RemovalReason.RISK_REMOVED:
        raise BadUserInput(
            "RETURNED_TO_POVERTY and DEREGISTERED are set by returnToPoverty and "
            "deregisterHousehold",
            field="input.reason",
        )

    async def work(w: Write) -> dict[str, Any]:
        await w.household(code)
        record = await w.tx.single(OPEN_RECORD, {"code": code})
        if record is None:
            raise Conflict("the household is not monitored", field="input.householdCode")
        if removed_on < record["startedOn"].to_native():
            raise BadUserInput("the date is before the monitoring began", field="input.removedOn")
        closed = await close_open(w, code, reason, removed_on)
        return {"id": closed, "code": code}

    return await write(db, actor, mutation, work)


def _record_id(request: Request) -> str:
    return check_record_id(str(request.args["id"]), "id")


@root("MonitoringRecord#id")
def plan_record(field: Field, view: View, shape: Any) -> Plan:
    """A monitoring record by id (mutation payloads), when its household is in scope;
    a seek on monitoring_record_id."""
    return seek(
        field,
        view,
        ("id", _record_id),
        f"MATCH (r:{Label.MONITORING_RECORD} {{{{id: {{key}}}}}})-[:{Rel.MONITORS}]->(h:Household)",
        (Access.HOUSEHOLD, "h"),
        ("MonitoringRecord", {"r": "r"}),
    )
