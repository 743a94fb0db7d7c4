"""The file audit: its rules, runs, findings, summaries and cross-check imports
(DOMAIN.md section 7).

Declarations only: the values come from the compiled statements (graph/audit.py,
graph/audit_run.py, graph/finding.py, graph/crosscheck.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from api.types.page import PageInfo
from api.types.region import Region
from graph.audit import AuditRule, Severity
from graph.audit_run import AuditRunStatus
from graph.crosscheck import CrossCheckList
from graph.finding import FindingStatus

if TYPE_CHECKING:
    from api.types.exit import Assessment
    from api.types.history import ChangeConnection
    from api.types.household import Household
    from api.types.measure import Measure
    from api.types.monitoring import MonitoringRecord
    from api.types.official import Official
    from api.types.person import Person


@strawberry.type(description="A rule of the file audit.")
class AuditRuleInfo:
    rule: AuditRule
    severity: Severity = strawberry.field(
        description="The severity of its findings (CROSS_CHECK_MATCH: MEDIUM for the death "
        "register)."
    )
    description: str


@strawberry.type(
    description="A run of the audit's rules over a region: RUNNING until every rule has "
    "been through every county-level unit (done of total), then DONE or FAILED."
)
class AuditRun:
    id: str
    region_code: str
    rules: list[AuditRule]
    status: AuditRunStatus
    started_at: dt.datetime
    finished_at: dt.datetime | None
    done: int = strawberry.field(description="Rule-and-unit steps done so far.")
    total: int = strawberry.field(description="Rule-and-unit steps in all.")
    found: int = strawberry.field(description="Findings found so far (new and known).")
    added: int = strawberry.field(description="Of those, findings new to the file.")
    gone: int = strawberry.field(
        description="Findings of the region and rules not found again: now present false."
    )
    error: str | None = strawberry.field(
        description="Why a FAILED run failed: an error code (ABANDONED: its process stopped)."
    )


@strawberry.type(
    description="What a rule found: the households, people and officials it concerns and "
    "its review. The summary never holds a personal value."
)
class Finding:
    id: str
    rule: AuditRule
    severity: Severity
    status: FindingStatus
    summary: str
    present: bool = strawberry.field(
        description="Found by the latest run of its region and rule; false once a run no "
        "longer finds it (its status is kept)."
    )
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    last_run_id: str | None
    note: str | None = strawberry.field(description="The reviewer's note.")
    decided_at: dt.datetime | None = strawberry.field(
        description="When it was confirmed or dismissed; null while OPEN."
    )

    @strawberry.field(description="The households it concerns, within your scope, by code.")
    def households(self) -> list[Annotated[Household, strawberry.lazy("api.types.household")]]:
        return compiled()

    @strawberry.field(description="The people it concerns, within your scope.")
    def people(self) -> list[Annotated[Person, strawberry.lazy("api.types.person")]]:
        return compiled()

    @strawberry.field(description="The officials it concerns, within your scope, by code.")
    def officials(self) -> list[Annotated[Official, strawberry.lazy("api.types.official")]]:
        return compiled()

    @strawberry.field(
        description="The support measures it concerns, within your scope (by their "
        "household), by id."
    )
    def measures(self) -> list[Annotated[Measure, strawberry.lazy("api.types.measure")]]:
        return compiled()

    @strawberry.field(
        description="The exit assessments it concerns, within your scope (by their "
        "household), by id."
    )
    def assessments(self) -> list[Annotated[Assessment, strawberry.lazy("api.types.exit")]]:
        return compiled()

    @strawberry.field(
        description="The monitoring records it concerns, within your scope (by their "
        "household), by id."
    )
    def monitoring_records(
        self,
    ) -> list[Annotated[MonitoringRecord, strawberry.lazy("api.types.monitoring")]]:
        return compiled()

    @strawberry.field(description="Its reviews, newest first.")
    def history(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[ChangeConnection, strawberry.lazy("api.types.history")] | None:
        return compiled()


@strawberry.type
class FindingEdge:
    node: Finding
    cursor: str


@strawberry.type(description="A page of findings, newest lastSeenAt first (Relay connection).")
class FindingConnection:
    edges: list[FindingEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="All findings matching `where` in scope.")


@strawberry.input(description="Filters of auditFindings; all of them must hold.")
class FindingWhere:
    region_code: str | None = strawberry.field(
        default=None,
        description="Any level: findings placed in the region (by the smallest household "
        "code they concern; for an official, of the households they are paired with).",
    )
    rule: AuditRule | None = None
    status: FindingStatus | None = None
    severity: Severity | None = None
    present: bool | None = strawberry.field(
        default=None, description="True: found by the latest run; false: no longer found."
    )


@strawberry.type(description="How many findings of one rule have one status.")
class AuditCount:
    rule: AuditRule
    severity: Severity
    status: FindingStatus
    count: int


@strawberry.type(description="A region's findings in your scope, counted by rule and status.")
class AuditSummary:
    region_code: str
    region: Region
    total: int
    counts: list[AuditCount] = strawberry.field(
        description="Every rule (in the order of auditRules) and status, zeros included."
    )


@strawberry.type(
    description="One import of a cross-check list: its source and counts (its ID numbers "
    "are never readable)."
)
class CrossCheckImport:
    id: str
    list: CrossCheckList
    source: str
    received: int = strawberry.field(description="Distinct ID numbers given.")
    added: int = strawberry.field(description="Of those, numbers new to the list.")
    imported_at: dt.datetime


@strawberry.type
class CrossCheckImportEdge:
    node: CrossCheckImport
    cursor: str


@strawberry.type(description="A page of imports, newest first (Relay connection).")
class CrossCheckImportConnection:
    edges: list[CrossCheckImportEdge]
    page_info: PageInfo
    total_count: int


__all__ = [
    "AuditCount",
    "AuditRuleInfo",
    "AuditRun",
    "AuditSummary",
    "CrossCheckImport",
    "CrossCheckImportConnection",
    "CrossCheckImportEdge",
    "Finding",
    "FindingConnection",
    "FindingEdge",
    "FindingWhere",
]
