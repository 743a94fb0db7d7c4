"""Visits of officials to households, recorded from the field app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import strawberry

from api.types.official import Official, to_date, to_datetime


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
    official: Official
    standing_in_for: str | None = strawberry.field(
        description="The code of the official of the same unit, paired with the household "
        "on the visit's date, for whom the visiting official stood in."
    )

    @classmethod
    def from_row(cls, row: Mapping[str, Any], mask: bool) -> Visit:
        return cls(
            id=strawberry.ID(row["id"]),
            date=to_date(row.get("date")),
            purpose=row.get("purpose"),
            notes=None if mask else row.get("notes"),
            latitude=None if mask else row.get("latitude"),
            longitude=None if mask else row.get("longitude"),
            created_at=to_datetime(row.get("createdAt")),
            household_code=row["householdCode"],
            official=Official.from_row(row["official"], mask),
            standing_in_for=row.get("standingInFor"),
        )
