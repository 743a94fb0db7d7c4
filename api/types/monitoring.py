"""Return-to-poverty monitoring and feedback (DOMAIN.md section 6; issue 13).

Declarations only: the values come from the compiled statement (graph/monitoring.py,
graph/feedback.py, graph/at_risk.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.types.page import PageInfo
from graph.feedback import FeedbackCategory, FeedbackSource, FeedbackStatus
from graph.monitoring import MonitoringGroup, RemovalReason, RiskType

if TYPE_CHECKING:
    from api.types.household import Household
    from api.types.official import Official


@strawberry.type(
    description="A household watched so it does not fall (back) into poverty: open while "
    "removedOn is null (at most one open a household; Household.monitored follows it)."
)
class MonitoringRecord:
    id: strawberry.ID
    group: MonitoringGroup
    risk_types: list[RiskType]
    started_on: dt.date
    removed_on: dt.date | None
    removal_reason: RemovalReason | None
    open: bool = strawberry.field(description="True while removedOn is null.")
    note: str | None = strawberry.field(description="Personal: null for some roles.")
    created_at: dt.datetime | None


@strawberry.type(
    description="Feedback on a household, from the household or an official: OPEN, then "
    "ANSWERED, then CLOSED."
)
class Feedback:
    id: strawberry.ID
    household_code: str
    source: FeedbackSource
    category: FeedbackCategory
    score: int | None = strawberry.field(description="1-5; given for SATISFACTION.")
    text: str | None = strawberry.field(description="Personal: null for some roles.")
    status: FeedbackStatus
    submitted_on: dt.date
    answer: str | None = strawberry.field(description="Personal: null for some roles.")
    answered_on: dt.date | None
    closed_on: dt.date | None
    created_at: dt.datetime | None
    household: Annotated[Household, strawberry.lazy("api.types.household")]
    submitted_by: Annotated[Official, strawberry.lazy("api.types.official")] | None = (
        strawberry.field(description="The official who submitted it (source OFFICIAL).")
    )


@strawberry.type
class FeedbackEdge:
    node: Feedback
    cursor: str


@strawberry.type(description="A page of feedback, newest first (by submittedOn, then id).")
class FeedbackConnection:
    edges: list[FeedbackEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="All the feedback that matches in your scope (counted only when asked for)."
    )


__all__ = ["Feedback", "FeedbackConnection", "FeedbackEdge", "MonitoringRecord"]
