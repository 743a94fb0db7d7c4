"""EPCIS steps (GS1 EPCIS 2.0, DOMAIN.md section 8) after a lot's commissioning
(graph/lot.py): a cooperative accepting household lots (an ObjectEvent, bizStep
accepting, with a payment to each household) and lots transformed into others (a
TransformationEvent: bizStep transforming for BLENDING and PROCESSING, packing for
PACKING). The read map of TraceEvent and the writes acceptLots and transformLots.

Both lock every lot they take (graph/write.py `Write.lot`, in trace code order), and
`remaining` changes only under those locks: two transformations of one lot never both
draw what only one of them may.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from graph.db import Database
from graph.errors import BadUserInput, Conflict
from graph.lot import check_quantity, create_lots, fresh_trace_codes, record_event
from graph.model import Label
from graph.payment import CREATE_PAYMENTS, PaymentSource, amount_fen
from graph.product import product_units
from graph.readmap import Embed, Kind, Rel, Value, declare
from graph.scope import active_on
from graph.trace_code import TraceKind
from graph.write import Actor, Entity, Mutation, Write, write


class EventType(StrEnum):
    OBJECT = "OBJECT"
    TRANSFORMATION = "TRANSFORMATION"


class BizStep(StrEnum):
    """EPCIS's Core Business Vocabulary words, as the graph stores them."""

    COMMISSIONING = "commissioning"
    ACCEPTING = "accepting"
    TRANSFORMING = "transforming"
    PACKING = "packing"
    RETAIL_SELLING = "retail_selling"  # an order's lots (graph/order.py)


class TransformationKind(StrEnum):
    BLENDING = "BLENDING"
    PROCESSING = "PROCESSING"
    PACKING = "PACKING"


STEP_OF = {
    TransformationKind.BLENDING: BizStep.TRANSFORMING,
    TransformationKind.PROCESSING: BizStep.TRANSFORMING,
    TransformationKind.PACKING: BizStep.PACKING,
}
EPSILON = 1e-9  # quantities have three decimal places; floats compare within this

declare(
    "TraceEvent",
    ("e",),
    {
        "id": Value("{e}.id"),
        "eventType": Value("{e}.eventType"),
        "bizStep": Value("{e}.bizStep"),
        "kind": Value("{e}.kind"),
        "eventTime": Value("{e}.eventTime", Kind.DATETIME),
        "recordTime": Value("{e}.recordTime", Kind.DATETIME),
        "readPoint": Value("{e}.readPoint"),
        "bizTransaction": Value("{e}.bizTransaction"),
        "inputs": Rel("TraceQuantity", "MATCH ({e})-[{r}:INPUT]->({l}:Lot)", order="{l}.traceCode"),
        "outputs": Rel(
            "TraceQuantity", "MATCH ({e})-[{r}:OUTPUT]->({l}:Lot)", order="{l}.traceCode"
        ),
    },
)
declare(
    "TraceQuantity",
    ("r", "l"),
    {"quantity": Value("{r}.quantity"), "lot": Embed("Lot", {"l": "l"})},
)


async def _lock_all(w: Write, codes: Sequence[str], field: str) -> list[dict[str, Any]]:
    """Lock the lots (in trace code order, so two writes never wait on each other);
    their states in the order given. `field` has `{i}`, the lot's index."""
    states: dict[int, dict[str, Any]] = {}
    for i in sorted(range(len(codes)), key=lambda i: codes[i]):
        states[i] = await w.lot(codes[i], field=field.format(i=i))
    return [states[i] for i in range(len(codes))]


MEMBERS_ON = f"""
UNWIND $households AS code
RETURN code, EXISTS {{
  MATCH (:Household {{code: code}})-[m:COOPERATIVE_MEMBER]->(:Cooperative {{code: $cooperative}})
  WHERE {active_on("m", "$date")} }} AS member
"""

