"""Lots (DOMAIN.md section 8's batches): a trace code, a product, a quantity and what
remains of it, the day it was produced, its producer and owner (a household or a
cooperative); its read map, the lot(traceCode) planner and registerLot.

A lot is read by every household reader; a household behind it (producer or owner)
only within the caller's scope (null otherwise). Writes reach a lot through its
owner's scope, under the lot's write lock (graph/write.py `Write.lot`), so `remaining`
is never drawn twice. Accepting and transforming lots: graph/trace_event.py.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.db import Database, Tx
from graph.errors import BadUserInput
from graph.household import check_after_registration, in_scope
from graph.model import Label
from graph.product import COUNTED, QuantityUnit, product_units
from graph.readmap import Custom, Embed, Field, Kind, Rel, Value, declare
from graph.trace_code import LABELS, TraceKind, check_trace_code, new
from graph.write import Actor, Entity, Mutation, Write, write


class PartyKind(StrEnum):
    """Who produces or owns a lot."""

    HOUSEHOLD = "HOUSEHOLD"
    COOPERATIVE = "COOPERATIVE"


MAX_QUANTITY = 1_000_000
RELATED_MAX = 100  # a lot's inputs, outputs and events shown at most


def check_quantity(value: float, field: str, unit: str | None = None) -> float:
    """More than 0, at most 1,000,000, at most three decimal places (grams of a
    kilogram); a whole number in a counted unit (PIECE, BOTTLE, BOX, DOZEN)."""
    if not 0 < value <= MAX_QUANTITY:
        raise BadUserInput(f"a quantity is more than 0 and at most {MAX_QUANTITY:,}", field=field)
    if Decimal(str(value)) != Decimal(str(value)).quantize(Decimal("0.001")):
        raise BadUserInput("a quantity has at most three decimal places", field=field)
    if unit is not None and QuantityUnit(unit) in COUNTED and value != int(value):
        raise BadUserInput(f"a quantity in {unit} is a whole number", field=field)
    return round(float(value), 3)


def _cooperative(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    node = c.project("Cooperative", {"c": row["n"]}, f.fields, post)
    return f"CASE WHEN {row['n']}:Cooperative THEN {node} ELSE null END"


def _household(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return f"CASE WHEN {row['n']}:Household THEN {_IN_SCOPE.build(c, row, f, post)} ELSE null END"


_IN_SCOPE = in_scope("n")

# A lot's producer or owner: a household (null out of the caller's scope) or a
# cooperative.
declare(
    "LotParty",
    ("n",),
    {
        "kind": Value("CASE WHEN {n}:Household THEN 'HOUSEHOLD' ELSE 'COOPERATIVE' END"),
        "traceCode": Value("{n}.traceCode"),
        "household": Custom(_household),
        "cooperative": Custom(_cooperative),
    },
)

declare(
    "Lot",
    ("l",),
    {
        "traceCode": Value("{l}.traceCode"),
        "quantity": Value("{l}.quantity"),
        "remaining": Value("{l}.remaining"),
        "unit": Value("{l}.unit"),
        "producedOn": Value("{l}.producedOn", Kind.DATE),
        "villageCode": Value("{l}.villageCode"),
        "createdAt": Value("{l}.createdAt", Kind.DATETIME),
        "product": Rel("Product", "MATCH ({l})-[:OF_PRODUCT]->({p}:Product)", single=True),
        "village": Rel("Region", "MATCH ({r}:Region {{code: {l}.villageCode}})", single=True),
        "producer": Rel("LotParty", "MATCH ({l})<-[:PRODUCED]-({n})", single=True),
        "owner": Rel("LotParty", "MATCH ({l})<-[:OWNS]-({n})", single=True),
        "inputs": Rel(
            "Lot",
            "MATCH ({l})<-[:OUTPUT]-(:TraceEvent)-[:INPUT]->({x}:Lot)",
            order="{x}.traceCode",
            fixed_limit=RELATED_MAX,
            binds={"l": "x"},
        ),
        "outputs": Rel(
            "Lot",
            "MATCH ({l})<-[:INPUT]-(:TraceEvent)-[:OUTPUT]->({x}:Lot)",
            order="{x}.producedOn, {x}.traceCode",
            fixed_limit=RELATED_MAX,
            binds={"l": "x"},
        ),
        "events": Rel(
            "TraceEvent",
            "MATCH ({l})<-[:INPUT|OUTPUT]-({e}:TraceEvent) WITH DISTINCT {e}",
            order="{e}.eventTime, {e}.recordTime, {e}.id",
            fixed_limit=RELATED_MAX,
        ),
    },
)
declare("LotEdge", ("l",), {"node": Embed("Lot", {"l": "l"})})


def _trace_code(request: Request) -> str:
    return check_trace_code(str(request.args["traceCode"]), "traceCode", TraceKind.LOT)


@root("lot")
def plan_lot(field: Field, view: View, shape: Any) -> Plan:
    """lot(traceCode): a seek on lot_trace_code; the households behind it scoped."""
    b = Binder()
    post = Post(field=field)
    code = b.slot("traceCode", _trace_code)
    node = Compiler(view, b).project("Lot", {"l": "l"}, field.fields, post)
    return plan(f"MATCH (l:Lot {{traceCode: {code}}}) RETURN {node} AS data", b, post)


def _codes(request: Request) -> list[str]:
    return [str(code) for code in request.args["traceCodes"]]


@root("Lot#codes")
def plan_lots(field: Field, view: View, shape: Any) -> Plan:
    """Lots by trace code, in the order given (mutation payloads): a seek each."""
    b = Binder()
    post = Post(field=field)
    codes = b.slot("traceCodes", _codes)
    node = Compiler(view, b).project("Lot", {"l": "l"}, field.fields, post)
    cypher = (
        f"RETURN COLLECT {{ UNWIND range(0, size({codes}) - 1) AS i "
        f"MATCH (l:Lot {{traceCode: {codes}[i]}}) RETURN {node} ORDER BY i }} AS data"
    )
    return plan(cypher, b, post)


# --- writes ----------------------------------------------------------------------------


async def fresh_trace_codes(tx: Tx, kind: TraceKind, count: int) -> list[str]:
    """`count` new random trace codes of `kind`, none on a node of its label yet (a
    seek each on the label's unique trace code; a clash, one in 10^15, draws again)."""
    label = LABELS[kind]
    codes: list[str] = []
    while len(codes) < count:
        drawn = [new(kind) for _ in range(count - len(codes))]
        records = await tx.run(
            f"UNWIND $codes AS code OPTIONAL MATCH (n:{label} {{traceCode: code}}) "
            "WITH code, n WHERE n IS NULL RETURN code",
            {"codes": drawn},
        )
        codes += [r["code"] for r in records if r["code"] not in codes]
    return codes


def create_lots(owner: Label) -> str:
    """New lots ($lots: {traceCode, product, quantity}) produced and owned by the
    household or cooperative `$owner` (of label `owner`), in `$village`, on
    `$producedOn`; each takes its product's unit."""
    return (
        f"MATCH (owner:{owner} {{code: $owner}}) UNWIND $lots AS row "
        "MATCH (p:Product {code: row.product}) "
        "CREATE (l:Lot {traceCode: row.traceCode, quantity: row.quantity, "
        "remaining: row.quantity, unit: p.unit, producedOn: $producedOn, "
        "villageCode: $village, createdAt: datetime()}) "
        "CREATE (l)-[:OF_PRODUCT]->(p) CREATE (owner)-[:PRODUCED]->(l) "
        "CREATE (owner)-[:OWNS]->(l)"
    )


CREATE_EVENT = """
CREATE (e:TraceEvent {id: $id, eventType: $eventType, bizStep: $bizStep, kind: $kind,
  eventTime: datetime({date: $date, timezone: '+08:00'}), recordTime: datetime(),
  readPoint: $readPoint, bizTransaction: $bizTransaction})
WITH e
CALL (e) {
  UNWIND $inputs AS row MATCH (l:Lot {traceCode: row.lot})
  CREATE (e)-[:INPUT {quantity: row.quantity}]->(l)
}
CALL (e) {
  UNWIND $outputs AS row MATCH (l:Lot {traceCode: row.lot})
  CREATE (e)-[:OUTPUT {quantity: row.quantity}]->(l)
}
"""


async def record_event(
    tx: Tx,
    *,
    event_type: str,
    biz_step: str,
    date: dt.date,
    read_point: str,
    inputs: Sequence[Mapping[str, Any]] = (),
    outputs: Sequence[Mapping[str, Any]] = (),
    kind: str | None = None,
    biz_transaction: str | None = None,
) -> str:
    """Write one EPCIS event ({lot, quantity} inputs and outputs): its id."""
    event = str(uuid.uuid4())
    await tx.run(
        CREATE_EVENT,
        {"id": event, "eventType": event_type, "bizStep": biz_step, "kind": kind,
         "date": date, "readPoint": read_point, "bizTransaction": biz_transaction,
         "inputs": [dict(i) for i in inputs], "outputs": [dict(o) for o in outputs]},
    )  # fmt: skip
    return event


async def register_lot(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    product: str,
    quantity: float,
    produced_on: dt.date,
    producer: tuple[Entity, str],
) -> dict[str, Any]:
    """A harvest or production: a new lot of `product` owned by its producer (a
    household or a cooperative, in the caller's scope: NOT_FOUND otherwise), with a
    commissioning event: {traceCode}. A household gets its own trace code with its
    first lot. The product must exist (NOT_FOUND); a counted unit takes a whole
    number; a household's lot is not dated before its registration."""
    kind, code = producer

    async def work(w: Write) -> dict[str, Any]:
        if kind is Entity.HOUSEHOLD:
            state = await w.household(code, bump=False)
            check_after_registration(state, produced_on, "input.producedOn")
            village, label = code[:12], Label.HOUSEHOLD
        else:
            village = (await w.cooperative(code, field="input.cooperativeCode"))["villageCode"]
            label = Label.COOPERATIVE
        (unit,) = await product_units(w.tx, [product], "input.productCode")
        check_quantity(quantity, "input.quantity", unit)
        (trace_code,) = await fresh_trace_codes(w.tx, TraceKind.LOT, 1)
        await w.tx.run(
            create_lots(label),
            {"owner": code, "village": village, "producedOn": produced_on,
             "lots": [{"traceCode": trace_code, "product": product, "quantity": quantity}]},
        )  # fmt: skip
        await record_event(
            w.tx, event_type="OBJECT", biz_step="commissioning", date=produced_on,
            read_point=village, outputs=[{"lot": trace_code, "quantity": quantity}],
        )  # fmt: skip
        if kind is Entity.HOUSEHOLD:
            await _household_trace_code(w, code)
        after = {"lot": trace_code, "product": product, "quantity": quantity,
                 "producedOn": produced_on.isoformat()}  # fmt: skip
        w.changed(kind, code, [{"field": "lots", "before": None, "after": after}])
        return {"traceCode": trace_code}

    return await write(db, actor, mutation, work)


async def _household_trace_code(w: Write, code: str) -> None:
    """A household's own trace code, given with its first lot."""
    record = await w.tx.single(
        "MATCH (h:Household {code: $code}) RETURN h.traceCode AS traceCode", {"code": code}
    )
    if record is not None and record["traceCode"] is None:
        (trace_code,) = await fresh_trace_codes(w.tx, TraceKind.HOUSEHOLD, 1)
        await w.update(Entity.HOUSEHOLD, code, {"traceCode": trace_code})
