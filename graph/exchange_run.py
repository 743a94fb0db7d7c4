"""The exchange's work against the graph: the export's reads and the import's batches
(the format and its checks are graph/exchange.py's, pure).

Export: a region's officials, then its households in code order, 500 a statement by
keyset (`h.code STARTS WITH $prefix AND h.code > $after`: a range seek on the
household_code constraint's index), so memory does not grow with the region; with
`since`, the households with a change record at or after it (a range seek on
change_record_at) fetched 500 a statement by their codes.

Import: good lines go in batches, each one write transaction in graph/write.py's frame
(operation `import`, subject `import:<file name>`): the batch's households are read
back with the export's own statement and compared with the file's lines
(graph/exchange.py `canonical`); only what differs is written, through the bulk
upserts (graph/bulk.py, graph/assessment.py, graph/status.py), so an unchanged line
writes nothing: no version bump, no updatedAt, no change record. Settle refreshes the
derived data, bumps the versions of the households changed and writes their change
records. A batch Neo4j refuses is retried line by line, so only its culprit is refused.
A dry run makes the same reads in a read transaction and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.assessment import upsert_assessments
from graph.bulk import (
    upsert_households,
    upsert_incomes,
    upsert_measures,
    upsert_memberships,
    upsert_officials,
    upsert_pairings,
    upsert_regions,
)
from graph.db import Database, Tx
from graph.errors import DatabaseUnavailable, FupinError
from graph.exchange import (
    ASSESSMENT,
    HOUSEHOLD,
    INCOME,
    MEASURE,
    MEMBERSHIP,
    MONITORING,
    OFFICIAL,
    PART,
    PERSON,
    STATUS_CHANGE,
    Fields,
    Line,
    Problem,
    canonical,
    diff_rows,
    field_changes,
    native,
    official_line,
    region_line,
)
from graph.household import HouseholdStatus
from graph.model import Label, RegionLevel, Rel
from graph.monitoring import upsert_monitoring
from graph.region import RegionRow
from graph.scope import Scope
from graph.status import StatusReason, upsert_status_changes
from graph.write import Actor, Entity, Mutation, Write, diff, write

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

KNOWN = f"""
RETURN [c IN $villages WHERE EXISTS {{ MATCH (:{Label.REGION} {{code: c, level: 'VILLAGE'}}) }}]
         AS villages,
       [c IN $officials WHERE EXISTS {{ MATCH (:{Label.OFFICIAL} {{code: c}}) }}] AS officials,
       COLLECT {{ UNWIND $ids AS id MATCH (p:{Label.PERSON} {{idNumber: id}})
                  RETURN [id, p.ref] }} AS refs,
       COLLECT {{ UNWIND $measures AS id
                  MATCH (:{Label.MEASURE} {{id: id}})-[:{Rel.MEASURE_FOR}]->(h)
                  RETURN ['measures', id, h.code] }}
       + COLLECT {{ UNWIND $assessments AS id
                    MATCH (:{Label.ASSESSMENT} {{id: id}})-[:{Rel.ASSESSES}]->(h)
                    RETURN ['assessments', id, h.code] }}
       + COLLECT {{ UNWIND $statusHistory AS id
                    MATCH (:{Label.STATUS_CHANGE} {{id: id}})-[:{Rel.STATUS_OF}]->(h)
                    RETURN ['statusHistory', id, h.code] }}
       + COLLECT {{ UNWIND $monitoring AS id
                    MATCH (:{Label.MONITORING_RECORD} {{id: id}})-[:{Rel.MONITORS}]->(h)
                    RETURN ['monitoring', id, h.code] }}
       + COLLECT {{ UNWIND $pairings AS id
                    MATCH ()-[:{Rel.PAIRED_WITH} {{id: id}}]->(h)
                    RETURN ['pairings', id, h.code] }} AS owners
