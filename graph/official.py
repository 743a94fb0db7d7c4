"""Officials and their pairings with households (DOMAIN.md section 4).

A pairing is a PAIRED_WITH relationship {id, role, since, until}; active while until
is null. A household has at most one active RESPONSIBLE pairing; an official carries
at most maxLoad active pairings unless a caller explicitly overrides. `o.load` and
`h.responsibleOfficial` are kept current in the transaction that changes a pairing.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from graph.compiler import (
    Binder,
    Compiler,
    ConnPost,
    Plan,
    Post,
    Request,
    View,
    arg,
    plan,
    root,
)
from graph.cursor import KeyKind, check_first, decode_key
from graph.db import Database
from graph.errors import Conflict
from graph.history import history
from graph.model import PREFIX_LEVELS
from graph.readmap import Access, Conn, Embed, Field, Flag, Kind, Mask, Value, declare
from graph.validation import check_lookup_key, check_region_code
from graph.write import Actor, Entity, Mutation, Write, write


class PairingRole(StrEnum):
    RESPONSIBLE = "RESPONSIBLE"
    ASSISTING = "ASSISTING"


# The sort key of a visit without a date: such visits come last, newest first.
NO_DATE = "date('0001-01-01')"

# Official properties a mutation may set (load is derived).
OFFICIAL_INPUT_PROPERTIES = ("name", "unit", "position", "phone", "idNumber", "maxLoad")


declare(
    "Official",
    ("o",),
    {
        "code": Value("{o}.code"),
        "name": Value("{o}.name"),
        "unit": Value("{o}.unit"),
        "position": Value("{o}.position"),
        "phone": Value("{o}.phone", mask=Mask.PHONE),
        "idNumber": Value("{o}.idNumber", mask=Mask.ID_NUMBER),
        "maxLoad": Value("{o}.maxLoad"),
        "load": Value("coalesce({o}.load, 0)"),
        "pairedHouseholds": Conn(
            "PairedHouseholdEdge",
            "MATCH ({o})-[{r}:PAIRED_WITH]->({h}:Household)",
            keys=(("{h}.code", "ASC", KeyKind.STR), ("{r}.id", "ASC", KeyKind.STR)),
            kind="official-households",
            flags=(Flag("includeEnded", False, "{r}.until IS NULL"),),
            scoped=(("h", Access.HOUSEHOLD),),
        ),
        "visits": Conn(
            "VisitEdge",
            "MATCH ({o})-[:MADE_VISIT]->({v}:Visit)-[:VISIT_TO]->({h}:Household)",
            keys=(
                (f"coalesce({{v}}.date, {NO_DATE})", "DESC", KeyKind.DATE),
                ("{v}.id", "DESC", KeyKind.STR),
            ),
            kind="official-visits",
            scoped=(("h", Access.HOUSEHOLD),),
        ),
        "history": history("o"),
    },
)

declare(
    "Pairing",
    ("r", "o", "h"),
    {
        "id": Value("{r}.id"),
        "role": Value("{r}.role"),
        "since": Value("{r}.since", Kind.DATE),
        "until": Value("{r}.until", Kind.DATE),
        "householdCode": Value("{h}.code"),
        "active": Value("{r}.until IS NULL"),
        "official": Embed("Official", {"o": "o"}),
    },
)

declare(
    "PairedHouseholdEdge",
    ("r", "h"),
    {
        "node": Embed("Household", {"h": "h"}),
        "pairingId": Value("{r}.id"),
        "role": Value("{r}.role"),
        "since": Value("{r}.since", Kind.DATE),
        "until": Value("{r}.until", Kind.DATE),
        "active": Value("{r}.until IS NULL"),
    },
)

declare("VisitEdge", ("v", "o", "h"), {"node": Embed("Visit", {"v": "v", "o": "o", "h": "h"})})
declare("OfficialEdge", ("o",), {"node": Embed("Official", {"o": "o"})})


def _official_code(request: Request) -> str:
    return check_lookup_key(str(request.args["code"]), "code")


@root("official")
def plan_official(field: Field, view: View, shape: Any) -> Plan:
    """official(code): a seek on official_code; null when not visible to the caller."""
    b = Binder()
    post = Post(field=field)
    code = b.slot("code", _official_code)
    where = view.scope.read_filter(Access.OFFICIAL, "o", b)
    node = Compiler(view, b).project("Official", {"o": "o"}, field.fields, post)
    cypher = f"MATCH (o:Official {{code: {code}}}) WHERE {where} RETURN {node} AS data"
    return plan(cypher, b, post)


def _pairing_id(request: Request) -> str:
    return str(request.args["id"])


@root("Pairing#id")
def plan_pairing(field: Field, view: View, shape: Any) -> Plan:
    """A pairing by id (mutation payloads): a seek on the paired_with_id index,
    within scope."""
    b = Binder()
    post = Post(field=field)
    pairing = b.slot("id", _pairing_id)
    where = view.scope.read_filter(Access.HOUSEHOLD, "h", b)
    node = Compiler(view, b).project("Pairing", {"r": "r", "o": "o", "h": "h"}, field.fields, post)
    cypher = (
        f"MATCH (o:Official)-[r:PAIRED_WITH {{id: {pairing}}}]->(h:Household) WHERE {where} "
        f"RETURN {node} AS data"
    )
    return plan(cypher, b, post)


# An official's fields a mutation may set (load is derived).
OFFICIAL_FIELDS = ("name", "unit", "position", "phone", "idNumber", "maxLoad")

CLAIM_OFFICIAL = (
    "MERGE (o:Official {code: $code}) "
    "ON CREATE SET o.load = 0, o.createdAt = datetime(), o._created = true "
    "WITH o, coalesce(o._created, false) AS created REMOVE o._created "
    "SET o._lock = true REMOVE o._lock "
    "RETURN created"
)


async def create_official(
    db: Database, actor: Actor, mutation: Mutation, code: str, properties: dict[str, Any]
) -> dict[str, Any]:
    """Create the official with this code, or update it when the caller's scope may
    (`Scope.may_update_officials`): {code}.

    Otherwise an existing code is CONFLICT whether or not the caller may see that
    official, and nothing is written: a region officer creates officials but never
    rewrites one (their phone or ID number), in or out of their region.
    """

    async def work(w: Write) -> dict[str, Any]:
        record = await w.tx.single(CLAIM_OFFICIAL, {"code": code})
        assert record is not None
        if not record["created"] and not w.scope.may_update_officials:
            raise Conflict("an official with this code exists", field="input.code")
        await w.update(Entity.OFFICIAL, code, properties)
        return {"code": code}

    return await write(db, actor, mutation, work)


def _officials_shape(args: Mapping[str, Any]) -> Any:
    where = args.get("where") or {}
    given = tuple(sorted(k for k, v in where.items() if v is not None))
    return (given, where.get("overloaded"), where.get("hasActivePairings"))


def _after_code(request: Request) -> str:
    key = decode_key(request.args.get("after"), OFFICIALS_KIND, (KeyKind.STR,))
    return "" if key is None else str(key[0])


def _limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _region_code(request: Request) -> str:
    return check_region_code(request.args["where"]["regionCode"], "where.regionCode")


OFFICIALS_KIND = "officials"


def _official_conditions(b: Binder, view: View, shape: Any) -> list[str]:
    given, overloaded, active = shape
    where = [view.scope.read_filter(Access.OFFICIAL, "o", b)]
    if "unit" in given:
        where.append(f"o.unit = {b.slot('unit', arg('where', 'unit'))}")
    if overloaded is not None:
        # A missing maxLoad means no maximum: never overloaded.
        over = "(o.maxLoad IS NOT NULL AND coalesce(o.load, 0) > o.maxLoad)"
        where.append(over if overloaded else f"NOT {over}")
    if active is not None:
        exists = "EXISTS { (o)-[ap:PAIRED_WITH]->(:Household) WHERE ap.until IS NULL }"
        where.append(exists if active else f"NOT {exists}")
    return where


def _matching_officials(b: Binder, view: View, shape: Any, keyset: str, *, limited: bool) -> str:
    """Clauses that end with `RETURN o`: the officials matching the filters, visible
    to the caller and past `keyset`; the best `$limit` by code when `limited`."""
    conditions = _official_conditions(b, view, shape)
    conditions.append(keyset)
    filtered = " AND ".join(conditions)
    top = f"WITH o ORDER BY o.code LIMIT {b.slot('limit', _limit)} " if limited else ""
    if "regionCode" not in shape[0]:
        return f"MATCH (o:Official) WHERE {filtered} {top}RETURN o"
    # The paired household must lie in the region and in the caller's scope, so the
    # filter reveals nothing about households the caller may not see.
    in_scope = view.scope.read_filter(Access.HOUSEHOLD, "rh", b)
    region = b.slot("regionCode", _region_code)
    levels = b.const(sorted(PREFIX_LEVELS))
    # A county, town or village: from its households (a seek per prefix) to their
    # officials. A city or the province holds most officials: read officials in code
    # order and keep those with an active pairing in it, stopping at the limit. Each
    # branch is gated on the level before it reads anything costly (plans checked
    # with EXPLAIN: the UNWIND is empty, or the level filter sits on the index seek).
    return f"""
        MATCH (region:Region {{code: {region}}})
        CALL (region) {{
          UNWIND CASE WHEN region.level IN {levels} THEN region.prefixes ELSE [] END
            AS prefix
          MATCH (rh:Household) WHERE rh.code STARTS WITH prefix AND {in_scope}
          MATCH (o:Official)-[rp:PAIRED_WITH]->(rh) WHERE rp.until IS NULL AND {filtered}
          WITH DISTINCT o {top}RETURN o
          UNION
          MATCH (o:Official)
          WHERE NOT region.level IN {levels} AND {filtered} AND EXISTS {{
            MATCH (o)-[rp:PAIRED_WITH]->(rh:Household)
            WHERE rp.until IS NULL AND any(prefix IN region.prefixes
              WHERE rh.code STARTS WITH prefix) AND {in_scope} }}
          {top}RETURN o
        }}
        RETURN o"""


@root("officials", shape=_officials_shape)
def plan_officials(field: Field, view: View, shape: Any) -> Plan:
    """officials(where, first, after): a page of first + 1 officials in code order
    after the cursor's code, and the number matching (only when selected).

    One statement. Without a regionCode it reads the official_code index in order from
    the cursor on, checking visibility and filters per official until the page is
    full. With one: for a county, town or village, a household_code seek per prefix
    and their active pairings, then a top-k by code; for a city or the province, the
    official_code index in order with an existence check per official. Nested pages
    (pairedHouseholds, visits) are subqueries of each official's row.
    """
    b = Binder()
    post = Post(field=field)
    after = b.slot("after", _after_code)
    page = _matching_officials(b, view, shape, f"o.code > {after}", limited=True)
    if any(f.name == "totalCount" for f in field.fields):
        counted = _matching_officials(b, view, shape, "true", limited=False)
        count = f"CALL () {{ CALL () {{ {counted} }} RETURN count(DISTINCT o) AS total }}"
    else:
        count = "WITH null AS total"
    conn = ConnPost(OFFICIALS_KIND, "limit", field, "OfficialConnection")
    post.conn = conn
    row = Compiler(view, b).connection_row("OfficialEdge", {"o": "o"}, conn, ["o.code"])
    cypher = f"""
    {count}
    CALL () {{
      CALL () {{ {page} }}
      WITH DISTINCT o ORDER BY o.code LIMIT {b.slot("limit", _limit)}
      RETURN collect({row}) AS rows
    }}
    RETURN {{r: rows, t: total}} AS data
    """
    return plan(cypher, b, post)


@root("Household#pairing")
def plan_pairing_household(field: Field, view: View, shape: Any) -> Plan:
    """The household of a pairing by id (mutation payloads), within scope."""
    b = Binder()
    post = Post(field=field)
    pairing = b.slot("id", _pairing_id)
    where = view.scope.read_filter(Access.HOUSEHOLD, "h", b)
    node = Compiler(view, b).project("Household", {"h": "h"}, field.fields, post)
    cypher = (
        f"MATCH (:Official)-[:PAIRED_WITH {{id: {pairing}}}]->(h:Household) WHERE {where} "
        f"RETURN {node} AS data"
    )
    return plan(cypher, b, post)
