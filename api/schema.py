"""The GraphQL schema, built once: every module's root fields merged into Query and
Mutation, with the extensions every request runs through."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types.execution import ExecutionContext

from api.errors import MaskUnexpectedErrors, log_unexpected
from api.queries import RegionQuery

QUERY_TYPES: tuple[type, ...] = (RegionQuery,)
MUTATION_TYPES: tuple[type, ...] = ()

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected(errors)


def build_schema() -> Schema:
    query = merge_types("Query", QUERY_TYPES)
    mutation = merge_types("Mutation", MUTATION_TYPES) if MUTATION_TYPES else None
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        ParserCache,
        ValidationCache,
        MaskUnexpectedErrors,
    ]
    return Schema(query=query, mutation=mutation, extensions=extensions)


schema = build_schema()
