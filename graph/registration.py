"""The household file's own writes (DOMAIN.md section 3): register, update, move,
deregister, and the rules they obey, written once for the API and the importer.

Each runs in the write frame (graph/write.py): one transaction, the household locked,
its derived data refreshed and its version bumped at settle, its history recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from graph import validation as check
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, Forbidden, NotFound
from graph.household import (
    DeregistrationReason,
    check_after_registration,
    check_settable_status,
    mark_deregistered,
    registered_on,
)
from graph.membership import NewMember, add_members, check_members_free
from graph.monitoring import RemovalReason, close_open
from graph.scope import Scope
from graph.status import StatusReason, record_status
from graph.write import Actor, Entity, Mutation, Write, write

# The household file's fields a mutation may set, by their GraphQL (and property)
# names: the inputs of registerHousehold and updateHousehold, checked by
# `check_household_values`. The derived and bookkeeping ones are not among them.
FILE_FIELDS = (
    "address",
    "headPhone",
    "bankAccount",
    "registrationYear",
    "standard",
    "attribute",
    "status",
    "monitored",
    "mainCause",
    "secondaryCauses",
    "housingGrade",
    "housingArea",
    "safeWater",
    "electricity",
    "roadAccess",
    "sanitaryToilet",
    "cooperativeMember",
    "plannedExitYear",
    "debt",
)
# Fields a file always has: an update may change them, never clear them.
REQUIRED_ON_FILE = ("mainCause", "attribute", "standard", "status", "registrationYear")


def _text(value: str | None, field: str, max_length: int = 200) -> str | None:
    if value is None:
        return None
    return check.check_text(value, field, max_length=max_length, required=False) or None


def check_household_values(values: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The file's fields given (names of FILE_FIELDS, enum members or plain values)
    checked and converted to stored values; None stays None (a removal)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        field = f"input.{name}"
        if value is None:
            out[name] = None
            continue
        if hasattr(value, "value"):
            value = value.value
        if name == "registrationYear":
            check.check_year(value, field, high=today.year)
        elif name == "plannedExitYear":
            check.check_year(value, field)
        elif name == "housingArea":
            check.check_range(value, field, 0, 10000)
        elif name == "debt":
            check.check_range(value, field, 0, 100_000_000)
        elif name == "headPhone":
            value = check.check_phone(value, field)
        elif name == "bankAccount":
            value = check.check_bank_account(value, field) if value else None
        elif name == "address":
            value = _text(value, field)
        elif name == "secondaryCauses":
            value = [v.value if hasattr(v, "value") else v for v in value]
        out[name] = value
    return out


def check_members(members: Sequence[NewMember]) -> None:
    """A new file's members: at least one, no ID number twice, exactly one HEAD."""
    if not members:
        raise BadUserInput("a household has at least one member", field="input.members")
    seen: set[str] = set()
    for member in members:
        if member.person["idNumber"] in seen:
            raise BadUserInput("the same ID number appears twice", field=f"{member.field}.idNumber")
        seen.add(member.person["idNumber"])
    if sum(m.relation == "HEAD" for m in members) != 1:
        raise BadUserInput("exactly one member must be the HEAD", field="input.members")


# --- checks inside the transaction ---------------------------------------------------


async def check_code_in_scope(tx: Tx, code: str, scope: Scope, field: str) -> None:
    """FORBIDDEN unless a household with this code would lie in the caller's scope,
    whether or not one exists: checked on the code alone (a map standing for the
    household), before anything reads the stored households, so the answer says
    nothing about codes outside the scope. An OFFICIAL scope holds only households
    paired with the official: a new code never lies in it."""
    if not scope.may_register:
        raise Forbidden("the household would lie outside your region", field=field)
    where, params = scope.household_filter("h")
    record = await tx.single(
        f"WITH {{code: $code}} AS h WHERE {where} RETURN h.code AS code",
        {"code": code, **params},
    )
    if record is None:
        raise Forbidden("the household would lie outside your region", field=field)


async def check_village(tx: Tx, village_code: str, field: str) -> None:
    record = await tx.single(
        "MATCH (v:Region {code: $code}) RETURN v.level AS level", {"code": village_code}
    )
    if record is None:
        raise NotFound("no such village", field=field)
    if record["level"] != "VILLAGE":
        raise BadUserInput("the region is not a village", field=field)


async def check_code_free(tx: Tx, code: str, field: str) -> None:
    record = await tx.single(
        "MATCH (h:Household {code: $code}) RETURN h.code AS code", {"code": code}
    )
    if record is not None:
        raise Conflict("a household with this code already exists", field=field)


