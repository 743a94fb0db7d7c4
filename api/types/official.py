"""Officials and their pairings with households (DOMAIN.md section 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import strawberry

from api.masking import mask_id_number, mask_phone
from graph.official import PairingRole

strawberry.enum(PairingRole, description="An official's part in a household's pairing.")


def to_date(value: Any) -> dt.date | None:
    """A Neo4j DATE (or None) as a Python date."""
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, dt.date) else None


def to_datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, dt.datetime) else None


@strawberry.type(
    description="A cadre of a government unit or state enterprise who helps households."
)
class Official:
    code: str
    name: str | None
    unit: str | None = strawberry.field(description="Work unit: a department or enterprise.")
    position: str | None
    phone: str | None = strawberry.field(description="Personal: masked for some roles.")
    id_number: str | None = strawberry.field(
        description="Personal: first 6 and last 4 characters only for some roles."
    )
    max_load: int | None = strawberry.field(
        description="The most households the official may carry."
    )
    load: int = strawberry.field(description="Active pairings the official carries now.")

    @classmethod
    def from_row(cls, row: Mapping[str, Any], mask: bool) -> Official:
        phone, id_number = row.get("phone"), row.get("idNumber")
        return cls(
            code=row["code"],
            name=row.get("name"),
            unit=row.get("unit"),
            position=row.get("position"),
            phone=mask_phone(phone) if mask else phone,
            id_number=mask_id_number(id_number) if mask else id_number,
            max_load=row.get("maxLoad"),
            load=row.get("load") or 0,
        )


@strawberry.type(description="An official paired with a household; active while `until` is null.")
class Pairing:
    id: strawberry.ID
    role: PairingRole
    since: dt.date | None
    until: dt.date | None
    household_code: str | None
    official: Official

    @strawberry.field(description="True while the pairing has not ended.")
    def active(self) -> bool:
        return self.until is None

    @classmethod
    def from_row(
        cls, row: Mapping[str, Any], mask: bool, household_code: str | None = None
    ) -> Pairing:
        return cls(
            id=strawberry.ID(row["id"]),
            role=PairingRole(row["role"]),
            since=to_date(row.get("since")),
            until=to_date(row.get("until")),
            household_code=row.get("householdCode", household_code),
            official=Official.from_row(row["official"], mask),
        )
