"""Payments: money a household (or, from D2, a cooperative) was paid through the
platform, and the arithmetic of money (DOMAIN.md section 8: sales pay the producers,
and that money is part of the household's income).

Amounts are Decimal yuan with two places in the API and integer fen in the graph
(`to_fen`, `yuan`), so no sum is ever off by a float's rounding. A household's
platform sales for a year are its unvoided payments dated in that year
(`platform_sales`): the one expression C1's perCapitaNet adds, so nothing that is
entered by officials as productionIncome counts twice.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING

from graph.cursor import KeyKind
from graph.errors import BadUserInput
from graph.model import Label
from graph.model import Rel as RelType
from graph.readmap import Conn, Embed, Flag, Kind, Mask, Rel, Value, declare

if TYPE_CHECKING:
    from graph.compiler import Binder

FEN_PER_YUAN = 100
CENT = Decimal("0.01")


class PaymentSource(StrEnum):
    ACCEPTANCE = "ACCEPTANCE"  # a cooperative took the household's lot (acceptLots)
    SALE = "SALE"  # an order line of the household's lot (D2)


def to_fen(value: Decimal, field: str, *, maximum: Decimal = Decimal(1_000_000)) -> int:
    """Decimal yuan as integer fen: finite, 0 to `maximum`, at most two places
    (60, 60.5 and 60.50 are the same price); BAD_USER_INPUT on `field` otherwise."""
    try:
        exact = value.is_finite() and value == value.quantize(CENT)
    except InvalidOperation:
        exact = False
    if not exact:
        raise BadUserInput("an amount is yuan with at most two decimal places", field=field)
    if not Decimal(0) <= value <= maximum:
        raise BadUserInput(f"the amount must be between 0 and {maximum}", field=field)
    return int(value * FEN_PER_YUAN)


def amount_fen(quantity: float, price_fen: int) -> int:
    """quantity x price, in whole fen (half a fen rounds up)."""
    exact = Decimal(str(quantity)) * price_fen
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(CENT)


def platform_sales(h: str, year: str, b: Binder | None = None) -> str:
    """Cypher: the platform sales of household `h` in `year` (an integer expression),
    in integer fen: the sum of its unvoided payments dated in that year (0 when none).
    Divide by 100 for yuan. `h` is the household's variable, or a pattern in
    parentheses that ends at the household (an income record's: graph/income.py).
    Expands the household's PAID_TO relationships (a handful). `b` names the inner
    variables (pass the statement's Binder inside a larger one)."""
    p, total, amount = (b.var(n) for n in ("sale", "total", "amount")) if b else (
        "sale", "saleTotal", "saleAmount")  # fmt: skip
    start = h if h.startswith("(") else f"({h})"
    return (
        f"reduce({total} = 0, {amount} IN COLLECT {{ MATCH {start}<-[:PAID_TO]-({p}:Payment) "
        f"WHERE {p}.voidedOn IS NULL AND {p}.date.year = {year} RETURN {p}.amount }} "
        f"| {total} + {amount})"
    )


declare(
    "Payment",
    ("p",),
    {
        "id": Value("{p}.id"),
        "amount": Value("{p}.amount", Kind.FEN, mask=Mask.HIDDEN),
        "date": Value("{p}.date", Kind.DATE),
        "source": Value("{p}.source"),
        "voidedOn": Value("{p}.voidedOn", Kind.DATE),
        "lot": Rel("Lot", "MATCH ({p})-[:PAID_FOR]->({l}:Lot)", single=True),
    },
)
declare("PaymentEdge", ("p",), {"node": Embed("Payment", {"p": "p"})})

# Household.payments(first, after, includeVoided): newest first.
PAYMENTS = Conn(
    "PaymentEdge",
    "MATCH ({h})<-[:PAID_TO]-({p}:Payment)",
    keys=(("{p}.date", "DESC", KeyKind.DATE), ("{p}.id", "DESC", KeyKind.STR)),
    kind="household-payments",
    flags=(Flag("includeVoided", False, "{p}.voidedOn IS NULL"),),
)

CREATE_PAYMENTS = """
UNWIND $payments AS row
MATCH (h:Household {code: row.household}), (l:Lot {traceCode: row.lot})
CREATE (p:Payment {id: row.id, amount: row.amount, date: row.date, source: row.source})
CREATE (p)-[:PAID_TO]->(h)
CREATE (p)-[:PAID_FOR]->(l)
"""

SUMMARIZE_PAYMENTS = f"""
WITH h, COLLECT {{
  MATCH (h)<-[:{RelType.PAID_TO}]-(p:{Label.PAYMENT}) WHERE p.voidedOn IS NULL
    AND p.source IN {[s.value for s in PaymentSource]!r}
  RETURN {{d: p.date, a: p.amount}} ORDER BY p.date, p.id }} AS ps
CALL (h, ps) {{
  WITH h, ps WHERE ps <> []
  MERGE (s:{Label.HOUSEHOLD_PAYMENTS} {{code: h.code}})
  SET s.days = [x IN ps | x.d], s.amounts = [x IN ps | x.a]
  FOREACH (_ IN CASE WHEN h:{Label.GENERATED} THEN [1] ELSE [] END | SET s:{Label.GENERATED})
}}
CALL (h, ps) {{
  WITH h, ps WHERE ps = []
  OPTIONAL MATCH (s:{Label.HOUSEHOLD_PAYMENTS} {{code: h.code}})
  DELETE s
}}
"""
"""Cypher on a household `h`: its HouseholdPayments (graph/model.py), from its
payments (it expands all of the household's relationships: a write's few households)."""
