"""Cooperatives (DOMAIN.md section 8): a code, a name, a village, member households
and the lots it owns; its read map, the cooperative(code) planner, and the writes
createCooperative, addCooperativeMember and endCooperativeMembership.

A cooperative is read by every household reader; the households reached through it
are scoped as households (null when out of the caller's scope). Writes need it in the
caller's scope (`Access.COOPERATIVE`: its village in a region officer's subtree). A
membership is recorded on the household (field `cooperatives`) and the cooperative
(`members`); joining sets the household's `cooperativeMember` (a field of its file,
so its version moves), leaving its last cooperative clears it.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.cursor import KeyKind
from graph.db import Database
from graph.errors import BadUserInput, Conflict, Forbidden, NotFound
from graph.history import history
from graph.household import check_after_registration, in_scope
from graph.readmap import Access, Conn, Embed, Field, Flag, Kind, Rel, Value, declare
from graph.registration import check_village
from graph.trace_code import TraceKind
from graph.write import Actor, Entity, Mutation, Write, write

_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")


def check_cooperative_code(value: str, field: str) -> str:
    """1-40 upper-case letters, digits and hyphens (COOP-469025-01)."""
    code = value.strip().upper()
    if not _CODE.fullmatch(code):
        raise BadUserInput(
            "a cooperative code is 1-40 letters, digits or hyphens, starting with a letter "
            "or digit",
            field=field,
        )
    return code


declare(
    "Cooperative",
    ("c",),
    {
        "code": Value("{c}.code"),
        "name": Value("{c}.name"),
        "traceCode": Value("{c}.traceCode"),
        "villageCode": Value("{c}.villageCode"),
        "village": Rel("Region", "MATCH ({c})-[:LOCATED_IN]->({r}:Region)", single=True),
        "memberCount": Value(
            "COUNT {{ ({c})<-[coopMember:COOPERATIVE_MEMBER]-(:Household) "
            "WHERE coopMember.until IS NULL }}"
        ),
        "members": Conn(
            "CooperativeMemberEdge",
            "MATCH ({c})<-[{m}:COOPERATIVE_MEMBER]-({h}:Household)",
            keys=(("{m}.since", "ASC", KeyKind.DATE), ("{m}.id", "ASC", KeyKind.STR)),
            kind="cooperative-members",
            flags=(Flag("includeEnded", False, "{m}.until IS NULL"),),
        ),
        "lots": Conn(
            "LotEdge",
            "MATCH ({c})-[:OWNS]->({l}:Lot)",
            keys=(("{l}.producedOn", "DESC", KeyKind.DATE), ("{l}.traceCode", "DESC", KeyKind.STR)),
            kind="cooperative-lots",
        ),
        "history": history("c"),
    },
)

_MEMBERSHIP: dict[str, Any] = {
    "since": Value("{m}.since", Kind.DATE),
    "until": Value("{m}.until", Kind.DATE),
    "active": Value("{m}.until IS NULL"),
}
# A cooperative's member: the household, null when out of the caller's scope.
declare("CooperativeMemberEdge", ("m", "h"), {"node": in_scope("h"), **_MEMBERSHIP})
# A household's membership of a cooperative.
declare(
    "CooperativeMembership",
    ("m", "c"),
    {"cooperative": Embed("Cooperative", {"c": "c"}), **_MEMBERSHIP},
)


def _code(request: Request) -> str:
    return check_cooperative_code(str(request.args["code"]), "code")


@root("cooperative")
def plan_cooperative(field: Field, view: View, shape: Any) -> Plan:
    """cooperative(code): a seek on cooperative_code; its households scoped."""
    b = Binder()
    post = Post(field=field)
    code = b.slot("code", _code)
    node = Compiler(view, b).project("Cooperative", {"c": "c"}, field.fields, post)
    return plan(f"MATCH (c:Cooperative {{code: {code}}}) RETURN {node} AS data", b, post)


# --- writes ----------------------------------------------------------------------------

CREATE_COOPERATIVE = (
    "MATCH (v:Region {code: $villageCode}) "
    "CREATE (c:Cooperative {code: $code, name: $name, villageCode: $villageCode, "
    "traceCode: $traceCode, createdAt: datetime(), updatedAt: datetime()}) "
    "CREATE (c)-[:LOCATED_IN]->(v)"
)


async def create_cooperative(
    db: Database, actor: Actor, mutation: Mutation, code: str, name: str, village_code: str
) -> dict[str, Any]:
    """Create a cooperative in a village, with a new trace code: {code}. FORBIDDEN when
    the village lies outside the caller's scope (decided on the village's code alone,
    before anything stored is read); NOT_FOUND for no such village; CONFLICT for a code
    in use."""
    from graph.lot import fresh_trace_codes

    async def work(w: Write) -> dict[str, Any]:
        where, params = w.scope.filter(Access.COOPERATIVE, "c")
        inside = await w.tx.single(
            f"WITH {{villageCode: $village}} AS c WHERE {where} RETURN true AS inside",
            {"village": village_code, **params},
        )
        if inside is None:
            raise Forbidden("the village lies outside your scope", field="input.villageCode")
        await check_village(w.tx, village_code, "input.villageCode")
        taken = await w.tx.single(
            "MATCH (c:Cooperative {code: $code}) RETURN c.code", {"code": code}
        )
        if taken is not None:
            raise Conflict("a cooperative with this code exists", field="input.code")
        (trace_code,) = await fresh_trace_codes(w.tx, TraceKind.COOPERATIVE, 1)
        properties = {"name": name, "villageCode": village_code, "traceCode": trace_code}
        await w.tx.run(CREATE_COOPERATIVE, {"code": code, **properties})
        w.created(Entity.COOPERATIVE, code, properties)
        return {"code": code}

    return await write(db, actor, mutation, work)


ACTIVE_MEMBERSHIP = (
    "MATCH (:Household {code: $household})-[m:COOPERATIVE_MEMBER]->(:Cooperative {code: $code}) "
    "WHERE m.until IS NULL RETURN m.id AS id, m.since AS since"
)
CREATE_MEMBERSHIP = (
    "MATCH (h:Household {code: $household}), (c:Cooperative {code: $code}) "
    "CREATE (h)-[:COOPERATIVE_MEMBER {id: $id, since: $since}]->(c)"
)
END_MEMBERSHIP = (
    "MATCH ()-[m:COOPERATIVE_MEMBER {id: $id}]->() SET m.until = $until "
    "WITH 1 AS done MATCH (h:Household {code: $household}) "
    "RETURN EXISTS { (h)-[other:COOPERATIVE_MEMBER]->() WHERE other.until IS NULL } AS stillMember"
)


async def _set_member_flag(w: Write, household: str, member: bool) -> None:
    """The file's cooperativeMember; a change moves the household's version."""
    if await w.update(Entity.HOUSEHOLD, household, {"cooperativeMember": member}):
        w.touch(households=[household], bump=True)


def _recorded(w: Write, household: str, cooperative: str, before: Any, after: Any) -> None:
    w.changed(
        Entity.HOUSEHOLD, household, [{"field": "cooperatives", "before": before, "after": after}]
    )
    w.changed(
        Entity.COOPERATIVE, cooperative, [{"field": "members", "before": before, "after": after}]
    )


async def add_cooperative_member(
    db: Database, actor: Actor, mutation: Mutation, code: str, household: str, since: dt.date
) -> dict[str, Any]:
    """A household joins a cooperative on `since`: {code, household}. Both in the
    caller's scope (NOT_FOUND otherwise), the household on file (CONFLICT when
    deregistered), not already a member (CONFLICT), `since` not before its
    registration (BAD_USER_INPUT)."""

    async def work(w: Write) -> dict[str, Any]:
        await w.cooperative(code, field="input.cooperativeCode")
        state = await w.household(household, bump=False)
        check_after_registration(state, since, "input.since")
        params = {"household": household, "code": code}
        if await w.tx.single(ACTIVE_MEMBERSHIP, params) is not None:
            raise Conflict("the household is already a member", field="input.householdCode")
        membership = str(uuid.uuid4())
        await w.tx.run(CREATE_MEMBERSHIP, {**params, "id": membership, "since": since})
        await _set_member_flag(w, household, True)
        after = {"membership": membership, "cooperative": code, "household": household,
                 "since": since.isoformat(), "until": None}  # fmt: skip
        _recorded(w, household, code, None, after)
        return {"code": code, "household": household}

    return await write(db, actor, mutation, work)


async def end_cooperative_membership(
    db: Database, actor: Actor, mutation: Mutation, code: str, household: str, until: dt.date
) -> dict[str, Any]:
    """End a household's active membership on `until`: {code, household}. NOT_FOUND
    when there is none (or either is out of scope); BAD_USER_INPUT before it began."""

    async def work(w: Write) -> dict[str, Any]:
        await w.cooperative(code, field="input.cooperativeCode")
        await w.household(household, writable=False, bump=False)
        record = await w.tx.single(ACTIVE_MEMBERSHIP, {"household": household, "code": code})
        if record is None:
            raise NotFound("the household is not a member", field="input.householdCode")
        if until < record["since"].to_native():
            raise BadUserInput("the end date is before the membership began", field="input.until")
        ended = await w.tx.single(
            END_MEMBERSHIP, {"id": record["id"], "until": until, "household": household}
        )
        if ended is not None and not ended["stillMember"]:
            await _set_member_flag(w, household, False)
        _recorded(
            w, household, code, {"membership": record["id"], "until": None},
            {"membership": record["id"], "until": until.isoformat()},
        )  # fmt: skip
        return {"code": code, "household": household}

    return await write(db, actor, mutation, work)