"""
"""Which of a batch's villages and officials exist, the refs of its people, and the
households its records' ids already belong to: seeks on the keys' indexes."""

# The parts whose rows are records of their own, keyed by an id unique across households.
_OWNED = ("pairings", "measures", "assessments", "statusHistory", "monitoring")


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
        a["faults"] = [_fault(f, by_ref) for f in a.get("faults") or []]
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


def _fault(fault: str, names: Mapping[str, str]) -> str:
    """'KIND:<key>' with its key translated through `names` (kept when not found)."""
    kind, sep, key = fault.partition(":")
    return f"{kind}{sep}{names.get(key, key)}" if sep else fault


async def _households(
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


# --- import ----------------------------------------------------------------------------------


@dataclass
class Summary:
    lines: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: int = 0
    households: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    def per_second(self) -> float:
        return self.households / self.seconds if self.seconds else 0.0

    def report(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "householdsPerSecond": round(self.per_second(), 1),
        }


@dataclass
class _Plan:
    """What one batch writes: the upserts' rows, the history, the counts."""

    regions: list[RegionRow] = field(default_factory=list)
    officials: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    pairings: list[dict[str, Any]] = field(default_factory=list)
    incomes: list[dict[str, Any]] = field(default_factory=list)
    measures: list[dict[str, Any]] = field(default_factory=list)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    status: list[dict[str, Any]] = field(default_factory=list)
    monitoring: list[dict[str, Any]] = field(default_factory=list)
    touched: dict[str, bool] = field(default_factory=dict)  # code -> bump its version
    touched_officials: set[str] = field(default_factory=set)
    history: list[tuple[Entity, str, list[dict[str, Any]]]] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: list[Problem] = field(default_factory=list)

    @property
    def writes(self) -> bool:
        return bool(self.regions or self.officials or self.touched or self.history)


Run = Callable[[str, Mapping[str, Any]], Awaitable[list[Any]]]


async def _plan(run: Run, lines: Sequence[Line], seen: _Seen) -> _Plan:
    """Compare a batch's lines with the graph (a few reads: seeks) and decide what to
    write. `seen`: the regions and officials of the file's earlier lines (known even
    when a dry run wrote none of them)."""
    plan = _Plan()
    region_codes = [str(line.region["region"]["code"]) for line in lines if line.region]
    if region_codes:
        regions = {
            str(r["region"]["code"]): region_line(r["region"])
            for r in await run(REGIONS_BY_CODE, {"codes": region_codes})
        }
        for line in lines:
            assert line.region is not None
            r = line.region["region"]
            if regions.get(r["code"]) == line.region:
                plan.unchanged += 1
                continue
            plan.created += r["code"] not in regions
            plan.changed += r["code"] in regions
            plan.regions.append(
                RegionRow(r["code"], r["name"], RegionLevel(r["level"]), r.get("parentCode"))
            )
        return plan
    codes = [line.code for line in lines if line.household is not None]
    official_codes = [str(line.official["official"]["code"]) for line in lines if line.official]
    current = await _households(run, codes) if codes else {}
    officials = {
        str(r["official"]["code"]): official_line(r["official"])
        for r in (await run(OFFICIALS_BY_CODE, {"codes": official_codes}) if official_codes else [])
    }
    ids = sorted(
        {
            str(row[name])
            for line in lines
            if line.household is not None
            for part in ("members", "measures")
            for row in line.household[part]
            for name in ("idNumber", "memberIdNumber")
            if row.get(name)
        }
    )
    named = sorted({o for line in lines for o in line.officials})
    villages = sorted(
        {
            str(line.household["household"]["villageCode"])
            for line in lines
            if line.household is not None
        }
    )
    records = sorted({
        (part, str(row["id"]))
        for line in lines if line.household is not None
        for part in _OWNED
        for row in line.household[part]
    })  # fmt: skip
    known = (
        await run(
            KNOWN,
            {
                "villages": villages,
                "officials": named,
                "ids": ids,
                **{part: [k for p, k in records if p == part] for part in _OWNED},
            },
        )
    )[0]
    known_villages = set(known["villages"]) | seen.villages
    known_officials = set(known["officials"]) | seen.officials
    refs: dict[str, str] = {str(k): str(v) for k, v in known["refs"]}
    owners: dict[tuple[str, str], set[str]] = {}
    for part, key, owner in known["owners"]:
        owners.setdefault((part, key), set()).add(str(owner))
    for line in lines:
        if line.official is not None:
            _plan_official(plan, line, officials)
            continue
        assert line.household is not None
        h = line.household["household"]
        if h["villageCode"] not in known_villages:
            plan.refused.append(
                Problem(
                    line.number,
                    "/household/villageCode",
                    "no such village in this database",
                    line.code,
                )
            )
            continue
        unknown = sorted(line.officials - known_officials)
        if unknown:
            plan.refused.append(
                Problem(
                    line.number,
                    _official_pointer(line, unknown[0]),
                    "no such official in this database",
                    line.code,
                )
            )
            continue
        taken = _taken(line, owners)
        if taken:
            plan.refused.append(
                Problem(line.number, taken, "the id belongs to another household", line.code)
            )
            continue
        _plan_household(plan, line, current.get(line.code), refs)
    return plan


