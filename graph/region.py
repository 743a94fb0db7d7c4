"""Regions: the administrative tree from province to village (DOMAIN.md section 2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.db import Database
from graph.errors import NotFound
from graph.model import RegionLevel
from graph.readmap import Access, Custom, Field, Limit, Rel, Value, declare
from graph.validation import check_range, check_region_code
from graph.write import Actor, Entity, Mutation, Write, write

POPULATION_MAX = 100_000_000


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: RegionLevel
    parent: str | None


def _households(c: Compiler, r: str, returned: str) -> str:
    """The subquery from region r to its households on file within scope (a seek per
    prefix), returning `returned` (on `{h}`). Counting goes through COUNT and
    reduce: an aggregation inside an expression subquery is refused by Neo4j."""
    h, prefix = c.b.var("h"), c.b.var("prefix")
    visible = c.view.scope.read_filter(Access.HOUSEHOLD, h, c.b)
    return (
        f"UNWIND {r}.prefixes AS {prefix} MATCH ({h}:Household) "
        f"WHERE {h}.code STARTS WITH {prefix} AND {h}.deregisteredOn IS NULL AND {visible} "
        f"RETURN {returned.format(h=h)}"
    )


def _household_count(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return f"COUNT {{ {_households(c, row['r'], '{h}')} }}"


def _person_count(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    members = _households(c, row["r"], "coalesce({h}.memberCount, 0)")
    return f"reduce(s = 0, n IN COLLECT {{ {members} }} | s + n)"


declare(
    "Region",
    ("r",),
    {
        "code": Value("{r}.code"),
        "name": Value("{r}.name"),
        "level": Value("{r}.level"),
        "ruralPopulation": Value("{r}.ruralPopulation"),
        "parent": Rel(
            "Region", "MATCH ({r})-[:PART_OF]->({up}:Region)", single=True, binds={"r": "up"}
        ),
        "children": Rel(
            "Region",
            "MATCH ({down}:Region)-[:PART_OF]->({r})",
            order="{down}.code",
            limit=Limit("first", 20, 100),
            binds={"r": "down"},
        ),
        "path": Rel(
            "Region",
            "MATCH {path} = ({r})-[:PART_OF*0..]->({top}:Region) WHERE NOT ({top})-[:PART_OF]->() "
            "UNWIND range(length({path}), 0, -1) AS {i} WITH nodes({path})[{i}] AS {n}, {i}",
            order="{i} DESC",
            binds={"r": "n"},
        ),
        "householdCount": Custom(_household_count),
        "personCount": Custom(_person_count),
    },
)


def _code(request: Request) -> str:
    return check_region_code(str(request.args["code"]), "code")


@root("region")
def plan_region(field: Field, view: View, shape: Any) -> Plan:
    """region(code): a seek on region_code; counts within the caller's scope."""
    b = Binder()
    post = Post(field=field)
    code = b.slot("code", _code)
    node = Compiler(view, b).project("Region", {"r": "r"}, field.fields, post)
    return plan(f"MATCH (r:Region {{code: {code}}}) RETURN {node} AS data", b, post)


LOCK_REGION = (
    "MATCH (r:Region {code: $code}) SET r._lock = true REMOVE r._lock RETURN r.code AS code"
)


async def set_rural_population(
    db: Database, actor: Actor, mutation: Mutation, code: str, population: int
) -> dict[str, Any]:
    """Set the region's rural population (0 to POPULATION_MAX people): {code}.
    BAD_USER_INPUT out of range (input.ruralPopulation); NOT_FOUND for an unknown region
    (input.regionCode). Recorded on the region."""
    check_range(population, "input.ruralPopulation", 0, POPULATION_MAX)

    async def work(w: Write) -> dict[str, Any]:
        if await w.tx.single(LOCK_REGION, {"code": code}) is None:
            raise NotFound("no such region", field="input.regionCode")
        await w.update(Entity.REGION, code, {"ruralPopulation": population})
        return {"code": code}

    return await write(db, actor, mutation, work)


# --- the generator's populations ------------------------------------------------------

POPULATE_VILLAGES = """
UNWIND $rows AS row
MATCH (v:Region {code: row.code, level: 'VILLAGE'})
CALL (v) {
  MATCH (h:Household) WHERE h.code STARTS WITH v.code AND h.deregisteredOn IS NULL
  RETURN sum(CASE WHEN h.status IN $poor THEN coalesce(h.memberCount, 0) ELSE 0 END) AS poor,
         sum(coalesce(h.memberCount, 0)) AS people
}
SET v.ruralPopulation = toInteger(ceil(toFloat(CASE WHEN poor > 0 THEN poor ELSE people END)
                                       / row.incidence))
"""
"""Each village's rural population from the incidence drawn for it ({code, incidence}
rows): its people in poverty (REGISTERED, RETURNED: memberCount) over that incidence,
or all its people's when none is in poverty now (a seek per household prefix)."""

SUM_POPULATIONS = """
MATCH (r:Region) WHERE r.level <> 'VILLAGE' AND EXISTS {
  UNWIND coalesce(r.prefixes, []) AS p
  MATCH (v:Region:Generated) WHERE v.code STARTS WITH p AND v.level = 'VILLAGE' }
CALL (r) {
  UNWIND coalesce(r.prefixes, []) AS p
  MATCH (v:Region) WHERE v.code STARTS WITH p AND v.level = 'VILLAGE'
  RETURN sum(v.ruralPopulation) AS n, count(v.ruralPopulation) AS known
}
SET r.ruralPopulation = CASE WHEN known > 0 THEN n END
"""
"""Every level above the generator's villages: the sum of its villages' populations
(null when none is known). A region with none of them under it (the demo story's, or
one set by setRuralPopulation) keeps what it had."""
