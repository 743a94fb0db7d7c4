"""Regions: the administrative tree from province to village (DOMAIN.md section 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Database, Tx
from graph.model import PREFIX_LEVELS, RegionLevel
from graph.scope import Scope


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: RegionLevel
    parent: str | None


UPSERT = """
UNWIND $rows AS row
MERGE (r:Region {code: row.code})
SET r.name = row.name, r.level = row.level, r.prefixes = row.prefixes
WITH r, row WHERE row.parent IS NOT NULL
MATCH (p:Region {code: row.parent})
MERGE (r)-[:PART_OF]->(p)
"""

# Cities and the province: the union of their county-level units' codes, plus their
# own code when towns hang directly under them (Danzhou).
PREFIXES_ABOVE_COUNTY = """
MATCH (r:Region) WHERE r.level IN ['PROVINCE', 'CITY']
CALL (r) {
  OPTIONAL MATCH (c:Region)-[:PART_OF*1..2]->(r) WHERE c.level IN ['DISTRICT', 'COUNTY']
  RETURN collect(DISTINCT c.code) AS counties
}
CALL (r) {
  OPTIONAL MATCH (c:Region)-[:PART_OF*1..2]->(r)
  WHERE c.level = 'CITY' AND EXISTS { (:Region {level: 'TOWN'})-[:PART_OF]->(c) }
  RETURN collect(DISTINCT c.code) AS cities
}
WITH r, counties, cities,
     CASE WHEN EXISTS { (:Region {level: 'TOWN'})-[:PART_OF]->(r) } THEN [r.code] ELSE [] END
       AS own
SET r.prefixes = own + cities + counties
"""


async def upsert_regions(tx: Tx, rows: Sequence[RegionRow]) -> None:
    """Write regions parents first (MERGE on the code), then recompute prefixes."""
    depth = {level: i for i, level in enumerate(RegionLevel)}
    ordered = sorted(rows, key=lambda row: depth[row.level])
    payload = [
        {
            "code": row.code,
            "name": row.name,
            "level": row.level.value,
            "parent": row.parent,
            "prefixes": [row.code] if row.level in PREFIX_LEVELS else [],
        }
        for row in ordered
    ]
    for start in range(0, len(payload), 5000):
        await tx.run(UPSERT, {"rows": payload[start : start + 5000]})
    await tx.run(PREFIXES_ABOVE_COUNTY)


def _counts_block(where: str) -> str:
    # Households on file in region r: an index seek per household-code prefix.
    return f"""
    CALL (r) {{
      UNWIND r.prefixes AS p
      MATCH (h:Household) WHERE h.code STARTS WITH p AND h.deregisteredOn IS NULL AND {where}
      RETURN count(h) AS households, coalesce(sum(h.memberCount), 0) AS people
    }}"""


async def region_counts(
    db: Database, codes: Sequence[str], scope: Scope
) -> dict[str, tuple[int, int]]:
    """(households, people) on file per region code, within `scope`; one statement."""
    where, params = scope.household_filter("h")
    records = await db.read(
        f"UNWIND $codes AS code MATCH (r:Region {{code: code}}) {_counts_block(where)} "
        "RETURN r.code AS code, households, people",
        {"codes": list(codes), **params},
    )
    return {r["code"]: (r["households"], r["people"]) for r in records}


def _region_fields(var: str) -> str:
    return f"{var} {{.code, .name, .level}}"


async def get_regions(
    db: Database, codes: Sequence[str], scope: Scope, *, counts: bool, children_first: int = 100
) -> dict[str, dict[str, Any]]:
    """Each region among `codes` with parent, children (first `children_first`, by
    code), path from the province, and, when asked, household and people counts
    within `scope`; by code.

    One statement: a seek on region_code per code, the PART_OF paths, and for counts
    an index seek per household-code prefix.
    """
    where, params = scope.household_filter("h")
    count_block = _counts_block(where) if counts else "WITH r, null AS households, null AS people"
    cypher = f"""
    UNWIND $codes AS code
    MATCH (r:Region {{code: code}})
    {count_block}
    CALL (r) {{
      OPTIONAL MATCH (r)-[:PART_OF]->(parent:Region)
      RETURN parent
    }}
    CALL (r) {{
      OPTIONAL MATCH (child:Region)-[:PART_OF]->(r)
      WITH child ORDER BY child.code
      RETURN collect({_region_fields("child")})[..$childrenFirst] AS children,
             count(child) AS childCount
    }}
    CALL (r) {{
      MATCH path = (r)-[:PART_OF*0..]->(top:Region) WHERE NOT (top)-[:PART_OF]->()
      RETURN [n IN reverse(nodes(path)) | {_region_fields("n")}] AS path
    }}
    RETURN {_region_fields("r")} AS region,
           CASE WHEN parent IS NULL THEN null ELSE {_region_fields("parent")} END AS parent,
           children, childCount, path, households, people
    """
    records = await db.read(
        cypher, {"codes": list(codes), "childrenFirst": children_first, **params}
    )
    return {r["region"]["code"]: dict(r) for r in records}


async def get_region(
    db: Database, code: str, scope: Scope, *, counts: bool
) -> dict[str, Any] | None:
    """One region as `get_regions` gives it, or None."""
    return (await get_regions(db, [code], scope, counts=counts)).get(code)
