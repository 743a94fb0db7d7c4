"""Client mutation ids: a phone's retry of a mutation writes nothing twice.

A `(:ClientMutation {id, kind, subject, digest, result, resultId, createdAt})` node is claimed,
the change made and the result settled in one transaction (graph/write.py). A retry is
the same request: the same id, caller, kind of mutation and input (the digest). The
same id with another input is a client bug and answers CONFLICT, with nothing written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from graph.db import Tx
from graph.errors import Conflict

FIELD = "input.clientMutationId"


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):  # 60, 60.0 and 60.00 are the same amount
        return format(value.normalize(), "f")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"no canonical form for {type(value).__name__}")


def request_digest(request: Mapping[str, Any]) -> str:
    """The SHA-256 of the request's canonical JSON (keys sorted, enums by value, dates
    ISO 8601): equal for equal input however it was sent. `request` is the normalised
    input without its clientMutationId. Decimals are written without trailing zeros.
    Only the digest is stored, never the input."""
    text = json.dumps(
        _canonical(request), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


async def claim_client_mutation(
    tx: Tx,
    client_mutation_id: str | None,
    kind: str,
    subject: str | None = None,
    digest: str | None = None,
) -> Any:
    """The stored result of an earlier mutation with this id, or None when it is new.

    MERGE on the unique id: a concurrent retry waits for the first to commit, then
    sees its result. A new id is recorded now, with the caller's `subject` (the
    principal's token subject) and the request's `digest`, and settled by
    `settle_client_mutation` in the same transaction, so a failed mutation leaves no
    id behind. A settled id is CONFLICT for another subject (another caller's retry
    never sees the stored result), another kind of mutation or another request.
    """
    if client_mutation_id is None:
        return None
    record = await tx.single(
        "MERGE (c:ClientMutation {id: $id}) "
        "ON CREATE SET c.kind = $kind, c.subject = $subject, c.digest = $digest, "
        "c.createdAt = datetime() "
        "RETURN c.kind AS kind, c.subject AS subject, c.digest AS digest, c.result AS result",
        {"id": client_mutation_id, "kind": kind, "subject": subject, "digest": digest},
    )
    assert record is not None
    if record["result"] is None:
        return None
    return stored_result(record, kind, subject, digest)


def stored_result(
    record: Mapping[str, Any], kind: str, subject: str | None, digest: str | None
) -> Any:
    """The result of a settled claim (`record`: its kind, subject, digest and result)
    for a retry by `subject` of a `kind` request with `digest`; CONFLICT (on FIELD) when
    it is not the same caller, kind of mutation and request."""
    if record["subject"] != subject:
        raise Conflict("this clientMutationId was already used", field=FIELD)
    if record["kind"] != kind:
        raise Conflict(
            "this clientMutationId was already used for another kind of change", field=FIELD
        )
    # An id claimed before digests were stored has none: its retry is taken as the
    # same request, as it was then (nothing better is known).
    if record["digest"] is not None and digest is not None and record["digest"] != digest:
        raise Conflict("this clientMutationId was used for a different request", field=FIELD)
    return json.loads(record["result"])


async def settle_client_mutation(tx: Tx, client_mutation_id: str | None, result: Any) -> None:
    if client_mutation_id is None:
        return
    # The result's id on its own too: what syncStatus answers (graph/sync.py).
    entity = result.get("id") if isinstance(result, Mapping) else None
    await tx.run(
        "MATCH (c:ClientMutation {id: $id}) SET c.result = $result, c.resultId = $resultId",
        {"id": client_mutation_id, "result": json.dumps(result), "resultId": entity},
    )
