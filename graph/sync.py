"""The field app's offline sync (issue 22): visits, measures (supplies are measures of
category SUPPLIES) and incomes recorded on a phone without reception, sent later in a
batch of 1-100, none lost and none doubled.

    syncFieldRecords(deviceId, records)
      one read        which clientIds are stored already (a seek each on the unique
                      ClientMutation id): by the caller, DUPLICATE with the stored id;
                      by another subject, for another request or kind: REJECTED CONFLICT
      per record, in input order, each in its own transaction, one failing never
      stopping the others:
        the checks the single mutation's input gets (api/visits.py, api/measures.py,
        api/incomes.py: the same code), recordedAt no more than 5 minutes ahead of
        the server, then the single mutation's graph function (graph/visit.py,
        graph/measure.py, graph/income.py) in the write frame, with the record's
        clientId as its clientMutationId: the same rules, the same statements, the
        same change records (operation syncFieldRecords)
    syncStatus(clientIds)   the caller's own stored records: STORED with the id, or UNKNOWN

Pairing at the time: a field official's record is written in the scope of the pairings
they held on its date (a visit's or measure's date; recordedAt's day, in CST, for an
income), ended ones included (`Scope.paired_on`), when that date lies within the last
30 days; otherwise it answers NOT_FOUND, as if the household did not exist. Region
officers and ADMIN keep their own scope.

Each stored record keeps recordedAt (the phone's clock), receivedAt (the server's, one
for the batch) and deviceId.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from graph.client_mutation import request_digest, stored_result
from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.db import Database
from graph.errors import BadUserInput, FupinError, NotFound
from graph.model import Label
from graph.readmap import Field, Value, declare
from graph.validation import CST, EARLIEST_DATE
from graph.write import Actor, Mutation

OPERATION = "syncFieldRecords"
BATCH = (1, 100)
KINDS = ("visit", "measure", "income")
WINDOW = dt.timedelta(days=30)
CLOCK_AHEAD = dt.timedelta(minutes=5)
# Times are stored with a fixed offset: the driver crashes on a zoneinfo time zone
# (ZoneInfo.utcoffset is handed its own DateTime) and on dateutil's tzoffset, which the
# DateTime scalar's parser gives.
CST_OFFSET = dt.timezone(dt.timedelta(hours=8))


class SyncOutcome(StrEnum):
    STORED = "STORED"
    DUPLICATE = "DUPLICATE"
    REJECTED = "REJECTED"


class SyncState(StrEnum):
    STORED = "STORED"
    UNKNOWN = "UNKNOWN"


# The single mutation's graph function, bound to its checked input: (actor, mutation,
# stamp) -> its result ({id, ...}).
Writer = Callable[[Actor, Mutation, Mapping[str, Any]], Awaitable[Mapping[str, Any]]]


@dataclass(frozen=True)
class FieldRecord:
    """One record of a batch after the single mutation's own input checks: `write` runs
    its graph function, or `refused` is the error those checks raised (with the single
    mutation's field names, `input.date`). `day` is the date its pairing is judged on
    (None: recordedAt's day); `request` its normalised input, for the digest."""

    kind: str
    client_id: str
    recorded_at: dt.datetime
    request: Mapping[str, Any]
    day: dt.date | None = None
    write: Writer | None = None
    refused: FupinError | None = None


@dataclass(frozen=True)
class SyncResult:
    client_id: str
    status: SyncOutcome
    code: str | None = None
    field: str | None = None
    message: str | None = None
    id: str | None = None


def check_batch(device_id: str, count: int) -> None:
    """The batch's own shape: BAD_USER_INPUT on input.deviceId or input.records."""
    if not (8 <= len(device_id) <= 64 and device_id.isascii()) or not all(
        c.isalnum() or c in "-_" for c in device_id
    ):
        raise BadUserInput("deviceId must be 8-64 letters, digits, - or _", field="input.deviceId")
    low, high = BATCH
    if not low <= count <= high:
        raise BadUserInput(f"send {low} to {high} records in a batch", field="input.records")


def check_recorded_at(value: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The phone's clock, with its offset (none: China Standard Time); no more than 5
    minutes ahead of the server's."""
    offset = value.utcoffset()
    recorded = value.replace(tzinfo=CST_OFFSET if offset is None else dt.timezone(offset))
    if recorded > now + CLOCK_AHEAD:
        raise BadUserInput(
            "recordedAt is more than 5 minutes ahead of the server's clock",
            field="input.recordedAt",
        )
    if recorded.astimezone(CST).date() < EARLIEST_DATE:
        raise BadUserInput("recordedAt is before 1900", field="input.recordedAt")
    return recorded


def field_at(index: int, kind: str, field: str | None) -> str | None:
    """A single mutation's field name (`input.date`) as the batch's
    (`records[3].visit.date`); its clientMutationId is the record's clientId."""
    if field is None or not field.startswith("input."):
        return field
    name = field.removeprefix("input.")
    return f"records[{index}].{kind}.{'clientId' if name == 'clientMutationId' else name}"


STORED_CLAIMS = (
    f"UNWIND $ids AS id MATCH (c:{Label.CLIENT_MUTATION} {{id: id}}) "
    "WHERE c.result IS NOT NULL "
    "RETURN c.id AS id, c.kind AS kind, c.subject AS subject, c.digest AS digest, "
    "c.result AS result"
)


async def sync_records(
    db: Database,
    actor: Actor,
    device_id: str,
    records: Sequence[FieldRecord],
    now: dt.datetime,
) -> list[SyncResult]:
    """Store the batch (`check_batch` passed): a SyncResult per record, in input order.

    Costs one read for the whole batch, then per new record the single mutation's
    fixed statements in a transaction of its own; a duplicate costs nothing more, and
    nothing is read back."""
    found = await db.read(STORED_CLAIMS, {"ids": sorted({r.client_id for r in records})})
    stored: dict[str, Mapping[str, Any]] = {str(r["id"]): dict(r) for r in found}
    stamp = {"receivedAt": now.astimezone(CST_OFFSET), "deviceId": device_id}
    today = now.astimezone(CST).date()
    results = []
    for index, record in enumerate(records):
        mutation = Mutation(OPERATION, record.client_id, {record.kind: record.request})
        digest = request_digest({record.kind: record.request})
        try:
            earlier = stored.get(record.client_id)
            if earlier is not None:
                result = stored_result(earlier, OPERATION, actor.subject, digest)
                results.append(SyncResult(record.client_id, SyncOutcome.DUPLICATE, id=result["id"]))
                continue
            result = await _write(actor, mutation, record, {**stamp}, now, today)
        except FupinError as error:
            results.append(
                SyncResult(
                    record.client_id,
                    SyncOutcome.REJECTED,
                    code=error.code,
                    field=field_at(index, record.kind, error.field),
                    message=error.message,
                )
            )
            continue
        stored[record.client_id] = {
            "subject": actor.subject, "kind": OPERATION, "digest": digest,
            "result": json.dumps(dict(result)),
        }  # fmt: skip
        results.append(SyncResult(record.client_id, SyncOutcome.STORED, id=str(result["id"])))
    return results


async def _write(
    actor: Actor,
    mutation: Mutation,
    record: FieldRecord,
    stamp: dict[str, Any],
    now: dt.datetime,
    today: dt.date,
) -> Mapping[str, Any]:
    """One new record: refused by its input checks, by its clock, by the pairing of
    its day; else written by its single mutation's graph function."""
    if record.refused is not None:
        raise record.refused
    assert record.write is not None
    recorded_at = check_recorded_at(record.recorded_at, now)
    day = record.day or recorded_at.astimezone(CST).date()
    scope = actor.scope.paired_on(day)
    if scope.on is not None and day < today - WINDOW:
        raise NotFound("no such household", field="input.householdCode")
    stamp["recordedAt"] = recorded_at
    return await record.write(replace(actor, scope=scope), mutation, stamp)


# --- syncStatus -----------------------------------------------------------------------

declare(
    "SyncStatus",
    ("k", "c"),
    {
        "clientId": Value("{k}"),
        "status": Value(
            f"CASE WHEN {{c}} IS NULL THEN '{SyncState.UNKNOWN}' ELSE '{SyncState.STORED}' END"
        ),
        "id": Value("{c}.resultId"),
    },
)


def _client_ids(request: Request) -> list[str]:
    ids = [str(v) for v in request.args["clientIds"]]
    low, high = BATCH
    if not low <= len(ids) <= high:
        raise BadUserInput(f"ask for {low} to {high} clientIds", field="clientIds")
    return ids


@root("syncStatus")
def plan_sync_status(field: Field, view: View, shape: Any) -> Plan:
    """syncStatus(clientIds): for each id, in order, the caller's own stored field
    record (by their token subject) or UNKNOWN; a seek each on the unique
    ClientMutation id."""
    b = Binder()
    post = Post(field=field)
    ids, subject, kind = b.slot("clientIds", _client_ids), b.subject(), b.const(OPERATION)
    node = Compiler(view, b).project("SyncStatus", {"k": "k", "c": "c"}, field.fields, post)
    cypher = (
        f"RETURN COLLECT {{ UNWIND range(0, size({ids}) - 1) AS i WITH i, {ids}[i] AS k "
        f"OPTIONAL MATCH (c:{Label.CLIENT_MUTATION} {{id: k}}) "
        f"WHERE c.subject = {subject} AND c.kind = {kind} AND c.resultId IS NOT NULL "
        f"RETURN {node} ORDER BY i LIMIT {BATCH[1]} }} AS data"
    )
    return plan(cypher, b, post)
