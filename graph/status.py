"""A household's status history (DOMAIN.md section 6): every change of its status is a
StatusChange, and the status on a date is the `to` of the latest change on or before
it (null before the first). Written once for the API, the seeds and the migration.

    registerHousehold     null -> its status, on its registration date  REGISTERED
    migration 11          null -> its status, 1 January of registrationYear  BACKFILLED
    assessExit (passed)   REGISTERED | RETURNED -> EXITED, on the assessment's date
    returnToPoverty       EXITED -> RETURNED, BORDERLINE -> REGISTERED, with its cause
    deregisterHousehold   -> DEREGISTERED, on the deregistration date

Changes never go back in time: each is dated on or after the household's statusSince.
statusSince (the latest change's date) and exitYear (the latest passed assessment's
year, kept after a return) are derived (`refresh_status`) in the transaction that
writes the change; bulk writers run the same statement.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from graph.compiler import Compiler, Post
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict
from graph.household import REGISTRATION_FROM_YEAR, HouseholdStatus, PovertyCause
from graph.model import Label, Rel
from graph.monitoring import CLOSED_BY_RETURN, RemovalReason, close_open
from graph.readmap import Custom, Field, Kind, Limit, Value, declare, extend
from graph.readmap import Rel as RelEntry
from graph.validation import check_date
from graph.write import Actor, Entity, Mutation, Write, write

HISTORY_MAX = 100

# returnToPoverty: an EXITED household is RETURNED, a BORDERLINE one REGISTERED.
RETURNS_TO = {
    HouseholdStatus.EXITED: HouseholdStatus.RETURNED,
    HouseholdStatus.BORDERLINE: HouseholdStatus.REGISTERED,
}


class StatusReason(StrEnum):
    REGISTERED = "REGISTERED"
    BACKFILLED = "BACKFILLED"
    EXIT_ASSESSMENT = "EXIT_ASSESSMENT"
    RETURN_TO_POVERTY = "RETURN_TO_POVERTY"
    DEREGISTERED = "DEREGISTERED"


# --- reads ------------------------------------------------------------------------

declare(
    "StatusChange",
    ("s",),
    {
        "id": Value("{s}.id"),
        "from": Value("{s}.`from`"),
        "to": Value("{s}.`to`"),
        "on": Value("{s}.on", Kind.DATE),
        "reason": Value("{s}.reason"),
        "cause": Value("{s}.cause"),
        "assessment": RelEntry(
            "Assessment",
            f"MATCH ({{s}})-[:{Rel.DECIDED_BY}]->({{a}}:{Label.ASSESSMENT})",
            single=True,
        ),
    },
)


def latest_change(h: str, day: str, var: str) -> str:
    """The `to` of household `h`'s latest change dated on or before `day` (Cypher), or
    null: its few changes, newest first."""
    return (
        f"COLLECT {{ MATCH ({var}:{Label.STATUS_CHANGE})-[:{Rel.STATUS_OF}]->({h}) "
        f"WHERE {var}.on <= {day} RETURN {var}.`to` ORDER BY {var}.on DESC, {var}.seq DESC "
        "LIMIT 1 }[0]"
    )


def _status_on(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    """Household.statusOn(date): the status it had on that date (null before the first
    change); today's when no date is given."""
    given = f.args.get("date")
    day = c.b.today() if given is None else c.b.const(check_date(given, "date"))
    return latest_change(row["h"], day, c.b.var("s"))


extend(
    "Household",
    {
        "statusSince": Value("{h}.statusSince", Kind.DATE),
        "exitYear": Value("{h}.exitYear"),
        "statusHistory": RelEntry(
            "StatusChange",
            f"MATCH ({{s}}:{Label.STATUS_CHANGE})-[:{Rel.STATUS_OF}]->({{h}})",
            order="{s}.on, {s}.seq",
            limit=Limit("first", 20, HISTORY_MAX),
        ),
        "statusOn": Custom(_status_on),
    },
)

# --- writes -----------------------------------------------------------------------

RECORD_STATUS = f"""
MATCH (h:Household {{code: $code}})
WITH h, COUNT {{ (:{Label.STATUS_CHANGE})-[:{Rel.STATUS_OF}]->(h) }} AS before
CREATE (s:{Label.STATUS_CHANGE} {{id: $id, `from`: $from, `to`: $to, on: $on, reason: $reason,
                                  cause: $cause, seq: before + 1, createdAt: datetime()}})
       -[:{Rel.STATUS_OF}]->(h)
SET h.status = $to
WITH s CALL (s) {{
  MATCH (a:{Label.ASSESSMENT} {{id: $assessment}}) CREATE (s)-[:{Rel.DECIDED_BY}]->(a)
}}
"""

REFRESH_STATUS = f"""
UNWIND $codes AS code
MATCH (h:Household {{code: code}})
SET h.statusSince = COLLECT {{
      MATCH (s:{Label.STATUS_CHANGE})-[:{Rel.STATUS_OF}]->(h)
      RETURN s.on ORDER BY s.on DESC, s.seq DESC LIMIT 1 }}[0],
    h.exitYear = COLLECT {{
      MATCH (a:{Label.ASSESSMENT})-[:{Rel.ASSESSES}]->(h) WHERE a.passed
      RETURN a.year ORDER BY a.date DESC, a.year DESC LIMIT 1 }}[0]
"""


