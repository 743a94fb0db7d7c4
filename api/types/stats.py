"""Which measures lifted which families: liftedHouseholds, measureImpact, regionStats.

Declarations only: the values come from the compiled statements (graph/stats.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
from api.types.coverage import PairingCoverage
from api.types.page import PageInfo
from api.types.region import Region
from graph.household import HouseholdStatus
from graph.measure import MeasureCategory

if TYPE_CHECKING:
    from api.types.household import Household
    from api.types.measure import Measure
    from api.types.official import Official


@strawberry.type(description="A household lifted out of poverty: its latest passed assessment.")
class LiftedHousehold:
    household: Annotated[Household, strawberry.lazy("api.types.household")]
    exit_year: int = strawberry.field(description="The year of its latest passed assessment.")
    exit_date: dt.date = strawberry.field(description="That assessment's date.")
    returned: bool = strawberry.field(description="Its status is RETURNED now.")
    income_before_support: int | None = strawberry.field(
        description="perCapitaNet of its registration year's record, else of the latest record "
        "before its first measure's year; null without one. Personal: null for some roles."
    )
    income_at_exit: int | None = strawberry.field(
        description="The assessment's perCapitaNet. Personal: null for some roles."
    )
    officials: list[Annotated[Official, strawberry.lazy("api.types.official")]] = strawberry.field(
        description="Officials with a pairing overlapping registration to exit, and the "
        "deliverers of the measures before it, by code."
    )

    @strawberry.field(
        description="Its non-voided measures dated on or before the exit, newest first "
        "(at most `first`, up to 100)."
    )
    def measures_before_exit(
        self, first: int = 20
    ) -> list[Annotated[Measure, strawberry.lazy("api.types.measure")]]:
        return compiled()


@strawberry.type
class LiftedHouseholdEdge:
    node: LiftedHousehold
    cursor: str


@strawberry.type(description="A page of lifted households, by code (Relay).")
class LiftedHouseholdConnection:
    edges: list[LiftedHouseholdEdge]
    page_info: PageInfo


@strawberry.type(description="Figures of a group of households in measureImpact's window.")
class ImpactGroup:
    households: int
    exited: int = strawberry.field(description="With a passed assessment of a year in the window.")
    exit_rate: float | None = strawberry.field(
        description="exited / households; null with no households."
    )
    with_income: int = strawberry.field(
        description="With two income records to compare (the income figures' households)."
    )
    mean_income_change: float | None = strawberry.field(
        description="perCapitaNet of the latest record with year <= toYear minus that of the "
        "earliest with year >= fromYear - 1, averaged (the exact mean of whole yuan, rounded "
        "once); null without households, and for roles "
        "without personal data over fewer than 5."
    )
    median_income_change: float | None = strawberry.field(
        description="The same change's median (percentileCont), null as the mean is."
    )


@strawberry.type(description="A measure category: the cohort households it reached, the rest.")
class CategoryImpact:
    category: MeasureCategory
    reached: ImpactGroup = strawberry.field(
        description="Cohort households with a non-voided measure of the category in the window."
    )
    comparison: ImpactGroup = strawberry.field(description="The rest of the cohort.")


@strawberry.type(
    description="What households reached by each kind of measure became, beside the rest: an "
    "association in the data, not a measure of cause."
)
class MeasureImpact:
    cohort: ImpactGroup = strawberry.field(
        description="Households on file in the region and your scope that were REGISTERED or "
        "RETURNED at some time between 1 January fromYear and 31 December toYear."
    )
    categories: list[CategoryImpact] = strawberry.field(description="Every category, in order.")


@strawberry.type(description="Households of one status on the date, and their people.")
class StatusCount:
    status: HouseholdStatus
    households: int
    people: int = strawberry.field(
        description="householdSize of each one's income record of the year, else memberCount."
    )


@strawberry.type(description="The non-voided measures of a category dated in the year.")
class MeasureCount:
    category: MeasureCategory
    measures: int
    households: int
    amount: int = strawberry.field(description="Their amounts, whole yuan.")


@strawberry.type(
    description="A region's statistics of a year, as of its 31 December (today for this "
    "year); households within your scope."
)
class RegionStats:
    region: Region
    year: int
    as_of: dt.date = strawberry.field(description="31 December of the year, or today.")
    households: int = strawberry.field(
        description="Households with a status on asOf, not deregistered by then."
    )
    by_status: list[StatusCount] = strawberry.field(
        description="Every status but DEREGISTERED, in order: the status each had on asOf."
    )
    poor_people: int = strawberry.field(description="People of REGISTERED and RETURNED ones.")
    rural_population: int | None
    incidence: float | None = strawberry.field(
        description="poorPeople / ruralPopulation; null when the population is unknown or 0."
    )
    exits: int = strawberry.field(description="Passed assessments of the year.")
    returns: int = strawberry.field(description="Changes to RETURNED dated in the year.")
    households_with_income: int = strawberry.field(
        description="Those with an income record of the year."
    )
    average_per_capita_net: float | None = strawberry.field(
        description="Their mean perCapitaNet; null without one, and for roles without personal "
        "data over fewer than 5."
    )
    measures: list[MeasureCount] = strawberry.field(description="By category, of the year.")
    coverage: PairingCoverage | None = strawberry.field(
        description="Pairing coverage as of asOf (one more statement, only when selected; "
        "for the region and its children)."
    )
    children: list[RegionStats] = strawberry.field(description="The same for each child, by code.")
