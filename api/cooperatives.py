"""Cooperatives: cooperative(code), createCooperative, addCooperativeMember,
endCooperativeMembership and acceptLots. Thin: the rules are graph/cooperative.py's and
graph/trace_event.py's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import strawberry

from api.auth import HOUSEHOLD_READERS, TRADE_WRITERS, policy
from api.context import Context
from api.execution import resolve_root
from api.types.cooperative import Cooperative
from api.types.payloads import CooperativePayload, LotsPayload
from api.writes import DATES, actor, cmid, day, distinct, mutation
from graph import cooperative as graph_cooperative
from graph import trace_event
from graph import validation as check
from graph.cooperative import check_cooperative_code
from graph.errors import BadUserInput
from graph.payment import to_fen
from graph.trace_code import TraceKind, check_trace_code

MAX_LOTS = 50


@strawberry.type
class CooperativeQuery:
    @strawberry.field(
        description="A cooperative by its code, with its members and lots; members out of "
        "your scope are listed with a null household. Null when there is none.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def cooperative(
        self, info: strawberry.Info[Context, None], code: str
    ) -> Cooperative | None:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input
class CreateCooperativeInput:
    client_mutation_id: str
    code: str = strawberry.field(description="1-40 letters, digits or hyphens: COOP-469025-01.")
    name: str
    village_code: str


@strawberry.input
class CooperativeMemberInput:
    cooperative_code: str
    household_code: str
    since: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {DATES}"
    )
    client_mutation_id: str | None = None


@strawberry.input
class EndCooperativeMembershipInput:
    cooperative_code: str
    household_code: str
    until: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {DATES}"
    )
    client_mutation_id: str | None = None


@strawberry.input
class AcceptedLotInput:
    trace_code: str
    price_per_unit: Decimal = strawberry.field(
        description="Yuan per unit of the lot, at most two decimal places."
    )


@strawberry.input
class AcceptLotsInput:
    client_mutation_id: str
    cooperative_code: str
    lots: list[AcceptedLotInput] = strawberry.field(
        description=f"1-{MAX_LOTS} whole, unaccepted lots of member households."
    )
    date: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {DATES}"
    )


@strawberry.type
class CooperativeMutation:
    @strawberry.mutation(
        description="Create a cooperative in a village (in your scope), with a new trace code.",
        permission_classes=[policy(*TRADE_WRITERS)],
    )
    async def create_cooperative(
        self, info: strawberry.Info[Context, None], input: CreateCooperativeInput
    ) -> CooperativePayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        result = await graph_cooperative.create_cooperative(
            info.context.db,
            actor(info),
            mutation("createCooperative", input, client_id),
            check_cooperative_code(input.code, "input.code"),
            check.check_text(input.name, "input.name", max_length=100),
            check.check_village_code(input.village_code, "input.villageCode"),
        )
        return CooperativePayload(client_mutation_id=client_id, _code=result["code"])

    @strawberry.mutation(
        description="A household joins a cooperative (its file's cooperativeMember becomes true).",
        permission_classes=[policy(*TRADE_WRITERS)],
    )
    async def add_cooperative_member(
        self, info: strawberry.Info[Context, None], input: CooperativeMemberInput
    ) -> CooperativePayload:
        return await _membership(
            info, input, "addCooperativeMember", graph_cooperative.add_cooperative_member,
            day(input.since, "input.since"),
        )  # fmt: skip

    @strawberry.mutation(
        description="End a household's membership of a cooperative (its cooperativeMember "
        "becomes false when it was its last).",
        permission_classes=[policy(*TRADE_WRITERS)],
    )
    async def end_cooperative_membership(
        self, info: strawberry.Info[Context, None], input: EndCooperativeMembershipInput
    ) -> CooperativePayload:
        return await _membership(
            info, input, "endCooperativeMembership",
            graph_cooperative.end_cooperative_membership, day(input.until, "input.until"),
        )  # fmt: skip

    @strawberry.mutation(
        description="A cooperative takes whole lots of its member households (an EPCIS "
        "accepting event); each pays its household quantity x pricePerUnit (a Payment "
        "ACCEPTANCE), part of its income.",
        permission_classes=[policy(*TRADE_WRITERS)],
    )
    async def accept_lots(
        self, info: strawberry.Info[Context, None], input: AcceptLotsInput
    ) -> LotsPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        if not 1 <= len(input.lots) <= MAX_LOTS:
            raise BadUserInput(f"give 1 to {MAX_LOTS} lots", field="input.lots")
        lots = [
            (
                check_trace_code(lot.trace_code, f"input.lots[{i}].traceCode", TraceKind.LOT),
                to_fen(lot.price_per_unit, f"input.lots[{i}].pricePerUnit"),
            )
            for i, lot in enumerate(input.lots)
        ]
        distinct([code for code, _ in lots], "input.lots[{i}].traceCode")
        result = await trace_event.accept_lots(
            info.context.db,
            actor(info),
            mutation("acceptLots", input, client_id),
            check_cooperative_code(input.cooperative_code, "input.cooperativeCode"),
            day(input.date, "input.date"),
            lots,
        )
        return LotsPayload(
            client_mutation_id=client_id, _codes=result["traceCodes"], _cooperative=result["code"]
        )


async def _membership(
    info: strawberry.Info[Context, None],
    input: CooperativeMemberInput | EndCooperativeMembershipInput,
    name: str,
    write: Callable[..., Awaitable[dict[str, Any]]],
    date: dt.date,
) -> CooperativePayload:
    """Joining and leaving: the same checks, one write of graph/cooperative.py's."""
    client_id = cmid(input.client_mutation_id)
    result = await write(
        info.context.db,
        actor(info),
        mutation(name, input, client_id),
        check_cooperative_code(input.cooperative_code, "input.cooperativeCode"),
        check.check_household_code(input.household_code, "input.householdCode"),
        date,
    )
    return CooperativePayload(
        client_mutation_id=client_id, _code=result["code"], _household=result["household"]
    )
