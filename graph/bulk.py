"""Bulk writes: the demo story and the generator write many rows a statement.

Two shapes. The upserts MERGE on each node's key from a list of maps (the demo story,
and the importer to come), so writing the same rows again changes nothing. The
generator's statements CREATE from lines of text: the Python driver packs parameters in
pure Python, about 5 microseconds a value, which would make 650,000 people with 20
fields each cost a minute of packing alone. So each row travels as one `|`-separated
line (`to_line`), a batch as one string, and Neo4j splits and converts the fields
(`split`, `date`, `toInteger`) by the column tables below. The values come from fixed
lists and numbers, so no field can contain `|` or a newline.

Each upsert runs in the caller's transaction, one statement for its rows (regions
5,000 a statement, then their prefixes), and finds nodes by the unique constraints'
index seeks; the derived properties are left to `refresh_households` and
`refresh_officials`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

from graph.db import Tx
from graph.household import REGISTRATION_FROM_YEAR, UNMARKED_DEREGISTERED, mark_deregistered
from graph.model import PREFIX_LEVELS, Label, RegionLevel, Rel
from graph.region import RegionRow

# --- upserts from maps ----------------------------------------------------------------

_UPSERT_REGIONS = """
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
        await tx.run(_UPSERT_REGIONS, {"rows": payload[start : start + 5000]})
    await tx.run(PREFIXES_ABOVE_COUNTY)


_UPSERT_HOUSEHOLDS = f"""
UNWIND $rows AS row
MATCH (v:Region {{code: row.villageCode}})
MERGE (h:Household {{code: row.code}})
ON CREATE SET h.version = 1, h.createdAt = datetime()
SET h += row.properties, h.villageCode = row.villageCode, h.updatedAt = datetime()
SET h.registrationDate = coalesce(h.registrationDate, {REGISTRATION_FROM_YEAR})
MERGE (h)-[:IN_VILLAGE]->(v)
WITH h WHERE {UNMARKED_DEREGISTERED}
{mark_deregistered("h")}
"""


