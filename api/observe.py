"""What each request leaves behind: a request id, one access line, its metrics, and a
warning for each slow statement.

    Observe            ASGI, outermost: the request id (a valid X-Request-Id, else a new
                       one; echoed in the response), the clock, and at the end the
                       access line and the metrics (api/metrics.py)
    ObserveOperation   schema extension: the operation's root fields (names the schema
                       knows, never the client's operation name); it also applies the
                       public rate limit
    note_principal     from the GraphQL view: the caller's role
    note_result        from the GraphQL view: the result's code
    Record.statement   the graph.db statement hook: statements and their time, and a
                       WARNING with the Cypher for each one slower than the threshold

One `Record` per request carries all of it, in the ASGI scope (`scope[RECORD]`) and as
the context's statement sink. Nothing here keeps the query text, the variables, a
token or a value of the result (only its error codes): what is logged and counted
cannot hold personal data. The cost is about 10 µs per request, plus the access line's
own (BENCHMARKS.md): no per-field hook, nothing that walks the selection below the
root fields.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
)
from graphql.utilities import get_operation_ast
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry import Schema
from strawberry.extensions import SchemaExtension

from api.auth import Principal
from api.metrics import Metrics
from api.ratelimit import limit_public
from graph.db import pop_sink, push_sink

RECORD = "fupin.record"
REQUEST_ID_HEADER = b"x-request-id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")

access_log = logging.getLogger("fupin.access")
slow_log = logging.getLogger("fupin.slow")


@dataclass(slots=True, eq=False)
class Record:
    """One request, as the access line and the metrics tell it."""

    request_id: str
    slow_s: float
    # The operation's root fields; `code` stays None when no GraphQL operation ran.
    fields: tuple[str, ...] = ()
    code: str | None = None
    error_codes: tuple[str, ...] = ()
    role: str = "-"
    statements: int = 0
    statement_s: float = 0.0

    def statement(self, cypher: str, seconds: float) -> None:
        self.statements += 1
        self.statement_s += seconds
        if seconds >= self.slow_s:
            fields = ",".join(self.fields) or "-"
            slow_log.warning(
                "slow statement: %.1f ms, fields=%s, id=%s\n%s",
                seconds * 1000,
                fields,
                self.request_id,
                cypher,
                extra={
                    "fupin": {
                        "request_id": self.request_id,
                        "fields": list(self.fields),
                        "duration_ms": round(seconds * 1000, 3),
                        "cypher": cypher,
                    }
                },
            )


def request_id(scope: Scope) -> str:
    """The caller's X-Request-Id when it is 1-64 letters, digits and `-`; else a new one."""
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            given: str = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(given):
                return given
            break
    return os.urandom(8).hex()


def root_fields(
    schema: Schema, document: DocumentNode, operation_name: str | None
) -> tuple[OperationType | None, tuple[str, ...]]:
    """The selected operation's type and the root fields it selects (fragments
    followed), sorted; only names that are fields of the schema's root type, so a
    label or a log line never carries a name the client made up."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None, ()
    root = schema._schema.get_root_type(operation.operation)
    if root is None:
        return operation.operation, ()
    known = root.fields
    fragments: dict[str, SelectionSetNode] | None = None
    found: set[str] = set()
    followed: set[str] = set()
    pending = [operation.selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in known:
                    found.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in followed:
                    continue
                followed.add(name)
                if fragments is None:
                    fragments = {
                        d.name.value: d.selection_set
                        for d in document.definitions
                        if isinstance(d, FragmentDefinitionNode)
                    }
                if name in fragments:
                    pending.append(fragments[name])
    return operation.operation, tuple(sorted(found))


def record_of(context: Any) -> Record | None:
    """The request's record, from a GraphQL context that carries the request."""
    request = getattr(context, "request", None)
    scope = getattr(request, "scope", None)
    return scope.get(RECORD) if scope is not None else None


class ObserveOperation(SchemaExtension):
    """Once the document is parsed: records the operation's root fields (before any
    statement runs, so a slow one can name them) and applies the public rate limit
    (api/ratelimit.py). One hook in one extension, as each costs Strawberry's runner
    on every request; the result's codes are noted by `note_result`.

    List it after the validation extension: a rate-limited request's error replaces
    the validation's."""

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        if document is not None:
            operation, fields = root_fields(execution.schema, document, execution.operation_name)
            record = record_of(execution.context)
            if record is not None:
                record.fields = fields
            principal = getattr(execution.context, "principal", None)
            if principal is not None and not principal.authenticated:
                limit_public(execution, operation, fields)
        yield


def note_principal(request: Any, principal: Principal) -> None:
    """The caller's role, for the access line (the GraphQL view's get_context)."""
    record = request.scope.get(RECORD)
    if record is not None:
        record.role = principal.role.value


def note_result(request: Any, result: Any) -> None:
    """The result's codes, as the client gets them (the GraphQL view's process_result,
    after every error has its code): OK, or the first error's code."""
    record = request.scope.get(RECORD)
    if record is None:
        return
    errors = getattr(result, "errors", None)
    if errors:
        codes = tuple(str((e.extensions or {}).get("code", "INTERNAL")) for e in errors)
        record.error_codes = codes
        record.code = codes[0]
    else:
        record.code = "OK"


METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class Observe:
    """ASGI middleware around the whole app: see the module's docstring."""

    def __init__(self, app: ASGIApp, metrics: Metrics, slow_statement_ms: float) -> None:
        self.app = app
        self.metrics = metrics
        self.slow_s = slow_statement_ms / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        record = Record(request_id(scope), self.slow_s)
        scope[RECORD] = record
        echoed = (REQUEST_ID_HEADER, record.request_id.encode())
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), echoed]
            await send(message)

        token = push_sink(record)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            pop_sink(token)
            seconds = perf_counter() - started
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            route = getattr(scope.get("route"), "path", None) or "(unmatched)"
            self.metrics.request(record, method, route, status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                _access_line(record, method, route, status, seconds)


def _access_line(record: Record, method: str, route: str, status: int, seconds: float) -> None:
    fields = ",".join(record.fields) or "-"
    access_log.info(
        "%s %s %d %.1f ms id=%s fields=%s statements=%d role=%s",
        method,
        route,
        status,
        seconds * 1000,
        record.request_id,
        fields,
        record.statements,
        record.role,
        extra={
            "fupin": {
                "request_id": record.request_id,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "fields": list(record.fields),
                "code": record.code,
                "statements": record.statements,
                "statement_ms": round(record.statement_s * 1000, 3),
                "role": record.role,
            }
        },
    )
