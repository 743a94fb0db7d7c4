"""Which measures lifted which families: liftedHouseholds, measureImpact, regionStats
(compiled: graph/stats.py; the resolvers serve graphql-core's execution only), and
setRuralPopulation."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.auth import HOUSEHOLD_READERS, POPULATION_WRITERS, policy
from api.context import Context
from api.execution import resolve_root
from api.types.payloads import RegionPayload
from api.types.stats import LiftedHouseholdConnection, MeasureImpact, RegionStats
from api.writes import actor, cmid, mutation
from graph import region as graph_region
from graph import validation as check


@strawberry.type
class StatsQuery:
    @strawberry.field(
        description="Households of the region with a passed assessment (on file, in your "
        "scope), by code: their latest exit, the measures before it, their incomes and "
        "officials. `year`: that exit's year. Null for an unknown region.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def lifted_households(
        self,
        info: strawberry.Info[Context, None],
        region_code: str,
        year: int | None = None,
        include_returned: Annotated[
            bool, strawberry.argument(description="false: leave out those RETURNED now.")
        ] = True,
        first: int = 20,
        after: str | None = None,
    ) -> LiftedHouseholdConnection | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="For households in poverty in a window of years (fromYear <= toYear <= "
        "this year, at most 15 years), the exits and income change of those reached by each "
        "measure category beside the rest: an association in the data, not a measure of "
        "cause. Null for an unknown region.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def measure_impact(
        self, info: strawberry.Info[Context, None], region_code: str, from_year: int, to_year: int
    ) -> MeasureImpact | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A region's statistics of a year (not after this one) and its children's, "
        "as of 31 December of the year (today for this year). Null for an unknown region.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def region_stats(
        self, info: strawberry.Info[Context, None], region_code: str, year: int
    ) -> RegionStats | None:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input
class SetRuralPopulationInput:
    region_code: str
    rural_population: int = strawberry.field(description="0 to 100,000,000 people.")
    client_mutation_id: str | None = None


@strawberry.type
class StatsMutation:
    @strawberry.mutation(
        description="Set a region's rural population (the denominator of its incidence).",
        permission_classes=[policy(*POPULATION_WRITERS)],
    )
    async def set_rural_population(
        self, info: strawberry.Info[Context, None], input: SetRuralPopulationInput
    ) -> RegionPayload:
        client_id = cmid(input.client_mutation_id)
        code = check.check_region_code(input.region_code, "input.regionCode")
        result = await graph_region.set_rural_population(
            info.context.db,
            actor(info),
            mutation("setRuralPopulation", input, client_id),
            code,
            input.rural_population,
        )
        return RegionPayload(client_mutation_id=client_id, _code=str(result["code"]))
