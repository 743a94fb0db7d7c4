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

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from graph.db import Tx
from graph.derived import MONITORED
from graph.household import HouseholdStatus
from graph.model import Label, Rel
from graph.readmap import Kind, Limit, Mask, Value, declare, extend
from graph.readmap import Rel as RelEntry

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
