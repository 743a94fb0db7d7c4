"""Visits: recordVisit, from the field app. Thin: the rules are graph/visit.py's."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import strawberry

from api.auth import VISIT_WRITERS, policy
from api.context import Context
from api.types.payloads import VisitPayload
from api.writes import CLIENT_ID, DATES, RECORDED_AT, Checked, actor, mutation
from graph import validation as check
from graph import visit as graph_visit
from graph.errors import BadUserInput
from graph.write import Actor, Mutation


@strawberry.input
class RecordVisitInput:
    client_mutation_id: str
    household_code: str
    date: dt.date = strawberry.field(description=DATES)
    purpose: str
    official_code: str | None = strawberry.field(
        default=None,
        description="Who visited: paired with the household on the visit's date, unless "
        "standingInFor is given. Default (and the only choice) for a field official: theirs.",
    )
    standing_in_for: str | None = strawberry.field(
        default=None,
        description="An official of the visitor's unit who was paired with the household on "
        "the visit's date and for whom the visitor stood in; recorded on the visit.",
    )
    notes: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@strawberry.input(
    description="A visit made on the field app (syncFieldRecords): recordVisit's input, "
    "with the record's clientId and the phone's clock."
)
class FieldVisitInput(RecordVisitInput):
    client_mutation_id: str = strawberry.field(name="clientId", description=CLIENT_ID)
    recorded_at: dt.datetime = strawberry.field(description=RECORDED_AT)


def checked_visit(info: strawberry.Info[Context, None], input: RecordVisitInput) -> Checked:
    """recordVisit's input checked (BAD_USER_INPUT names `input.<field>`), bound to
    graph/visit.py's record_visit."""
    named = (
        None
        if input.official_code is None
        else check.check_official_code(input.official_code, "input.officialCode")
    )
    official_code = info.context.scope.acting_official(named, "input.officialCode")
    if not official_code:
        raise BadUserInput("officialCode is required", field="input.officialCode")
    properties: dict[str, Any] = {
        "date": check.check_date(input.date, "input.date"),
        "purpose": check.check_text(input.purpose, "input.purpose"),
        "notes": None
        if input.notes is None
        else check.check_text(input.notes, "input.notes", max_length=2000, required=False) or None,
    }
    if (input.latitude is None) != (input.longitude is None):
        raise BadUserInput("give both latitude and longitude, or neither", field="input.latitude")
    if input.latitude is not None and input.longitude is not None:
        properties["latitude"] = check.check_range(input.latitude, "input.latitude", -90, 90)
        properties["longitude"] = check.check_range(input.longitude, "input.longitude", -180, 180)
    household = check.check_household_code(input.household_code, "input.householdCode")
    standing_in_for = (
        None
        if input.standing_in_for is None
        else check.check_official_code(input.standing_in_for, "input.standingInFor")
    )
    db = info.context.db

    async def write(actor: Actor, mutation: Mutation, stamp: Mapping[str, Any]) -> dict[str, Any]:
        return await graph_visit.record_visit(
            db,
            actor,
            mutation,
            str(uuid.uuid4()),
            household,
            official_code,
            {k: v for k, v in properties.items() if v is not None},
            standing_in_for=standing_in_for,
            stamp=stamp,
        )

    return Checked(write, household, properties["date"])


@strawberry.type
class VisitMutation:
    @strawberry.mutation(
        description="Record a visit. A field official records only their own visits to "
        "households they are actively paired with.",
        permission_classes=[policy(*VISIT_WRITERS)],
    )
    async def record_visit(
        self, info: strawberry.Info[Context, None], input: RecordVisitInput
    ) -> VisitPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        visit = checked_visit(info, input)
        result = await visit.write(actor(info), mutation("recordVisit", input, client_id), {})
        return VisitPayload(
            client_mutation_id=client_id, _id=result["id"], _household=visit.household
        )
