"""Exit assessments and a household's status history (DOMAIN.md section 6).

Declarations only: the values come from the compiled statement (graph/assessment.py,
graph/status.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

import api.types.enums  # noqa: F401  (registers the enums first)
from graph.assessment import ExitCheckKind
from graph.household import HouseholdStatus, HousingGrade, PovertyCause
from graph.status import StatusReason

if TYPE_CHECKING:
    from api.types.official import Official
    from api.types.person import Person


@strawberry.type(
    description="One check of an exit assessment, on the file as it stood on the "
    "assessment's date. Its figures are the assessment's own fields."
)
class ExitCheck:
    check: ExitCheckKind
    passed: bool
    reason: str | None = strawberry.field(
        description="Why it failed, a fixed sentence (null when it passed)."
    )
    members: list[Annotated[Person, strawberry.lazy("api.types.person")]] = strawberry.field(
        description="The members at fault (COMPULSORY_EDUCATION, MEDICAL_INSURANCE), masked "
        "like any person."
    )


@strawberry.type(
    description="An exit assessment of a household for a year: passed when every check "
    "passed (the household EXITED on its date)."
)
class Assessment:
    id: strawberry.ID | None = strawberry.field(description="Null for a dry run (not stored).")
    household_code: str
    year: int
    date: dt.date
    passed: bool
    threshold: int = strawberry.field(description="Of the poverty line in force in the year.")
    per_capita_net: int | None = strawberry.field(
        description="The year's income record's perCapitaNet (null without one). Personal: "
        "null for some roles."
    )
    household_size: int | None = strawberry.field(description="As the income record has it.")
    housing_grade: HousingGrade | None = strawberry.field(
        description="On the date (SAFE_HOUSING: A or B)."
    )
    created_at: dt.datetime | None
    checks: list[ExitCheck] = strawberry.field(description="Every check, in a fixed order.")
    verified_by: Annotated[Official, strawberry.lazy("api.types.official")] | None = (
        strawberry.field(description="The paired official who verified it.")
    )


@strawberry.type(description="One change of a household's status.")
class StatusChange:
    id: strawberry.ID
    from_: HouseholdStatus | None = strawberry.field(
        name="from", description="Null for the first change."
    )
    to: HouseholdStatus
    on: dt.date
    reason: StatusReason
    cause: PovertyCause | None = strawberry.field(description="A return's cause.")
    assessment: Assessment | None = strawberry.field(description="The exit it records.")


__all__ = ["Assessment", "ExitCheck", "StatusChange"]
