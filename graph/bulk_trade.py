"""Bulk writes of traceability (issue 15) for the demo story: the upserts MERGE on each
node's key from a list of maps, so writing the same rows again changes nothing (as
graph/bulk.py's). Each runs in the caller's transaction, one statement a kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.db import Tx
from graph.income import refresh_incomes
from graph.model import Label
from graph.sales_summary import refresh_days_of

_UPSERT_COOPERATIVES = """
UNWIND $rows AS row
MATCH (v:Region {code: row.villageCode})
MERGE (c:Cooperative {code: row.code})
ON CREATE SET c.createdAt = datetime()
SET c.name = row.name, c.villageCode = row.villageCode, c.traceCode = row.traceCode,
    c.updatedAt = datetime()
MERGE (c)-[:LOCATED_IN]->(v)
"""

_UPSERT_MEMBERSHIPS = """
UNWIND $rows AS row
MATCH (h:Household {code: row.householdCode}), (c:Cooperative {code: row.cooperativeCode})
MERGE (h)-[m:COOPERATIVE_MEMBER {id: row.id}]->(c)
SET m.since = row.since, m.until = row.until, h.cooperativeMember = row.until IS NULL
"""


async def upsert_cooperatives(
    tx: Tx, rows: Sequence[Mapping[str, Any]], members: Sequence[Mapping[str, Any]]
) -> None:
    """MERGE cooperatives on their code ({code, name, villageCode, traceCode}) and
    memberships on their id ({id, householdCode, cooperativeCode, since, until})."""
    await tx.run(_UPSERT_COOPERATIVES, {"rows": [dict(r) for r in rows]})
    await tx.run(_UPSERT_MEMBERSHIPS, {"rows": [dict(r) for r in members]})


_UPSERT_LOTS = """
UNWIND $rows AS row
MATCH (p:Product {code: row.product})
CALL (row) {
  MATCH (owner:Household {code: row.owner}) WHERE row.ownerKind = 'HOUSEHOLD' RETURN owner
  UNION
  MATCH (owner:Cooperative {code: row.owner}) WHERE row.ownerKind = 'COOPERATIVE' RETURN owner
}
CALL (row) {
  MATCH (maker:Household {code: row.producer}) WHERE row.producerKind = 'HOUSEHOLD' RETURN maker
  UNION
  MATCH (maker:Cooperative {code: row.producer}) WHERE row.producerKind = 'COOPERATIVE'
  RETURN maker
}
MERGE (l:Lot {traceCode: row.traceCode})
ON CREATE SET l.createdAt = datetime()
SET l.quantity = row.quantity, l.remaining = row.remaining, l.unit = p.unit,
    l.producedOn = row.producedOn, l.villageCode = row.villageCode
MERGE (l)-[:OF_PRODUCT]->(p)
MERGE (maker)-[:PRODUCED]->(l)
WITH l, owner
OPTIONAL MATCH (l)<-[old:OWNS]-(other) WHERE other <> owner
DELETE old
MERGE (owner)-[:OWNS]->(l)
"""

_UPSERT_EVENTS = """
UNWIND $rows AS row
MERGE (e:TraceEvent {id: row.id})
ON CREATE SET e.recordTime = datetime()
SET e.eventType = row.eventType, e.bizStep = row.bizStep, e.kind = row.kind,
    e.eventTime = datetime({date: row.date, timezone: '+08:00'}),
    e.readPoint = row.readPoint, e.bizTransaction = row.bizTransaction
WITH e, row
CALL (e, row) {
  UNWIND row.inputs AS flow MATCH (l:Lot {traceCode: flow.lot})
  MERGE (e)-[r:INPUT]->(l) SET r.quantity = flow.quantity
}
CALL (e, row) {
  UNWIND row.outputs AS flow MATCH (l:Lot {traceCode: flow.lot})
  MERGE (e)-[r:OUTPUT]->(l) SET r.quantity = flow.quantity
}
"""

_SET_HOUSEHOLD_TRACE_CODES = """
UNWIND $rows AS row MATCH (h:Household {code: row.code}) SET h.traceCode = row.traceCode
"""


async def upsert_lots(
    tx: Tx,
    lots: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    household_codes: Sequence[Mapping[str, Any]] = (),
) -> None:
    """MERGE lots on their trace code ({traceCode, product, quantity, remaining,
    producedOn, villageCode, producer, producerKind, owner, ownerKind}), events on
    their id ({id, eventType, bizStep, kind, date, readPoint, bizTransaction, inputs,
    outputs}) and households' trace codes ({code, traceCode})."""
    await tx.run(_UPSERT_LOTS, {"rows": [dict(r) for r in lots]})
    await tx.run(_UPSERT_EVENTS, {"rows": [dict(r) for r in events]})
    await tx.run(_SET_HOUSEHOLD_TRACE_CODES, {"rows": [dict(r) for r in household_codes]})


_UPSERT_PAYMENTS = """
UNWIND $rows AS row
MATCH (h:Household {code: row.household}), (l:Lot {traceCode: row.lot})
MERGE (p:Payment {id: row.id})
SET p.amount = row.amount, p.date = row.date, p.source = row.source
MERGE (p)-[:PAID_TO]->(h)
MERGE (p)-[:PAID_FOR]->(l)
"""


