"""Change history: who changed what, and when (graph/history.py).

Declarations only: the values come from the compiled statement."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from api.types.page import PageInfo


@strawberry.type(
    description="One field a change set: its value before (null for a new "
    "entity) and after. Personal values are masked as the live fields are."
)
class FieldChange:
    field: str
    before: JSON | None
    after: JSON | None


@strawberry.type(description="A change made by one mutation to one entity.")
class ChangeEntry:
    at: dt.datetime
    operation: str = strawberry.field(description="The mutation's name, or import.")
    subject: str | None = strawberry.field(
        description="Who made it (the token's subject); null for roles without personal data."
    )
    role: str
    client_mutation_id: str | None
    changes: list[FieldChange]


@strawberry.type
class ChangeEdge:
    node: ChangeEntry
    cursor: str


@strawberry.type(description="A page of changes, newest first (Relay connection).")
class ChangeConnection:
    edges: list[ChangeEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="All the entity's changes.")
