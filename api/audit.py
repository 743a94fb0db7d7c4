"""The file audit: its rules, runs, findings and their review, and cross-check lists.
Thin: reads compile to one statement (graph/audit.py, graph/audit_run.py,
graph/finding.py, graph/crosscheck.py); writes run in the write frame; a run is worked
through in the background (api/runs.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api import runs
from api.auth import AUDITORS, FINDING_READERS, policy
from api.context import Context
from api.execution import resolve_root
from api.pagination import DEFAULT_FIRST
from api.types.audit import (
    AuditRuleInfo,
    AuditRun,
    AuditSummary,
    CrossCheckImportConnection,
    Finding,
    FindingConnection,
    FindingWhere,
)
from api.types.payloads import AuditRunPayload, CrossCheckImportPayload, FindingPayload
from api.writes import actor, cmid, mutation
from graph import validation as check
from graph.audit import AuditRule
from graph.audit_run import stale_after, start_run
from graph.crosscheck import CrossCheckList, check_id_numbers, import_list
from graph.errors import BadUserInput
from graph.finding import FindingStatus, review_finding

NOTE = "1 to 1,000 characters."


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description="The audit's rules, each with its severity and what it finds.",
        permission_classes=[policy(*FINDING_READERS)],
    )
    async def audit_rules(self, info: strawberry.Info[Context, None]) -> list[AuditRuleInfo]:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A run of the audit by id, as far as it has got; null when there is none.",
        permission_classes=[policy(*AUDITORS)],
    )
    async def audit_run(self, info: strawberry.Info[Context, None], id: str) -> AuditRun | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Findings in your scope (a region officer: those concerning a household "
        "of their subtree or an official they see), newest lastSeenAt first.",
        permission_classes=[policy(*FINDING_READERS)],
    )
    async def audit_findings(
        self,
        info: strawberry.Info[Context, None],
        where: FindingWhere | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> FindingConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A finding by id; null when there is none in your scope.",
        permission_classes=[policy(*FINDING_READERS)],
    )
    async def finding(self, info: strawberry.Info[Context, None], id: str) -> Finding | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The region's findings in your scope counted by rule and status; null "
        "for an unknown region.",
        permission_classes=[policy(*FINDING_READERS)],
    )
    async def audit_summary(
        self,
        info: strawberry.Info[Context, None],
        region_code: str,
        present: Annotated[
            bool | None,
            strawberry.argument(
                description="True (default): the findings the latest runs found; false: "
                "those no longer found; null: both."
            ),
        ] = True,
    ) -> AuditSummary | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Imports of cross-check lists, newest first (never their ID numbers).",
        permission_classes=[policy(*AUDITORS)],
    )
    async def cross_check_imports(
        self,
        info: strawberry.Info[Context, None],
        list: CrossCheckList | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> CrossCheckImportConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input
class RunAuditInput:
    region_code: str = strawberry.field(
        description="Any level; its county-level units are audited one after another."
    )
    rules: list[AuditRule] | None = strawberry.field(default=None, description="Default: all.")
    client_mutation_id: str | None = None


@strawberry.input
class ReviewFindingInput:
    finding_id: str
    note: str = strawberry.field(description=NOTE)
    client_mutation_id: str | None = None


@strawberry.input
class ReopenFindingInput:
    finding_id: str
    note: str | None = strawberry.field(
        default=None, description=f"Replaces the note ({NOTE}); without one it is cleared."
    )
    client_mutation_id: str | None = None


@strawberry.input
class ImportCrossCheckListInput:
    list_: CrossCheckList = strawberry.field(name="list")
    source: str = strawberry.field(description="Where the list came from (1-200 characters).")
    id_numbers: list[str] = strawberry.field(
        description="1 to 10,000 ID numbers; one malformed: BAD_USER_INPUT on it, nothing "
        "imported. Numbers already on the list add nothing."
    )
    client_mutation_id: str | None = None


def _note(value: str, field: str = "input.note") -> str:
    return check.check_text(value, field, max_length=1000)


def _finding_id(value: str) -> str:
    return check.check_uuid(value, "input.findingId", "a finding's id")


@strawberry.type
class AuditMutation:
    @strawberry.mutation(
        description="Start a run of the audit over a region; it answers at once, RUNNING "
        "(follow it with auditRun). One run at a time: CONFLICT while another runs.",
        permission_classes=[policy(*AUDITORS)],
    )
    async def run_audit(
        self, info: strawberry.Info[Context, None], input: RunAuditInput
    ) -> AuditRunPayload:
        client_id = cmid(input.client_mutation_id)
        region = check.check_region_code(input.region_code, "input.regionCode")
        if input.rules is not None and not input.rules:
            raise BadUserInput("give at least one rule, or leave rules out", field="input.rules")
        rules = [r for r in AuditRule if input.rules is None or r in input.rules]
        db = info.context.db
        result = await start_run(
            db,
            actor(info),
            mutation("runAudit", input, client_id),
            region,
            rules,
            stale_s=stale_after(info.context.settings.query_timeout_s),
        )
        info.context.after.append(lambda: runs.start(db, result["id"]))
        return AuditRunPayload(client_mutation_id=client_id, _id=result["id"])

    @strawberry.mutation(
        description="Confirm an OPEN finding, with a note; otherwise CONFLICT.",
        permission_classes=[policy(*AUDITORS)],
    )
    async def confirm_finding(
        self, info: strawberry.Info[Context, None], input: ReviewFindingInput
    ) -> FindingPayload:
        return await _review(info, "confirmFinding", input, FindingStatus.CONFIRMED, input.note)

    @strawberry.mutation(
        description="Dismiss an OPEN finding, with a note; it stays dismissed while runs "
        "find it again. Otherwise CONFLICT.",
        permission_classes=[policy(*AUDITORS)],
    )
    async def dismiss_finding(
        self, info: strawberry.Info[Context, None], input: ReviewFindingInput
    ) -> FindingPayload:
        return await _review(info, "dismissFinding", input, FindingStatus.DISMISSED, input.note)

    @strawberry.mutation(
        description="Reopen a CONFIRMED or DISMISSED finding; an OPEN one: CONFLICT.",
        permission_classes=[policy(*AUDITORS)],
    )
    async def reopen_finding(
        self, info: strawberry.Info[Context, None], input: ReopenFindingInput
    ) -> FindingPayload:
        return await _review(info, "reopenFinding", input, FindingStatus.OPEN, input.note)

    @strawberry.mutation(
        description="Import ID numbers into a cross-check list, in one transaction.",
        permission_classes=[policy(*AUDITORS)],
    )
    async def import_cross_check_list(
        self, info: strawberry.Info[Context, None], input: ImportCrossCheckListInput
    ) -> CrossCheckImportPayload:
        client_id = cmid(input.client_mutation_id)
        source = check.check_text(input.source, "input.source")
        ids = check_id_numbers(input.id_numbers, "input.idNumbers")
        result = await import_list(
            info.context.db,
            actor(info),
            mutation("importCrossCheckList", input, client_id),
            input.list_,
            source,
            ids,
        )
        return CrossCheckImportPayload(client_mutation_id=client_id, _id=result["id"])


async def _review(
    info: strawberry.Info[Context, None],
    operation: str,
    input: ReviewFindingInput | ReopenFindingInput,
    status: FindingStatus,
    note: str | None,
) -> FindingPayload:
    client_id = cmid(input.client_mutation_id)
    finding_id = _finding_id(input.finding_id)
    checked = None if note is None else _note(note)
    await review_finding(
        info.context.db,
        actor(info),
        mutation(operation, input, client_id),
        finding_id,
        status,
        checked,
    )
    return FindingPayload(client_mutation_id=client_id, _id=finding_id)
