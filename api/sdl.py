"""The SDL that `fupin schema export` writes to schema.graphql."""

from __future__ import annotations

from strawberry.printer import print_schema

from api.schema import schema


def export_sdl() -> str:
    return print_schema(schema) + "\n"
