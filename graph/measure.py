"""Support measures (DOMAIN.md section 5): what was delivered to a household, when, by
which official or agency, to which member; the rules a measure obeys, its read map and
its writes. Written once for the API and the importer.

A measure has an amount (whole yuan) or a quantity with its unit, or both; a
MICROCREDIT (a poverty microloan) an amount of 1-50,000 yuan and a term of 1-36
months, and no other category a term. It is dated on or after the household's
registration and not after today; the member who received it was an active member on
that day. A voided measure (voidMeasure) stays, out of every figure.

Recording or voiding one is recorded on the household (field `measures`: never its
notes, and the recipient by their ref); neither changes the household's version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from graph import validation as check
from graph.compiler import Compiler, Plan, Post, Request, View, root, seek
from graph.cursor import KeyKind
from graph.db import Database
from graph.errors import BadUserInput, Conflict, NotFound
from graph.household import check_after_registration
from graph.model import Label, Rel
from graph.readmap import (
    Access,
    Conn,
    Custom,
    Embed,
    Field,
    Flag,
    Kind,
    Mask,
    Value,
    declare,
    extend,
)
from graph.readmap import Rel as RelEntry
from graph.scope import active_on
from graph.write import Actor, Entity, Mutation, Write, write


class MeasureCategory(StrEnum):
    INDUSTRY = "INDUSTRY"
    EMPLOYMENT = "EMPLOYMENT"
    SKILLS_TRAINING = "SKILLS_TRAINING"
    EDUCATION = "EDUCATION"
    MEDICAL_INSURANCE = "MEDICAL_INSURANCE"
    MEDICAL_TREATMENT = "MEDICAL_TREATMENT"
    HOUSING = "HOUSING"
    RELOCATION = "RELOCATION"
    ECOLOGICAL = "ECOLOGICAL"
    MICROCREDIT = "MICROCREDIT"
    SOCIAL_GUARANTEE = "SOCIAL_GUARANTEE"
    ECOMMERCE = "ECOMMERCE"
    SUPPLIES = "SUPPLIES"
    OTHER = "OTHER"


AMOUNT_MAX = 10_000_000  # yuan
QUANTITY_MAX = 1_000_000
MICROCREDIT_AMOUNT = (1, 50_000)
MICROCREDIT_TERM = (1, 36)  # months
TEXT_LIMITS = {"unit": 20, "description": 500, "agency": 200, "notes": 2000}
# Stored properties a measure is recorded with (besides its id and createdAt).
PROPERTIES = ("category", "date", "amount", "quantity", "unit", "description", "agency",
              "termMonths", "notes")  # fmt: skip


def check_measure(
    values: Mapping[str, Any], official: str | None, today: dt.date
) -> dict[str, Any]:
    """A measure's properties (PROPERTIES) checked by the rules of the module
    docstring, as far as they need no database; BAD_USER_INPUT names the input. Texts
    are trimmed (an empty optional one is left out)."""
    out: dict[str, Any] = {}
    category = MeasureCategory(getattr(values["category"], "value", values["category"]))
    out["category"] = category.value
    out["date"] = check.check_date(values["date"], "input.date", today=today)
    for name, limit in TEXT_LIMITS.items():
        value = values.get(name)
        if value is not None:
            out[name] = check.check_text(value, f"input.{name}", max_length=limit, required=False)
    amount, quantity, term = values.get("amount"), values.get("quantity"), values.get("termMonths")
    if amount is not None:
        out["amount"] = int(check.check_range(amount, "input.amount", 1, AMOUNT_MAX))
    if quantity is not None:
        if not 0 < quantity <= QUANTITY_MAX:
            raise BadUserInput(
                f"a quantity is above 0 and at most {QUANTITY_MAX:,}", field="input.quantity"
            )
        out["quantity"] = float(quantity)
    if amount is None and quantity is None:
        raise BadUserInput("give an amount (yuan) or a quantity", field="input.amount")
    if quantity is not None and not out.get("unit"):
        raise BadUserInput("a quantity needs its unit", field="input.unit")
    if quantity is None and out.get("unit"):
        raise BadUserInput("a unit needs a quantity", field="input.quantity")
    if official is None and not out.get("agency"):
        raise BadUserInput(
            "give the official who delivered it (officialCode) or the agency", field="input.agency"
        )
    if category is MeasureCategory.MICROCREDIT:
        low, high = MICROCREDIT_AMOUNT
        if amount is None or not low <= amount <= high:
            raise BadUserInput(
                f"a microcredit is a loan of {low} to {high:,} yuan", field="input.amount"
            )
        low, high = MICROCREDIT_TERM
        if term is None or not low <= term <= high:
            raise BadUserInput(
                f"a microcredit has a term of {low} to {high} months", field="input.termMonths"
            )
        out["termMonths"] = int(term)
    elif term is not None:
        raise BadUserInput("only a MICROCREDIT has a term", field="input.termMonths")
    return {k: v for k, v in out.items() if v not in (None, "")}


# --- reads --------------------------------------------------------------------------

declare(
    "Measure",
    ("m", "h"),
    {
        "id": Value("{m}.id"),
        "category": Value("{m}.category"),
        "date": Value("{m}.date", Kind.DATE),
        "amount": Value("{m}.amount"),
        "quantity": Value("{m}.quantity"),
        "unit": Value("{m}.unit"),
        "description": Value("{m}.description"),
        "agency": Value("{m}.agency"),
        "termMonths": Value("{m}.termMonths"),
        "notes": Value("{m}.notes", mask=Mask.HIDDEN),
        "voided": Value("{m}.voidedOn IS NOT NULL"),
        "voidedOn": Value("{m}.voidedOn", Kind.DATE),
        "voidReason": Value("{m}.voidReason"),
        "createdAt": Value("{m}.createdAt", Kind.DATETIME),
        "householdCode": Value("{h}.code"),
        "deliveredBy": RelEntry(
            "Official",
            f"MATCH ({{o}}:{Label.OFFICIAL})-[:{Rel.DELIVERED}]->({{m}})",
            single=True,
        ),
        "recipient": RelEntry(
            "Person",
            f"MATCH ({{m}})-[:{Rel.RECEIVED_BY}]->({{p}}:{Label.PERSON})",
            single=True,
        ),
    },
)
declare("MeasureEdge", ("m", "h"), {"node": Embed("Measure", {"m": "m", "h": "h"})})

MEASURES_KIND = "household-measures"
# Newest first: the measure's date, then its id.
_KEYS = (("{m}.date", "DESC", KeyKind.DATE), ("{m}.id", "DESC", KeyKind.STR))


def _measures(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    """Household.measures(first, after, categories, includeVoided): a keyset
    connection newest first, of the given categories (all when null), voided ones
    only with includeVoided."""
    where: tuple[str, ...] = ()
    categories = f.args.get("categories")
    if categories is not None:
        values = sorted({str(getattr(v, "value", v)) for v in categories})
        where = (f"{{m}}.category IN {c.b.const(values)}",)
    entry = Conn(
        "MeasureEdge",
        f"MATCH ({{m}}:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->({{h}})",
        keys=_KEYS,
        kind=MEASURES_KIND,
        where=where,
        flags=(Flag("includeVoided", False, "{m}.voidedOn IS NULL"),),
    )
    return c.conn(entry, row, f, post)


extend("Household", {"measures": Custom(_measures)})


def _measure_id(request: Request) -> str:
    return check_measure_id(str(request.args["id"]), "id")


@root("Measure#id")
def plan_measure(field: Field, view: View, shape: Any) -> Plan:
    """A measure by id (mutation payloads), when its household is in scope; a seek on
    measure_id."""
    return seek(
        field,
        view,
        ("id", _measure_id),
        f"MATCH (m:{Label.MEASURE} {{{{id: {{key}}}}}})-[:{Rel.MEASURE_FOR}]->(h:Household)",
        (Access.HOUSEHOLD, "h"),
        ("Measure", {"m": "m", "h": "h"}),
    )


def check_measure_id(value: str, field: str) -> str:
    """A measure's id: 1-64 letters, digits, '-', '_' or '.' (a UUID when recorded
    through the API)."""
    return check.check_visit_id(value, field)


# --- writes -------------------------------------------------------------------------

ACTIVE_MEMBER = (
    f"MATCH (p:{Label.PERSON} {{idNumber: $idNumber}})-[m:{Rel.MEMBER_OF}]->"
    f"(:Household {{code: $code}}) WHERE {active_on('m', '$date')} "
    "AND (p.diedOn IS NULL OR p.diedOn >= $date) RETURN p.ref AS ref LIMIT 1"
)

CREATE_MEASURE = (
    f"MATCH (h:Household {{code: $household}}) "
    f"CREATE (m:{Label.MEASURE} {{id: $id}})-[:{Rel.MEASURE_FOR}]->(h) "
    "SET m += $properties, m.createdAt = datetime() "
    f"WITH m CALL (m) {{ MATCH (o:{Label.OFFICIAL} {{code: $official}}) "
    f"CREATE (o)-[:{Rel.DELIVERED}]->(m) }} "
    f"CALL (m) {{ MATCH (p:{Label.PERSON} {{idNumber: $member}}) "
    f"CREATE (m)-[:{Rel.RECEIVED_BY}]->(p) }}"
)


async def record_measure(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    measure_id: str,
    household_code: str,
    values: Mapping[str, Any],
    official_code: str | None,
    member_id_number: str | None,
    today: dt.date,
    *,
    stamp: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Record a support measure ({category, date, amount, quantity, unit, description,
    agency, termMonths, notes}): {id}.

    `check_measure` first (nothing written); then the household must be in the
    caller's scope (a field official's: actively paired with them) and on file, the
    date on or after its registration, the official (when named) exist and be visible
    to the caller (else NOT_FOUND: a field official is always their own deliverer,
    `Scope.acting_official`), and the member (when named) an active member on the
    date. One transaction: a seek per key. `stamp`: more properties to keep on it
    (the field app's recordedAt, receivedAt, deviceId), never in its history.
    """
    properties = check_measure(values, official_code, today)
    visible, visible_params = actor.scope.filter(Access.OFFICIAL, "o")

    async def work(w: Write) -> dict[str, Any]:
        state = await w.household(household_code, bump=False)
        check_after_registration(state, properties["date"], "input.date")
        if official_code is not None:
            found = await w.tx.single(
                f"MATCH (o:{Label.OFFICIAL} {{code: $code}}) WHERE {visible} RETURN o.code AS code",
                {"code": official_code, **visible_params},
            )
            if found is None:
                raise NotFound("no such official", field="input.officialCode")
        recipient = None
        if member_id_number is not None:
            member = await w.tx.single(
                ACTIVE_MEMBER,
                {"idNumber": member_id_number, "code": household_code, "date": properties["date"]},
            )
            if member is None:
                raise BadUserInput(
                    "not an active member of the household on the measure's date",
                    field="input.memberIdNumber",
                )
            recipient = member["ref"]
        await w.tx.run(
            CREATE_MEASURE,
            {"household": household_code, "id": measure_id,
             "properties": {**properties, **(stamp or {})},
             "official": official_code, "member": member_id_number},
        )  # fmt: skip
        after = {
            "measure": measure_id,
            **{k: properties.get(k) for k in PROPERTIES if k != "notes"},
            "date": properties["date"].isoformat(),
            "official": official_code,
            "recipient": recipient,
        }
        w.changed(
            Entity.HOUSEHOLD,
            household_code,
            [{"field": "measures", "before": None, "after": {k: v for k, v in after.items()
                                                              if v is not None}}],
        )  # fmt: skip
        return {"id": measure_id}

    return await write(db, actor, mutation, work)


