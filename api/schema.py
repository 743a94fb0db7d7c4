"""The GraphQL schema, built once: every module's root fields merged into Query and
Mutation, with the extensions every request runs through (limits: api/limits.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache
from strawberry.tools import merge_types
from strawberry.types.execution import ExecutionContext

from api.audit import AuditMutation, AuditQuery
from api.context import StartAfterOperation
from api.cooperatives import CooperativeMutation, CooperativeQuery
from api.coverage import CoverageQuery
from api.errors import MaskUnexpectedErrors, MutationOutcome, log_unexpected
from api.execution import CompiledReads, install
from api.exits import ExitMutation
from api.explore import ExploreQuery
from api.history import HistoryQuery
from api.households import DeregistrationMutation, HouseholdMutation, HouseholdQuery
from api.incomes import IncomeMutation, IncomeQuery
from api.limits import (
    MAX_TOKENS,
    BoundedValidation,
    HideSuggestions,
    NoIntrospection,
    RequestLimits,
)
from api.lots import LotMutation, LotQuery
from api.measures import MeasureMutation
from api.monitoring import MonitoringMutation, MonitoringQuery
from api.observe import ObserveOperation
from api.officials import OfficialMutation, OfficialQuery, PairingMutation
from api.persons import MemberMutation, PersonQuery
from api.products import ProductMutation, ProductQuery
from api.public_trace import PublicTraceQuery
from api.regions import RegionQuery
from api.sales import SalesMutation, SalesQuery
from api.statements import StatementCount
from api.stats import StatsMutation, StatsQuery
from api.sync import SyncMutation, SyncQuery
from api.trace import TraceQuery
from api.visits import VisitMutation

# One module per noun; the order is the schema's (schema.graphql).
QUERY_TYPES: tuple[type, ...] = (
    RegionQuery,
    CoverageQuery,
    HouseholdQuery,
    IncomeQuery,
    PersonQuery,
    OfficialQuery,
    HistoryQuery,
    ExploreQuery,
    PublicTraceQuery,
    ProductQuery,
    CooperativeQuery,
    LotQuery,
    AuditQuery,
    SyncQuery,
    SalesQuery,
    StatsQuery,
    MonitoringQuery,
    TraceQuery,
)
MUTATION_TYPES: tuple[type, ...] = (
    HouseholdMutation,
    MemberMutation,
    DeregistrationMutation,
    PairingMutation,
    VisitMutation,
    MeasureMutation,
    IncomeMutation,
    ExitMutation,
    OfficialMutation,
    ProductMutation,
    CooperativeMutation,
    LotMutation,
    AuditMutation,
    SyncMutation,
    SalesMutation,
    StatsMutation,
    MonitoringMutation,
)


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected(errors)


def build_schema(*, production: bool = False) -> Schema:
    """The schema; `production` adds no introspection and no field suggestions
    (the app picks by settings.mode; `schema` below is the development one)."""
    query = merge_types("Query", QUERY_TYPES)
    mutation = merge_types("Mutation", MUTATION_TYPES) if MUTATION_TYPES else None
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        RequestLimits,
        *([NoIntrospection, HideSuggestions] if production else []),
        ParserCache,
        BoundedValidation,
        # After the validation: a rate-limited request's error replaces its results.
        ObserveOperation,
        MaskUnexpectedErrors,
        MutationOutcome,
        StatementCount,
        CompiledReads,
        StartAfterOperation,
    ]
    built = Schema(query=query, mutation=mutation, extensions=extensions)
    install(built._schema)
    return built


schema = build_schema()


@cache
def schema_for(mode: str) -> Schema:
    """The schema the app serves in `mode` (settings.mode)."""
    return build_schema(production=True) if mode == "production" else schema
