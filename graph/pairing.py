"""Pairings: an official paired with a household (DOMAIN.md section 4), and the rules
a pairing obeys: at most one active RESPONSIBLE a household, at most maxLoad active
pairings an official unless the caller overrides, never before the household's
registration. Written once for the API and the importer.

A pairing is recorded on the household (field `officials`) and on the official (field
`pairedHouseholds`). Neither changes the household's version: its file is unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graph.db import Database
from graph.errors import BadUserInput, Conflict, NotFound
from graph.household import check_after_registration
from graph.official import PairingRole
from graph.write import Actor, Entity, Mutation, Write, write

ALREADY_PAIRED = (
    "RETURN EXISTS { (:Official {code: $code})-[r:PAIRED_WITH]->(:Household {code: $household}) "
    "WHERE r.until IS NULL } AS paired"
)

CURRENT_RESPONSIBLE = (
    "MATCH (o:Official)-[r:PAIRED_WITH {role: 'RESPONSIBLE'}]->(:Household {code: $code}) "
    "WHERE r.until IS NULL RETURN o.code AS code"
)

CREATE_PAIRING = (
    "MATCH (o:Official {code: $official}), (h:Household {code: $household}) "
    "CREATE (o)-[:PAIRED_WITH {id: $id, role: $role, since: $since}]->(h)"
)


def _recorded(w: Write, household: str, official: str, before: Any, after: Any) -> None:
    w.changed(
        Entity.HOUSEHOLD, household, [{"field": "officials", "before": before, "after": after}]
    )
    w.changed(
        Entity.OFFICIAL, official, [{"field": "pairedHouseholds", "before": before, "after": after}]
    )


async def pair_official(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    pairing_id: str,
    household_code: str,
    official_code: str,
    role: PairingRole,
    since: dt.date,
    *,
    override_max_load: bool,
) -> dict[str, Any]:
    """Pair an official with a household: {id}.

    BAD_USER_INPUT when `since` is before the household's registration. CONFLICT when
    the official is already actively paired with it, when a second active RESPONSIBLE
    would result, or when the official is at maxLoad and the caller did not override
    (the message gives no load figures). Locks the household and the official first.

    Any existing official may be paired with a household in the caller's scope: that
    is how a region officer brings an official (say one they just created, who is
    paired with nothing yet) into their region, so the official need not be visible to
    the caller beforehand. An unknown official code is NOT_FOUND.
    """

    async def work(w: Write) -> dict[str, Any]:
        state = await w.household(household_code, bump=False)
        check_after_registration(state, since, "input.since")
        official = await w.official(official_code, field="input.officialCode")
        paired = await w.tx.single(
            ALREADY_PAIRED, {"code": official_code, "household": household_code}
        )
        if paired is not None and paired["paired"]:
            raise Conflict(
                "the official is already paired with this household", field="input.officialCode"
            )
        if role == PairingRole.RESPONSIBLE:
            current = await w.tx.single(CURRENT_RESPONSIBLE, {"code": household_code})
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
        await w.tx.run(
            CREATE_PAIRING,
            {"official": official_code, "household": household_code, "id": pairing_id,
             "role": role.value, "since": since},
        )  # fmt: skip
        after = {"pairing": pairing_id, "official": official_code, "household": household_code,
                 "role": role.value, "since": since.isoformat(), "until": None}  # fmt: skip
        _recorded(w, household_code, official_code, None, after)
        return {"id": pairing_id}

    return await write(db, actor, mutation, work)


FIND_PAIRING = (
    "MATCH (o:Official)-[r:PAIRED_WITH {id: $id}]->(h:Household) WHERE {scope} "
    "SET h._lock = true REMOVE h._lock "
    "RETURN o.code AS official, h.code AS household, r.since AS since, r.until AS until"
)

END_PAIRING = "MATCH ()-[r:PAIRED_WITH {id: $id}]->() SET r.until = $until"


async def end_pairing(
    db: Database, actor: Actor, mutation: Mutation, pairing_id: str, until: dt.date
) -> dict[str, Any]:
    """End an active pairing on `until`: {id}. NOT_FOUND outside scope, CONFLICT when
    already ended, BAD_USER_INPUT before it began."""

    async def work(w: Write) -> dict[str, Any]:
        where, params = w.scope.household_filter("h")
        record = await w.tx.single(
            FIND_PAIRING.replace("{scope}", where), {"id": pairing_id, **params}
        )
        if record is None:
            raise NotFound("no such pairing", field="input.pairingId")
        if record["until"] is not None:
            raise Conflict("the pairing has already ended", field="input.pairingId")
        if record["since"] is not None and until < record["since"].to_native():
            raise BadUserInput("the end date is before the pairing began", field="input.until")
        await w.tx.run(END_PAIRING, {"id": pairing_id, "until": until})
        w.touch(households=[record["household"]], officials=[record["official"]], bump=False)
        _recorded(
            w, record["household"], record["official"],
            {"pairing": pairing_id, "until": None},
            {"pairing": pairing_id, "until": until.isoformat()},
        )  # fmt: skip
        return {"id": pairing_id}

    return await write(db, actor, mutation, work)
