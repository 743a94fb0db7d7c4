"""Officials and their pairings with households (DOMAIN.md section 4).

A pairing is a PAIRED_WITH relationship {id, role, since, until}; active while until
is null. A household has at most one active RESPONSIBLE pairing; an official carries
at most maxLoad active pairings unless a caller explicitly overrides. `o.load` and
`h.responsibleOfficial` are kept current in the transaction that changes a pairing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.client_mutation import write_once
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, NotFound
from graph.household import (
    Projection,
    Selection,
    check_after_registration,
    lock_household,
    refresh_households,
    refresh_officials,
)
from graph.model import PREFIX_LEVELS
from graph.scope import Scope
from graph.validation import check_region_code


class PairingRole(StrEnum):
    RESPONSIBLE = "RESPONSIBLE"
    ASSISTING = "ASSISTING"


# The sort key of a visit without a date: such visits come last, newest first.
NO_DATE = "date('0001-01-01')"

# Official properties a mutation may set (load is derived).
OFFICIAL_INPUT_PROPERTIES = ("name", "unit", "position", "phone", "idNumber", "maxLoad")


def _visible(scope: Scope) -> tuple[str, dict[str, Any]]:
    """Who a caller may look up: anyone with ALL; a field official themself; else an
    official paired (now or before) with a household in scope."""
    if scope.kind == "ALL":
        return "true", {}
    where, params = scope.household_filter("sh")
    own = "o.code = $scopeCode OR " if scope.kind == "OFFICIAL" else ""
    return f"({own}EXISTS {{ MATCH (o)-[:PAIRED_WITH]->(sh:Household) WHERE {where} }})", params


async def get_official(db: Database, code: str, scope: Scope) -> dict[str, Any] | None:
    """The official's properties, or None when absent or not visible; one seek on
    official_code."""
    visible, params = _visible(scope)
    record = await db.read_one(
        f"MATCH (o:Official {{code: $code}}) WHERE {visible} RETURN o {{.*}} AS official",
        {"code": code, **params},
    )
    return dict(record["official"]) if record else None


async def get_pairing(db: Database, pairing_id: str, scope: Scope) -> dict[str, Any] | None:
    """The pairing with its official and household code, within scope; a seek on the
    paired_with_id relationship index."""
    where, params = scope.household_filter("h")
    record = await db.read_one(
        "MATCH (o:Official)-[r:PAIRED_WITH {id: $id}]->(h:Household) "
        f"WHERE {where} "
        "RETURN r {.*, official: o {.*}, householdCode: h.code} AS pairing",
        {"id": pairing_id, **params},
    )
    return dict(record["pairing"]) if record else None


async def create_official(
    db: Database,
    client_mutation_id: str,
    code: str,
    properties: dict[str, Any],
    *,
    may_update: bool,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """Create the official with this code, or update it when `may_update` (ADMIN
    only); returns the code.

    Without `may_update`, an existing code is CONFLICT whether or not the caller may
    see that official, and nothing is written: a region officer creates officials but
    never rewrites one (their phone or ID number), in or out of their region.
    """

    async def work(tx: Tx) -> str:
        record = await tx.single(
            "MERGE (o:Official {code: $code}) "
            "ON CREATE SET o.load = 0, o.createdAt = datetime(), o._created = true "
            "WITH o, coalesce(o._created, false) AS created REMOVE o._created "
            "RETURN created",
            {"code": code},
        )
        assert record is not None
        if not record["created"] and not may_update:
            raise Conflict("an official with this code exists", field="input.code")
        await tx.run(
            "MATCH (o:Official {code: $code}) SET o += $properties, o.updatedAt = datetime()",
            {"code": code, "properties": properties},
        )
        return code

    return await write_once(
        db, client_mutation_id, "createOfficial", subject, "code", work, digest=digest
    )


async def pair_official(
    db: Database,
    scope: Scope,
    client_mutation_id: str,
    pairing_id: str,
    household_code: str,
    official_code: str,
    role: PairingRole,
    since: dt.date,
    *,
    override_max_load: bool,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """Pair an official with a household; returns the pairing id.

    BAD_USER_INPUT when `since` is before the household's registration. CONFLICT when
    the official is already actively paired with it, when a second
    active RESPONSIBLE would result, or when the official is at maxLoad and the
    caller did not override (the message gives no load figures). Locks the household
    and the official first.

    Any existing official may be paired with a household in the caller's scope: that
    is how a region officer brings an official (say one they just created, who is
    paired with nothing yet) into their region, so the official need not be visible
    to the caller beforehand. An unknown official code is NOT_FOUND.
    """

    async def work(tx: Tx) -> str:
        state = await lock_household(tx, household_code, scope, field="input.householdCode")
        check_after_registration(state, since, "input.since")
        official = await tx.single(
            "MATCH (o:Official {code: $code}) SET o._lock = true REMOVE o._lock "
            "RETURN coalesce(o.load, 0) AS load, o.maxLoad AS maxLoad, "
            "EXISTS { (o)-[r:PAIRED_WITH]->(:Household {code: $household}) "
            "  WHERE r.until IS NULL } AS paired",
            {"code": official_code, "household": household_code},
        )
        if official is None:
            raise NotFound("no such official", field="input.officialCode")
        if official["paired"]:
            raise Conflict(
                "the official is already paired with this household", field="input.officialCode"
            )
        if role == PairingRole.RESPONSIBLE:
            current = await tx.single(
                "MATCH (o:Official)-[r:PAIRED_WITH {role: 'RESPONSIBLE'}]->"
                "(:Household {code: $code}) WHERE r.until IS NULL RETURN o.code AS code",
                {"code": household_code},
            )
            if current is not None:
                raise Conflict(
                    f"official {current['code']} is already responsible for this household",
                    field="input.role",
                )
        max_load = official["maxLoad"]
        if max_load is not None and official["load"] >= max_load and not override_max_load:
            raise Conflict(
                "the official already carries their maximum number of households; "
                "set overrideMaxLoad to pair anyway",
                field="input.officialCode",
            )
        await tx.run(
            "MATCH (o:Official {code: $official}), (h:Household {code: $household}) "
            "CREATE (o)-[:PAIRED_WITH {id: $id, role: $role, since: $since}]->(h)",
            {
                "official": official_code,
                "household": household_code,
                "id": pairing_id,
                "role": role.value,
                "since": since,
            },
        )
        await refresh_officials(tx, [official_code])
        await refresh_households(tx, [household_code])
        return pairing_id

    return await write_once(
        db, client_mutation_id, "pairOfficial", subject, "id", work, digest=digest
    )


async def end_pairing(
    db: Database,
    scope: Scope,
    pairing_id: str,
    until: dt.date,
    client_mutation_id: str | None = None,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """End an active pairing on `until`; returns its id. NOT_FOUND outside scope,
    CONFLICT when already ended."""

    async def work(tx: Tx) -> str:
        where, params = scope.household_filter("h")
        record = await tx.single(
            "MATCH (o:Official)-[r:PAIRED_WITH {id: $id}]->(h:Household) "
            f"WHERE {where} SET h._lock = true REMOVE h._lock "
            "RETURN o.code AS official, h.code AS household, r.since AS since, "
            "r.until AS until",
            {"id": pairing_id, **params},
        )
        if record is None:
            raise NotFound("no such pairing", field="input.pairingId")
        if record["until"] is not None:
            raise Conflict("the pairing has already ended", field="input.pairingId")
        if record["since"] is not None and until < record["since"].to_native():
            raise BadUserInput("the end date is before the pairing began", field="input.until")
        await tx.run(
            "MATCH ()-[r:PAIRED_WITH {id: $id}]->() SET r.until = $until",
            {"id": pairing_id, "until": until},
        )
        await refresh_officials(tx, [record["official"]])
        await refresh_households(tx, [record["household"]])
        return pairing_id

    return await write_once(
        db, client_mutation_id, "endPairing", subject, "id", work, digest=digest
    )


_UPSERT_OFFICIALS = """
UNWIND $rows AS row
MERGE (o:Official {code: row.code})
ON CREATE SET o.load = 0, o.createdAt = datetime()
SET o += row.properties
"""

_UPSERT_PAIRINGS = """
UNWIND $rows AS row
MATCH (o:Official {code: row.officialCode}), (h:Household {code: row.householdCode})
MERGE (o)-[r:PAIRED_WITH {id: row.id}]->(h)
SET r.role = row.role, r.since = row.since, r.until = row.until
"""


async def upsert_officials(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE officials on their code ({code, properties}); load via refresh_officials."""
    await tx.run(_UPSERT_OFFICIALS, {"rows": [dict(r) for r in rows]})