def _taken(line: Line, owners: dict[tuple[str, str], set[str]]) -> str | None:
    """The pointer of the first record whose id another household holds (in the graph
    or earlier in this batch), or None; the line's own ids are then claimed for it."""
    assert line.household is not None
    mine = [(part, i, str(row["id"])) for part in _OWNED
            for i, row in enumerate(line.household[part])]  # fmt: skip
    for part, i, key in mine:
        if owners.get((part, key), {line.code}) - {line.code}:
            return f"/{part}/{i}/id"
    for part, _, key in mine:
        owners.setdefault((part, key), set()).add(line.code)
    return None


def _official_pointer(line: Line, code: str) -> str:
    assert line.household is not None
    for part in ("pairings", "measures", "assessments"):
        for i, row in enumerate(line.household[part]):
            for name in ("officialCode", "verifiedBy"):
                if row.get(name) == code:
                    return f"/{part}/{i}/{name}"
    return ""


def _plan_official(plan: _Plan, line: Line, officials: Mapping[str, Any]) -> None:
    assert line.official is not None
    after = line.official["official"]
    code = str(after["code"])
    before = officials.get(code)
    if before == line.official:
        plan.unchanged += 1
        return
    properties = {k: v for k, v in after.items() if k != "code"}
    plan.officials.append({"code": code, "properties": properties})
    plan.touched_officials.add(code)
    if before is None:
        plan.created += 1
        plan.history.append((Entity.OFFICIAL, code, diff({}, properties)))
    else:
        plan.changed += 1
        plan.history.append((Entity.OFFICIAL, code, diff(before["official"], properties)))


def _plan_household(plan: _Plan, line: Line, current: Stored | None, refs: dict[str, str]) -> None:
    assert line.household is not None
    file = line.household
    code = line.code
    h = file["household"]
    if current is not None and current.line == file:
        plan.unchanged += 1
        return
    before = current.line if current is not None else {"household": {}, **{p: [] for p in PART}}
    history: list[dict[str, Any]] = []
    own = field_changes(before["household"], h)
    if own:
        properties = native({k: v for k, v in h.items() if k not in ("code", "villageCode")})
        if h.get("status") == HouseholdStatus.DEREGISTERED:
            properties["statusBeforeDeregistration"] = _before_deregistration(file)
        plan.households.append(
            {"code": code, "villageCode": h["villageCode"], "properties": properties}
        )
        history.extend(own)
    for number in {m["idNumber"] for m in file["members"]}:
        refs.setdefault(number, str(uuid.uuid4()))
    person_history = _plan_parts(plan, code, before, file, refs, current, history)
    if not history and not person_history:
        plan.unchanged += 1
        return
    if current is None:
        plan.created += 1
        if not file["statusHistory"]:
            plan.status.append(_first_status(code, h))
        plan.history.append((Entity.HOUSEHOLD, code, diff({}, h)))
    else:
        plan.changed += 1
        plan.history.append((Entity.HOUSEHOLD, code, history))
    plan.history.extend(person_history)
    plan.touched[code] = current is not None


