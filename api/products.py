"""Products: the catalogue (product, products) and defineProduct. Thin: the rules are
graph/product.py's."""

from __future__ import annotations

import strawberry

from api.auth import AUTHENTICATED, PRODUCT_DEFINERS, policy
from api.context import Context
from api.execution import resolve_root
from api.pagination import DEFAULT_FIRST
from api.types.payloads import ProductPayload
from api.types.product import Product, ProductConnection
from api.writes import actor, cmid, mutation
from graph import product as graph_product
from graph import validation as check
from graph.errors import BadUserInput
from graph.product import ProductCategory, QuantityUnit, check_product_code

MAX_INPUTS = 20


@strawberry.type
class ProductQuery:
    @strawberry.field(
        description="A product of the catalogue by its code; null when there is none.",
        permission_classes=[policy(*AUTHENTICATED)],
    )
    async def product(self, info: strawberry.Info[Context, None], code: str) -> Product | None:
        return await resolve_root(info)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The catalogue by code, a page at a time (opaque keyset cursors).",
        permission_classes=[policy(*AUTHENTICATED)],
    )
    async def products(
        self,
        info: strawberry.Info[Context, None],
        category: ProductCategory | None = None,
        first: int = DEFAULT_FIRST,
        after: str | None = None,
    ) -> ProductConnection:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input(description="Creates the product, or changes the one with this code.")
class DefineProductInput:
    code: str = strawberry.field(description="1-40 letters, digits or hyphens (upper-cased).")
    name: str
    category: ProductCategory
    unit: QuantityUnit = strawberry.field(
        description="Lots are counted in it; it cannot change once a lot is."
    )
    made_from: list[str] = strawberry.field(
        default_factory=list,
        description=f"Codes of the products it is made of (at most {MAX_INPUTS}).",
    )
    client_mutation_id: str | None = None


@strawberry.type
class ProductMutation:
    @strawberry.mutation(
        description="Add a product to the catalogue, or change one.",
        permission_classes=[policy(*PRODUCT_DEFINERS)],
    )
    async def define_product(
        self, info: strawberry.Info[Context, None], input: DefineProductInput
    ) -> ProductPayload:
        client_id = cmid(input.client_mutation_id)
        code = check_product_code(input.code, "input.code")
        if len(input.made_from) > MAX_INPUTS:
            raise BadUserInput(f"at most {MAX_INPUTS} products", field="input.madeFrom")
        made_from = [
            check_product_code(c, f"input.madeFrom[{i}]") for i, c in enumerate(input.made_from)
        ]
        if len(set(made_from)) != len(made_from):
            raise BadUserInput("a product is named twice", field="input.madeFrom")
        properties = {
            "name": check.check_text(input.name, "input.name", max_length=80),
            "category": input.category.value,
            "unit": input.unit.value,
        }
        result = await graph_product.define_product(
            info.context.db,
            actor(info),
            mutation("defineProduct", input, client_id),
            code,
            properties,
            made_from,
        )
        return ProductPayload(client_mutation_id=client_id, _code=result["code"])
