"""Visits: an official at a household on a date, from the field app (DOMAIN.md
section 4). Recording one keeps `h.lastVisitDate` current in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.db import Database, Tx
from graph.errors import NotFound
from graph.household import (
    lock_household,
    refresh_households,
    write_once,
)
from graph.readmap import Access, Embed, Field, Kind, Mask, Value, declare
from graph.scope import Scope

declare(
    "Visit",
    ("v", "o", "h"),
    {
        "id": Value("{v}.id"),
        "date": Value("{v}.date", Kind.DATE),
        "purpose": Value("{v}.purpose"),
        "notes": Value("{v}.notes", mask=Mask.HIDDEN),
        "latitude": Value("{v}.latitude", mask=Mask.HIDDEN),
        "longitude": Value("{v}.longitude", mask=Mask.HIDDEN),
        "createdAt": Value("{v}.createdAt", Kind.DATETIME),
        "householdCode": Value("{h}.code"),
        "official": Embed("Official", {"o": "o"}),
    },
)


def _visit_id(request: Request) -> str:
    return str(request.args["id"])


@root("Visit#id")
def plan_visit(field: Field, view: View, shape: Any) -> Plan:
    """A visit by id (mutation payloads), when its household is in scope; a seek on
    visit_id."""
    b = Binder()
    post = Post(field=field)
    visit = b.slot("id", _visit_id)
    where = view.scope.read_filter(Access.HOUSEHOLD, "h", b)
    node = Compiler(view, b).project("Visit", {"v": "v", "o": "o", "h": "h"}, field.fields, post)
    cypher = (
        f"MATCH (o:Official)-[:MADE_VISIT]->(v:Visit {{id: {visit}}})-[:VISIT_TO]->(h:Household) "
        f"WHERE {where} RETURN {node} AS data"
    )
    return plan(cypher, b, post)


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
) -> str:
    """Record a visit ({date, purpose, notes, latitude, longitude}); returns its id.

    The household must be in the caller's scope (for a field official: actively
    paired with them) and on file; the official must exist and be visible to the
    caller (`Scope.filter(Access.OFFICIAL)`): an unknown official and one the caller may
    not see are the same NOT_FOUND.
    """
    visible, visible_params = scope.filter(Access.OFFICIAL, "o")

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

    return await write_once(db, client_mutation_id, "recordVisit", subject, "id", work)


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
