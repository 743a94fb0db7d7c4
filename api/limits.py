"""Limits on abuse: what one request may ask for, and how big it may be.

    query depth          at most MAX_DEPTH levels of fields        (validation)
    aliases              at most MAX_ALIASES per document          (validation)
    tokens               at most MAX_TOKENS per document           (parser)
    fields               at most MAX_FIELDS field selections       (before validation)
    page size            `first` at most 100, default 20           (api/pagination.py)
    request body         at most settings.max_body_bytes: 413      (BodySizeLimit)
    batched operations   refused: one JSON object per request      (api/app.py)
    operations over GET  refused; GET serves GraphiQL only         (api/app.py)
    Cypher transaction   settings.query_timeout_s                  (graph/db.py)
    production mode      no introspection, no "Did you mean ...?", no GraphiQL

The validation rules are built once, here, not per request: the validation cache keys
on the rule classes, so rules created afresh for each request would never hit it.

MAX_FIELDS guards the validator itself: checking that same-named fields can merge is
quadratic, and 500 duplicated selections (well under the token limit) cost graphql-core
about 0.4 s of CPU. The count is taken before validation, which then does not run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, FieldNode, GraphQLError, Visitor, visit
from graphql.validation import NoSchemaIntrospectionCustomRule
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import AddValidationRules, SchemaExtension, ValidationCache
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from api.errors import copy_error, http_error

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
MAX_FIELDS = 250

DEPTH_RULE = depth_rule(MAX_DEPTH, None)
ALIASES_RULE = aliases_rule(MAX_ALIASES)


class RequestLimits(AddValidationRules):
    """Query depth and alias count, with rule classes shared by every request."""

    def __init__(self) -> None:
        super().__init__([DEPTH_RULE, ALIASES_RULE])


class _FieldCounter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.count += 1


def count_fields(document: DocumentNode) -> int:
    """Field selections written in the document (a fragment's once, however often it
    is spread)."""
    counter = _FieldCounter()
    visit(document, counter)
    return counter.count


class BoundedValidation(ValidationCache):
    """The validation cache, after a check that the document is not too wide to
    validate cheaply."""

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        fields = count_fields(document) if document is not None else 0
        if fields > MAX_FIELDS:
            self.execution_context.pre_execution_errors = [
                GraphQLError(f"the query selects {fields} fields; at most {MAX_FIELDS}")
            ]
            yield
            return
        yield from super().on_validate()


class NoIntrospection(AddValidationRules):
    """`__schema` and `__type` are refused (production); `__typename` still works."""

    def __init__(self) -> None:
        super().__init__([NoSchemaIntrospectionCustomRule])


_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def without_suggestions(error: GraphQLError) -> GraphQLError:
    """The error with graphql-core's "Did you mean ...?" hints removed: they spell
    out the schema to a caller who may not introspect it."""
    message = _SUGGESTION.sub("", error.message)
    return error if message == error.message else copy_error(error, message)


class HideSuggestions(SchemaExtension):
    """Production: strip field, argument, type and enum suggestions from errors."""

    def on_operation(self) -> Iterator[None]:
        yield
        result: Any = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [without_suggestions(error) for error in errors]


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """ASGI middleware: a request body over `max_bytes` gets 413 without being read
    further, whether it declares its length or streams it in chunks."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await http_error(400, "bad Content-Length")(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if started:  # pragma: no cover - the app answers only after reading the body
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = http_error(413, f"the request body is larger than {self.max_bytes} bytes")
        await response(scope, receive, send)
