"""Visits of officials to households, recorded from the field app.

Declarations only: the values come from the compiled statement (graph/visit.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from api.types.official import Official


@strawberry.type(description="An official's visit to a household.")
class Visit:
    id: strawberry.ID
    date: dt.date | None
    purpose: str | None
    notes: str | None = strawberry.field(
        description="What was done; personal (it describes a home): null for some roles."
    )
    latitude: float | None = strawberry.field(
        description="GPS from the phone; personal (it locates a home): null for some roles."
    )
    longitude: float | None = strawberry.field(description="As latitude.")
    created_at: dt.datetime | None
    household_code: str
    official: Annotated[Official, strawberry.lazy("api.types.official")]
    standing_in_for: str | None = strawberry.field(
        description="The code of the official of the same unit, paired with the household "
        "on the visit's date, for whom the visiting official stood in."
    )