async def refresh_status(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute statusSince and exitYear of the households (a seek per code, then
    their few changes and assessments)."""
    await tx.run(REFRESH_STATUS, {"codes": list(codes)})


async def record_status(
    tx: Tx,
    code: str,
    *,
    before: str | None,
    to: str,
    on: dt.date,
    reason: StatusReason,
    cause: str | None = None,
    assessment: str | None = None,
) -> str:
    """Write a StatusChange of household `code` (its status becomes `to`) and refresh
    its statusSince and exitYear: the change's id."""
    change_id = str(uuid.uuid4())
    await tx.run(
        RECORD_STATUS,
        {"code": code, "id": change_id, "from": before, "to": to, "on": on,
         "reason": reason.value, "cause": cause, "assessment": assessment},
    )  # fmt: skip
    await refresh_status(tx, [code])
    return change_id


STATUS_SINCE = "MATCH (h:Household {code: $code}) RETURN h.statusSince AS since"


async def check_not_before_status(tx: Tx, code: str, day: dt.date, field: str) -> None:
    """BAD_USER_INPUT unless `day` is on or after the household's statusSince: a
    status change never goes back before the one in force."""
    record = await tx.single(STATUS_SINCE, {"code": code})
    since = record["since"] if record else None
    if since is not None and day < since.to_native():
        raise BadUserInput(
            f"the date is before the household's current status began ({since.iso_format()})",
            field=field,
        )


async def return_to_poverty(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    code: str,
    expected_version: int | None,
    on: dt.date,
    cause: PovertyCause,
) -> dict[str, Any]:
    """EXITED -> RETURNED (BORDERLINE -> REGISTERED) on `on` with its cause: {code}.
    NOT_FOUND out of scope; CONFLICT when deregistered, neither EXITED nor BORDERLINE
    (input.householdCode) or on a stale version; BAD_USER_INPUT (input.date) before
    statusSince. An open UNSTABLE_EXITED or BORDERLINE monitoring record closes,
    RETURNED_TO_POVERTY (graph/monitoring.py). Version + 1; recorded on the household
    (status, statusHistory, monitoring)."""

    async def work(w: Write) -> dict[str, Any]:
        state = await w.household(code, expected_version=expected_version)
        before = state["status"]
        if before not in RETURNS_TO:
            raise Conflict(
                "only an EXITED or BORDERLINE household returns to poverty",
                field="input.householdCode",
            )
        to = RETURNS_TO[HouseholdStatus(before)]
        await check_not_before_status(w.tx, code, on, "input.date")
        await record_status(
            w.tx, code, before=before, to=to, on=on,
            reason=StatusReason.RETURN_TO_POVERTY, cause=cause.value,
        )  # fmt: skip
        w.changed(
            Entity.HOUSEHOLD,
            code,
            [{"field": "status", "before": before, "after": to.value},
             {"field": "statusHistory", "before": None,
              "after": {"to": to.value, "on": on.isoformat(),
                        "reason": StatusReason.RETURN_TO_POVERTY.value, "cause": cause.value}}],
        )  # fmt: skip
        await close_open(
            w, code, RemovalReason.RETURNED_TO_POVERTY, on, [g.value for g in CLOSED_BY_RETURN]
        )
        return {"code": code}

    return await write(db, actor, mutation, work)


# --- bulk: the migration, the seeds ------------------------------------------------

BACKFILL_FIRST = f"""
CREATE (:{Label.STATUS_CHANGE} {{id: randomUUID(),
        `to`: coalesce(h.statusBeforeDeregistration, h.status),
        on: {REGISTRATION_FROM_YEAR}, reason: '{StatusReason.BACKFILLED}', seq: 1,
        createdAt: datetime()}})-[:{Rel.STATUS_OF}]->(h)
WITH h WHERE h.deregisteredOn IS NOT NULL
CREATE (:{Label.STATUS_CHANGE} {{id: randomUUID(),
        `from`: coalesce(h.statusBeforeDeregistration, h.status), `to`: h.status,
        on: h.deregisteredOn, reason: '{StatusReason.DEREGISTERED}', seq: 2,
        createdAt: datetime()}})-[:{Rel.STATUS_OF}]->(h)
"""
"""For household `h` without a history: {null -> its status, 1 January of its
registration year, BACKFILLED}; a deregistered one the status it had before, then
{-> DEREGISTERED on its deregistration date}. statusSince follows (REFRESH_STATUS)."""

WITHOUT_HISTORY = f"NOT EXISTS {{ (:{Label.STATUS_CHANGE})-[:{Rel.STATUS_OF}]->(h) }}"

UPSERT_STATUS_CHANGES = f"""
UNWIND $rows AS row
MATCH (h:Household {{code: row.householdCode}})
MERGE (s:{Label.STATUS_CHANGE} {{id: row.id}})
SET s.`from` = row.`from`, s.`to` = row.`to`, s.on = row.on, s.reason = row.reason,
    s.cause = row.cause, s.seq = row.seq, s.createdAt = coalesce(s.createdAt, datetime())
MERGE (s)-[:{Rel.STATUS_OF}]->(h)
WITH s, row WHERE row.assessmentId IS NOT NULL
MATCH (a:{Label.ASSESSMENT} {{id: row.assessmentId}})
MERGE (s)-[:{Rel.DECIDED_BY}]->(a)
"""


async def upsert_status_changes(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE status changes by id ({id, householdCode, from, to, on, reason, cause, seq,
    assessmentId}; assessments first), then refresh their households."""
    await tx.run(UPSERT_STATUS_CHANGES, {"rows": list(rows)})
    await refresh_status(tx, sorted({str(r["householdCode"]) for r in rows}))
