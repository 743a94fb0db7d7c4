"""How errors leave the API: ours keep their message and `extensions.code`; anything
unexpected is masked as INTERNAL for the client and logged with its traceback.
The error classes themselves live in graph/errors.py (their tree is drawn there).

Refusals before anything executes (the HTTP edge: a batch, a body that is not JSON or
not an object, one over the size limit, an operation over GET) leave in the same
GraphQL response shape, with their HTTP status and one of these codes:

    BAD_REQUEST         400  not one GraphQL operation in a JSON object
    NOT_FOUND           404  no GraphiQL here (production)
    METHOD_NOT_ALLOWED  405  only GET (GraphiQL) and POST
    PAYLOAD_TOO_LARGE   413  the body is over settings.max_body_bytes

The logged traceback is redacted: an exception's message may quote the value that
broke it (a Neo4j constraint error names the duplicate ID number), and personal data
stays out of logs (DEVELOPERS.md)."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from starlette.responses import JSONResponse
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.types.graphql import OperationType

from graph.errors import OUTCOME_UNKNOWN, FupinError

logger = logging.getLogger("fupin.api")


def is_expected(error: GraphQLError) -> bool:
    """Syntax and validation errors (no original error) and our own errors."""
    original = error.original_error
    return original is None or isinstance(original, (FupinError, GraphQLError))


# Long digit runs (ID numbers, phones, bank accounts) and Han characters (names,
# addresses) anywhere but in a frame's `File "...", line N`; in the exception's own
# lines (at column 0) every quoted value, elsewhere quoted values with a digit or a
# non-ASCII letter.
_DIGITS = re.compile(r"\d{11,}[Xx]?|\d{6,}[Xx]\b")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_FRAME = re.compile(r'^\s*File "[^"\n]*", line \d+')


def _redact_quoted(match: re.Match[str]) -> str:
    text = match.group(0)
    if any(ch.isdigit() or not ch.isascii() for ch in text[1:-1]):
        return text[0] + "<redacted>" + text[-1]
    return text


def _redact_line(line: str) -> str:
    if _FRAME.match(line):
        return line
    line = _DIGITS.sub("<redacted>", line)
    line = _HAN.sub("<redacted>", line)
    if line[:1].isspace():
        return _QUOTED.sub(_redact_quoted, line)
    return _QUOTED.sub(lambda m: m.group(0)[0] + "<redacted>" + m.group(0)[-1], line)


def redact(text: str) -> str:
    """`text` with whatever may be personal replaced; code locations kept."""
    return "\n".join(_redact_line(line) for line in text.split("\n"))


def log_unexpected(errors: list[GraphQLError]) -> None:
    """Log each unexpected error with its (redacted) traceback, before it is masked."""
    for error in errors:
        original = error.original_error
        if original is not None and not is_expected(error):
            trace = "".join(
                traceback.format_exception(type(original), original, original.__traceback__)
            )
            logger.error(
                "unexpected error at %s\n%s",
                ".".join(str(p) for p in error.path or []) or "request",
                redact(trace).rstrip(),
            )


class MaskUnexpectedErrors(MaskErrors):
    """MaskErrors that leaves our own and validation errors alone and gives the masked
    ones the INTERNAL code (the stock extension drops `extensions`)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_expected(error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked


def copy_error(
    error: GraphQLError, message: str | None = None, *, extensions: dict[str, Any] | None = None
) -> GraphQLError:
    """A new error like `error`, with another message or extensions: errors are not
    changed in place, as validation errors are cached and shared between requests."""
    return GraphQLError(
        error.message if message is None else message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions if extensions is None else extensions,
    )


def with_code(error: GraphQLError) -> GraphQLError:
    """The error with an `extensions.code` (graphql-core's own errors have none):
    GRAPHQL_PARSE_FAILED, BAD_USER_INPUT for a variable that does not fit its type,
    GRAPHQL_VALIDATION_FAILED for the rest."""
    if error.extensions and "code" in error.extensions:
        return error
    if isinstance(error, GraphQLSyntaxError) or error.message.startswith("Syntax Error"):
        code = "GRAPHQL_PARSE_FAILED"
    elif error.message.startswith("Variable '$") or error.original_error is not None:
        code = "BAD_USER_INPUT"
    else:
        code = "GRAPHQL_VALIDATION_FAILED"
    return copy_error(error, extensions={**(error.extensions or {}), "code": code})


def outcome_unknown(error: GraphQLError) -> GraphQLError:
    """A DATABASE_UNAVAILABLE error of a mutation, saying the outcome is unknown."""
    extensions = error.extensions or {}
    if extensions.get("code") != "DATABASE_UNAVAILABLE" or "outcome" in extensions:
        return error
    return copy_error(
        error, OUTCOME_UNKNOWN, extensions={**extensions, "retryable": True, "outcome": "UNKNOWN"}
    )


class MutationOutcome(SchemaExtension):
    """In a mutation every DATABASE_UNAVAILABLE says the outcome is unknown, also when
    it came from reading the payload back after the write (graph.db marks the write's
    own; this catches the rest)."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result: Any = context.result
        errors = getattr(result, "errors", None)
        if not errors or context.graphql_document is None:
            return
        try:
            mutation = context.operation_type is OperationType.MUTATION
        except Exception:  # no single operation: nothing ran
            return
        if mutation:
            result.errors = [outcome_unknown(error) for error in errors]


HTTP_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
}


def http_error(status: int, message: str) -> JSONResponse:
    """A refusal at the HTTP edge, in the GraphQL response shape, its status kept."""
    code = HTTP_CODES.get(status, "BAD_REQUEST")
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )
