"""The field app's offline sync: syncFieldRecords and syncStatus. Thin: each record is
checked by its single mutation's own code (api/visits.py, api/measures.py,
api/incomes.py) and the batch is graph/sync.py's; syncStatus compiles (graph/sync.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import strawberry

from api.auth import FIELD_APP_USERS, policy
from api.context import Context
from api.execution import resolve_root
from api.incomes import FieldIncomeInput, checked_income
from api.measures import FieldMeasureInput, checked_measure
from api.types.sync import SyncFieldRecordsPayload, SyncResult, SyncStatus
from api.visits import FieldVisitInput, checked_visit
from api.writes import UNSET, Checked, actor, request
from graph import sync as graph_sync
from graph import validation as check
from graph.errors import FupinError
from graph.sync import FieldRecord


@strawberry.input(
    one_of=True,
    description="One record made on the phone: exactly one of a visit, a measure (supplies "
    "are SUPPLIES) or a year's income.",
)
class FieldRecordInput:
    visit: FieldVisitInput | None = UNSET
    measure: FieldMeasureInput | None = UNSET
    income: FieldIncomeInput | None = UNSET


@strawberry.input
class SyncFieldRecordsInput:
    device_id: str = strawberry.field(
        description="The phone's own id: 8-64 letters, digits, - or _; kept on every record."
    )
    records: list[FieldRecordInput] = strawberry.field(description="1-100, stored in order.")


Check = Callable[[strawberry.Info[Context, None], Any], Checked]
CHECKS: dict[str, Check] = {
    "visit": checked_visit,
    "measure": checked_measure,
    "income": checked_income,
}


def field_record(info: strawberry.Info[Context, None], record: FieldRecordInput) -> FieldRecord:
    """The record checked by its single mutation's own code; a refusal is kept for its
    turn (a duplicate answers DUPLICATE before its input is judged again)."""
    kind = next(k for k in graph_sync.KINDS if getattr(record, k) not in (None, UNSET))
    value = getattr(record, kind)
    given = (kind, value.client_mutation_id, value.recorded_at, request(value))
    try:
        check.check_client_mutation_id(value.client_mutation_id)
        checked = CHECKS[kind](info, value)
    except FupinError as error:
        return FieldRecord(*given, refused=error)
    return FieldRecord(*given, day=checked.day, write=checked.write)


def answer(result: graph_sync.SyncResult) -> SyncResult:
    stored = None if result.id is None else strawberry.ID(result.id)
    return SyncResult(
        client_id=result.client_id,
        status=result.status,
        code=result.code,
        field=result.field,
        message=result.message,
        id=stored,
    )


@strawberry.type
class SyncMutation:
    @strawberry.mutation(
        description="Store the records a phone made offline, each in its own transaction "
        "and by the rules of its own mutation (recordVisit, recordMeasure, recordIncome), "
        "one failing never stopping the others: a result per record, in order. A clientId "
        "stored before by the caller is DUPLICATE (nothing written), by anyone else "
        "CONFLICT. A field official's record counts under the pairing they held on its "
        "date (an income's: recordedAt's day), ended since or not, within the last 30 "
        "days. Cost: one read for the batch, then a fixed number of statements per new "
        "record (its mutation's); nothing is read back. The operation itself fails only "
        "for a malformed batch (deviceId, 1-100 records).",
        permission_classes=[policy(*FIELD_APP_USERS)],
    )
    async def sync_field_records(
        self, info: strawberry.Info[Context, None], input: SyncFieldRecordsInput
    ) -> SyncFieldRecordsPayload:
        graph_sync.check_batch(input.device_id, len(input.records))
        records = [field_record(info, r) for r in input.records]
        results = await graph_sync.sync_records(
            info.context.db, actor(info), input.device_id, records, dt.datetime.now(check.CST)
        )
        return SyncFieldRecordsPayload(results=[answer(r) for r in results])


@strawberry.type
class SyncQuery:
    @strawberry.field(
        description="For each clientId (1-100), in order: STORED with the id if the caller "
        "stored a field record with it (syncFieldRecords), else UNKNOWN. Only the caller's "
        "own records count: another caller's clientId is UNKNOWN.",
        permission_classes=[policy(*FIELD_APP_USERS)],
    )
    async def sync_status(
        self, info: strawberry.Info[Context, None], client_ids: list[str]
    ) -> list[SyncStatus]:
        return await resolve_root(info)  # type: ignore[no-any-return]
