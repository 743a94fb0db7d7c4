"""People and their memberships of households (DOMAIN.md section 3).

A person is stored once, keyed by the national ID number, and belongs to households
through MEMBER_OF memberships with a relation to the head, a start and an end date.
At most one membership is active at a time (imported data may hold more: the audit
finds them).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from graph.client_mutation import write_once
from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, NotFound
from graph.household import (
    NewMember,
    add_members,
    bump_version,
    check_members_free,
    check_version,
    lock_household,
    refresh_households,
)
from graph.readmap import Access, Embed, Field, Flag, Kind, Mask, Rel, Value, declare
from graph.scope import Scope
from graph.validation import check_id_number


class Sex(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class Relation(StrEnum):
    """Relation to the head of the household."""

    HEAD = "HEAD"
    SPOUSE = "SPOUSE"
    SON = "SON"
    DAUGHTER = "DAUGHTER"
    SON_IN_LAW = "SON_IN_LAW"
    DAUGHTER_IN_LAW = "DAUGHTER_IN_LAW"
    GRANDSON = "GRANDSON"
    GRANDDAUGHTER = "GRANDDAUGHTER"
    FATHER = "FATHER"
    MOTHER = "MOTHER"
    FATHER_IN_LAW = "FATHER_IN_LAW"
    MOTHER_IN_LAW = "MOTHER_IN_LAW"
    GRANDFATHER = "GRANDFATHER"
    GRANDMOTHER = "GRANDMOTHER"
    BROTHER = "BROTHER"
    SISTER = "SISTER"
    OTHER = "OTHER"


class Education(StrEnum):
    """Highest level of education reached."""

    NONE = "NONE"
    PRIMARY = "PRIMARY"
    JUNIOR_HIGH = "JUNIOR_HIGH"
    SENIOR_HIGH = "SENIOR_HIGH"
    VOCATIONAL = "VOCATIONAL"
    COLLEGE = "COLLEGE"


class Schooling(StrEnum):
    PRESCHOOL = "PRESCHOOL"
    COMPULSORY = "COMPULSORY"
    HIGH_SCHOOL = "HIGH_SCHOOL"
    VOCATIONAL = "VOCATIONAL"
    COLLEGE = "COLLEGE"
    NOT_IN_SCHOOL = "NOT_IN_SCHOOL"
    DROPPED_OUT = "DROPPED_OUT"


class Health(StrEnum):
    HEALTHY = "HEALTHY"
    CHRONIC_ILLNESS = "CHRONIC_ILLNESS"
    SERIOUS_ILLNESS = "SERIOUS_ILLNESS"
    DISABLED = "DISABLED"


class LabourAbility(StrEnum):
    FULL = "FULL"
    PARTIAL = "PARTIAL"
    LOST = "LOST"
    NONE = "NONE"


class MembershipEndReason(StrEnum):
    MOVED_AWAY = "MOVED_AWAY"
    MARRIED_OUT = "MARRIED_OUT"
    DECEASED = "DECEASED"


# Person properties a mutation may set.
PERSON_INPUT_PROPERTIES = (
    "name",
    "sex",
    "birthDate",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labourAbility",
    "workPlace",
    "workMonths",
    "medicalInsurance",
    "criticalIllnessInsurance",
    "pension",
    "phone",
)


declare(
    "Person",
    ("p",),
    {
        "idNumber": Value("{p}.idNumber", mask=Mask.ID_NUMBER),
        "name": Value("{p}.name", mask=Mask.NAME),
        "sex": Value("{p}.sex"),
        "birthDate": Value("{p}.birthDate", Kind.DATE, Mask.HIDDEN),
        "ethnicity": Value("{p}.ethnicity", mask=Mask.HIDDEN),
        "education": Value("{p}.education"),
        "schooling": Value("{p}.schooling"),
        "health": Value("{p}.health", mask=Mask.HIDDEN),
        "labourAbility": Value("{p}.labourAbility", mask=Mask.HIDDEN),
        "workPlace": Value("{p}.workPlace"),
        "workMonths": Value("{p}.workMonths"),
        "medicalInsurance": Value("{p}.medicalInsurance"),
        "criticalIllnessInsurance": Value("{p}.criticalIllnessInsurance"),
        "pension": Value("{p}.pension"),
        "diedOn": Value("{p}.diedOn", Kind.DATE, Mask.HIDDEN),
        "phone": Value("{p}.phone", mask=Mask.PHONE),
        "households": Rel(
            "PersonMembership",
            "MATCH ({p})-[{m}:MEMBER_OF]->({h}:Household)",
            flags=(Flag("includePast", False, "{m}.until IS NULL"),),
            scoped=(("h", Access.HOUSEHOLD),),
            order="{m}.until IS NOT NULL, {m}.since DESC, {h}.code",
        ),
    },
)

declare(
    "PersonMembership",
    ("m", "h"),
    {
        "relation": Value("{m}.relation"),
        "since": Value("{m}.since", Kind.DATE),
        "until": Value("{m}.until", Kind.DATE),
        "endReason": Value("{m}.endReason"),
        "active": Value("{m}.until IS NULL"),
        "household": Embed("Household", {"h": "h"}),
    },
)


@root("person")
def plan_person(field: Field, view: View, shape: Any) -> Plan:
    """person(idNumber): a seek on person_id_number; visible when a household of
    theirs (past or present) is in scope. Roles that see ID numbers masked get null
    without a statement: a lookup by a value they may not see would be an oracle."""
    b = Binder()
    post = Post(field=field)
    # The shape first, for every role: it says nothing about the data.
    id_number = b.slot("idNumber", _id_number)
    if view.masked:
        return plan("", b, post)
    where = view.scope.read_filter(Access.PERSON, "p", b)
    node = Compiler(view, b).project("Person", {"p": "p"}, field.fields, post)
    cypher = f"MATCH (p:Person {{idNumber: {id_number}}}) WHERE {where} RETURN {node} AS data"
    return plan(cypher, b, post)


def _id_number(request: Request) -> str:
    return check_id_number(str(request.args["idNumber"]), "idNumber")


async def _active_membership(tx: Tx, household_code: str, id_number: str) -> dict[str, Any]:
    record = await tx.single(
        "MATCH (p:Person {idNumber: $idNumber})-[m:MEMBER_OF]->(h:Household {code: $code}) "
        "WHERE m.until IS NULL RETURN m.relation AS relation, m.since AS since",
        {"idNumber": id_number, "code": household_code},
    )
    if record is None:
        raise NotFound(
            "no active member with this ID number in the household", field="input.idNumber"
        )
    return dict(record)


async def _check_no_other_head(tx: Tx, household_code: str, field: str) -> None:
    record = await tx.single(
        "MATCH (:Person)-[m:MEMBER_OF {relation: 'HEAD'}]->(:Household {code: $code}) "
        "WHERE m.until IS NULL RETURN count(m) AS heads",
        {"code": household_code},
    )
    if record is not None and record["heads"] > 0:
        raise Conflict("the household already has an active head", field=field)


async def add_member(
    db: Database,
    scope: Scope,
    client_mutation_id: str,
    household_code: str,
    member: NewMember,
    expected_version: int | None,
    *,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """Add a member to a household; returns the household code."""

    async def work(tx: Tx) -> str:
        state = await lock_household(tx, household_code, scope, field="input.householdCode")
        check_version(state, expected_version)
        await check_members_free(tx, [member], household_code, scope)
        if member.relation == Relation.HEAD:
            await _check_no_other_head(tx, household_code, f"{member.field}.relation")
        await add_members(tx, household_code, [member])
        await refresh_households(tx, [household_code])
        await bump_version(tx, household_code)
        return household_code

    return await write_once(
        db, client_mutation_id, "addMember", subject, "code", work, digest=digest
    )


async def update_member(
    db: Database,
    scope: Scope,
    household_code: str,
    id_number: str,
    changes: dict[str, Any],
    relation: Relation | None,
    expected_version: int | None,
    client_mutation_id: str | None = None,
    *,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """Change an active member's person properties and/or relation; returns the
    household code."""

    async def work(tx: Tx) -> str:
        state = await lock_household(tx, household_code, scope, field="input.householdCode")
        check_version(state, expected_version)
        membership = await _active_membership(tx, household_code, id_number)
        if relation == Relation.HEAD and membership["relation"] != Relation.HEAD:
            await _check_no_other_head(tx, household_code, "input.relation")
        await tx.run(
            "MATCH (p:Person {idNumber: $idNumber})-[m:MEMBER_OF]->(:Household {code: $code}) "
            "WHERE m.until IS NULL "
            "SET p += $changes, m.relation = coalesce($relation, m.relation)",
            {
                "idNumber": id_number,
                "code": household_code,
                "changes": changes,
                "relation": relation.value if relation else None,
            },
        )
        await bump_version(tx, household_code)
        return household_code

    return await write_once(
        db, client_mutation_id, "updateMember", subject, "code", work, digest=digest
    )


async def end_membership(
    db: Database,
    scope: Scope,
    household_code: str,
    id_number: str,
    reason: MembershipEndReason,
    on: dt.date,
    expected_version: int | None,
    client_mutation_id: str | None = None,
    *,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """End an active membership on `on` (DECEASED also records the date of death);
    returns the household code."""

    async def work(tx: Tx) -> str:
        state = await lock_household(tx, household_code, scope, field="input.householdCode")
        check_version(state, expected_version)
        membership = await _active_membership(tx, household_code, id_number)
        since = membership["since"]
        if since is not None and on < since.to_native():
            raise BadUserInput("the end date is before the membership began", field="input.date")
        await tx.run(
            "MATCH (p:Person {idNumber: $idNumber})-[m:MEMBER_OF]->(:Household {code: $code}) "
            "WHERE m.until IS NULL "
            "SET m.until = $on, m.endReason = $reason "
            "FOREACH (_ IN CASE WHEN $reason = 'DECEASED' THEN [1] ELSE [] END | "
            "  SET p.diedOn = $on)",
            {"idNumber": id_number, "code": household_code, "on": on, "reason": reason.value},
        )
        await refresh_households(tx, [household_code])
        await bump_version(tx, household_code)
        return household_code

    return await write_once(
        db, client_mutation_id, "endMembership", subject, "code", work, digest=digest
    )
