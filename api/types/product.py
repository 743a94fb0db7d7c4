"""Products: the catalogue lots are counted in (DOMAIN.md section 8).

Declarations only: the values come from the compiled statement (graph/product.py)."""

from __future__ import annotations

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.types.page import PageInfo
from graph.product import ProductCategory, QuantityUnit


@strawberry.type(description="A catalogue item; its lots are counted in its unit.")
class Product:
    code: str
    name: str
    category: ProductCategory
    unit: QuantityUnit
    made_from: list[Product] = strawberry.field(
        description="The products it is made of (zongzi: glutinous rice, pork, bamboo leaves)."
    )


@strawberry.type
class ProductEdge:
    node: Product
    cursor: str


@strawberry.type(description="A page of the catalogue by code (Relay connection).")
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="All products matching the filter.")


__all__ = ["Product", "ProductConnection", "ProductEdge"]
