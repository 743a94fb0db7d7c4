"""The exchange's reads (graph/exchange.py has the format): the export's statements,
which the import also reads its batches' households back with, and stored records as
file lines.

Export: a region's officials, then its households in code order, 500 a statement by
keyset (`h.code STARTS WITH $prefix AND h.code > $after`: a range seek on the
household_code constraint's index), so memory does not grow with the region; with
`since`, the households with a change record at or after it (a range seek on
change_record_at) fetched 500 a statement by their codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.db import Database
from graph.exchange import (
    ASSESSMENT,
    HOUSEHOLD,
    INCOME,
    MEASURE,
    MEMBERSHIP,
    MONITORING,
    OFFICIAL,
    PERSON,
    STATUS_CHANGE,
    Fields,
    canonical,
    official_line,
    region_line,
)
from graph.model import Label, Rel

BATCH = 500

# --- the export's statements --------------------------------------------------------------


def _select(var: str, fields: Fields, skip: Iterable[str] = ()) -> str:
    """`.a, .b, ...`: a map projection's property selectors for the fields."""
    return ", ".join(f".`{name}`" for name, _ in fields if name not in set(skip))


_HOUSEHOLD_MAP = f"""h {{{_select("h", HOUSEHOLD)}, statusBeforeDeregistration: null}} AS household,
COLLECT {{ MATCH (p:{Label.PERSON})-[m:{Rel.MEMBER_OF}]->(h)
  RETURN p {{{_select("p", PERSON)}, ref: p.ref,
            {", ".join(f"`{n}`: m.`{n}`" for n, _ in MEMBERSHIP)}}} }} AS members,
COLLECT {{ MATCH (o:{Label.OFFICIAL})-[r:{Rel.PAIRED_WITH}]->(h)
  RETURN {{id: r.id, officialCode: o.code, role: r.role, since: r.since, until: r.until}} }}
  AS pairings,
COLLECT {{ MATCH (i:{Label.INCOME_RECORD})-[:{Rel.INCOME_OF}]->(h)
  RETURN i {{{_select("i", INCOME)}, id: i.id}} }} AS incomes,
COLLECT {{ MATCH (x:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h)
  RETURN x {{{_select("x", MEASURE, ("officialCode", "memberIdNumber"))},
    officialCode: COLLECT {{ MATCH (o:{Label.OFFICIAL})-[:{Rel.DELIVERED}]->(x)
                             RETURN o.code ORDER BY o.code LIMIT 1 }}[0],
    memberIdNumber: COLLECT {{ MATCH (x)-[:{Rel.RECEIVED_BY}]->(p:{Label.PERSON})
                               RETURN p.idNumber ORDER BY p.idNumber LIMIT 1 }}[0]}} }}
  AS measures,
COLLECT {{ MATCH (a:{Label.ASSESSMENT})-[:{Rel.ASSESSES}]->(h)
  RETURN a {{{_select("a", ASSESSMENT)}}} }} AS assessments,
COLLECT {{ MATCH (r:{Label.MONITORING_RECORD})-[:{Rel.MONITORS}]->(h)
  RETURN r {{{_select("r", MONITORING)}}} }} AS monitoring,
COLLECT {{ MATCH (s:{Label.STATUS_CHANGE})-[:{Rel.STATUS_OF}]->(h)
  RETURN s {{{_select("s", STATUS_CHANGE, ("assessmentId",))},
    assessmentId: COLLECT {{ MATCH (s)-[:{Rel.DECIDED_BY}]->(a:{Label.ASSESSMENT})
                             RETURN a.id LIMIT 1 }}[0]}} }} AS statusHistory"""

HOUSEHOLDS_AFTER = (
    f"MATCH (h:{Label.HOUSEHOLD}) WHERE h.code STARTS WITH $prefix AND h.code > $after "
    f"WITH h ORDER BY h.code LIMIT $limit RETURN {_HOUSEHOLD_MAP}"
)
"""A keyset page of a prefix's households, in code order: a range seek on household_code."""

HOUSEHOLDS_BY_CODE = (
    f"UNWIND $codes AS code MATCH (h:{Label.HOUSEHOLD} {{code: code}}) "
    f"WITH h ORDER BY h.code RETURN {_HOUSEHOLD_MAP}"
)
"""The households of $codes, in code order: a seek per code."""

_IN_REGION = "any(prefix IN $prefixes WHERE {h}.code STARTS WITH prefix)"
OFFICIALS_AFTER = f"""
MATCH (o:{Label.OFFICIAL}) WHERE o.code > $after
  AND (any(prefix IN $prefixes WHERE o.regionCode STARTS WITH prefix)
       OR EXISTS {{ MATCH (o)-[:{Rel.PAIRED_WITH}]->(h:{Label.HOUSEHOLD})
                    WHERE {_IN_REGION.format(h="h")} }}
       OR EXISTS {{ MATCH (o)-[:{Rel.DELIVERED}]->(:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->
                          (h:{Label.HOUSEHOLD}) WHERE {_IN_REGION.format(h="h")} }}
       OR EXISTS {{ MATCH (o)-[:{Rel.VERIFIED}]->(:{Label.ASSESSMENT})-[:{Rel.ASSESSES}]->
                          (h:{Label.HOUSEHOLD}) WHERE {_IN_REGION.format(h="h")} }})
  AND ($since IS NULL OR EXISTS {{ MATCH (o)<-[:CHANGED]-(c:ChangeRecord)
                                   WHERE c.at >= $since }})
WITH o ORDER BY o.code LIMIT $limit
RETURN o {{{_select("o", OFFICIAL)}}} AS official
"""
"""A keyset page of the officials who work in the region (paired with, delivering to
or assessing its households, or of its county): in code order on official_code."""

