"""Return-to-poverty monitoring and feedback (issue 13): startMonitoring,
endMonitoring, submitFeedback, answerFeedback, closeFeedback, and the atRiskHouseholds
and feedback lists. Thin: the rules are graph/monitoring.py's and graph/feedback.py's;
the reads compile (graph/at_risk.py, graph/feedback.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from api.auth import (
    AT_RISK_READERS,
    FEEDBACK_HANDLERS,
    FEEDBACK_READERS,
    FEEDBACK_SUBMITTERS,
    MONITORING_ENDERS,
    MONITORING_STARTERS,
    policy,
)
from api.context import Context
from api.execution import resolve_root
from api.types.monitoring import AtRiskConnection, FeedbackConnection
from api.types.payloads import FeedbackPayload, MonitoringPayload
from api.writes import DATES, actor, cmid, mutation
from graph import feedback as graph_feedback
from graph import monitoring as graph_monitoring
from graph import validation as check
from graph.at_risk import AtRiskTrigger
from graph.feedback import FeedbackCategory, FeedbackSource, FeedbackStatus
from graph.monitoring import MonitoringGroup, RemovalReason, RiskType


@strawberry.input
class StartMonitoringInput:
    client_mutation_id: str
    household_code: str
    group: MonitoringGroup = strawberry.field(
        description="UNSTABLE_EXITED needs an EXITED household, BORDERLINE a BORDERLINE one "
        "(else BAD_USER_INPUT on input.group)."
    )
    risk_types: list[RiskType] = strawberry.field(description="1-4 of them.")
    started_on: dt.date | None = strawberry.field(
        default=None,
        description=f"Default: today (CST). Not before its registration. {DATES}",
    )
    note: str | None = strawberry.field(
        default=None, description=f"Up to {graph_monitoring.NOTE_MAX} characters. Personal."
    )


@strawberry.input
class EndMonitoringInput:
    household_code: str
    reason: RemovalReason = strawberry.field(
        description="RISK_REMOVED (RETURNED_TO_POVERTY and DEREGISTERED are set by "
        "returnToPoverty and deregisterHousehold: BAD_USER_INPUT)."
    )
    removed_on: dt.date | None = strawberry.field(
        default=None,
        description=f"Default: today (CST). Not before the record began. {DATES}",
    )
    client_mutation_id: str | None = None


@strawberry.input
class SubmitFeedbackInput:
    client_mutation_id: str
    household_code: str
    source: FeedbackSource
    category: FeedbackCategory
    text: str = strawberry.field(description=f"1-{graph_feedback.TEXT_MAX:,} characters.")
    score: int | None = strawberry.field(
        default=None, description="1-5; required for SATISFACTION."
    )
    official_code: str | None = strawberry.field(
        default=None,
        description="The official who submits it (required for source OFFICIAL). A field "
        "official always submits as themself (the default; another code is FORBIDDEN).",
    )


@strawberry.input
class AnswerFeedbackInput:
    feedback_id: str
    answer: str = strawberry.field(description=f"1-{graph_feedback.TEXT_MAX:,} characters.")
    client_mutation_id: str | None = None


@strawberry.input
class CloseFeedbackInput:
    feedback_id: str
    client_mutation_id: str | None = None


@strawberry.input(description="Filters of the feedback list; all of them must hold.")
class FeedbackWhere:
    region_code: str | None = strawberry.field(
        default=None, description="Any level; the region's descendants included."
    )
    status: FeedbackStatus | None = None
    category: FeedbackCategory | None = None
    source: FeedbackSource | None = None


@strawberry.type
class MonitoringMutation:
    @strawberry.mutation(
        description="Start monitoring a household in your scope (a field official: one they "
        "are paired with): an open record, and monitored true (version + 1). CONFLICT when "
        "one is open.",
        permission_classes=[policy(*MONITORING_STARTERS)],
    )
    async def start_monitoring(
        self, info: strawberry.Info[Context, None], input: StartMonitoringInput
    ) -> MonitoringPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        household = check.check_household_code(input.household_code, "input.householdCode")
        risks = graph_monitoring.check_risk_types(input.risk_types, "input.riskTypes")
        on = check.check_date(input.started_on or check.today_cst(), "input.startedOn")
        note = (
            None
            if input.note is None
            else check.check_text(
                input.note, "input.note", max_length=graph_monitoring.NOTE_MAX, required=False
            )
            or None
        )
        result = await graph_monitoring.start_monitoring(
            info.context.db,
            actor(info),
            mutation("startMonitoring", input, client_id),
            household,
            input.group,
            risks,
            on,
            note,
        )
        return MonitoringPayload(
            client_mutation_id=client_id, _id=result["id"], _household=result["code"]
        )

    @strawberry.mutation(
        description="End a household's open monitoring: the risk was removed (monitored "
        "false, version + 1). CONFLICT when none is open.",
        permission_classes=[policy(*MONITORING_ENDERS)],
    )
    async def end_monitoring(
        self, info: strawberry.Info[Context, None], input: EndMonitoringInput
    ) -> MonitoringPayload:
        client_id = cmid(input.client_mutation_id)
        household = check.check_household_code(input.household_code, "input.householdCode")
        on = check.check_date(input.removed_on or check.today_cst(), "input.removedOn")
        result = await graph_monitoring.end_monitoring(
            info.context.db,
            actor(info),
            mutation("endMonitoring", input, client_id),
            household,
            on,
            input.reason,
        )
        return MonitoringPayload(
            client_mutation_id=client_id, _id=result["id"], _household=result["code"]
        )

    @strawberry.mutation(
        description="Feedback on a household in your scope (a field official: one they are "
        "paired with, as themself), OPEN, submitted today (CST).",
        permission_classes=[policy(*FEEDBACK_SUBMITTERS)],
    )
    async def submit_feedback(
        self, info: strawberry.Info[Context, None], input: SubmitFeedbackInput
    ) -> FeedbackPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        household = check.check_household_code(input.household_code, "input.householdCode")
        named = (
            None
            if input.official_code is None
            else check.check_official_code(input.official_code, "input.officialCode")
        )
        official = info.context.scope.acting_official(named, "input.officialCode")
        score, text = graph_feedback.check_feedback(input.category, input.score, input.text)
        result = await graph_feedback.submit_feedback(
            info.context.db,
            actor(info),
            mutation("submitFeedback", input, client_id),
            household,
            input.source,
            input.category,
            score,
            text,
            official,
            check.today_cst(),
        )
        return FeedbackPayload(client_mutation_id=client_id, _id=result["id"])

    @strawberry.mutation(
        description="Answer OPEN feedback: ANSWERED today (CST). CONFLICT from another status.",
        permission_classes=[policy(*FEEDBACK_HANDLERS)],
    )
    async def answer_feedback(
        self, info: strawberry.Info[Context, None], input: AnswerFeedbackInput
    ) -> FeedbackPayload:
        client_id = cmid(input.client_mutation_id)
        feedback_id = check.check_record_id(input.feedback_id, "input.feedbackId")
        answer = check.check_text(input.answer, "input.answer", max_length=graph_feedback.TEXT_MAX)
        result = await graph_feedback.move_feedback(
            info.context.db,
            actor(info),
            mutation("answerFeedback", input, client_id),
            feedback_id,
            "answer",
            check.today_cst(),
            answer,
        )
        return FeedbackPayload(client_mutation_id=client_id, _id=result["id"])

    @strawberry.mutation(
        description="Close ANSWERED feedback: CLOSED today (CST). CONFLICT from another status.",
        permission_classes=[policy(*FEEDBACK_HANDLERS)],
    )
    async def close_feedback(
        self, info: strawberry.Info[Context, None], input: CloseFeedbackInput
    ) -> FeedbackPayload:
        client_id = cmid(input.client_mutation_id)
        feedback_id = check.check_record_id(input.feedback_id, "input.feedbackId")
        result = await graph_feedback.move_feedback(
            info.context.db,
            actor(info),
            mutation("closeFeedback", input, client_id),
            feedback_id,
            "close",
            check.today_cst(),
        )
        return FeedbackPayload(client_mutation_id=client_id, _id=result["id"])


@strawberry.type
class MonitoringQuery:
    @strawberry.field(
        description="Households at risk of (returning to) poverty in a region, in code order: "
        "candidates on file and in your scope that were EXITED or BORDERLINE on asOf or had a "
        "SUDDEN_HARDSHIP record open then, listed when a trigger holds (LOW_INCOME, "
        "INCOME_DROP, HARDSHIP). FORBIDDEN for investigators (it filters on incomes).",
        permission_classes=[policy(*AT_RISK_READERS)],
    )
    async def at_risk_households(
        self,
        info: strawberry.Info[Context, None],
        region_code: str,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(description=f"Default: today (CST). A date {check.DATE_RANGE}."),
        ] = None,
        threshold_factor: Annotated[
            float,
            strawberry.argument(
                description="LOW_INCOME: below this times the year's threshold (1.0-3.0)."
            ),
        ] = 1.5,
        drop_share: Annotated[
            float,
            strawberry.argument(
                description="INCOME_DROP: below (1 - dropShare) times the year before's (0.05-0.9)."
            ),
        ] = 0.3,
        triggers: Annotated[
            list[AtRiskTrigger] | None,
            strawberry.argument(description="Only households with any of these triggers."),
        ] = None,
        unsupported: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only those flagged and not supported within a month, and "
                "the unflagged (each a finding); false: the others."
            ),
        ] = None,
        first: int = 20,
        after: str | None = None,
    ) -> AtRiskConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Feedback on households in your scope, newest first (by submittedOn, then id).",
        permission_classes=[policy(*FEEDBACK_READERS)],
    )
    async def feedback(
        self,
        info: strawberry.Info[Context, None],
        where: FeedbackWhere | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> FeedbackConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]
