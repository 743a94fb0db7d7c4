"""The errors a caller of the API can meet, each with a stable `extensions.code`.

    FupinError                 (never raised itself)
    ├── BadUserInput           BAD_USER_INPUT   input is malformed or breaks a rule;
    │                                           `field` names the input at fault
    ├── NotFound               NOT_FOUND        no such thing, or not in the caller's scope
    ├── Forbidden              FORBIDDEN        the caller's role may not do this at all
    ├── Unauthenticated        UNAUTHENTICATED  no token, or a bad one
    ├── Conflict               CONFLICT         the change clashes with the stored state
    │                                           (a stale version, a second membership)
    ├── DatabaseUnavailable    DATABASE_UNAVAILABLE  Neo4j does not answer;
    │                                           `retryable: true`, and for a write
    │                                           `outcome: "UNKNOWN"` (it may have
    │                                           committed: retry with the same
    │                                           clientMutationId)
    └── RateLimited            RATE_LIMITED     too many anonymous requests from one
                                                address (HTTP 429, api/ratelimit.py)

Before any of these can be raised, the HTTP edge may refuse a request with
BAD_REQUEST, METHOD_NOT_ALLOWED or PAYLOAD_TOO_LARGE (api/errors.py: not one GraphQL
operation, or too big). Anything else that escapes a resolver is a bug: the client
sees `INTERNAL` and a generic message, and the traceback goes to the log.
graphql-core copies the `extensions` of an exception raised in a resolver into the
error it reports, so these classes need nothing from GraphQL.
"""

from __future__ import annotations

from typing import Any, ClassVar


class FupinError(Exception):
    code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def extensions(self) -> dict[str, Any]:
        extensions: dict[str, Any] = {"code": self.code}
        if self.field is not None:
            extensions["field"] = self.field
        return extensions


class BadUserInput(FupinError):
    code = "BAD_USER_INPUT"


class NotFound(FupinError):
    code = "NOT_FOUND"


class Forbidden(FupinError):
    code = "FORBIDDEN"


class Unauthenticated(FupinError):
    code = "UNAUTHENTICATED"


class Conflict(FupinError):
    code = "CONFLICT"


# A write that met an outage may have committed before the answer was lost: the
# client cannot tell, and must not assume either way.
OUTCOME_UNKNOWN = (
    "the database did not answer: the change may or may not have been written (the "
    "outcome is unknown). It is safe to retry with the same clientMutationId: a change "
    "that was written answers its stored result and is not made twice (without a "
    "clientMutationId, read the record and its version before trying again)"
)


class DatabaseUnavailable(FupinError):
    """Neo4j did not answer. Always `retryable`; `outcome` is "UNKNOWN" when a write
    was under way (see OUTCOME_UNKNOWN)."""

    code = "DATABASE_UNAVAILABLE"

    def __init__(
        self,
        message: str = "the database is unavailable; try again shortly",
        *,
        outcome: str | None = None,
    ) -> None:
        super().__init__(message)
        self.outcome = outcome

    @classmethod
    def during_write(cls) -> DatabaseUnavailable:
        return cls(OUTCOME_UNKNOWN, outcome="UNKNOWN")

    @property
    def extensions(self) -> dict[str, Any]:
        extensions = {**super().extensions, "retryable": True}
        if self.outcome is not None:
            extensions["outcome"] = self.outcome
        return extensions


class RateLimited(FupinError):
    code = "RATE_LIMITED"
