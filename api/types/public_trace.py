"""What scanning a trace code shows anyone (DOMAIN.md sections 8 and 9): the product,
where and when it was made, which cooperative, how many households contributed.

Declarations only: the values come from the compiled statement (graph/public_trace.py).
These types are the public's alone: they never reach a household, a person, a
household code, an income or a measure (tests/test_public_trace.py walks them)."""

from __future__ import annotations

import datetime as dt

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from graph.product import ProductCategory, QuantityUnit
from graph.trace_code import TraceKind


@strawberry.type(description="A product as the public trace shows it.")
class PublicProduct:
    name: str
    category: ProductCategory
    unit: QuantityUnit


@strawberry.type(description="A region's code and name.")
class PlaceName:
    code: str
    name: str


@strawberry.type(description="Where something was made: its village, town and county.")
class PublicPlace:
    village: PlaceName
    town: PlaceName | None
    county: PlaceName | None = strawberry.field(
        description="The county-level unit (a county, a county-level city or a district)."
    )


@strawberry.type(description="A cooperative as the public trace shows it.")
class PublicCooperative:
    name: str
    trace_code: str


@strawberry.type(
    description="What a trace code shows anyone: for a lot its product, day, quantity, "
    "place, cooperative and the households that contributed; for a cooperative or a "
    "household its place, cooperative and products. Never a person."
)
class PublicTrace:
    kind: TraceKind
    trace_code: str
    product: PublicProduct | None = strawberry.field(description="A lot's product.")
    produced_on: dt.date | None = strawberry.field(description="A lot's day of production.")
    quantity: float | None
    unit: QuantityUnit | None
    place: PublicPlace | None
    cooperative: PublicCooperative | None = strawberry.field(
        description="A lot's owner (or producer) when a cooperative; a cooperative itself; "
        "a household's (first) cooperative."
    )
    contributing_households: int = strawberry.field(
        description="Distinct households on file, not BORDERLINE, that produced the lots it "
        "was made from (any depth; a lot of one household: 1)."
    )
    products: list[PublicProduct] = strawberry.field(
        description="A lot's products and those it was made from; a cooperative's or a "
        "household's products."
    )


__all__ = ["PlaceName", "PublicCooperative", "PublicPlace", "PublicProduct", "PublicTrace"]
