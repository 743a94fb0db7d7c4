"""The field app's offline sync (graph/sync.py): what a batch answers per record, and
the caller's stored records by clientId.

SyncStatus is a declaration only: the values come from the compiled statement."""

from __future__ import annotations

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from graph.sync import SyncOutcome, SyncState


@strawberry.type(description="What became of one field record, in the batch's order.")
class SyncResult:
    client_id: str
    status: SyncOutcome
    code: str | None = strawberry.field(
        description="REJECTED: the error code the single mutation gives (BAD_USER_INPUT, "
        "NOT_FOUND, CONFLICT, FORBIDDEN); DATABASE_UNAVAILABLE: the outcome is unknown, send "
        "the record again (a stored one answers DUPLICATE)."
    )
    field: str | None = strawberry.field(
        description="REJECTED: the input at fault, within the batch: records[3].visit.date."
    )
    message: str | None
    id: strawberry.ID | None = strawberry.field(
        description="STORED and DUPLICATE: the stored record's id (a visit's, a measure's, "
        "an income record's)."
    )


@strawberry.type(description="The answer to a batch: one result per record, in order.")
class SyncFieldRecordsPayload:
    results: list[SyncResult]


@strawberry.type(description="Whether the caller's record with a clientId is stored.")
class SyncStatus:
    client_id: str
    status: SyncState
    id: strawberry.ID | None = strawberry.field(description="The stored record's id.")
