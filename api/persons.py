"""People and their memberships: the person query, addMember, updateMember and
endMembership. Thin: the rules are graph/membership.py's, the read graph/person.py's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import strawberry

from api.auth import HOUSEHOLD_READERS, HOUSEHOLD_WRITERS, policy
from api.context import Context
from api.execution import resolve_root
from api.types.payloads import HouseholdPayload
from api.types.person import Person
from api.writes import DATES, UNSET, actor, cmid, given, mutation
from graph import membership
from graph import validation as check
from graph.errors import BadUserInput
from graph.person import (
    Education,
    Health,
    LabourAbility,
    MembershipEndReason,
    Relation,
    Schooling,
    Sex,
)


@strawberry.type
class PersonQuery:
    @strawberry.field(
        description="A person by national ID number, with their households past and present; "
        "null when none is in your scope, and always null for roles that may not see ID "
        "numbers.",
        permission_classes=[policy(*HOUSEHOLD_READERS)],
    )
    async def person(self, info: strawberry.Info[Context, None], id_number: str) -> Person | None:
        return await resolve_root(info)  # type: ignore[no-any-return]


@strawberry.input(description="A member of a household: the person and the relation.")
class MemberInput:
    id_number: str = strawberry.field(description="18 characters; check digit verified.")
    name: str
    relation: Relation
    sex: Sex | None = strawberry.field(
        default=None,
        description="Default: from the ID number, whose 17th digit is odd for men and even "
        "for women; a sex that contradicts it is refused.",
    )
    since: dt.date | None = strawberry.field(
        default=None, description=f"Default: today (CST). {DATES}"
    )
    ethnicity: str | None = None
    education: Education | None = None
    schooling: Schooling | None = None
    health: Health | None = None
    labour_ability: LabourAbility | None = None
    work_place: str | None = None
    work_months: int | None = None
    medical_insurance: bool | None = None
    critical_illness_insurance: bool | None = None
    pension: bool | None = None
    phone: str | None = None


def members_of(
    inputs: Sequence[MemberInput], today: dt.date, field: str = "input.members"
) -> list[membership.NewMember]:
    """The members of an input, checked (graph/membership.py new_member)."""
    return [member_of(m, f"{field}[{i}]", today) for i, m in enumerate(inputs)]


def member_of(m: MemberInput, field: str, today: dt.date) -> membership.NewMember:
    values = given(m, [n for n in membership.PERSON_FIELDS if n != "birthDate"])
    return membership.new_member(m.id_number, m.relation, m.since, values, field, today)


@strawberry.input
class AddMemberInput:
    client_mutation_id: str
    household_code: str
    member: MemberInput
    expected_version: int | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class UpdateMemberInput:
    household_code: str
    id_number: str
    expected_version: int | None = None
    client_mutation_id: str | None = None
    relation: Relation | None = UNSET
    name: str | None = UNSET
    sex: Sex | None = UNSET
    ethnicity: str | None = UNSET
    education: Education | None = UNSET
    schooling: Schooling | None = UNSET
    health: Health | None = UNSET
    labour_ability: LabourAbility | None = UNSET
    work_place: str | None = UNSET
    work_months: int | None = UNSET
    medical_insurance: bool | None = UNSET
    critical_illness_insurance: bool | None = UNSET
    pension: bool | None = UNSET
    phone: str | None = UNSET


@strawberry.input
class EndMembershipInput:
    household_code: str
    id_number: str
    reason: MembershipEndReason
    date: dt.date = strawberry.field(description=f"The day it ended (the date of death). {DATES}")
    expected_version: int | None = None
    client_mutation_id: str | None = None


@strawberry.type
class MemberMutation:
    @strawberry.mutation(
        description="Add a member; CONFLICT when the person is an active member elsewhere.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def add_member(
        self, info: strawberry.Info[Context, None], input: AddMemberInput
    ) -> HouseholdPayload:
        client_id = check.check_client_mutation_id(input.client_mutation_id)
        member = member_of(input.member, "input.member", check.today_cst())
        result = await membership.add_member(
            info.context.db,
            actor(info),
            mutation("addMember", input, client_id),
            check.check_household_code(input.household_code, "input.householdCode"),
            member,
            input.expected_version,
        )
        return HouseholdPayload(client_mutation_id=client_id, _code=result["code"])

    @strawberry.mutation(
        description="Change an active member's details or relation.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def update_member(
        self, info: strawberry.Info[Context, None], input: UpdateMemberInput
    ) -> HouseholdPayload:
        client_id = cmid(input.client_mutation_id)
        changes = membership.check_person_values(
            given(input, [n for n in membership.PERSON_FIELDS if n != "birthDate"]), "input"
        )
        if input.relation is None:
            raise BadUserInput("this field cannot be cleared", field="input.relation")
        relation = None if input.relation is UNSET else input.relation.value
        result = await membership.update_member(
            info.context.db,
            actor(info),
            mutation("updateMember", input, client_id),
            check.check_household_code(input.household_code, "input.householdCode"),
            check.check_id_number(input.id_number, "input.idNumber"),
            changes,
            relation,
            input.expected_version,
        )
        return HouseholdPayload(client_mutation_id=client_id, _code=result["code"])

    @strawberry.mutation(
        description="End a membership: MOVED_AWAY, MARRIED_OUT or DECEASED, with the date.",
        permission_classes=[policy(*HOUSEHOLD_WRITERS)],
    )
    async def end_membership(
        self, info: strawberry.Info[Context, None], input: EndMembershipInput
    ) -> HouseholdPayload:
        client_id = cmid(input.client_mutation_id)
        result = await membership.end_membership(
            info.context.db,
            actor(info),
            mutation("endMembership", input, client_id),
            check.check_household_code(input.household_code, "input.householdCode"),
            check.check_id_number(input.id_number, "input.idNumber"),
            input.reason.value,
            check.check_date(input.date, "input.date"),
            input.expected_version,
        )
        return HouseholdPayload(client_mutation_id=client_id, _code=result["code"])
