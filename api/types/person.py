"""People (members of households) and their memberships, past and present.

Declarations only: the values come from the compiled statement (graph/person.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from api.execution import compiled
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
    from api.types.history import ChangeConnection
    from api.types.household import Household


@strawberry.type(
    description="A person, stored once by national ID number. Fields marked personal are "
    "masked (or null) for roles that may not see personal data."
)
class Person:
    id_number: str = strawberry.field(
        description="Personal: first 6 and last 4 characters only for some roles."
    )
    ref: str | None = strawberry.field(
        description="A random identifier that names the person without their ID number: "
        'neighborhood(ref: "Person:<ref>") explores from them.'
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

    @strawberry.field(
        description="The person's households (within your scope), the active one first."
    )
    def households(self, include_past: bool = True) -> list[PersonMembership]:
        return compiled()

    @strawberry.field(description="Its changes, newest first (not for field officials: FORBIDDEN).")
    def history(
        self, first: int = 20, after: str | None = None
    ) -> Annotated[ChangeConnection, strawberry.lazy("api.types.history")] | None:
        return compiled()


@strawberry.type(description="A person's membership of a household.")
class PersonMembership:
    relation: Relation | None
    since: dt.date | None
    until: dt.date | None
    end_reason: MembershipEndReason | None
    household: Annotated[Household, strawberry.lazy("api.types.household")]

    @strawberry.field(description="True while the membership has not ended.")
    def active(self) -> bool:
        return compiled()
