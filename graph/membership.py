"""Memberships: people in households (DOMAIN.md section 3) — adding, changing and
ending them, and the rules they obey: one active membership a person, one active
HEAD a household, a membership not before the person's birth, a sex that agrees with
the ID number. Written once for the API and the importer.

A change of membership is recorded on the household (field `members`: the person by
their ref, never the ID number); a change of a person's own fields on the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph import validation as check
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, NotFound
from graph.scope import Scope
from graph.write import Actor, Entity, Mutation, Write, diff, write

# Person properties a mutation may set (besides the ID number, which keys the person).
PERSON_FIELDS = (
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


@dataclass(frozen=True)
class NewMember:
    """A member to add: the person's properties (idNumber included) and the membership."""

    person: dict[str, Any]
    relation: str
    since: dt.date
    field: str  # the input path of this member, for errors


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def check_person_values(values: Mapping[str, Any], field: str) -> dict[str, Any]:
    """A person's fields given (names of PERSON_FIELDS) checked and converted; None
    stays None (a removal, except for the name, which cannot be cleared)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        path = f"{field}.{name}"
        value = _plain(value)
        if name == "name":
            if value is None:
                raise BadUserInput("this field cannot be cleared", field=path)
            value = check.check_text(value, path, max_length=60)
        elif value is None:
            pass
        elif name == "phone":
            value = check.check_phone(value, path)
        elif name == "workMonths" and not 0 <= value <= 12:
            raise BadUserInput("workMonths must be between 0 and 12", field=path)
        elif name in ("ethnicity", "workPlace"):
            limit = 40 if name == "ethnicity" else 200
            value = check.check_text(value, path, max_length=limit, required=False) or None
        out[name] = value
    return out


def new_member(
    id_number: str,
    relation: Any,
    since: dt.date | None,
    values: Mapping[str, Any],
    field: str,
    today: dt.date,
) -> NewMember:
    """A member to add, checked: the ID number (check digit, birth date), the
    membership not before the birth date, the sex agreeing with the ID number (and
    taken from it when not given)."""
    id_number = check.check_id_number(id_number, f"{field}.idNumber", today=today)
    born = check.birth_date_of(id_number)
    since = check.check_date(since or today, f"{field}.since", today=today)
    if born is not None and since < born:
        raise BadUserInput(
            "the membership cannot begin before the birth date", field=f"{field}.since"
        )
    person = check_person_values(values, field)
    if person.get("sex") is not None:
        check.check_sex(person["sex"], id_number, f"{field}.sex")
    else:
        person["sex"] = "MALE" if check.is_male(id_number) else "FEMALE"
    person.update(idNumber=id_number, birthDate=born)
    return NewMember(
        person={k: v for k, v in person.items() if v is not None},
        relation=str(_plain(relation)),
        since=since,
        field=field,
    )


async def check_members_free(
    tx: Tx,
    members: Sequence[NewMember],
    household_code: str,
    scope: Scope | None = None,
) -> None:
    """CONFLICT when a person is recorded as deceased or already holds an active
    membership. The other household's code is named, and a death mentioned, only when
    a household of the person lies in `scope` (None: never), so the message is no
    oracle for an ID number elsewhere; it never holds an ID number or a name.

    The Person nodes are MERGEd and write-locked first (in ID order, the same
    statement), so a concurrent transaction adding the same person waits for this one
    to commit and then sees its membership: two active memberships cannot result.
    A person created here for the lock is the one the caller then adds; on an error
    the transaction rolls back and nothing stays.
    """
    ids = sorted({m.person["idNumber"] for m in members})
    shown = scope or Scope.nothing()
    where, params = shown.household_filter("h")
    known, _ = shown.household_filter("kh")
    records = await tx.run(
        "UNWIND $ids AS id MERGE (p:Person {idNumber: id}) "
        "ON CREATE SET p.ref = randomUUID() "
        "SET p._lock = true REMOVE p._lock "
        "WITH id, p "
        "OPTIONAL MATCH (p)-[m:MEMBER_OF]->(h:Household) WHERE m.until IS NULL "
        f"WITH id, p, h, CASE WHEN h IS NULL THEN null WHEN {where} THEN h.code "
        "ELSE '' END AS code "
        "RETURN id, p.diedOn AS diedOn, collect(code) AS active, "
        f"EXISTS {{ MATCH (p)-[:MEMBER_OF]->(kh:Household) WHERE {known} }} AS inScope",
        {"ids": ids, **params},
    )
    by_id = {r["id"]: r for r in records}
    for member in members:
        record = by_id.get(member.person["idNumber"])
        if record is None:
            continue
        field = f"{member.field}.idNumber"
        if record["diedOn"] is not None:
            if record["inScope"]:
                raise Conflict("the person is recorded as deceased", field=field)
            raise Conflict("the person cannot be added to this household", field=field)
        active = record["active"]
        if active:
            if household_code in active:
                raise Conflict("the person is already a member of this household", field=field)
            named = sorted(c for c in active if c)
            if named:
                raise Conflict(
                    f"the person is an active member of household {named[0]}", field=field
                )
            raise Conflict("the person is an active member of another household", field=field)


ADD_MEMBERS = """
MATCH (h:Household {code: $code})
UNWIND $members AS member
MERGE (p:Person {idNumber: member.person.idNumber})
WITH h, member, p, p {.*} AS before
SET p += member.person, p.ref = coalesce(p.ref, randomUUID())
CREATE (p)-[:MEMBER_OF {relation: member.relation, since: member.since}]->(h)
RETURN p.idNumber AS idNumber, p.ref AS ref, before
"""


async def add_members(w: Write, code: str, members: Sequence[NewMember]) -> None:
    """Add the members to household `code` (people MERGEd on their ID number, a new
    one given a random ref), recording the membership on the household and the
    person's fields on the person."""
    payload = [{"person": m.person, "relation": m.relation, "since": m.since} for m in members]
    records = await w.tx.run(ADD_MEMBERS, {"code": code, "members": payload})
    refs = {r["idNumber"]: r for r in records}
    added = []
    for m in members:
        record = refs[m.person["idNumber"]]
        added.append(
            {"person": record["ref"], "relation": m.relation, "since": m.since.isoformat()}
        )
        before = {k: v for k, v in dict(record["before"]).items() if k in m.person}
        w.changed(Entity.PERSON, m.person["idNumber"], diff(before, m.person))
    w.changed(Entity.HOUSEHOLD, code, [{"field": "members", "before": None, "after": added}])
    w.touch(households=[code], bump=False)  # the caller's lock decides the version


