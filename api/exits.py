"""Exits and returns: assessExit and returnToPoverty. Thin: the rules are graph/
assessment.py's and graph/status.py's (Household.assessments, statusHistory and
statusOn compile with the household)."""

from __future__ import annotations

import datetime as dt

import strawberry

from api.auth import HOUSEHOLD_WRITERS, policy
from api.context import Context
from api.types.payloads import ExitPayload
from api.writes import DATES, actor, cmid, mutation
from graph import assessment as graph_assessment
from graph import status as graph_status
from graph import validation as check
from graph.household import PovertyCause


@strawberry.input
class AssessExitInput:
    household_code: str
    year: int = strawberry.field(description="From 2010 to this year, with a line in force.")
    verified_by: str = strawberry.field(
        description="The code of an official paired with the household on the date."
    )
    food_secure: bool = strawberry.field(description="Attested: enough food.")
    clothing_secure: bool = strawberry.field(description="Attested: enough clothing.")
    village_confirmed: bool = strawberry.field(description="Attested: the village confirms.")
    expected_version: int | None = strawberry.field(
        default=None, description="The household's version (another: CONFLICT)."
    )
    date: dt.date | None = strawberry.field(
        default=None,
        description=f"Default: today (CST). Not before 1 January of the year. {DATES}",
    )
    dry_run: bool = strawberry.field(
        default=False, description="Compute every check and write nothing (id null)."
    )
    client_mutation_id: str | None = None


@strawberry.input
class ReturnToPovertyInput:
    household_code: str
    cause: PovertyCause
    expected_version: int | None = strawberry.field(
        default=None, description="The household's version (another: CONFLICT)."
    )
    date: dt.date | None = strawberry.field(
        default=None,
        description=f"Default: today (CST). Not before its status began (statusSince). {DATES}",
    )
    client_mutation_id: str | None = None


@strawberry.type
class ExitMutation:
    @strawberry.mutation(
        description="Assess a REGISTERED or RETURNED household for exit in a year: every "
        "check runs; all passed: it EXITED on the date (version + 1); any failed: the "
        "assessment is stored and nothing else changes; dryRun: nothing is written.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def assess_exit(
        self, info: strawberry.Info[Context, None], input: AssessExitInput
    ) -> ExitPayload:
        today = check.today_cst()
        given = cmid(input.client_mutation_id)
        client_id = None if input.dry_run else given
        household = check.check_household_code(input.household_code, "input.householdCode")
        request = graph_assessment.ExitRequest(
            household,
            input.expected_version,
            input.year,
            input.date or today,
            check.check_official_code(input.verified_by, "input.verifiedBy"),
            graph_assessment.Attestations(
                input.food_secure, input.clothing_secure, input.village_confirmed
            ),
            input.dry_run,
        )
        result = await graph_assessment.assess_exit(
            info.context.db, actor(info), mutation("assessExit", input, client_id), request, today
        )
        return ExitPayload(
            client_mutation_id=given,
            _id=result["id"],
            _household=household,
            _computed=result.get("assessment"),
        )

    @strawberry.mutation(
        description="An EXITED household fell back into poverty: RETURNED on the date, with "
        "its cause (version + 1). CONFLICT when it is not EXITED.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def return_to_poverty(
        self, info: strawberry.Info[Context, None], input: ReturnToPovertyInput
    ) -> ExitPayload:
        client_id = cmid(input.client_mutation_id)
        household = check.check_household_code(input.household_code, "input.householdCode")
        on = check.check_date(input.date or check.today_cst(), "input.date")
        await graph_status.return_to_poverty(
            info.context.db,
            actor(info),
            mutation("returnToPoverty", input, client_id),
            household,
            input.expected_version,
            on,
            input.cause,
        )
        return ExitPayload(client_mutation_id=client_id, _household=household)