async def upsert_pairings(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE pairings on their id ({id, officialCode, householdCode, role, since, until})."""
    await tx.run(_UPSERT_PAIRINGS, {"rows": [dict(r) for r in rows]})


# --- lists of officials and their nested pages -----------------------------------------


@dataclass(frozen=True)
class OfficialFilter:
    region_code: str | None = None
    unit: str | None = None
    overloaded: bool | None = None
    has_active_pairings: bool | None = None


def _official_conditions(f: OfficialFilter, scope: Scope) -> tuple[list[str], dict[str, Any]]:
    visible, params = _visible(scope)
    where = [visible]
    if f.unit is not None:
        where.append("o.unit = $unit")
        params["unit"] = f.unit
    if f.overloaded is not None:
        # A missing maxLoad means no maximum: never overloaded.
        over = "(o.maxLoad IS NOT NULL AND coalesce(o.load, 0) > o.maxLoad)"
        where.append(over if f.overloaded else f"NOT {over}")
    if f.has_active_pairings is not None:
        active = "EXISTS { (o)-[ap:PAIRED_WITH]->(:Household) WHERE ap.until IS NULL }"
        where.append(active if f.has_active_pairings else f"NOT {active}")
    return where, params


def _matching_officials(
    f: OfficialFilter, scope: Scope, keyset: str, *, limited: bool
) -> tuple[str, dict[str, Any]]:
    """Clauses that end with `RETURN o`: the officials matching `f`, visible to the
    caller and past `keyset`; the best `$limit` by code when `limited`."""
    conditions, params = _official_conditions(f, scope)
    conditions.append(keyset)
    filtered = " AND ".join(conditions)
    top = "WITH o ORDER BY o.code LIMIT $limit " if limited else ""
    if f.region_code is None:
        return f"MATCH (o:Official) WHERE {filtered} {top}RETURN o", params
    # The paired household must lie in the region and in the caller's scope, so the
    # filter reveals nothing about households the caller may not see.
    in_scope, scope_params = scope.household_filter("rh")
    params.update(scope_params)
    params["regionCode"] = f.region_code
    params["prefixLevels"] = sorted(PREFIX_LEVELS)
    # A county, town or village: from its households (a seek per prefix) to their
    # officials. A city or the province holds most officials: read officials in code
    # order and keep those with an active pairing in it, stopping at the limit. Each
    # branch is gated on the level before it reads anything costly (plans checked
    # with EXPLAIN: the UNWIND is empty, or the level filter sits on the index seek).
    return (
        f"""
        MATCH (region:Region {{code: $regionCode}})
        CALL (region) {{
          UNWIND CASE WHEN region.level IN $prefixLevels THEN region.prefixes ELSE [] END
            AS prefix
          MATCH (rh:Household) WHERE rh.code STARTS WITH prefix AND {in_scope}
          MATCH (o:Official)-[rp:PAIRED_WITH]->(rh) WHERE rp.until IS NULL AND {filtered}
          WITH DISTINCT o {top}RETURN o
          UNION
          MATCH (o:Official)
          WHERE NOT region.level IN $prefixLevels AND {filtered} AND EXISTS {{
            MATCH (o)-[rp:PAIRED_WITH]->(rh:Household)
            WHERE rp.until IS NULL AND any(prefix IN region.prefixes
              WHERE rh.code STARTS WITH prefix) AND {in_scope} }}
          {top}RETURN o
        }}
        RETURN o""",
        params,
    )


async def list_officials(
    db: Database,
    scope: Scope,
    where: OfficialFilter,
    first: int,
    after: str | None,
    *,
    total: bool,
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of `first + 1` officials' properties in code order after the code
    `after`, and the number matching (only when `total`).

    One statement. Without a regionCode it reads the official_code index in order from
    the cursor on, checking visibility and filters per official until the page is
    full. With one: for a county, town or village, a household_code seek per prefix
    and their active pairings, then a top-k by code; for a city or the province, the
    official_code index in order with an existence check per official.
    """
    if where.region_code is not None:
        check_region_code(where.region_code, "where.regionCode")
    page, params = _matching_officials(where, scope, "o.code > $after", limited=True)
    if total:
        counted, _ = _matching_officials(where, scope, "true", limited=False)
        count_block = (
            f"CALL () {{ CALL () {{ {counted} }} RETURN count(DISTINCT o) AS totalCount }}"
        )
    else:
        count_block = "WITH null AS totalCount"
    cypher = f"""
    {count_block}
    CALL () {{
      CALL () {{ {page} }}
      WITH DISTINCT o ORDER BY o.code LIMIT $limit
      RETURN collect(o {{.*}}) AS rows
    }}
    RETURN rows, totalCount
    """
    record = await db.read_one(cypher, {**params, "after": after or "", "limit": first + 1})
    if record is None:
        return [], 0 if total else None
    return [dict(r) for r in record["rows"]], record["totalCount"]


@dataclass(frozen=True)
class PageRequest:
    """One official's nested page: their code and the keyset position after which it
    starts (None: from the top)."""

    code: str
    after: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class NestedPage:
    rows: list[dict[str, Any]]
    has_next: bool
    total: int | None


def _pages(requests: Sequence[PageRequest], records: Sequence[Any], first: int) -> list[NestedPage]:
    found = {r["i"]: r for r in records}
    pages = []
    for i in range(len(requests)):
        record = found.get(i)
        rows = [dict(row) for row in record["rows"]] if record else []
        total = record["total"] if record else None
        pages.append(NestedPage(rows[:first], len(rows) > first, total))
    return pages


async def paired_households(
    db: Database,
    requests: Sequence[PageRequest],
    scope: Scope,
    sel: Selection,
    *,
    first: int,
    include_ended: bool,
    total: bool,
) -> list[NestedPage]:
    """For each request (after: (household code, pairing id)), a page of the
    official's pairings in household-code order ({id, role, since, until, household:
    the projection of `sel`}), with households in the caller's scope only; active
    pairings only unless `include_ended`; the count when `total`.

    One statement for every official of a page: a seek on official_code per request,
    then their PAIRED_WITH relationships (a handful each), sorted and cut at the limit.
    """
    proj = Projection(scope)
    in_scope = proj.scope_filter("h")
    node = proj.household("h", sel)
    active = "true" if include_ended else "r.until IS NULL"
    count = (
        f"COUNT {{ MATCH (o)-[r:PAIRED_WITH]->(h:Household) WHERE {active} AND {in_scope} }}"
        if total
        else "null"
    )
    cypher = f"""
    UNWIND range(0, size($requests) - 1) AS i
    WITH i, $requests[i] AS req
    MATCH (o:Official {{code: req.code}})
    CALL (o, req) {{
      MATCH (o)-[r:PAIRED_WITH]->(h:Household)
      WHERE {active} AND {in_scope}
        AND (req.afterCode IS NULL OR h.code > req.afterCode
             OR (h.code = req.afterCode AND r.id > req.afterId))
      WITH r, h ORDER BY h.code, r.id LIMIT $limit
      RETURN collect(r {{.id, .role, .since, .until, household: {node}}}) AS rows
    }}
    RETURN i, rows, {count} AS total
    """
    keys = [
        {
            "code": r.code,
            "afterCode": r.after[0] if r.after else None,
            "afterId": r.after[1] if r.after else None,
        }
        for r in requests
    ]
    records = await db.read(cypher, {**proj.params, "requests": keys, "limit": first + 1})
    return _pages(requests, records, first)


async def official_visits(
    db: Database,
    requests: Sequence[PageRequest],
    scope: Scope,
    *,
    first: int,
    total: bool,
) -> list[NestedPage]:
    """For each request (after: (date, visit id)), a page of the official's visits,
    newest first (date, then id, both descending), to households in the caller's
    scope ({.*, householdCode, official}); the count when `total`.

    One statement for every official of a page: a seek on official_code per request,
    then their MADE_VISIT relationships, sorted and cut at the limit.
    """
    in_scope, params = scope.household_filter("h")
    count = (
        f"COUNT {{ MATCH (o)-[:MADE_VISIT]->(:Visit)-[:VISIT_TO]->(h:Household) WHERE {in_scope} }}"
        if total
        else "null"
    )
    cypher = f"""
    UNWIND range(0, size($requests) - 1) AS i
    WITH i, $requests[i] AS req
    MATCH (o:Official {{code: req.code}})
    CALL (o, req) {{
      MATCH (o)-[:MADE_VISIT]->(v:Visit)-[:VISIT_TO]->(h:Household)
      WHERE {in_scope}
      WITH v, h, coalesce(v.date, {NO_DATE}) AS day
      WHERE req.afterDate IS NULL OR day < req.afterDate
        OR (day = req.afterDate AND v.id < req.afterId)
      WITH v, h, day ORDER BY day DESC, v.id DESC LIMIT $limit
      RETURN collect(v {{.*, householdCode: h.code, official: o {{.*}}, day: day}}) AS rows
    }}
    RETURN i, rows, {count} AS total
    """
    keys = [
        {
            "code": r.code,
            "afterDate": r.after[0] if r.after else None,
            "afterId": r.after[1] if r.after else None,
        }
        for r in requests
    ]
    records = await db.read(cypher, {**params, "requests": keys, "limit": first + 1})
    return _pages(requests, records, first)
