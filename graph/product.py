"""Products: the catalogue lots are made of (DOMAIN.md section 8), its enums, its read
map, the products and product(code) planners, defineProduct and the catalogue a
migration seeds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from graph.compiler import Binder, Compiler, ConnPost, Plan, Post, Request, View, plan, root
from graph.cursor import KeyKind, check_first, decode_key
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, NotFound
from graph.readmap import Embed, Field, Rel, Value, declare
from graph.write import Actor, Entity, Mutation, Write, write


class ProductCategory(StrEnum):
    FRUIT = "FRUIT"
    VEGETABLE = "VEGETABLE"
    TEA = "TEA"
    HONEY = "HONEY"
    EGGS = "EGGS"
    POULTRY = "POULTRY"
    GRAIN = "GRAIN"
    PROCESSED_FOOD = "PROCESSED_FOOD"
    OTHER = "OTHER"


class QuantityUnit(StrEnum):
    KILOGRAM = "KILOGRAM"
    PIECE = "PIECE"
    BOTTLE = "BOTTLE"
    BOX = "BOX"
    DOZEN = "DOZEN"
    LITRE = "LITRE"


# Units counted in whole numbers: a lot of 2.5 bottles is a typing mistake.
COUNTED = frozenset({QuantityUnit.PIECE, QuantityUnit.BOTTLE, QuantityUnit.BOX, QuantityUnit.DOZEN})

_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")


def check_product_code(value: str, field: str) -> str:
    """1-40 upper-case letters, digits and hyphens (lower case is upper-cased)."""
    code = value.strip().upper()
    if not _CODE.fullmatch(code):
        raise BadUserInput(
            "a product code is 1-40 letters, digits or hyphens, starting with a letter or digit",
            field=field,
        )
    return code


# DOMAIN.md's products, with zongzi's inputs; a migration and the demo MERGE them ON
# CREATE, so an edit made through defineProduct survives.
CATALOGUE: tuple[dict[str, Any], ...] = tuple(
    {"code": code, "name": name, "category": category.value, "unit": unit.value,
     "inputs": list(inputs)}
    for code, name, category, unit, inputs in (
        ("NAVEL-ORANGE", "navel orange", ProductCategory.FRUIT, QuantityUnit.KILOGRAM, ()),
        ("WINGED-YAM", "winged yam", ProductCategory.VEGETABLE, QuantityUnit.KILOGRAM, ()),
        ("GREEN-TEA", "green tea", ProductCategory.TEA, QuantityUnit.KILOGRAM, ()),
        ("PARTRIDGE-TEA", "partridge tea", ProductCategory.TEA, QuantityUnit.KILOGRAM, ()),
        ("WILD-HONEY", "wild honey", ProductCategory.HONEY, QuantityUnit.KILOGRAM, ()),
        ("WILD-HONEY-500G", "wild honey", ProductCategory.HONEY, QuantityUnit.BOTTLE, ()),
        ("EGGS", "free-range eggs", ProductCategory.EGGS, QuantityUnit.DOZEN, ()),
        ("FREE-RANGE-CHICKEN", "free-range chicken", ProductCategory.POULTRY,
         QuantityUnit.PIECE, ()),
        ("SELENIUM-RICE", "selenium-rich rice", ProductCategory.GRAIN, QuantityUnit.KILOGRAM, ()),
        ("GLUTINOUS-RICE", "glutinous rice", ProductCategory.GRAIN, QuantityUnit.KILOGRAM, ()),
        ("PORK", "pork", ProductCategory.OTHER, QuantityUnit.KILOGRAM, ()),
        ("BAMBOO-LEAVES", "bamboo leaves", ProductCategory.OTHER, QuantityUnit.KILOGRAM, ()),
        ("ZONGZI", "zongzi", ProductCategory.PROCESSED_FOOD, QuantityUnit.PIECE,
         ("GLUTINOUS-RICE", "PORK", "BAMBOO-LEAVES")),
    )
)  # fmt: skip

UPSERT_CATALOGUE = """
UNWIND $products AS row
MERGE (p:Product {code: row.code})
ON CREATE SET p.name = row.name, p.category = row.category, p.unit = row.unit,
              p.inputs = row.inputs, p.createdAt = datetime()
"""


async def upsert_catalogue(tx: Tx) -> None:
    """MERGE the catalogue's products ON CREATE (stored ones are left as they are)."""
    await tx.run(UPSERT_CATALOGUE, {"products": list(CATALOGUE)})


# --- reads ---------------------------------------------------------------------------

