"""People (members of households) and their memberships, past and present."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.masking import mask_id_number, mask_name, mask_phone
from api.types.official import to_date
from graph.person import (
    Education,
    Health,
    LabourAbility,
    MembershipEndReason,
    Relation,
    Schooling,
    Sex,
)

if TYPE_CHECKING:
    from api.types.household import Household

strawberry.enum(Sex)
strawberry.enum(Relation, description="Relation to the head of the household.")
strawberry.enum(Education, description="Highest level of education reached.")
strawberry.enum(Schooling, description="Current schooling.")
strawberry.enum(Health)
strawberry.enum(LabourAbility)
strawberry.enum(MembershipEndReason, description="Why a membership ended.")


def _enum(kind: Any, value: Any) -> Any:
    return None if value is None else kind(value)


@strawberry.type(
    description="A person, stored once by national ID number. Fields marked personal are "
    "masked (or null) for roles that may not see personal data."
)
class Person:
    id_number: str = strawberry.field(
        description="Personal: first 6 and last 4 characters only for some roles."
    )
    name: str | None = strawberry.field(description="Personal: first character only.")
    sex: Sex | None
    birth_date: dt.date | None = strawberry.field(description="Personal: null for some roles.")
    ethnicity: str | None = strawberry.field(description="Personal: null for some roles.")
    education: Education | None
    schooling: Schooling | None
    health: Health | None = strawberry.field(description="Personal: null for some roles.")
    labour_ability: LabourAbility | None = strawberry.field(
        description="Personal (it reveals health): null for some roles."
    )
    work_place: str | None
    work_months: int | None
    medical_insurance: bool | None
    critical_illness_insurance: bool | None
    pension: bool | None
    died_on: dt.date | None = strawberry.field(description="Personal: null for some roles.")
    phone: str | None = strawberry.field(description="Personal: masked for some roles.")
    _memberships: strawberry.Private[list[PersonMembership]]

    @strawberry.field(
        description="The person's households (within your scope), the active one first."
    )
    def households(self, include_past: bool = True) -> list[PersonMembership]:
        return [m for m in self._memberships if include_past or m.until is None]

    @classmethod
    def from_row(cls, row: Mapping[str, Any], mask: bool) -> Person:
        return cls(
            id_number=str(mask_id_number(row["idNumber"]) if mask else row["idNumber"]),
            name=mask_name(row.get("name")) if mask else row.get("name"),
            sex=_enum(Sex, row.get("sex")),
            birth_date=None if mask else to_date(row.get("birthDate")),
            ethnicity=None if mask else row.get("ethnicity"),
            education=_enum(Education, row.get("education")),
            schooling=_enum(Schooling, row.get("schooling")),
            health=None if mask else _enum(Health, row.get("health")),
            labour_ability=None if mask else _enum(LabourAbility, row.get("labourAbility")),
            work_place=row.get("workPlace"),
            work_months=row.get("workMonths"),
            medical_insurance=row.get("medicalInsurance"),
            critical_illness_insurance=row.get("criticalIllnessInsurance"),
            pension=row.get("pension"),
            died_on=None if mask else to_date(row.get("diedOn")),
            phone=mask_phone(row.get("phone")) if mask else row.get("phone"),
            _memberships=[PersonMembership.from_row(m, mask) for m in row.get("memberships") or []],
        )


@strawberry.type(description="A person's membership of a household.")
class PersonMembership:
    relation: Relation | None
    since: dt.date | None
    until: dt.date | None
    end_reason: MembershipEndReason | None
    household: Annotated[Household, strawberry.lazy("api.types.household")]

    @strawberry.field(description="True while the membership has not ended.")
    def active(self) -> bool:
        return self.until is None

    @classmethod
    def from_row(cls, row: Mapping[str, Any], mask: bool) -> PersonMembership:
        from api.types.household import Household

        return cls(
            relation=_enum(Relation, row.get("relation")),
            since=to_date(row.get("since")),
            until=to_date(row.get("until")),
            end_reason=_enum(MembershipEndReason, row.get("endReason")),
            household=Household.from_row(row["household"], mask),
        )