async def _check_registration_change(
    tx: Tx, code: str, state: Mapping[str, Any], changes: Mapping[str, Any]
) -> None:
    """A new registration date may not be later than the household's first pairing or
    visit; a new registration year alone must be the stored date's year."""
    if "registrationDate" in changes:
        record = await tx.single(
            "MATCH (h:Household {code: $code}) "
            "CALL (h) { OPTIONAL MATCH (h)<-[p:PAIRED_WITH]-() RETURN min(p.since) AS paired } "
            "CALL (h) { OPTIONAL MATCH (h)<-[:VISIT_TO]-(v:Visit) RETURN min(v.date) AS visited } "
            "RETURN paired, visited",
            {"code": code},
        )
        events = [d.to_native() for d in (record or {}).values() if d is not None]
        if events and min(events) < changes["registrationDate"]:
            raise BadUserInput(
                "the household has a pairing or a visit dated before this registration date",
                field="input.registrationDate",
            )
    elif "registrationYear" in changes:
        registered = registered_on(state)
        if registered is not None and registered.year != changes["registrationYear"]:
            raise BadUserInput(
                "registrationYear must be the year of registrationDate: change registrationDate",
                field="input.registrationYear",
            )


def _check_causes(state: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    if "mainCause" in changes or "secondaryCauses" in changes:
        main = changes.get("mainCause", state["mainCause"])
        secondary = changes.get("secondaryCauses", state["secondaryCauses"]) or []
        if main in secondary:
            raise BadUserInput(
                "secondary causes must differ from the main cause",
                field="input.secondaryCauses"
                if "secondaryCauses" in changes
                else "input.mainCause",
            )


# --- the writes ----------------------------------------------------------------------

CREATE_HOUSEHOLD = (
    "MATCH (v:Region {code: $villageCode}) "
    "CREATE (h:Household {code: $code, villageCode: $villageCode}) "
    "SET h += $properties, h.version = 1, h.createdAt = datetime(), "
    "h.updatedAt = datetime(), h.memberCount = 0 "
    "CREATE (h)-[:IN_VILLAGE]->(v)"
)

MOVE_HOUSEHOLD = (
    "MATCH (h:Household {code: $code})-[old:IN_VILLAGE]->() DELETE old "
    "WITH DISTINCT h MATCH (v:Region {code: $villageCode}) "
    "SET h.code = $newCode, h.villageCode = $villageCode "
    "CREATE (h)-[:IN_VILLAGE]->(v)"
)

DEREGISTER = (
    "MATCH (h:Household {code: $code}) "
    "SET h.deregisteredOn = $on, h.deregistrationReason = $reason "
    f"{mark_deregistered('h')} "
    "WITH h OPTIONAL MATCH (o:Official)-[r:PAIRED_WITH]->(h) WHERE r.until IS NULL "
    "SET r.until = CASE WHEN r.since > $on THEN r.since ELSE $on END "
    "RETURN collect({official: o.code, pairing: r.id, until: r.until}) AS ended"
)


@dataclass(frozen=True)
class NewHousehold:
    code: str
    village_code: str
    properties: dict[str, Any]
    members: Sequence[NewMember]


async def register_household(
    db: Database, actor: Actor, mutation: Mutation, new: NewHousehold
) -> dict[str, Any]:
    """Create the household in its village with its members: {code}.

    The code in the caller's scope (FORBIDDEN otherwise, before anything about stored
    households is read), the village (level VILLAGE), a free code, no member active
    elsewhere; on any refusal nothing stays. Its status history begins: {null -> its
    status, its registration date, REGISTERED}."""
    check_members(new.members)
    status = check_settable_status(str(new.properties["status"]), "input.status")
    if new.properties.get("monitored"):
        raise BadUserInput(
            "a new household is not monitored: startMonitoring opens a record",
            field="input.monitored",
        )
    new = replace(new, properties={k: v for k, v in new.properties.items() if k != "monitored"})

    async def work(w: Write) -> dict[str, Any]:
        await check_code_in_scope(w.tx, new.code, w.scope, "input.villageCode")
        await check_village(w.tx, new.village_code, "input.villageCode")
        await check_code_free(w.tx, new.code, "input.code")
        await check_members_free(w.tx, new.members, new.code, w.scope)
        await w.tx.run(
            CREATE_HOUSEHOLD,
            {"code": new.code, "villageCode": new.village_code, "properties": new.properties},
        )
        w.touch(households=[new.code], bump=False)
        w.created(Entity.HOUSEHOLD, new.code, {"villageCode": new.village_code, **new.properties})
        await add_members(w, new.code, new.members)
        await record_status(
            w.tx, new.code, before=None, to=status, on=new.properties["registrationDate"],
            reason=StatusReason.REGISTERED,
        )  # fmt: skip
        return {"code": new.code}

    return await write(db, actor, mutation, work)


async def update_household(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    code: str,
    expected_version: int,
    changes: dict[str, Any],
    move_to: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Apply `changes` (a None value removes the property) and, with `move_to`
    (new code, village code), move the household: {code}.

    Refuses a stale version (CONFLICT), a deregistered household, a status other than
    the stored one (BAD_USER_INPUT: status changes go through assessExit and
    returnToPoverty; the same one is no change), a monitored other than the stored one
    (BAD_USER_INPUT: it follows the monitoring records), causes that do not
    fit together once merged with the stored ones, a registration date after the
    first pairing or visit, and a move out of the caller's region (FORBIDDEN, decided
    on the new code before any stored household is read)."""

    async def work(w: Write) -> dict[str, Any]:
        state = await w.household(code, field="input.code", expected_version=expected_version)
        if "status" in changes and changes["status"] != state["status"]:
            raise BadUserInput(
                "status changes go through assessExit and returnToPoverty", field="input.status"
            )
        # monitored is derived from the monitoring records: the same value is no change.
        if "monitored" in changes and changes.pop("monitored") != state["monitored"]:
            raise BadUserInput(
                "monitored follows the monitoring records: startMonitoring, endMonitoring",
                field="input.monitored",
            )
        _check_causes(state, changes)
        await _check_registration_change(w.tx, code, state, changes)
        await w.update(Entity.HOUSEHOLD, code, changes)
        if move_to is None:
            return {"code": code}
        new_code, village_code = move_to
        await check_code_in_scope(w.tx, new_code, w.scope, "input.villageCode")
        await check_village(w.tx, village_code, "input.villageCode")
        if new_code != code:
            await check_code_free(w.tx, new_code, "input.newCode")
        await w.tx.run(
            MOVE_HOUSEHOLD, {"code": code, "newCode": new_code, "villageCode": village_code}
        )
        w.forget(code)
        w.touch(households=[new_code], villages=[code[:12]])
        w.rekey(Entity.HOUSEHOLD, code, new_code)
        w.changed(
            Entity.HOUSEHOLD,
            new_code,
            [
                {"field": "code", "before": code, "after": new_code},
                {"field": "villageCode", "before": code[:12], "after": village_code},
            ],
        )
        return {"code": new_code}

    return await write(db, actor, mutation, work)


async def deregister_household(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    code: str,
    expected_version: int,
    reason: DeregistrationReason,
    on: dt.date,
) -> dict[str, Any]:
    """Mark the file DEREGISTERED (it stays, with its members and history), end its
    active pairings on the same date, so the officials' loads drop, and close its open
    monitoring record (DEREGISTERED): {code}."""

    async def work(w: Write) -> dict[str, Any]:
        state = await w.household(code, field="input.code", expected_version=expected_version)
        check_after_registration(state, on, "input.date")
        record = await w.tx.single(DEREGISTER, {"code": code, "on": on, "reason": reason.value})
        ended = [e for e in (record["ended"] if record else []) if e["official"] is not None]
        await record_status(
            w.tx, code, before=state["status"], to="DEREGISTERED", on=on,
            reason=StatusReason.DEREGISTERED,
        )  # fmt: skip
        await close_open(w, code, RemovalReason.DEREGISTERED, on)
        w.changed(
            Entity.HOUSEHOLD,
            code,
            [
                {"field": "status", "before": state["status"], "after": "DEREGISTERED"},
                {"field": "deregisteredOn", "before": None, "after": on.isoformat()},
                {"field": "deregistrationReason", "before": None, "after": reason.value},
            ],
        )
        for e in ended:
            w.touch(officials=[e["official"]])
            w.changed(
                Entity.OFFICIAL,
                e["official"],
                [{"field": "pairedHouseholds", "before": {"pairing": e["pairing"], "until": None},
                  "after": {"pairing": e["pairing"], "household": code, "until": on.isoformat()}}],
            )  # fmt: skip
        return {"code": code}

    return await write(db, actor, mutation, work)
