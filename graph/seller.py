"""Sellers and their buyers (DOMAIN.md section 8, issue 16): a self-service store, an
online shop, a village e-commerce service station or an enterprise, located in a region;
the buyers it sold to, known by a pseudonymous id it chose. The read maps of Seller and
Buyer, the seller(code) and buyer(id, sellerCode) planners and createSeller.

Who sees a seller is `Access.SELLER` (graph/scope.py): every one for the province's
readers, those located in the subtree for a region officer, its own for a MERCHANT.
A buyer, its orders and their lines are read through their seller. Nothing about a
buyer but its id and a city code is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.cursor import KeyKind
from graph.db import Database
from graph.errors import BadUserInput, Conflict, Forbidden, NotFound
from graph.model import PREFIX_LEVELS, Label, Rel
from graph.readmap import TYPES, Access, Conn, Field, Kind, Value, declare
from graph.readmap import Rel as RelEntry
from graph.write import Actor, Entity, Mutation, Write, write


class SellerKind(StrEnum):
    SELF_SERVICE_STORE = "SELF_SERVICE_STORE"
    ONLINE_SHOP = "ONLINE_SHOP"
    SERVICE_STATION = "SERVICE_STATION"
    ENTERPRISE = "ENTERPRISE"


class Channel(StrEnum):
    ONLINE = "ONLINE"
    SELF_SERVICE_STORE = "SELF_SERVICE_STORE"
    SERVICE_STATION = "SERVICE_STATION"
    ENTERPRISE = "ENTERPRISE"


_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")
_CITY = re.compile(r"[0-9]{6}")
BUYER_ID_MAX = 64


def check_seller_code(value: str, field: str) -> str:
    """1-40 upper-case letters, digits and hyphens (STORE-469025-01)."""
    code = value.strip().upper()
    if not _CODE.fullmatch(code):
        raise BadUserInput(
            "a seller code is 1-40 letters, digits or hyphens, starting with a letter or digit",
            field=field,
        )
    return code


def check_buyer_id(value: str, field: str) -> str:
    """A pseudonymous id the seller chose: 1-64 printable characters, not blank."""
    if not value.strip() or len(value) > BUYER_ID_MAX or not value.isprintable():
        raise BadUserInput(f"a buyer id is 1 to {BUYER_ID_MAX} printable characters", field=field)
    return value


def check_city_code(value: str | None, field: str) -> str | None:
    """A 6-digit region code (any city or county of China), or null."""
    if value is not None and not _CITY.fullmatch(value):
        raise BadUserInput("a buyer's city is a 6-digit region code", field=field)
    return value


ORDER_KEYS = (
    ("{o}.placedAt.epochMillis", "DESC", KeyKind.INT),
    ("{o}.id", "DESC", KeyKind.STR),
)

declare(
    "Seller",
    ("s",),
    {
        "code": Value("{s}.code"),
        "name": Value("{s}.name"),
        "kind": Value("{s}.kind"),
        "regionCode": Value("{s}.regionCode"),
        "region": RelEntry("Region", "MATCH ({s})-[:LOCATED_IN]->({r}:Region)", single=True),
        "createdAt": Value("{s}.createdAt", Kind.DATETIME),
        "orders": Conn(
            "OrderEdge",
            f"MATCH ({{s}})-[:{Rel.SOLD}]->({{o}}:{Label.ORDER})",
            keys=ORDER_KEYS,
            kind="seller-orders",
        ),
    },
)
declare(
    "Buyer",
    ("b",),
    {
        "id": Value("{b}.id"),
        "cityCode": Value("{b}.cityCode"),
        "orders": Conn(
            "OrderEdge",
            f"MATCH ({{b}})<-[:{Rel.BOUGHT_BY}]-({{o}}:{Label.ORDER})",
            keys=ORDER_KEYS,
            kind="buyer-orders",
        ),
    },
)


def _code(request: Request) -> str:
    return check_seller_code(str(request.args["code"]), "code")


def _seller_code(request: Request) -> str:
    return check_seller_code(str(request.args["sellerCode"]), "sellerCode")


def _buyer_id(request: Request) -> str:
    return check_buyer_id(str(request.args["id"]), "id")


@root("seller")
def plan_seller(field: Field, view: View, shape: Any) -> Plan:
    """seller(code): a seek on seller_code, when the caller's scope holds it."""
    b = Binder()
    post = Post(field=field)
    code = b.slot("code", _code)
    where = view.scope.read_filter(Access.SELLER, "s", b)
    node = Compiler(view, b).project("Seller", {"s": "s"}, field.fields, post)
    return plan(
        f"MATCH (s:{Label.SELLER} {{code: {code}}}) WHERE {where} RETURN {node} AS data", b, post
    )