ACTIVE_MEMBERSHIP = (
    "MATCH (p:Person {idNumber: $idNumber})-[m:MEMBER_OF]->(h:Household {code: $code}) "
    "WHERE m.until IS NULL RETURN m.relation AS relation, m.since AS since, p.ref AS ref"
)

OTHER_HEADS = (
    "MATCH (:Person)-[m:MEMBER_OF {relation: 'HEAD'}]->(:Household {code: $code}) "
    "WHERE m.until IS NULL RETURN count(m) AS heads"
)


async def _active_membership(tx: Tx, household_code: str, id_number: str) -> dict[str, Any]:
    record = await tx.single(ACTIVE_MEMBERSHIP, {"idNumber": id_number, "code": household_code})
    if record is None:
        raise NotFound(
            "no active member with this ID number in the household", field="input.idNumber"
        )
    return dict(record)


async def _check_no_other_head(tx: Tx, household_code: str, field: str) -> None:
    record = await tx.single(OTHER_HEADS, {"code": household_code})
    if record is not None and record["heads"] > 0:
        raise Conflict("the household already has an active head", field=field)


async def add_member(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    household_code: str,
    member: NewMember,
    expected_version: int | None,
) -> dict[str, Any]:
    """Add a member to a household: {code}."""

    async def work(w: Write) -> dict[str, Any]:
        await w.household(household_code, expected_version=expected_version)
        await check_members_free(w.tx, [member], household_code, w.scope)
        if member.relation == "HEAD":
            await _check_no_other_head(w.tx, household_code, f"{member.field}.relation")
        await add_members(w, household_code, [member])
        return {"code": household_code}

    return await write(db, actor, mutation, work)


SET_RELATION = (
    "MATCH (p:Person {idNumber: $idNumber})-[m:MEMBER_OF]->(:Household {code: $code}) "
    "WHERE m.until IS NULL SET m.relation = $relation"
)


async def update_member(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    household_code: str,
    id_number: str,
    changes: dict[str, Any],
    relation: str | None,
    expected_version: int | None,
) -> dict[str, Any]:
    """Change an active member's person fields and/or relation: {code}."""
    if changes.get("sex") is not None:
        check.check_sex(changes["sex"], id_number, "input.sex")

    async def work(w: Write) -> dict[str, Any]:
        await w.household(household_code, expected_version=expected_version)
        membership = await _active_membership(w.tx, household_code, id_number)
        if relation == "HEAD" and membership["relation"] != "HEAD":
            await _check_no_other_head(w.tx, household_code, "input.relation")
        if changes:
            await w.update(Entity.PERSON, id_number, changes)
        if relation is not None and relation != membership["relation"]:
            await w.tx.run(
                SET_RELATION, {"idNumber": id_number, "code": household_code, "relation": relation}
            )
            w.changed(
                Entity.HOUSEHOLD,
                household_code,
                [{"field": "members",
                  "before": {"person": membership["ref"], "relation": membership["relation"]},
                  "after": {"person": membership["ref"], "relation": relation}}],
            )  # fmt: skip
        return {"code": household_code}

    return await write(db, actor, mutation, work)


END_MEMBERSHIP = (
    "MATCH (p:Person {idNumber: $idNumber})-[m:MEMBER_OF]->(:Household {code: $code}) "
    "WHERE m.until IS NULL "
    "SET m.until = $on, m.endReason = $reason "
    "FOREACH (_ IN CASE WHEN $reason = 'DECEASED' THEN [1] ELSE [] END | SET p.diedOn = $on)"
)


async def end_membership(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    household_code: str,
    id_number: str,
    reason: str,
    on: dt.date,
    expected_version: int | None,
) -> dict[str, Any]:
    """End an active membership on `on` (DECEASED also records the date of death):
    {code}."""

    async def work(w: Write) -> dict[str, Any]:
        await w.household(household_code, expected_version=expected_version)
        membership = await _active_membership(w.tx, household_code, id_number)
        since = membership["since"]
        if since is not None and on < since.to_native():
            raise BadUserInput("the end date is before the membership began", field="input.date")
        params = {"idNumber": id_number, "code": household_code, "on": on, "reason": reason}
        await w.tx.run(END_MEMBERSHIP, params)
        person = membership["ref"]
        w.changed(
            Entity.HOUSEHOLD,
            household_code,
            [{"field": "members", "before": {"person": person, "until": None},
              "after": {"person": person, "until": on.isoformat(), "endReason": reason}}],
        )  # fmt: skip
        if reason == "DECEASED":
            w.changed(
                Entity.PERSON,
                id_number,
                [{"field": "diedOn", "before": None, "after": on.isoformat()}],
            )
        return {"code": household_code}

    return await write(db, actor, mutation, work)
