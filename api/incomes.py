"""Incomes and poverty lines: povertyLines, povertyLine(year), recordIncome and
setPovertyLine. Thin: reads compile (graph/income.py, which also holds
Household.incomes), writes run in the write frame (graph/income.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import strawberry

from api.auth import AUTHENTICATED, POVERTY_LINE_WRITERS, SUPPORT_WRITERS, policy
from api.context import Context
from api.execution import resolve_root
from api.types.income import PovertyLine
from api.types.payloads import IncomePayload, PovertyLinePayload
from api.writes import CLIENT_ID, RECORDED_AT, Checked, actor, cmid, given, mutation
from graph import income as graph_income
from graph import poverty_line
from graph import validation as check
from graph.write import Actor, Mutation


@strawberry.type
class IncomeQuery:
    @strawberry.field(
        description="Every poverty line by year (yuan per person per year).",
        permission_classes=[policy(*AUTHENTICATED)],
    )
    async def poverty_lines(self, info: strawberry.Info[Context, None]) -> list[PovertyLine]:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The poverty line in force in `year`: the row of the greatest year up to "
        "it; null before the first (2015).",
        permission_classes=[policy(*AUTHENTICATED)],
    )
    async def poverty_line(
        self, info: strawberry.Info[Context, None], year: int
    ) -> PovertyLine | None:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input(description="A year's income items in whole yuan; an item left out is 0.")
class IncomeItemsInput:
    wages: int = 0
    production_income: int = strawberry.field(
        default=0,
        description="Gross, excluding platform sales (IncomeRecord.platformSales adds the "
        "household's payments, so nothing counts twice).",
    )
    production_costs: int = 0
    property_income: int = 0
    pension_income: int = 0
    low_income_guarantee: int = 0
    subsidies: int = 0
    ecological_compensation: int = 0


@strawberry.input
class RecordIncomeInput:
    client_mutation_id: str
    household_code: str
    year: int = strawberry.field(description="From 2010 to this year.")
    items: IncomeItemsInput
    household_size: int | None = strawberry.field(
        default=None,
        description="1-50. Default: the members active on 31 December of the year (today "
        "for this year).",
    )
    expected_version: int | None = strawberry.field(
        default=None,
        description="To replace the year's record: its version (without it, or another: CONFLICT).",
    )


@strawberry.input
class SetPovertyLineInput:
    year: int = strawberry.field(description="From 2010 to next year.")
    line: int = strawberry.field(description="Yuan per person per year.")
    exit_line: int | None = strawberry.field(
        default=None, description="The exit threshold, at least the line; null: the line."
    )
    client_mutation_id: str | None = None


@strawberry.input(
    description="A year's income recorded on the field app (syncFieldRecords): "
    "recordIncome's input, with the record's clientId and the phone's clock."
)
class FieldIncomeInput(RecordIncomeInput):
    client_mutation_id: str = strawberry.field(name="clientId", description=CLIENT_ID)
    recorded_at: dt.datetime = strawberry.field(description=RECORDED_AT)


def checked_income(info: strawberry.Info[Context, None], input: RecordIncomeInput) -> Checked:
    """recordIncome's input checked as far as the API does (the rest is graph/income.py's),
    bound to graph/income.py's record_income."""
    household = check.check_household_code(input.household_code, "input.householdCode")
    items = given(input.items, graph_income.ITEMS)
    db, today = info.context.db, check.today_cst()

    async def write(actor: Actor, mutation: Mutation, stamp: Mapping[str, Any]) -> dict[str, Any]:
        return await graph_income.record_income(
            db, actor, mutation, household, input.year, items, input.household_size,
            input.expected_version, today, stamp=stamp,
        )  # fmt: skip

    return Checked(write, household)


@strawberry.type
class IncomeMutation:
    @strawberry.mutation(
        description="Record a household's income of a year, or replace it with the record's "
        "version; the household's latest income figures follow.",
        permission_classes=[policy(*SUPPORT_WRITERS)],
    )
    async def record_income(
        self, info: strawberry.Info[Context, None], input: RecordIncomeInput
    ) -> IncomePayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        income = checked_income(info, input)
        result = await income.write(actor(info), mutation("recordIncome", input, client_id), {})
        return IncomePayload(
            client_mutation_id=client_id, _id=result["id"], _household=income.household
        )

    @strawberry.mutation(
        description="Set the poverty line of a year (created or changed).",
        permission_classes=[policy(*POVERTY_LINE_WRITERS)],
    )
    async def set_poverty_line(
        self, info: strawberry.Info[Context, None], input: SetPovertyLineInput
    ) -> PovertyLinePayload:
        client_id = cmid(input.client_mutation_id)
        result = await poverty_line.set_poverty_line(
            info.context.db,
            actor(info),
            mutation("setPovertyLine", input, client_id),
            input.year,
            input.line,
            input.exit_line,
            check.today_cst(),
        )
        return PovertyLinePayload(client_mutation_id=client_id, _year=str(result["year"]))