async def upsert_payments(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE payments on their id ({id, household, lot, amount (fen), date, source}),
    then the derived income figures of the households paid (their platform sales)."""
    await tx.run(_UPSERT_PAYMENTS, {"rows": [dict(r) for r in rows]})
    await refresh_incomes(tx, sorted({str(r["household"]) for r in rows}))


_UPSERT_SELLERS = """
UNWIND $rows AS row
MATCH (r:Region {code: row.regionCode})
MERGE (s:Seller {code: row.code})
ON CREATE SET s.createdAt = datetime()
SET s.name = row.name, s.kind = row.kind, s.regionCode = row.regionCode,
    s.updatedAt = datetime()
MERGE (s)-[:LOCATED_IN]->(r)
"""

_UPSERT_ORDERS = """
UNWIND $rows AS row
MATCH (s:Seller {code: row.seller})
MERGE (b:Buyer {sellerCode: row.seller, id: row.buyer})
SET b.cityCode = row.city
MERGE (o:Order {sellerCode: row.seller, id: row.id})
ON CREATE SET o.createdAt = datetime()
SET o.channel = row.channel, o.placedAt = row.placedAt, o.status = 'PLACED',
    o.total = row.total, o.digest = row.digest
MERGE (s)-[:SOLD]->(o)
MERGE (o)-[:BOUGHT_BY]->(b)
WITH o, row
CALL (o, row) {
  UNWIND row.lines AS line MATCH (l:Lot {traceCode: line.lot})
  MERGE (o)-[x:LINE {n: line.n}]->(l)
  SET x.quantity = line.quantity, x.unitPrice = line.unitPrice, x.amount = line.amount
}
CALL (o, row) {
  UNWIND row.payments AS pay MATCH (l:Lot {traceCode: pay.lot})<-[:OWNS]-(owner)
  MERGE (p:Payment {id: pay.id})
  SET p.amount = pay.amount, p.date = pay.date, p.source = 'SALE'
  MERGE (p)-[:PAID_TO]->(owner)
  MERGE (p)-[:PAID_FOR]->(l)
  MERGE (p)-[:FOR_ORDER]->(o)
}
WITH DISTINCT o
MATCH (o)<-[:FOR_ORDER]-(:Payment)-[:PAID_TO]->(h:Household)
RETURN DISTINCT h.code AS household
"""


async def upsert_sales(
    tx: Tx, sellers: Sequence[Mapping[str, Any]], orders: Sequence[Mapping[str, Any]]
) -> None:
    """MERGE sellers on their code ({code, name, kind, regionCode}), buyers and orders on
    (seller, id) ({id, seller, channel, placedAt, buyer, city, total, digest, lines:
    [{n, lot, quantity, unitPrice, amount}], payments: [{id, lot, amount, date}]}), each
    payment to its lot's owner; then the derived income figures of the households paid
    and the sales summaries of the orders' days (graph/sales_summary.py). The lots'
    remaining is the caller's (upsert_lots)."""
    await tx.run(_UPSERT_SELLERS, {"rows": [dict(r) for r in sellers]})
    records = await tx.run(_UPSERT_ORDERS, {"rows": [dict(r) for r in orders]})
    await refresh_incomes(tx, sorted({str(r["household"]) for r in records}))
    await refresh_days_of(tx, [{"seller": o["seller"], "id": o["id"]} for o in orders])


# --- the generator's trade (seeds/market.py) -------------------------------------------
# CREATE, not MERGE: a run drops the Generated part first (seeds/generator.py). Every
# node carries the Generated label; households, villages and products are found by
# their unique keys.

_G = Label.GENERATED

_CREATE_COOPERATIVES = f"""
UNWIND $rows AS row
MATCH (v:Region {{code: row.villageCode}})
CREATE (c:Cooperative:{_G} {{code: row.code, name: row.name, villageCode: row.villageCode,
  traceCode: row.traceCode, createdAt: datetime(), updatedAt: datetime()}})
CREATE (c)-[:LOCATED_IN]->(v)
"""
_CREATE_MEMBERSHIPS = """
UNWIND $rows AS row
MATCH (h:Household {code: row.householdCode}), (c:Cooperative {code: row.cooperativeCode})
CREATE (h)-[:COOPERATIVE_MEMBER {id: row.id, since: row.since}]->(c)
"""
_CREATE_LOTS = f"""
UNWIND $rows AS row
MATCH (p:Product {{code: row.product}})
CALL (row) {{
  MATCH (owner:Household {{code: row.owner}}) WHERE row.ownerKind = 'HOUSEHOLD' RETURN owner
  UNION
  MATCH (owner:Cooperative {{code: row.owner}}) WHERE row.ownerKind = 'COOPERATIVE' RETURN owner
}}
CALL (row) {{
  MATCH (maker:Household {{code: row.producer}}) WHERE row.producerKind = 'HOUSEHOLD' RETURN maker
  UNION
  MATCH (maker:Cooperative {{code: row.producer}}) WHERE row.producerKind = 'COOPERATIVE'
  RETURN maker
}}
CREATE (l:Lot:{_G} {{traceCode: row.traceCode, quantity: row.quantity, remaining: row.remaining,
  unit: p.unit, producedOn: row.producedOn, villageCode: row.villageCode, createdAt: datetime()}})
CREATE (l)-[:OF_PRODUCT]->(p)
CREATE (maker)-[:PRODUCED]->(l)
CREATE (owner)-[:OWNS]->(l)
"""
_CREATE_EVENTS = f"""
UNWIND $rows AS row
CREATE (e:TraceEvent:{_G} {{id: row.id, eventType: row.eventType, bizStep: row.bizStep,
  kind: row.kind, eventTime: datetime({{date: row.date, timezone: '+08:00'}}),
  recordTime: datetime(), readPoint: row.readPoint, bizTransaction: row.bizTransaction}})
WITH e, row
CALL (e, row) {{
  UNWIND row.inputs AS flow MATCH (l:Lot {{traceCode: flow.lot}})
  CREATE (e)-[:INPUT {{quantity: flow.quantity}}]->(l)
}}
CALL (e, row) {{
  UNWIND row.outputs AS flow MATCH (l:Lot {{traceCode: flow.lot}})
  CREATE (e)-[:OUTPUT {{quantity: flow.quantity}}]->(l)
}}
"""
_CREATE_PAYMENTS = f"""
UNWIND $rows AS row
MATCH (h:Household {{code: row.household}}), (l:Lot {{traceCode: row.lot}})
CREATE (p:Payment:{_G} {{id: row.id, amount: row.amount, date: row.date, source: row.source}})
CREATE (p)-[:PAID_TO]->(h)
CREATE (p)-[:PAID_FOR]->(l)
"""
_CREATE_SELLERS = f"""
UNWIND $rows AS row
MATCH (r:Region {{code: row.regionCode}})
CREATE (s:Seller:{_G} {{code: row.code, name: row.name, kind: row.kind,
  regionCode: row.regionCode, createdAt: datetime(), updatedAt: datetime()}})
CREATE (s)-[:LOCATED_IN]->(r)
"""
_CREATE_BUYERS = f"""
UNWIND $rows AS row
CREATE (:Buyer:{_G} {{sellerCode: row.seller, id: row.id, cityCode: row.city}})
"""
_CREATE_ORDERS = f"""
UNWIND $rows AS row
MATCH (s:Seller {{code: row.seller}}), (b:Buyer {{sellerCode: row.seller, id: row.buyer}})
CREATE (s)-[:SOLD]->(o:Order:{_G} {{sellerCode: row.seller, id: row.id, channel: row.channel,
  placedAt: row.placedAt, status: 'PLACED', total: row.total, digest: row.digest,
  createdAt: datetime()}})-[:BOUGHT_BY]->(b)
WITH o, row
CALL (o, row) {{
  UNWIND row.lines AS line MATCH (l:Lot {{traceCode: line.lot}})
  CREATE (o)-[:LINE {{n: line.n, quantity: line.quantity, unitPrice: line.unitPrice,
    amount: line.amount}}]->(l)
}}
CALL (o, row) {{
  UNWIND row.payments AS pay MATCH (l:Lot {{traceCode: pay.lot}})<-[:OWNS]-(owner)
  CREATE (p:Payment:{_G} {{id: pay.id, amount: pay.amount, date: pay.date, source: 'SALE'}})
  CREATE (p)-[:PAID_TO]->(owner)
  CREATE (p)-[:PAID_FOR]->(l)
  CREATE (p)-[:FOR_ORDER]->(o)
}}
"""

# The households' payment summaries (graph/payment.py's SUMMARIZE_PAYMENTS), computed
# by seeds/market.py from the payments above.
_CREATE_HOUSEHOLD_PAYMENTS = f"""
UNWIND $rows AS row
CREATE (:{Label.HOUSEHOLD_PAYMENTS}:{_G} {{code: row.code, days: row.days, amounts: row.amounts}})
"""

# (rows key, statement, rows a transaction), in the order they must be written.
GENERATED_WRITES: tuple[tuple[str, str, int], ...] = (
    ("cooperatives", _CREATE_COOPERATIVES, 5_000),
    ("members", _CREATE_MEMBERSHIPS, 10_000),
    ("lots", _CREATE_LOTS, 5_000),
    ("householdTraceCodes", _SET_HOUSEHOLD_TRACE_CODES, 10_000),
    ("events", _CREATE_EVENTS, 5_000),
    ("payments", _CREATE_PAYMENTS, 10_000),
    ("sellers", _CREATE_SELLERS, 5_000),
    ("buyers", _CREATE_BUYERS, 10_000),
    ("orders", _CREATE_ORDERS, 5_000),
    ("householdPayments", _CREATE_HOUSEHOLD_PAYMENTS, 10_000),
)
# Lots whose remaining is below zero: never one (issue 17, Done when 7).
NEGATIVE_REMAINING = "MATCH (l:Lot) WHERE l.remaining < 0 RETURN count(l) AS n"
