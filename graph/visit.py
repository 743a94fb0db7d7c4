"""Visits: an official at a household on a date, from the field app (DOMAIN.md
section 4). Recording one keeps `h.lastVisitDate` current in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.client_mutation import write_once
from graph.db import Database, Tx
from graph.errors import NotFound
from graph.household import (
    lock_household,
    refresh_households,
)
from graph.official import _visible
from graph.scope import Scope


async def get_visit(db: Database, visit_id: str, scope: Scope) -> dict[str, Any] | None:
    """The visit with its official and household code, when the household is in
    scope; a seek on visit_id."""
    where, params = scope.household_filter("h")
    record = await db.read_one(
        "MATCH (o:Official)-[:MADE_VISIT]->(v:Visit {id: $id})-[:VISIT_TO]->(h:Household) "
        f"WHERE {where} "
        "RETURN v {.*, householdCode: h.code, official: o {.*}} AS visit",
        {"id": visit_id, **params},
    )
    return dict(record["visit"]) if record else None


async def record_visit(
    db: Database,
    scope: Scope,
    client_mutation_id: str,
    visit_id: str,
    household_code: str,
    official_code: str,
    properties: dict[str, Any],
    *,
    subject: str | None = None,
    digest: str | None = None,
) -> str:
    """Record a visit ({date, purpose, notes, latitude, longitude}); returns its id.

    The household must be in the caller's scope (for a field official: actively
    paired with them) and on file; the official must exist and be visible to the
    caller (`graph.official._visible`): an unknown official and one the caller may
    not see are the same NOT_FOUND.
    """
    visible, visible_params = _visible(scope)

    async def work(tx: Tx) -> str:
        await lock_household(tx, household_code, scope, field="input.householdCode")
        record = await tx.single(
            f"MATCH (o:Official {{code: $code}}) WHERE {visible} RETURN o.code AS code",
            {"code": official_code, **visible_params},
        )
        if record is None:
            raise NotFound("no such official", field="input.officialCode")
        await tx.run(
            "MATCH (o:Official {code: $official}), (h:Household {code: $household}) "
            "CREATE (o)-[:MADE_VISIT]->(v:Visit {id: $id})-[:VISIT_TO]->(h) "
            "SET v += $properties, v.createdAt = datetime()",
            {
                "official": official_code,
                "household": household_code,
                "id": visit_id,
                "properties": properties,
            },
        )
        await refresh_households(tx, [household_code])
        return visit_id

    return await write_once(
        db, client_mutation_id, "recordVisit", subject, "id", work, digest=digest
    )


_UPSERT_VISITS = """
UNWIND $rows AS row
MATCH (o:Official {code: row.officialCode}), (h:Household {code: row.householdCode})
MERGE (v:Visit {id: row.id})
ON CREATE SET v.createdAt = datetime()
SET v += row.properties
MERGE (o)-[:MADE_VISIT]->(v)
MERGE (v)-[:VISIT_TO]->(h)
"""


async def upsert_visits(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE visits on their id ({id, officialCode, householdCode, properties})."""
    await tx.run(_UPSERT_VISITS, {"rows": [dict(r) for r in rows]})