FIND_MEASURE = (
    f"MATCH (m:{Label.MEASURE} {{id: $id}})-[:{Rel.MEASURE_FOR}]->(h:Household) "
    "WHERE {scope} SET m._lock = true REMOVE m._lock "
    "RETURN h.code AS household, m.voidedOn AS voidedOn"
)

VOID_MEASURE = f"MATCH (m:{Label.MEASURE} {{id: $id}}) SET m.voidedOn = $on, m.voidReason = $reason"


async def void_measure(
    db: Database, actor: Actor, mutation: Mutation, measure_id: str, reason: str, on: dt.date
) -> dict[str, Any]:
    """Void a measure on `on` (it stays, out of every figure): {id}. NOT_FOUND when
    unknown or its household is out of scope; CONFLICT when already void or the
    household is deregistered."""

    async def work(w: Write) -> dict[str, Any]:
        where, params = w.scope.household_filter("h")
        found = await w.tx.single(
            FIND_MEASURE.replace("{scope}", where), {"id": measure_id, **params}
        )
        if found is None:
            raise NotFound("no such measure", field="input.measureId")
        household = str(found["household"])
        await w.household(household, field="input.measureId", bump=False)
        if found["voidedOn"] is not None:
            raise Conflict("the measure is already void", field="input.measureId")
        await w.tx.run(VOID_MEASURE, {"id": measure_id, "on": on, "reason": reason})
        w.changed(
            Entity.HOUSEHOLD,
            household,
            [{"field": "measures",
              "before": {"measure": measure_id, "voidedOn": None},
              "after": {"measure": measure_id, "voidedOn": on.isoformat(),
                        "voidReason": reason}}],
        )  # fmt: skip
        return {"id": measure_id}

    return await write(db, actor, mutation, work)
