"""Officials and their pairings with households (DOMAIN.md section 4).

A pairing is a PAIRED_WITH relationship {id, role, since, until}; active while until
is null. A household has at most one active RESPONSIBLE pairing; an official carries
at most maxLoad active pairings unless a caller explicitly overrides. `o.load` and
`h.responsibleOfficial` are kept current in the transaction that changes a pairing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, NotFound
from graph.household import (
    claim_client_mutation,
    lock_household,
    refresh_households,
    refresh_officials,
    settle_client_mutation,
)
from graph.scope import Scope


class PairingRole(StrEnum):
    RESPONSIBLE = "RESPONSIBLE"
    ASSISTING = "ASSISTING"


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
    db: Database, client_mutation_id: str, code: str, properties: dict[str, Any]
) -> str:
    """Create or update the official with this code (MERGE); returns the code."""

    async def work(tx: Tx) -> str:
        earlier = await claim_client_mutation(tx, client_mutation_id, "createOfficial")
        if earlier is not None:
            return str(earlier["code"])
        await tx.run(
            "MERGE (o:Official {code: $code}) ON CREATE SET o.load = 0, o.createdAt = datetime() "
            "SET o += $properties, o.updatedAt = datetime()",
            {"code": code, "properties": properties},
        )
        await settle_client_mutation(tx, client_mutation_id, {"code": code})
        return code

    return await db.write(work)


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
) -> str:
    """Pair an official with a household; returns the pairing id.

    CONFLICT when the official is already actively paired with it, when a second
    active RESPONSIBLE would result, or when the official is at maxLoad and the
    caller did not override. Locks the household and the official first.
    """

    async def work(tx: Tx) -> str:
        earlier = await claim_client_mutation(tx, client_mutation_id, "pairOfficial")
        if earlier is not None:
            return str(earlier["id"])
        await lock_household(tx, household_code, scope, field="input.householdCode")
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
                f"the official already carries {official['load']} households (maximum "
                f"{max_load}); set overrideMaxLoad to pair anyway",
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
        await settle_client_mutation(tx, client_mutation_id, {"id": pairing_id})
        return pairing_id

    return await db.write(work)


async def end_pairing(
    db: Database,
    scope: Scope,
    pairing_id: str,
    until: dt.date,
    client_mutation_id: str | None = None,
) -> str:
    """End an active pairing on `until`; returns its id. NOT_FOUND outside scope,
    CONFLICT when already ended."""

    async def work(tx: Tx) -> str:
        earlier = await claim_client_mutation(tx, client_mutation_id, "endPairing")
        if earlier is not None:
            return str(earlier["id"])
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
        await settle_client_mutation(tx, client_mutation_id, {"id": pairing_id})
        return pairing_id

    return await db.write(work)


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