def seek_by_seller(
    field: Field, view: View, label: Label, key: tuple[str, Callable[[Request], str]],
    type_name: str,
) -> Plan:  # fmt: skip
    """One node of `label` (a buyer, an order) by (sellerCode, its id from the argument
    `key` names): a seek on its (sellerCode, id) constraint, projected as `type_name`
    when the caller's scope holds the seller; null otherwise."""
    b = Binder()
    post = Post(field=field)
    seller, own = b.slot("sellerCode", _seller_code), b.slot(*key)
    where = view.scope.read_filter(Access.SELLER, "s", b)
    node = Compiler(view, b).project(type_name, {TYPES[type_name].row[0]: "n"}, field.fields, post)
    return plan(
        f"MATCH (n:{label} {{sellerCode: {seller}, id: {own}}}) "
        f"MATCH (s:{Label.SELLER} {{code: n.sellerCode}}) WHERE {where} RETURN {node} AS data",
        b,
        post,
    )


@root("buyer")
def plan_buyer(field: Field, view: View, shape: Any) -> Plan:
    """buyer(id, sellerCode): a buyer of another seller is null."""
    return seek_by_seller(field, view, Label.BUYER, ("id", _buyer_id), "Buyer")


# --- writes ----------------------------------------------------------------------------

FIND_REGION = "MATCH (r:Region {code: $code}) RETURN r.level AS level"
CREATE_SELLER = (
    f"MATCH (r:{Label.REGION} {{code: $regionCode}}) "
    f"CREATE (s:{Label.SELLER} {{code: $code, name: $name, kind: $kind, "
    "regionCode: $regionCode, createdAt: datetime(), updatedAt: datetime()}) "
    f"CREATE (s)-[:{Rel.LOCATED_IN}]->(r)"
)


async def create_seller(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    code: str,
    name: str,
    kind: SellerKind,
    region_code: str,
) -> dict[str, Any]:
    """A new seller located in a county-level unit or below: {code}. FORBIDDEN when the
    region lies outside the caller's scope (decided on its code alone); NOT_FOUND for
    no such region; BAD_USER_INPUT for a province or a prefecture city; CONFLICT for a
    code in use. Recorded on the seller."""

    async def work(w: Write) -> dict[str, Any]:
        where, params = w.scope.filter(Access.SELLER, "s")
        inside = await w.tx.single(
            f"WITH {{regionCode: $region, code: $code}} AS s WHERE {where} RETURN true AS inside",
            {"region": region_code, "code": code, **params},
        )
        if inside is None:
            raise Forbidden("the region lies outside your scope", field="input.regionCode")
        region = await w.tx.single(FIND_REGION, {"code": region_code})
        if region is None:
            raise NotFound("no such region", field="input.regionCode")
        if region["level"] not in PREFIX_LEVELS:
            raise BadUserInput(
                "a seller is located in a county-level unit, a town or a village",
                field="input.regionCode",
            )
        taken = await w.tx.single(
            f"MATCH (s:{Label.SELLER} {{code: $code}}) RETURN s.code", {"code": code}
        )
        if taken is not None:
            raise Conflict("a seller with this code exists", field="input.code")
        properties = {"name": name, "kind": kind.value, "regionCode": region_code}
        await w.tx.run(CREATE_SELLER, {"code": code, **properties})
        w.created(Entity.SELLER, code, properties)
        return {"code": code}

    return await write(db, actor, mutation, work)
