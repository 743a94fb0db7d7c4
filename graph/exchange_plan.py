"""The import's line checks (graph/exchange_run.py runs the batches): a batch's lines
compared with the graph, a few seeks, and what the batch would write decided as a
`BatchPlan`: the bulk upserts' rows, the history, the counts and the refused lines.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.exchange import (
    INCOME,
    MEMBERSHIP,
    MONITORING,
    PART,
    PERSON,
    STATUS_CHANGE,
    Line,
    Problem,
    diff_rows,
    field_changes,
    native,
    official_line,
    region_line,
)
from graph.exchange_read import (
    OFFICIALS_BY_CODE,
    REGIONS_BY_CODE,
    Stored,
    fault_key,
    read_households,
)
from graph.household import HouseholdStatus
from graph.model import Label, RegionLevel, Rel
from graph.region import RegionRow
from graph.status import StatusReason
from graph.write import Entity, diff

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


@dataclass
class BatchPlan:
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


async def plan_batch(run: Run, lines: Sequence[Line], seen: Seen) -> BatchPlan:
    """Compare a batch's lines with the graph (a few reads: seeks) and decide what to
    write. `seen`: the regions and officials of the file's earlier lines (known even
    when a dry run wrote none of them)."""
    plan = BatchPlan()
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
    current = await read_households(run, codes) if codes else {}
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


def _plan_official(plan: BatchPlan, line: Line, officials: Mapping[str, Any]) -> None:
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


def _plan_household(
    plan: BatchPlan, line: Line, current: Stored | None, refs: dict[str, str]
) -> None:
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
    plan: BatchPlan,
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
        properties["faults"] = [fault_key(f, refs) for f in row.get("faults") or []]
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


@dataclass
class Seen:
    villages: set[str] = field(default_factory=set)
    officials: set[str] = field(default_factory=set)

    def add(self, line: Line) -> None:
        if line.region is not None and line.region["region"]["level"] == RegionLevel.VILLAGE:
            self.villages.add(str(line.region["region"]["code"]))
        if line.official is not None:
            self.officials.add(str(line.official["official"]["code"]))
