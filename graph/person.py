"""People and their memberships of households (DOMAIN.md section 3).

A person is stored once, keyed by the national ID number, and belongs to households
through MEMBER_OF memberships with a relation to the head, a start and an end date.
At most one membership is active at a time (imported data may hold more: the audit
finds them).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.history import history
from graph.readmap import Access, Embed, Field, Flag, Kind, Mask, Rel, Value, declare
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


declare(
    "Person",
    ("p",),
    {
        "idNumber": Value("{p}.idNumber", mask=Mask.ID_NUMBER),
        "ref": Value("{p}.ref"),
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
        "history": history("p"),
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