def _plan_parts(
    plan: _Plan,
    code: str,
    before: Mapping[str, Any],
    file: Mapping[str, Any],
    refs: Mapping[str, str],
    current: Stored | None,
    history: list[dict[str, Any]],
) -> list[tuple[Entity, str, list[dict[str, Any]]]]:
    """The rows of each list that is new or differs, as upsert rows; their history."""
    people: list[tuple[Entity, str, list[dict[str, Any]]]] = []
    person_names = {n for n, _ in PERSON}
    for old, row in diff_rows(PART["members"], before["members"], file["members"]):
        person = native({k: v for k, v in row.items() if k in person_names})
        membership = native({k: row.get(k) for k, _ in MEMBERSHIP})
        number = str(row["idNumber"])
        plan.members.append(
            {"householdCode": code, "person": person, "ref": refs[number], **membership}
        )
        was = {k: v for k, v in (old or {}).items() if k in person_names}
        changes = diff(was, {k: v for k, v in row.items() if k in person_names})
        if changes and old is not None:
            people.append((Entity.PERSON, number, changes))
        summary = {"person": refs[number], **{k: row.get(k) for k, _ in MEMBERSHIP}}
        was_summary = (
            None
            if old is None
            else {"person": refs[number], **{k: old.get(k) for k, _ in MEMBERSHIP}}
        )
        if summary != was_summary:
            history.append({"field": "members", "before": was_summary, "after": summary})
        elif changes and old is None:
            history.append({"field": "members", "before": None, "after": summary})
    for old, row in diff_rows(PART["pairings"], before["pairings"], file["pairings"]):
        plan.pairings.append(
            {
                "householdCode": code,
                **native({k: row.get(k) for k in ("id", "officialCode", "role", "since", "until")}),
            }
        )
        plan.touched_officials.add(str(row["officialCode"]))
        if old is not None:
            plan.touched_officials.add(str(old["officialCode"]))
        history.append({"field": "officials", "before": old, "after": row})
    income_ids = current.income_ids if current is not None else {}
    for old, row in diff_rows(PART["incomes"], before["incomes"], file["incomes"]):
        year = int(row["year"])
        properties = {k: row.get(k, 0) for k, _ in INCOME if k != "householdSize"}
        properties["householdSize"] = row.get("householdSize")
        plan.incomes.append(
            {
                "id": income_ids.get(year, f"income-{code}-{year}"),
                "householdCode": code,
                "properties": properties,
            }
        )
        history.append({"field": "incomes", "before": old, "after": row})
    for old, row in diff_rows(PART["measures"], before["measures"], file["measures"]):
        properties = native(
            {k: v for k, v in row.items() if k not in ("id", "officialCode", "memberIdNumber")}
        )
        plan.measures.append(
            {
                "id": row["id"],
                "householdCode": code,
                "officialCode": row.get("officialCode"),
                "memberIdNumber": row.get("memberIdNumber"),
                "properties": properties,
            }
        )
        history.append(
            {"field": "measures", "before": _measure(old, refs), "after": _measure(row, refs)}
        )
    for old, row in diff_rows(PART["assessments"], before["assessments"], file["assessments"]):
        properties = native({k: v for k, v in row.items() if k not in ("id", "verifiedBy")})
        properties["faults"] = [_fault(f, refs) for f in row.get("faults") or []]
        properties.setdefault("checks", [])
        plan.assessments.append(
            {
                "id": row["id"],
                "householdCode": code,
                "verifiedBy": row["verifiedBy"],
                "properties": properties,
            }
        )
        history.append(
            {"field": "assessments", "before": _assessment(old), "after": _assessment(row)}
        )
    for old, row in diff_rows(
        PART["statusHistory"], before["statusHistory"], file["statusHistory"]
    ):
        plan.status.append(
            {"householdCode": code, **native({k: row.get(k) for k, _ in STATUS_CHANGE})}
        )
        history.append({"field": "statusHistory", "before": old, "after": row})
    for old, row in diff_rows(PART["monitoring"], before["monitoring"], file["monitoring"]):
        monitoring = native({k: row.get(k) for k, _ in MONITORING})
        monitoring["riskTypes"] = row.get("riskTypes") or []
        plan.monitoring.append({"householdCode": code, **monitoring})
        # The note is personal (hidden like the record's own field): never in history.
        history.append({"field": "monitoring", "before": _without(old, "note"),
                        "after": _without(row, "note")})  # fmt: skip
    return people


def _without(row: Mapping[str, Any] | None, name: str) -> Any:
    return None if row is None else {k: v for k, v in row.items() if k != name}


def _measure(row: Mapping[str, Any] | None, refs: Mapping[str, str]) -> Any:
    """A measure as history keeps it: never its notes, its recipient by ref."""
    if row is None:
        return None
    out = {k: v for k, v in row.items() if k not in ("notes", "memberIdNumber")}
    if row.get("memberIdNumber"):
        out["member"] = refs.get(str(row["memberIdNumber"]))
    return out


def _assessment(row: Mapping[str, Any] | None) -> Any:
    """An assessment as history keeps it: the members at fault left out (ID numbers)."""
    return _without(row, "faults")


def _before_deregistration(file: Mapping[str, Any]) -> str | None:
    changes = [s for s in file["statusHistory"] if s.get("to") == HouseholdStatus.DEREGISTERED]
    return changes[-1].get("from") if changes else None


def _first_status(code: str, h: Mapping[str, Any]) -> dict[str, Any]:
    """The first change of a household whose file brings no status history."""
    on = h.get("registrationDate") or f"{h.get('registrationYear') or dt.date.today().year}-01-01"
    to = h["status"]
    if to == HouseholdStatus.DEREGISTERED:
        to = HouseholdStatus.REGISTERED
    return {
        "householdCode": code,
        "id": str(uuid.uuid4()),
        "from": None,
        "to": to,
        "on": dt.date.fromisoformat(on),
        "reason": StatusReason.REGISTERED.value,
        "cause": None,
        "seq": 1,
        "assessmentId": None,
    }