async def upsert_households(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE households on their code ({code, villageCode, properties}); one without a
    registrationDate gets REGISTRATION_FROM_YEAR, one with a deregisteredOn date is
    marked DEREGISTERED; the derived properties are left to `refresh_households`."""
    await tx.run(_UPSERT_HOUSEHOLDS, {"rows": [dict(r) for r in rows]})


_UPSERT_MEMBERSHIPS = """
UNWIND $rows AS row
MATCH (h:Household {code: row.householdCode})
MERGE (p:Person {idNumber: row.person.idNumber})
ON CREATE SET p.ref = coalesce(row.ref, randomUUID())
SET p += row.person
MERGE (p)-[m:MEMBER_OF]->(h)
SET m.relation = row.relation, m.since = row.since, m.until = row.until,
    m.endReason = row.endReason
"""


async def upsert_memberships(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE people on their ID number and one membership per (person, household):
    rows of {householdCode, person, relation, since, until, endReason} and optionally
    `ref`, the ref a new person gets (default a random UUID; an existing person keeps
    theirs)."""
    await tx.run(_UPSERT_MEMBERSHIPS, {"rows": [dict(r) for r in rows]})


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


# --- the generator's rows as delimited lines ------------------------------------------


class Kind(Enum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    LIST = "list"


def _expr(kind: Kind, ref: str) -> str:
    """Cypher that turns field `ref` back into a value (an empty field is null)."""
    return {
        Kind.TEXT: f"nullIf({ref}, '')",
        Kind.INT: f"toInteger({ref})",
        Kind.FLOAT: f"toFloat({ref})",
        Kind.BOOL: f"{ref} = '1'",
        Kind.DATE: f"date(nullIf({ref}, ''))",
        Kind.DATETIME: f"datetime(nullIf({ref}, ''))",
        Kind.LIST: f"CASE {ref} WHEN '' THEN [] ELSE split({ref}, ',') END",
    }[kind]


Columns = tuple[tuple[str, Kind], ...]


def _props(columns: Columns, start: int) -> str:
    """A Cypher map of `columns`, read from the line's fields from `start` on."""
    fields = (f"{name}: {_expr(kind, f'f[{start + i}]')}" for i, (name, kind) in enumerate(columns))
    return "{" + ", ".join(fields) + "}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, list | tuple):
        return ",".join(value)
    return str(value)


def to_line(values: Sequence[object]) -> str:
    """One row as a line: None is empty, booleans 1 and 0, lists joined by commas."""
    return "|".join([v if v.__class__ is str else _text(v) for v in values])


# Short names keep the column tables below readable.
T, N, F, B, D, DT, L = (
    Kind.TEXT, Kind.INT, Kind.FLOAT, Kind.BOOL, Kind.DATE, Kind.DATETIME, Kind.LIST
)  # fmt: skip

OFFICIAL_COLUMNS: Columns = (
    ("code", T), ("name", T), ("unit", T), ("position", T), ("phone", T), ("idNumber", T),
    ("maxLoad", N), ("load", N), ("regionCode", T), ("createdAt", DT), ("updatedAt", DT),
)  # fmt: skip
HOUSEHOLD_COLUMNS: Columns = (
    ("code", T), ("villageCode", T), ("address", T), ("headPhone", T), ("bankAccount", T),
    ("registrationYear", N), ("registrationDate", D), ("standard", T), ("attribute", T),
    ("status", T),
    ("monitored", B), ("mainCause", T), ("secondaryCauses", L), ("housingGrade", T),
    ("housingArea", F), ("safeWater", B), ("electricity", B), ("roadAccess", B),
    ("sanitaryToilet", B), ("cooperativeMember", B), ("plannedExitYear", N), ("version", N),
    ("createdAt", DT), ("updatedAt", DT), ("debt", N),
    ("memberCount", N), ("responsibleOfficial", T), ("lastVisitDate", D),
)  # fmt: skip
PERSON_COLUMNS: Columns = (
    ("idNumber", T), ("name", T), ("sex", T), ("birthDate", D), ("ethnicity", T),
    ("education", T), ("schooling", T), ("health", T), ("labourAbility", T),
    ("workPlace", T), ("workMonths", N), ("medicalInsurance", B),
    ("criticalIllnessInsurance", B), ("pension", B), ("diedOn", D), ("phone", T), ("ref", T),
)  # fmt: skip
MEMBERSHIP_COLUMNS: Columns = (("relation", T), ("since", D), ("until", D), ("endReason", T))
PAIRING_COLUMNS: Columns = (("id", T), ("role", T), ("since", D), ("until", D))
VISIT_COLUMNS: Columns = (
    ("id", T), ("date", D), ("purpose", T), ("notes", T), ("latitude", F), ("longitude", F),
    ("createdAt", DT),
)  # fmt: skip

_ROWS = "UNWIND split($rows, '\\n') AS line WITH split(line, '|') AS f"
GEN = Label.GENERATED

# One statement per kind of row; each batch is one transaction. Keys come first in a
# line (household code for a member; official and household codes for a pairing or a
# visit), found by the unique constraints' index seeks.
WRITE_OFFICIALS = f"{_ROWS} CREATE (:{Label.OFFICIAL}:{GEN} {_props(OFFICIAL_COLUMNS, 0)})"
WRITE_HOUSEHOLDS = (
    f"{_ROWS} MATCH (v:{Label.REGION} {{code: f[1]}}) "
    f"CREATE (h:{Label.HOUSEHOLD}:{GEN} {_props(HOUSEHOLD_COLUMNS, 0)}) "
    f"CREATE (h)-[:{Rel.IN_VILLAGE}]->(v)"
)
WRITE_MEMBERS = (
    f"{_ROWS} MATCH (h:{Label.HOUSEHOLD} {{code: f[0]}}) "
    f"CREATE (:{Label.PERSON}:{GEN} {_props(PERSON_COLUMNS, 1)})"
    f"-[:{Rel.MEMBER_OF} {_props(MEMBERSHIP_COLUMNS, 1 + len(PERSON_COLUMNS))}]->(h)"
)
WRITE_PAIRINGS = (
    f"{_ROWS} MATCH (o:{Label.OFFICIAL} {{code: f[0]}}) MATCH (h:{Label.HOUSEHOLD} {{code: f[1]}}) "
    f"CREATE (o)-[:{Rel.PAIRED_WITH} {_props(PAIRING_COLUMNS, 2)}]->(h)"
)
WRITE_VISITS = (
    f"{_ROWS} MATCH (o:{Label.OFFICIAL} {{code: f[0]}}) MATCH (h:{Label.HOUSEHOLD} {{code: f[1]}}) "
    f"CREATE (o)-[:{Rel.MADE_VISIT}]->(:{Label.VISIT}:{GEN} {_props(VISIT_COLUMNS, 2)})"
    f"-[:{Rel.VISIT_TO}]->(h)"
)

# In this order: households find their village, members their household, pairings
# and visits their official and household.
WRITES = {
    "officials": WRITE_OFFICIALS,
    "households": WRITE_HOUSEHOLDS,
    "members": WRITE_MEMBERS,
    "pairings": WRITE_PAIRINGS,
    "visits": WRITE_VISITS,
}
# Rows a statement carries (lines of text: a few hundred bytes each).
BATCH = {
    "officials": 5_000,
    "households": 5_000,
    "members": 10_000,
    "pairings": 10_000,
    "visits": 10_000,
}


# --- the generated part ------------------------------------------------------------------

# Every generated node carries the Generated label: a run drops that part and writes it
# again, skipping the keys held outside it and linking their households back.
DROP_GENERATED = f"MATCH (n:{GEN}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
COUNT_GENERATED = f"MATCH (n:{GEN}) RETURN count(n) AS n"
MARK_REGIONS = f"UNWIND $codes AS code MATCH (r:{Label.REGION} {{code: code}}) SET r:{GEN}"
TAKEN_REGIONS = (
    f"MATCH (r:{Label.REGION}) WHERE r.level IN ['TOWN', 'VILLAGE'] AND NOT r:{GEN} "
    "RETURN r.code AS code"
)
RESERVED_KEYS = (
    f"MATCH (p:{Label.PERSON}) WHERE NOT p:{GEN} RETURN 'id_numbers' AS kind, p.idNumber AS key "
    f"UNION ALL MATCH (o:{Label.OFFICIAL}) WHERE NOT o:{GEN} "
    "RETURN 'id_numbers' AS kind, o.idNumber AS key "
    f"UNION ALL MATCH (o:{Label.OFFICIAL}) WHERE NOT o:{GEN} "
    "RETURN 'officials' AS kind, o.code AS key "
    f"UNION ALL MATCH (h:{Label.HOUSEHOLD}) WHERE NOT h:{GEN} "
    "RETURN 'households' AS kind, h.code AS key"
)
# Households entered outside the generator in a generated village lose their link when
# the village is dropped; this links them to the village written again.
RELINK_HOUSEHOLDS = (
    f"MATCH (h:{Label.HOUSEHOLD}) WHERE NOT h:{GEN} AND NOT (h)-[:{Rel.IN_VILLAGE}]->() "
    f"MATCH (v:{Label.REGION} {{code: h.villageCode}}) MERGE (h)-[:{Rel.IN_VILLAGE}]->(v)"
)
