"""Visits: an official at a household on a date, from the field app (DOMAIN.md
section 4). Recording one keeps `h.lastVisitDate` current in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from graph.compiler import Plan, Request, View, root, seek
from graph.db import Database, Tx
from graph.errors import BadUserInput, NotFound
from graph.household import check_after_registration
from graph.readmap import Access, Embed, Field, Kind, Mask, Value, declare
from graph.scope import active_on
from graph.write import Actor, Entity, Mutation, Write, write

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
        "standingInFor": Value("{v}.standingInFor"),
    },
)


def _visit_id(request: Request) -> str:
    return str(request.args["id"])


@root("Visit#id")
def plan_visit(field: Field, view: View, shape: Any) -> Plan:
    """A visit by id (mutation payloads), when its household is in scope; a seek on
    visit_id."""
    return seek(
        field,
        view,
        ("id", _visit_id),
        "MATCH (o:Official)-[:MADE_VISIT]->(v:Visit {{id: {key}}})-[:VISIT_TO]->(h:Household)",
        (Access.HOUSEHOLD, "h"),
        ("Visit", {"v": "v", "o": "o", "h": "h"}),
    )


CREATE_VISIT = (
    "MATCH (o:Official {code: $official}), (h:Household {code: $household}) "
    "CREATE (o)-[:MADE_VISIT]->(v:Visit {id: $id})-[:VISIT_TO]->(h) "
    "SET v += $properties, v.createdAt = datetime()"
)


async def record_visit(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    visit_id: str,
    household_code: str,
    official_code: str,
    properties: dict[str, Any],
    *,
    standing_in_for: str | None = None,
    stamp: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Record a visit ({date, purpose, notes, latitude, longitude}): {id}.

    The household must be in the caller's scope (for a field official: actively
    paired with them) and on file; the official must exist and be visible to the
    caller (`Scope.filter(Access.OFFICIAL)`): an unknown official and one the caller
    may not see are the same NOT_FOUND. The visit is dated on or after the household's
    registration, and the official was paired with the household on that day, or
    names in `standing_in_for` an official of the same unit who was (recorded on the
    visit as `standingInFor`); otherwise BAD_USER_INPUT and nothing is written. It is
    recorded on the household (field `visits`: never its notes or GPS point). `stamp`:
    more properties to keep on it (the field app's recordedAt, receivedAt, deviceId).
    """
    visible, visible_params = actor.scope.filter(Access.OFFICIAL, "o")

    async def work(w: Write) -> dict[str, Any]:
        state = await w.household(household_code, bump=False)
        check_after_registration(state, properties["date"], "input.date")
        record = await w.tx.single(
            f"MATCH (o:Official {{code: $code}}) WHERE {visible} RETURN o.code AS code",
            {"code": official_code, **visible_params},
        )
        if record is None:
            raise NotFound("no such official", field="input.officialCode")
        await _check_paired_on_the_day(
            w.tx, household_code, official_code, standing_in_for, properties["date"]
        )
        recorded = {**properties, **(stamp or {}), "standingInFor": standing_in_for}
        await w.tx.run(
            CREATE_VISIT,
            {
                "official": official_code,
                "household": household_code,
                "id": visit_id,
                "properties": {k: v for k, v in recorded.items() if v is not None},
            },
        )
        after = {"visit": visit_id, "date": properties["date"].isoformat(),
                 "purpose": properties.get("purpose"), "official": official_code}  # fmt: skip
        w.changed(
            Entity.HOUSEHOLD, household_code, [{"field": "visits", "before": None, "after": after}]
        )
        return {"id": visit_id}

    return await write(db, actor, mutation, work)


_PAIRED_ON_THE_DAY = f"""
MATCH (h:Household {{code: $household}}), (o:Official {{code: $official}})
OPTIONAL MATCH (s:Official {{code: $standIn}})
RETURN EXISTS {{ MATCH (o)-[p:PAIRED_WITH]->(h) WHERE {active_on("p", "$date")} }} AS paired,
       s IS NOT NULL AND s <> o AND s.unit IS NOT NULL AND s.unit = o.unit
         AND EXISTS {{ MATCH (s)-[p:PAIRED_WITH]->(h) WHERE {active_on("p", "$date")} }}
         AS standsIn
"""


async def _check_paired_on_the_day(
    tx: Tx, household: str, official: str, standing_in_for: str | None, date: dt.date
) -> None:
    """A visit counts as coverage, so its official had a pairing with the household on
    its date, or stood in, explicitly, for a colleague of the same unit who had."""
    record = await tx.single(
        _PAIRED_ON_THE_DAY,
        {"household": household, "official": official, "standIn": standing_in_for, "date": date},
    )
    assert record is not None
    if standing_in_for is not None:
        if not record["standsIn"]:
            # One message whatever failed: it tells nothing of officials out of scope.
            raise BadUserInput(
                "standingInFor must name another official of the same unit who was paired "
                "with the household on the visit's date",
                field="input.standingInFor",
            )
    elif not record["paired"]:
        raise BadUserInput(
            "the official was not paired with the household on the visit's date; an "
            "official of the same unit standing in names the paired one in standingInFor",
            field="input.officialCode",
        )
