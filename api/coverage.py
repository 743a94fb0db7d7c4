"""Pairing coverage, the first headline question: the pairingCoverage query
(compiled: graph/coverage.py; the resolver serves graphql-core's execution only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from api.auth import HOUSEHOLD_READERS, policy
from api.context import Context
from api.execution import resolve_root
from api.types.coverage import PairingCoverage
from graph.household import HouseholdStatus
from graph.validation import DATE_RANGE


@strawberry.type
class CoverageQuery:
    @strawberry.field(
        description=(
            "Which households have an active RESPONSIBLE official and a visit within "
            "`visitWithinDays` days before `asOf` (default today, China Standard Time), for "
            "the region and each direct child; within your scope. Null for an unknown region."
        ),
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def pairing_coverage(
        self,
        info: strawberry.Info[Context, None],
        region_code: str,
        visit_within_days: int = 30,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(description=f"Default: today. A date {DATE_RANGE}."),
        ] = None,
        statuses: list[HouseholdStatus] | None = strawberry.UNSET,
    ) -> PairingCoverage | None:
        return await resolve_root(info)  # type: ignore[no-any-return]
