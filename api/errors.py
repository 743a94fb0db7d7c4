"""How errors leave the API: ours keep their message and `extensions.code`; anything
unexpected is masked as INTERNAL for the client and logged with its traceback.
The error classes themselves live in graph/errors.py (their tree is drawn there)."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from graph.errors import FupinError

logger = logging.getLogger("fupin.api")


def is_expected(error: GraphQLError) -> bool:
    """Syntax and validation errors (no original error) and our own errors."""
    original = error.original_error
    return original is None or isinstance(original, (FupinError, GraphQLError))


def log_unexpected(errors: list[GraphQLError]) -> None:
    """Log each unexpected error with its traceback (before it is masked)."""
    for error in errors:
        original = error.original_error
        if original is not None and not is_expected(error):
            logger.error(
                "unexpected error at %s",
                ".".join(str(p) for p in error.path or []) or "request",
                exc_info=(type(original), original, original.__traceback__),
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
