"""Households (the file of DOMAIN.md section 3) and the households connection.

Declarations only: every value comes from the compiled statement (graph/household.py
declares where each field lives; api/execution.py reads them by response key)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from api.types.page import PageInfo
from graph.assessment import ASSESSMENTS_MAX
from graph.household import (
    LATEST_VISITS_MAX,
    DeregistrationReason,
    HouseholdAttribute,
    HouseholdStatus,
    HousingGrade,
    IdentificationStandard,
    PovertyCause,
)
from graph.measure import MeasureCategory
from graph.monitoring import MONITORING_MAX
from graph.person import MembershipEndReason, Relation
from graph.status import HISTORY_MAX
from graph.validation import DATE_RANGE

if TYPE_CHECKING:
    from api.types.audit import Finding
    from api.types.cooperative import CooperativeMembership
    from api.types.exit import Assessment, StatusChange
    from api.types.history import ChangeConnection
    from api.types.income import IncomeRecord
    from api.types.lot import LotConnection, PaymentConnection
    from api.types.measure import MeasureConnection
    from api.types.monitoring import FeedbackConnection, MonitoringRecord
    from api.types.official import Pairing
    from api.types.person import Person
    from api.types.region import Region
    from api.types.visit import Visit


@strawberry.type(description="A member of a household: the person and the membership.")
class HouseholdMember:
    relation: Relation | None
    since: dt.date | None
    until: dt.date | None
    end_reason: MembershipEndReason | None
    person: Annotated[Person, strawberry.lazy("api.types.person")]

    @strawberry.field(description="True while the membership has not ended.")
    def active(self) -> bool:
        return compiled()


@strawberry.type(
    description="A registered poor household (建档立卡户). Fields marked personal are "
    "masked (or null) for roles that may not see personal data."
)
class Household:
    code: str = strawberry.field(description="16 digits: the village code and 4 more.")
    village_code: str
    address: str | None = strawberry.field(description="Personal: null for some roles.")
    head_phone: str | None = strawberry.field(description="Personal: masked for some roles.")
    bank_account: str | None = strawberry.field(
        description="Personal: last 4 digits only for some roles."
    )
    registration_date: dt.date | None = strawberry.field(
        description="The day the household was registered (建档立卡). For files registered "
        "before this field existed it is derived from registrationYear (1 January) where "
        "nothing better was known. A household counts on a date (asOf) only from this day."
    )
    registration_year: int | None = strawberry.field(description="The year of registrationDate.")
    standard: IdentificationStandard | None
    attribute: HouseholdAttribute | None
    status: HouseholdStatus | None
    monitored: bool | None = strawberry.field(
        description="Watched for return to poverty: true while one of its monitoring "
        "records is open (startMonitoring, endMonitoring)."
    )
    main_cause: PovertyCause | None
    secondary_causes: list[PovertyCause]
    housing_grade: HousingGrade | None
    housing_area: float | None = strawberry.field(description="Square metres.")
    safe_water: bool | None
    electricity: bool | None
    road_access: bool | None
    sanitary_toilet: bool | None
    cooperative_member: bool | None
    planned_exit_year: int | None
    debt: int | None = strawberry.field(
        description="Outstanding debt in yuan; personal: null for some roles."
    )
    version: int = strawberry.field(description="Pass as expectedVersion when updating.")
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    deregistered_on: dt.date | None
    deregistration_reason: DeregistrationReason | None
    member_count: int = strawberry.field(description="Active members.")
    responsible_official_code: str | None = strawberry.field(
        description="Code of the active RESPONSIBLE official; null when uncovered."
    )
    last_visit_date: dt.date | None
    latest_income_year: int | None = strawberry.field(
        description="The year of its latest income record."
    )
    latest_per_capita_net: int | None = strawberry.field(
        description="That record's perCapitaNet; personal: null for some roles."
    )
    previous_per_capita_net: int | None = strawberry.field(
        description="The perCapitaNet of the year before it (null without a record); "
        "personal: null for some roles."
    )
    trace_code: str | None = strawberry.field(
        description="Its QR trace code (FPH...), given with its first lot."
    )
    status_since: dt.date | None = strawberry.field(
        description="The date of its latest status change."
    )
    exit_year: int | None = strawberry.field(
        description="The year of its latest passed exit assessment (kept after a return)."
    )

    @strawberry.field(
        description=f"Its status changes, oldest first (first: at most {HISTORY_MAX})."
    )
    def status_history(
        self, first: int = 20
    ) -> list[Annotated[StatusChange, strawberry.lazy("api.types.exit")]]:
        return compiled()

    @strawberry.field(
        description="Its status on `date` (default today, CST): that of the latest change on "
        "or before it; null before the first."
    )
    def status_on(
        self,
        date: Annotated[
            dt.date | None, strawberry.argument(description=f"A date {DATE_RANGE}.")
        ] = None,
    ) -> HouseholdStatus | None:
        return compiled()

    @strawberry.field(
        description=f"Its exit assessments, newest first (first: at most {ASSESSMENTS_MAX})."
    )
    def assessments(
        self, first: int = 5
    ) -> list[Annotated[Assessment, strawberry.lazy("api.types.exit")]]:
        return compiled()

    @strawberry.field(
        description="Its monitoring records, newest first (by startedOn; first: at most "
        f"{MONITORING_MAX})."
    )
    def monitoring(
        self, first: int = 5
    ) -> list[Annotated[MonitoringRecord, strawberry.lazy("api.types.monitoring")]]:
        return compiled()

    @strawberry.field(description="Feedback on it, newest first (by submittedOn, then id).")
    def feedback(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[FeedbackConnection, strawberry.lazy("api.types.monitoring")]:
        return compiled()

    @strawberry.field(description="Members, head first; past members too with includePast.")
    def members(self, include_past: bool = False) -> list[HouseholdMember]:
        return compiled()

    @strawberry.field(description="The village, with its path from the province.")
    def village(self) -> Annotated[Region, strawberry.lazy("api.types.region")] | None:
        return compiled()

    @strawberry.field(
        description="Paired officials, the RESPONSIBLE one first; ended pairings too with "
        "includeEnded."
    )
    def officials(
        self, include_ended: bool = False
    ) -> list[Annotated[Pairing, strawberry.lazy("api.types.official")]]:
        return compiled()

    @strawberry.field(
        description=f"The latest visits, newest first (first: at most {LATEST_VISITS_MAX})."
    )
    def latest_visits(
        self, first: int = 5
    ) -> list[Annotated[Visit, strawberry.lazy("api.types.visit")]]:
        return compiled()

    @strawberry.field(
        description=(
            "No visit within `withinDays` days before `asOf` (default today, CST), as "
            "pairingCoverage counts it: exact for any past date."
        )
    )
    def visit_overdue(
        self,
        within_days: int = 30,
        as_of: Annotated[
            dt.date | None, strawberry.argument(description=f"A date {DATE_RANGE}.")
        ] = None,
    ) -> bool:
        return compiled()

    @strawberry.field(
        description="Support measures delivered to it, newest first (by date, then id): of "
        "`categories` only when given, voided ones too with includeVoided."
    )
    def measures(
        self,
        first: int = 20,
        after: str | None = None,
        categories: list[MeasureCategory] | None = None,
        include_voided: bool = False,
    ) -> Annotated[MeasureConnection, strawberry.lazy("api.types.measure")]:
        return compiled()

    @strawberry.field(
        description="Its income records by year (one a year), from fromYear to toYear "
        "(both included) when given. Personal: null for roles without personal data."
    )
    def incomes(
        self, from_year: int | None = None, to_year: int | None = None
    ) -> list[Annotated[IncomeRecord, strawberry.lazy("api.types.income")]] | None:
        return compiled()

    @strawberry.field(
        description="The audit's findings that concern it, newest lastSeenAt first (first: at "
        "most 100); FORBIDDEN for field officials and investigators."
    )
    def findings(
        self, first: int = 20
    ) -> list[Annotated[Finding, strawberry.lazy("api.types.audit")]] | None:
        return compiled()

    @strawberry.field(description="Its changes, newest first (not for field officials: FORBIDDEN).")
    def history(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[ChangeConnection, strawberry.lazy("api.types.history")] | None:
        return compiled()

    @strawberry.field(description="The lots it produced, newest first.")
    def lots(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[LotConnection, strawberry.lazy("api.types.lot")]:
        return compiled()

    @strawberry.field(
        description="What it was paid through the platform, newest first; voided payments "
        "too with includeVoided. Amounts are personal (null for some roles)."
    )
    def payments(
        self, first: int = 20, after: str | None = None, include_voided: bool = False
    ) -> Annotated[PaymentConnection, strawberry.lazy("api.types.lot")]:
        return compiled()

    @strawberry.field(description="Its cooperatives; ended memberships too with includeEnded.")
    def cooperatives(
        self, include_ended: bool = False
    ) -> list[Annotated[CooperativeMembership, strawberry.lazy("api.types.cooperative")]]:
        return compiled()


@strawberry.type
class HouseholdEdge:
    node: Household
    cursor: str


@strawberry.type(description="A page of households (Relay connection).")
class HouseholdConnection:
    edges: list[HouseholdEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="All households matching `where` in your scope."
    )


@strawberry.input(description="Filters of the households list; all of them must hold.")
class HouseholdWhere:
    region_code: str | None = strawberry.field(
        default=None, description="Any level; the region's descendants included."
    )
    status: HouseholdStatus | None = None
    attribute: HouseholdAttribute | None = None
    main_cause: PovertyCause | None = None
    exit_year: int | None = strawberry.field(
        default=None, description="The year of its latest passed exit assessment."
    )
    has_responsible_official: bool | None = strawberry.field(
        default=None, description="True: covered; false: no active RESPONSIBLE official."
    )
    visit_overdue: bool | None = strawberry.field(
        default=None,
        description="True: no visit within `withinDays` days before `asOf`; false: visited. "
        "Without `status`, only households in poverty (REGISTERED, RETURNED), as "
        "pairingCoverage counts them.",
    )
    within_days: int = strawberry.field(default=30, description="The visit window in days.")
    as_of: dt.date | None = strawberry.field(
        default=None,
        description=f"The reference date (default today): a date {DATE_RANGE}.",
    )
    include_deregistered: bool = False


__all__ = ["Household", "HouseholdConnection", "HouseholdEdge", "HouseholdMember", "HouseholdWhere"]