CHANGED_SINCE = f"""
MATCH (c:ChangeRecord)-[:CHANGED]->(e) WHERE c.at >= $since AND (e:Household OR e:Person)
CALL (e) {{
  WITH e WHERE e:{Label.HOUSEHOLD} RETURN e.code AS code
  UNION
  WITH e MATCH (e)-[:{Rel.MEMBER_OF}]->(h:{Label.HOUSEHOLD}) RETURN h.code AS code
}}
WITH DISTINCT code WHERE any(prefix IN $prefixes WHERE code STARTS WITH prefix)
RETURN code ORDER BY code
"""
"""The codes of the region's households with a change record at or after $since on
them or on their members (pairings, incomes and measures are recorded on the
household): a range seek on change_record_at."""

_REGION_MAP = (
    f"x {{.code, .name, .level, parentCode: COLLECT {{ MATCH (x)-[:{Rel.PART_OF}]->"
    f"(p:{Label.REGION}) RETURN p.code LIMIT 1 }}[0]}} AS region"
)

REGIONS = f"""
MATCH (r:{Label.REGION} {{code: $code}})
CALL (r) {{
  MATCH (r)-[:{Rel.PART_OF}*0..]->(x:{Label.REGION}) RETURN x
  UNION
  MATCH (x:{Label.REGION})-[:{Rel.PART_OF}*1..]->(r) RETURN x
}}
WITH x ORDER BY x.code
RETURN {_REGION_MAP}
"""
"""The region, the regions above it and every one below it, in code order (parents
first: a child's code extends its parent's, or, for a county-level unit under the
province, is greater)."""

REGIONS_BY_CODE = (
    f"UNWIND $codes AS code MATCH (x:{Label.REGION} {{code: code}}) RETURN {_REGION_MAP}"
)

OFFICIALS_BY_CODE = (
    f"UNWIND $codes AS code MATCH (o:{Label.OFFICIAL} {{code: code}}) "
    f"RETURN o {{{_select('o', OFFICIAL)}}} AS official"
)

# --- stored records as file lines ------------------------------------------------------------


@dataclass
class Stored:
    """A stored household as the file would hold it, and what the file does not say:
    its people's refs and its income records' ids."""

    line: dict[str, Any]
    refs: dict[str, str]
    income_ids: dict[int, str]
    status_before: str | None


def stored(record: Mapping[str, Any]) -> Stored:
    """A row of the export's statement as a canonical line (faults by ID number)."""
    refs = {str(m["idNumber"]): str(m["ref"]) for m in record["members"] if m.get("ref")}
    by_ref = {ref: number for number, ref in refs.items()}
    assessments = []
    for a in record["assessments"]:
        a = dict(a)
        a["faults"] = [fault_key(f, by_ref) for f in a.get("faults") or []]
        assessments.append(a)
    parts = {
        "members": record["members"],
        "pairings": record["pairings"],
        "incomes": record["incomes"],
        "measures": record["measures"],
        "assessments": assessments,
        "statusHistory": record["statusHistory"],
        "monitoring": record["monitoring"],
    }
    household = dict(record["household"])
    return Stored(
        canonical(household, parts),
        refs,
        {int(i["year"]): str(i["id"]) for i in record["incomes"]},
        None,
    )


def fault_key(fault: str, names: Mapping[str, str]) -> str:
    """'KIND:<key>' with its key translated through `names` (kept when not found)."""
    kind, sep, key = fault.partition(":")
    return f"{kind}{sep}{names.get(key, key)}" if sep else fault


async def read_households(
    run: Callable[[str, Mapping[str, Any]], Awaitable[list[Any]]], codes: Sequence[str]
) -> dict[str, Stored]:
    records = await run(HOUSEHOLDS_BY_CODE, {"codes": list(codes)})
    return {str(r["household"]["code"]): stored(r) for r in records}


async def export_lines(
    db: Database, region: str, prefixes: Sequence[str], since: dt.datetime | None = None
) -> AsyncIterator[dict[str, Any]]:
    """The region's lines: its regions (not with `since`), officials, then households,
    each in code order, a statement a batch of BATCH (see the module docstring)."""
    if since is None:
        for r in await db.read(REGIONS, {"code": region}):
            yield region_line(r["region"])
    after = ""
    while True:
        records = await db.read(
            OFFICIALS_AFTER,
            {"after": after, "prefixes": list(prefixes), "since": since, "limit": BATCH},
        )
        for r in records:
            yield official_line(r["official"])
        if len(records) < BATCH:
            break
        after = str(records[-1]["official"]["code"])
    if since is not None:
        codes = [
            str(r["code"])
            for r in await db.read(CHANGED_SINCE, {"since": since, "prefixes": list(prefixes)})
        ]
        for start in range(0, len(codes), BATCH):
            for r in await db.read(HOUSEHOLDS_BY_CODE, {"codes": codes[start : start + BATCH]}):
                yield stored(r).line
        return
    for prefix in _disjoint(prefixes):
        after = ""
        while True:
            records = await db.read(
                HOUSEHOLDS_AFTER, {"prefix": prefix, "after": after, "limit": BATCH}
            )
            for r in records:
                yield stored(r).line
            if len(records) < BATCH:
                break
            after = str(records[-1]["household"]["code"])


def _disjoint(prefixes: Sequence[str]) -> list[str]:
    """The prefixes in order, without those another one contains: each household once,
    and the whole region in code order."""
    out: list[str] = []
    for p in sorted(set(prefixes)):
        if not out or not p.startswith(out[-1]):
            out.append(p)
    return out