TRANSFER = """
MATCH (c:Cooperative {code: $cooperative})
UNWIND $lots AS code
MATCH (l:Lot {traceCode: code})<-[old:OWNS]-(:Household)
DELETE old
CREATE (c)-[:OWNS]->(l)
"""


async def accept_lots(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    cooperative: str,
    date: dt.date,
    lots: Sequence[tuple[str, int]],
) -> dict[str, Any]:
    """A cooperative takes whole household lots ((trace code, price per unit in fen)
    each) on `date`: each passes to the cooperative and pays its household quantity x
    price (a Payment ACCEPTANCE), under one accepting event: {code, traceCodes}.

    The cooperative and each lot's household in the caller's scope (NOT_FOUND); a lot
    owned by a cooperative already, or partly used, is CONFLICT on
    input.lots[i].traceCode, as is a deregistered household; its household must be a
    member on `date` and `date` not before the lot was produced (BAD_USER_INPUT)."""
    codes = [code for code, _ in lots]

    async def work(w: Write) -> dict[str, Any]:
        coop = await w.cooperative(cooperative, field="input.cooperativeCode")
        states = await _lock_all(w, codes, "input.lots[{i}].traceCode")
        for i, state in enumerate(states):
            field = f"input.lots[{i}].traceCode"
            if state["ownerKind"] != "HOUSEHOLD":
                raise Conflict("the lot is already a cooperative's", field=field)
            if abs(state["remaining"] - state["quantity"]) > EPSILON:
                raise Conflict("only whole lots are accepted: some of it was used", field=field)
            if state["ownerDeregisteredOn"] is not None:
                raise Conflict("the lot's household is deregistered", field=field)
            if date < state["producedOn"]:
                raise BadUserInput("the date is before the lot was produced", field="input.date")
        households = [s["owner"] for s in states]
        members = await w.tx.run(
            MEMBERS_ON, {"households": households, "cooperative": cooperative, "date": date}
        )
        for i, record in enumerate(members):
            if not record["member"]:
                raise BadUserInput(
                    "the lot's household was not a member of the cooperative on that date",
                    field=f"input.lots[{i}].traceCode",
                )
        await w.tx.run(TRANSFER, {"cooperative": cooperative, "lots": codes})
        flows = [{"lot": s["traceCode"], "quantity": s["quantity"]} for s in states]
        acceptance = str(uuid.uuid4())
        event = await record_event(
            w.tx, event_type=EventType.OBJECT, biz_step=BizStep.ACCEPTING, date=date,
            read_point=coop["villageCode"], outputs=flows,
            biz_transaction=f"acceptance:{acceptance}",
        )  # fmt: skip
        payments = [
            {"id": str(uuid.uuid4()), "household": s["owner"], "lot": s["traceCode"],
             "amount": amount_fen(s["quantity"], price), "date": date,
             "source": PaymentSource.ACCEPTANCE.value}
            for s, (_, price) in zip(states, lots, strict=True)
        ]  # fmt: skip
        await w.tx.run(CREATE_PAYMENTS, {"payments": payments})
        w.touch(households=households, incomes=households, bump=False)  # its income
        for payment in payments:
            w.changed(Entity.HOUSEHOLD, payment["household"], [
                {"field": "lots", "before": {"lot": payment["lot"], "owner": payment["household"]},
                 "after": {"lot": payment["lot"], "owner": cooperative}},
                {"field": "payments", "before": None,
                 "after": {"payment": payment["id"], "lot": payment["lot"],
                           "date": date.isoformat(), "source": payment["source"]}},
            ])  # fmt: skip
        w.changed(Entity.COOPERATIVE, cooperative, [{"field": "lots", "before": None,
            "after": {"accepted": codes, "date": date.isoformat(), "event": event}}])  # fmt: skip
        return {"code": cooperative, "traceCodes": codes}

    return await write(db, actor, mutation, work)


