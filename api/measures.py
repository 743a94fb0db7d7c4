"""Support measures: recordMeasure and voidMeasure. Thin: the rules are graph/
measure.py's (Household.measures compiles with the household: graph/measure.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import strawberry

from api.auth import MEASURE_VOIDERS, SUPPORT_WRITERS, policy
from api.context import Context
from api.types.payloads import MeasurePayload
from api.writes import CLIENT_ID, DATES, RECORDED_AT, Checked, actor, cmid, mutation
from graph import measure as graph_measure
from graph import validation as check
from graph.measure import MeasureCategory
from graph.write import Actor, Mutation


@strawberry.input
class RecordMeasureInput:
    client_mutation_id: str
    household_code: str
    category: MeasureCategory
    date: dt.date = strawberry.field(
        description=f"On or after the household's registration: {DATES}"
    )
    amount: int | None = strawberry.field(
        default=None,
        description="Whole yuan (a MICROCREDIT: 1-50,000). An amount or a quantity is needed.",
    )
    quantity: float | None = strawberry.field(default=None, description="With its unit.")
    unit: str | None = strawberry.field(default=None, description="Of the quantity: kg, days.")
    description: str | None = None
    agency: str | None = strawberry.field(
        default=None, description="The agency that delivered it; needed without an official."
    )
    official_code: str | None = strawberry.field(
        default=None,
        description="The official who delivered it. A field official always delivers their "
        "own (the default; another code is FORBIDDEN).",
    )
    member_id_number: str | None = strawberry.field(
        default=None, description="The member who received it: active on the date."
    )
    term_months: int | None = strawberry.field(
        default=None, description="A MICROCREDIT's term, 1-36 months; no other category has one."
    )
    notes: str | None = strawberry.field(default=None, description="Personal.")


@strawberry.input
class VoidMeasureInput:
    measure_id: str
    reason: str
    client_mutation_id: str | None = None


@strawberry.input(
    description="A measure delivered on the field app (syncFieldRecords; supplies handed "
    "out are category SUPPLIES): recordMeasure's input, with the record's clientId and the "
    "phone's clock."
)
class FieldMeasureInput(RecordMeasureInput):
    client_mutation_id: str = strawberry.field(name="clientId", description=CLIENT_ID)
    recorded_at: dt.datetime = strawberry.field(description=RECORDED_AT)


def checked_measure(info: strawberry.Info[Context, None], input: RecordMeasureInput) -> Checked:
    """recordMeasure's input checked as far as the API does (the rest is graph/
    measure.py's check_measure), bound to graph/measure.py's record_measure."""
    named = (
        None
        if input.official_code is None
        else check.check_official_code(input.official_code, "input.officialCode")
    )
    official = info.context.scope.acting_official(named, "input.officialCode")
    today = check.today_cst()
    member = (
        None
        if input.member_id_number is None
        else check.check_id_number(input.member_id_number, "input.memberIdNumber", today=today)
    )
    household = check.check_household_code(input.household_code, "input.householdCode")
    values = {
        "category": input.category, "date": input.date, "amount": input.amount,
        "quantity": input.quantity, "unit": input.unit, "description": input.description,
        "agency": input.agency, "termMonths": input.term_months, "notes": input.notes,
    }  # fmt: skip
    db = info.context.db

    async def write(actor: Actor, mutation: Mutation, stamp: Mapping[str, Any]) -> dict[str, Any]:
        return await graph_measure.record_measure(
            db, actor, mutation, str(uuid.uuid4()), household, values, official, member, today,
            stamp=stamp,
        )  # fmt: skip

    return Checked(write, household, input.date)


@strawberry.type
class MeasureMutation:
    @strawberry.mutation(
        description="Record a support measure delivered to a household in your scope (a "
        "field official: a household they are paired with, delivered by themself).",
        permission_classes=[policy(*SUPPORT_WRITERS)],
    )
    async def record_measure(
        self, info: strawberry.Info[Context, None], input: RecordMeasureInput
    ) -> MeasurePayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        measure = checked_measure(info, input)
        result = await measure.write(actor(info), mutation("recordMeasure", input, client_id), {})
        return MeasurePayload(
            client_mutation_id=client_id, _id=result["id"], _household=measure.household
        )

    @strawberry.mutation(
        description="Void a measure recorded in error: it stays, with the date and reason, "
        "out of every figure. CONFLICT when already void.",
        permission_classes=[policy(*MEASURE_VOIDERS)],
    )
    async def void_measure(
        self, info: strawberry.Info[Context, None], input: VoidMeasureInput
    ) -> MeasurePayload:
        client_id = cmid(input.client_mutation_id)
        measure_id = graph_measure.check_measure_id(input.measure_id, "input.measureId")
        reason = check.check_text(input.reason, "input.reason", max_length=500)
        result = await graph_measure.void_measure(
            info.context.db,
            actor(info),
            mutation("voidMeasure", input, client_id),
            measure_id,
            reason,
            check.today_cst(),
        )
        return MeasurePayload(client_mutation_id=client_id, _id=result["id"])