async def _apply(w: Write, plan: _Plan) -> None:
    """The plan's writes in the batch's transaction, in dependency order; settle (the
    write frame) does the rest."""
    tx = w.tx
    if plan.regions:
        await upsert_regions(tx, plan.regions)
    for rows, upsert in (
        (plan.officials, upsert_officials),
        (plan.households, upsert_households),
        (plan.members, upsert_memberships),
        (plan.pairings, upsert_pairings),
        (plan.incomes, upsert_incomes),
        (plan.measures, upsert_measures),
        (plan.assessments, upsert_assessments),
        (plan.status, upsert_status_changes),
        (plan.monitoring, upsert_monitoring),
    ):
        if rows:
            await upsert(tx, rows)
    for code, bump in plan.touched.items():
        w.touch(households=[code], bump=bump)
    w.touch(officials=sorted(plan.touched_officials))
    for entity, key, changes in plan.history:
        w.changed(entity, key, changes)


def _reader(tx: Tx) -> Run:
    async def run(cypher: str, params: Mapping[str, Any]) -> list[Any]:
        return await tx.run(cypher, dict(params))

    return run


@dataclass
class _Seen:
    villages: set[str] = field(default_factory=set)
    officials: set[str] = field(default_factory=set)

    def add(self, line: Line) -> None:
        if line.region is not None and line.region["region"]["level"] == RegionLevel.VILLAGE:
            self.villages.add(str(line.region["region"]["code"]))
        if line.official is not None:
            self.officials.add(str(line.official["official"]["code"]))


async def import_batch(
    db: Database,
    lines: Sequence[Line],
    *,
    subject: str,
    dry_run: bool = False,
    seen: _Seen | None = None,
) -> _Plan:
    """One batch: compared in read transactions, then, when something differs (and
    not on a dry run), compared again and written in one write transaction: a batch
    that changes nothing sends no write."""
    seen = seen or _Seen()

    async def read(cypher: str, params: Mapping[str, Any]) -> list[Any]:
        return await db.read(cypher, params)

    planned = await _plan(read, lines, seen)
    if dry_run or not planned.writes:
        return planned
    actor = Actor(Scope.everything(), subject=subject, role="OPERATOR")

    async def work(w: Write) -> dict[str, Any]:
        plan = await _plan(_reader(w.tx), lines, seen)
        await _apply(w, plan)
        plans[:] = [plan]
        return {}

    plans: list[_Plan] = []
    await write(db, actor, Mutation("import"), work)
    return plans[0]


async def import_lines(
    db: Database,
    lines: Iterable[Line | Problem],
    *,
    subject: str,
    batch: int = BATCH,
    dry_run: bool = False,
    progress: Callable[[int], None] = lambda n: None,
) -> Summary:
    """Import checked lines (graph/exchange.py `check_line`) in batches; a batch Neo4j
    refuses is retried line by line. `progress` hears the lines done."""
    summary = Summary()
    started = time.perf_counter()
    pending: list[Line] = []
    seen = _Seen()

    async def flush() -> None:
        try:
            plans = [await import_batch(db, pending, subject=subject, dry_run=dry_run, seen=seen)]
        except DatabaseUnavailable:
            raise
        except FupinError:
            plans = []
            for one in pending:
                try:
                    plans.append(
                        await import_batch(db, [one], subject=subject, dry_run=dry_run, seen=seen)
                    )
                except DatabaseUnavailable:
                    raise
                except FupinError as exc:
                    plans.append(
                        _Plan(
                            refused=[
                                Problem(
                                    one.number,
                                    "",
                                    f"the database refused it ({exc.code})",
                                    one.code if one.household else None,
                                )
                            ]
                        )
                    )
        for plan in plans:
            summary.created += plan.created
            summary.changed += plan.changed
            summary.unchanged += plan.unchanged
            summary.refused += len(plan.refused)
            summary.problems.extend(plan.refused)
        if dry_run:
            for one in pending:
                seen.add(one)
        progress(len(pending))
        pending.clear()

    for item in lines:
        summary.lines += 1
        if isinstance(item, Problem):
            summary.refused += 1
            summary.problems.append(item)
            progress(1)
            continue
        if item.household is not None:
            summary.households += 1
        # Regions and officials go before the households that name them: a batch holds
        # one kind of line.
        if pending and pending[-1].kind != item.kind:
            await flush()
        pending.append(item)
        if len(pending) >= batch:
            await flush()
    if pending:
        await flush()
    summary.problems.sort(key=lambda p: p.line)
    summary.seconds = time.perf_counter() - started
    return summary