declare(
    "Product",
    ("p",),
    {
        "code": Value("{p}.code"),
        "name": Value("{p}.name"),
        "category": Value("{p}.category"),
        "unit": Value("{p}.unit"),
        "madeFrom": Rel(
            "Product",
            "MATCH ({q}:Product) WHERE {q}.code IN coalesce({p}.inputs, [])",
            order="{q}.code",
            binds={"p": "q"},
        ),
    },
)
declare("ProductEdge", ("p",), {"node": Embed("Product", {"p": "p"})})


def _code(request: Request) -> str:
    return check_product_code(str(request.args["code"]), "code")


@root("product")
def plan_product(field: Field, view: View, shape: Any) -> Plan:
    """product(code): a seek on product_code."""
    b = Binder()
    post = Post(field=field)
    code = b.slot("code", _code)
    node = Compiler(view, b).project("Product", {"p": "p"}, field.fields, post)
    return plan(f"MATCH (p:Product {{code: {code}}}) RETURN {node} AS data", b, post)


PRODUCTS_KIND = "products"


def _limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _after(request: Request) -> str:
    key = decode_key(request.args.get("after"), PRODUCTS_KIND, (KeyKind.STR,))
    return "" if key is None else str(key[0])


def _category(request: Request) -> str:
    return ProductCategory(request.args["category"]).value


def _products_shape(args: Mapping[str, Any]) -> Any:
    return args.get("category") is not None


@root("products", shape=_products_shape)
def plan_products(field: Field, view: View, shape: Any) -> Plan:
    """products(category, first, after): the catalogue by code, a page at a time (the
    product_code index in order from the cursor)."""
    b = Binder()
    post = Post(field=field)
    where = [f"p.code > {b.slot('after', _after)}"]
    if shape:
        where.append(f"p.category = {b.slot('category', _category)}")
    conn = ConnPost(PRODUCTS_KIND, "limit", field, "ProductConnection")
    post.conn = conn
    row = Compiler(view, b).connection_row("ProductEdge", {"p": "p"}, conn, ["p.code"])
    total = (
        f", t: COUNT {{ MATCH (p:Product) WHERE {' AND '.join(where[1:]) or 'true'} }}"
        if any(f.name == "totalCount" for f in field.fields)
        else ""
    )
    cypher = (
        f"RETURN {{r: COLLECT {{ MATCH (p:Product) WHERE {' AND '.join(where)} "
        f"RETURN {row} ORDER BY p.code LIMIT {b.slot('limit', _limit)} }}{total}}} AS data"
    )
    return plan(cypher, b, post)


# --- defineProduct -------------------------------------------------------------------

CLAIM_PRODUCT = (
    "MERGE (p:Product {code: $code}) "
    "ON CREATE SET p.createdAt = datetime(), p._created = true "
    "WITH p, coalesce(p._created, false) AS created REMOVE p._created "
    "SET p._lock = true REMOVE p._lock "
    "RETURN created, p.unit AS unit, EXISTS { (p)<-[:OF_PRODUCT]-(:Lot) } AS hasLots"
)

KNOWN_PRODUCTS = "UNWIND $codes AS code OPTIONAL MATCH (p:Product {code: code}) RETURN code, p"


async def define_product(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    code: str,
    properties: Mapping[str, Any],
    made_from: Sequence[str],
) -> dict[str, Any]:
    """Create the product, or change the one with this code: {code}.

    Every product it is made from must exist (NOT_FOUND on input.madeFrom[i]); the
    unit of a product that lots are already counted in cannot change (CONFLICT)."""

    async def work(w: Write) -> dict[str, Any]:
        if code in made_from:
            raise BadUserInput(
                "a product is not made from itself",
                field=f"input.madeFrom[{made_from.index(code)}]",
            )
        await product_units(w.tx, made_from, "input.madeFrom[{i}]")
        claimed = await w.tx.single(CLAIM_PRODUCT, {"code": code})
        assert claimed is not None
        if not claimed["created"] and claimed["hasLots"] and claimed["unit"] != properties["unit"]:
            raise Conflict(
                "lots are counted in this product's unit: it cannot change", field="input.unit"
            )
        changes = await w.update(Entity.PRODUCT, code, {**properties, "inputs": list(made_from)})
        if claimed["created"] and not changes:
            w.created(Entity.PRODUCT, code, {"code": code})
        return {"code": code}

    return await write(db, actor, mutation, work)


async def product_units(tx: Tx, codes: Sequence[str], field: str) -> list[str]:
    """The unit of each product of `codes`, in order; NOT_FOUND on `field`[i] for the
    first that does not exist (`field` is a format string with `{i}`)."""
    records = await tx.run(KNOWN_PRODUCTS, {"codes": list(codes)})
    units = []
    for i, record in enumerate(records):
        if record["p"] is None:
            raise NotFound("no such product", field=field.format(i=i))
        units.append(str(record["p"]["unit"]))
    return units
