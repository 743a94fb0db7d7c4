"""Officials and pairings: the official and officials queries, createOfficial,
pairOfficial and endPairing. Thin: the rules are graph/official.py's and
graph/pairing.py's."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry

from api.auth import HOUSEHOLD_READERS, HOUSEHOLD_WRITERS, policy
from api.context import Context
from api.execution import resolve_root
from api.pagination import DEFAULT_FIRST
from api.types.official import Official, OfficialConnection, OfficialWhere
from api.types.payloads import OfficialPayload, PairingPayload
from api.writes import DATES, actor, cmid, mutation
from graph import official as graph_official
from graph import pairing
from graph import validation as check
from graph.errors import BadUserInput
from graph.official import PairingRole


@strawberry.type
class OfficialQuery:
    @strawberry.field(
        description="An official by code; null when none is visible to you.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def official(self, info: strawberry.Info[Context, None], code: str) -> Official | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Officials you may see, by code, a page at a time (opaque keyset "
        "cursors): everyone for ADMIN, AUDITOR and INVESTIGATOR; otherwise those paired, "
        "now or before, with a household in your scope (and a field official themself).",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def officials(
        self,
        info: strawberry.Info[Context, None],
        where: OfficialWhere | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> OfficialConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input
class PairOfficialInput:
    client_mutation_id: str
    household_code: str
    official_code: str
    role: PairingRole
    since: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {DATES}"
    )
    override_max_load: bool = strawberry.field(
        default=False, description="Pair even when the official is at their maxLoad."
    )


@strawberry.input
class EndPairingInput:
    pairing_id: strawberry.ID
    until: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {DATES}"
    )
    client_mutation_id: str | None = None


@strawberry.input(
    description="Creates the official, or (ADMIN only) updates the one with this code."
)
class CreateOfficialInput:
    client_mutation_id: str
    code: str
    name: str
    max_load: int = strawberry.field(description="The most households they may carry.")
    unit: str | None = None
    position: str | None = None
    phone: str | None = None
    id_number: str | None = None


def _text(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    return check.check_text(value, field, required=False) or None


@strawberry.type
class PairingMutation:
    @strawberry.mutation(
        description="Pair an official with a household. CONFLICT for a second active "
        "RESPONSIBLE, or beyond the official's maxLoad without overrideMaxLoad.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def pair_official(
        self, info: strawberry.Info[Context, None], input: PairOfficialInput
    ) -> PairingPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        since = check.check_date(input.since or check.today_cst(), "input.since")
        result = await pairing.pair_official(
            info.context.db,
            actor(info),
            mutation("pairOfficial", input, client_id),
            str(uuid.uuid4()),
            check.check_household_code(input.household_code, "input.householdCode"),
            check.check_official_code(input.official_code, "input.officialCode"),
            input.role,
            since,
            override_max_load=input.override_max_load,
        )
        return PairingPayload(client_mutation_id=client_id, _id=result["id"])

    @strawberry.mutation(
        description="End an active pairing.", permission_classes=[policy(*HOUSEHOLD_WRITERS)]
    )
    async def end_pairing(
        self, info: strawberry.Info[Context, None], input: EndPairingInput
    ) -> PairingPayload:
        client_id = cmid(input.client_mutation_id)
        until = check.check_date(input.until or check.today_cst(), "input.until")
        result = await pairing.end_pairing(
            info.context.db,
            actor(info),
            mutation("endPairing", input, client_id),
            str(input.pairing_id),
            until,
        )
        return PairingPayload(client_mutation_id=client_id, _id=result["id"])


@strawberry.type
class OfficialMutation:
    @strawberry.mutation(
        description="Create an official; an ADMIN may also update the one with this code "
        "(anyone else: CONFLICT when the code exists).",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def create_official(
        self, info: strawberry.Info[Context, None], input: CreateOfficialInput
    ) -> OfficialPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        code = check.check_official_code(input.code, "input.code")
        if not 0 <= input.max_load <= 1000:
            raise BadUserInput("maxLoad must be between 0 and 1000", field="input.maxLoad")
        properties = {
            "name": check.check_text(input.name, "input.name", max_length=60),
            "maxLoad": input.max_load,
            "unit": _text(input.unit, "input.unit"),
            "position": _text(input.position, "input.position"),
            "phone": check.check_phone(input.phone, "input.phone") if input.phone else None,
            "idNumber": check.check_id_number(input.id_number, "input.idNumber")
            if input.id_number
            else None,
        }
        result = await graph_official.create_official(
            info.context.db,
            actor(info),
            mutation("createOfficial", input, client_id),
            code,
            {k: v for k, v in properties.items() if v is not None},
        )
        # Read back as the caller sees it: a new official paired with nothing yet is
        # not visible to a region officer until paired in their region (null here).
        return OfficialPayload(client_mutation_id=client_id, _code=result["code"])
