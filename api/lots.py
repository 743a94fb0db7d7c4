"""Lots: lot(traceCode), registerLot and transformLots. Thin: the rules are
graph/lot.py's and graph/trace_event.py's."""

from __future__ import annotations

import datetime as dt

import strawberry

from api.auth import HOUSEHOLD_READERS, LOT_REGISTRARS, TRADE_WRITERS, policy
from api.context import Context
from api.cooperatives import MAX_LOTS
from api.execution import resolve_root
from api.types.lot import Lot
from api.types.payloads import LotsPayload
from api.writes import DATES, actor, day, distinct, mutation
from graph import lot as graph_lot
from graph import trace_event
from graph import validation as check
from graph.cooperative import check_cooperative_code
from graph.errors import BadUserInput
from graph.lot import check_quantity
from graph.product import check_product_code
from graph.trace_code import TraceKind, check_trace_code
from graph.trace_event import TransformationKind
from graph.write import Entity

MAX_OUTPUTS = 20


@strawberry.type
class LotQuery:
    @strawberry.field(
        description="A lot by its trace code (lower case, spaces and hyphens accepted), with "
        "its producer, inputs, outputs and events; a household behind it is null when not "
        "in your scope. Null when there is none; a malformed code is BAD_USER_INPUT.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def lot(self, info: strawberry.Info[Context, None], trace_code: str) -> Lot | None:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input(description="Exactly one of householdCode and cooperativeCode.")
class RegisterLotInput:
    client_mutation_id: str
    product_code: str
    quantity: float = strawberry.field(
        description="In the product's unit: more than 0, at most 1,000,000, three decimal "
        "places at most; whole in PIECE, BOTTLE, BOX and DOZEN."
    )
    produced_on: dt.date = strawberry.field(description=DATES)
    household_code: str | None = None
    cooperative_code: str | None = None


@strawberry.input
class LotQuantityInput:
    trace_code: str
    quantity: float


@strawberry.input
class ProductQuantityInput:
    product_code: str
    quantity: float


@strawberry.input
class TransformLotsInput:
    client_mutation_id: str
    kind: TransformationKind
    inputs: list[LotQuantityInput] = strawberry.field(
        description=f"1-{MAX_LOTS} lots of one owner and how much of each is used."
    )
    outputs: list[ProductQuantityInput] = strawberry.field(
        description=f"1-{MAX_OUTPUTS} new lots, owned by the inputs' owner."
    )
    date: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {DATES}"
    )


@strawberry.type
class LotMutation:
    @strawberry.mutation(
        description="A harvest or production: a new lot with a new trace code and an EPCIS "
        "commissioning event. A field official registers lots of the households they are "
        "paired with.",
        permission_classes=[policy(*LOT_REGISTRARS)],
    )
    async def register_lot(
        self, info: strawberry.Info[Context, None], input: RegisterLotInput
    ) -> LotsPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        if (input.household_code is None) == (input.cooperative_code is None):
            raise BadUserInput(
                "give exactly one producer: householdCode or cooperativeCode",
                field="input.householdCode"
                if input.household_code is None
                else "input.cooperativeCode",
            )
        producer = (
            (
                Entity.HOUSEHOLD,
                check.check_household_code(input.household_code, "input.householdCode"),
            )
            if input.household_code is not None
            else (
                Entity.COOPERATIVE,
                check_cooperative_code(input.cooperative_code or "", "input.cooperativeCode"),
            )
        )
        result = await graph_lot.register_lot(
            info.context.db,
            actor(info),
            mutation("registerLot", input, client_id),
            check_product_code(input.product_code, "input.productCode"),
            check_quantity(input.quantity, "input.quantity"),
            check.check_date(input.produced_on, "input.producedOn"),
            producer,
        )
        return LotsPayload(client_mutation_id=client_id, _codes=[result["traceCode"]])

    @strawberry.mutation(
        description="Blend, process or pack lots into new ones (an EPCIS transformation "
        "event): the inputs' remaining drops, the outputs are the inputs' owner's. More "
        "than remains of an input is CONFLICT on input.inputs[i].quantity.",
        permission_classes=[policy(*TRADE_WRITERS)],
    )
    async def transform_lots(
        self, info: strawberry.Info[Context, None], input: TransformLotsInput
    ) -> LotsPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        if not 1 <= len(input.inputs) <= MAX_LOTS:
            raise BadUserInput(f"give 1 to {MAX_LOTS} inputs", field="input.inputs")
        if not 1 <= len(input.outputs) <= MAX_OUTPUTS:
            raise BadUserInput(f"give 1 to {MAX_OUTPUTS} outputs", field="input.outputs")
        inputs = [
            (
                check_trace_code(x.trace_code, f"input.inputs[{i}].traceCode", TraceKind.LOT),
                check_quantity(x.quantity, f"input.inputs[{i}].quantity"),
            )
            for i, x in enumerate(input.inputs)
        ]
        distinct([code for code, _ in inputs], "input.inputs[{i}].traceCode")
        outputs = [
            (
                check_product_code(y.product_code, f"input.outputs[{i}].productCode"),
                check_quantity(y.quantity, f"input.outputs[{i}].quantity"),
            )
            for i, y in enumerate(input.outputs)
        ]
        result = await trace_event.transform_lots(
            info.context.db,
            actor(info),
            mutation("transformLots", input, client_id),
            input.kind,
            day(input.date, "input.date"),
            inputs,
            outputs,
        )
        return LotsPayload(client_mutation_id=client_id, _codes=result["traceCodes"])