DRAW = """
UNWIND $draws AS draw
MATCH (l:Lot {traceCode: draw.lot})
SET l.remaining = round(l.remaining - draw.quantity, 3)
"""


async def transform_lots(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    kind: TransformationKind,
    date: dt.date,
    inputs: Sequence[tuple[str, float]],
    outputs: Sequence[tuple[str, float]],
) -> dict[str, Any]:
    """Lots blended, processed or packed into new ones on `date`: the inputs
    ((trace code, quantity) each) are drawn down and the outputs ((product code,
    quantity) each) created, owned and produced by the inputs' one owner, under one
    transformation event: {traceCodes} of the outputs.

    Every input in the caller's scope (NOT_FOUND), all of one owner (BAD_USER_INPUT on
    input.inputs[i].traceCode), none drawn beyond what remains of it (CONFLICT on
    input.inputs[i].quantity), none produced after `date` (BAD_USER_INPUT); every
    output's product exists (NOT_FOUND), its quantity whole in a counted unit."""
    codes = [code for code, _ in inputs]

    async def work(w: Write) -> dict[str, Any]:
        states = await _lock_all(w, codes, "input.inputs[{i}].traceCode")
        owner = states[0]
        for i, (state, (_, quantity)) in enumerate(zip(states, inputs, strict=True)):
            if (state["ownerKind"], state["owner"]) != (owner["ownerKind"], owner["owner"]):
                raise BadUserInput(
                    "every input must belong to the same household or cooperative",
                    field=f"input.inputs[{i}].traceCode",
                )
            check_quantity(quantity, f"input.inputs[{i}].quantity", state["unit"])
            if quantity > state["remaining"] + EPSILON:
                raise Conflict(
                    f"more than remains of the lot ({state['remaining']:g} {state['unit']})",
                    field=f"input.inputs[{i}].quantity",
                )
            if date < state["producedOn"]:
                raise BadUserInput("the date is before an input was produced", field="input.date")
        if owner["ownerDeregisteredOn"] is not None:
            raise Conflict("the lots' household is deregistered", field="input.inputs[0].traceCode")
        products = [product for product, _ in outputs]
        units = await product_units(w.tx, products, "input.outputs[{i}].productCode")
        for i, ((_, quantity), unit) in enumerate(zip(outputs, units, strict=True)):
            check_quantity(quantity, f"input.outputs[{i}].quantity", unit)
        draws = [{"lot": code, "quantity": quantity} for code, quantity in inputs]
        await w.tx.run(DRAW, {"draws": draws})
        new_codes = await fresh_trace_codes(w.tx, TraceKind.LOT, len(outputs))
        made = [{"traceCode": code, "product": product, "quantity": quantity}
                for code, (product, quantity) in zip(new_codes, outputs, strict=True)]  # fmt: skip
        household = owner["ownerKind"] == "HOUSEHOLD"
        await w.tx.run(
            create_lots(Label.HOUSEHOLD if household else Label.COOPERATIVE),
            {"owner": owner["owner"], "village": owner["ownerVillage"], "producedOn": date,
             "lots": made},
        )  # fmt: skip
        event = await record_event(
            w.tx, event_type=EventType.TRANSFORMATION, biz_step=STEP_OF[kind], kind=kind.value,
            date=date, read_point=owner["ownerVillage"], inputs=draws,
            outputs=[{"lot": m["traceCode"], "quantity": m["quantity"]} for m in made],
        )  # fmt: skip
        entity = Entity.HOUSEHOLD if household else Entity.COOPERATIVE
        if household:
            w.touch(households=[owner["owner"]], bump=False)
        after = {"event": event, "kind": kind.value, "date": date.isoformat(),
                 "inputs": draws, "outputs": made}  # fmt: skip
        w.changed(entity, owner["owner"], [{"field": "lots", "before": None, "after": after}])
        return {"traceCodes": new_codes}

    return await write(db, actor, mutation, work)
