"""The exchange format with the national database, `fupin-exchange/1` (docs/exchange.md):
pure definitions, validation and mapping, no database (graph/exchange_read.py,
exchange_plan.py and exchange_run.py run them).

JSON Lines, one record a line: region lines first (the division codes), then official
lines, then one line a household with everything on its file. The field tables below
are the one definition: the JSON Schema (exchange/household.schema.json,
`json_schema()`), the export's projection (its keys in this order, nulls left out,
lists sorted by key) and the importer's checks all come from them. `canonical` is what
both sides compare: an export of the stored household and a line read from a file are
equal exactly when importing the line would change nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from graph.errors import BadUserInput
from graph.household import (
    DeregistrationReason,
    HouseholdAttribute,
    HouseholdStatus,
    HousingGrade,
    IdentificationStandard,
    PovertyCause,
)
from graph.income import ITEMS
from graph.measure import MeasureCategory
from graph.model import RegionLevel
from graph.monitoring import MonitoringGroup, RemovalReason, RiskType
from graph.official import PairingRole
from graph.person import (
    Education,
    Health,
    LabourAbility,
    MembershipEndReason,
    Relation,
    Schooling,
    Sex,
)
from graph.status import StatusReason
from graph.validation import (
    EARLIEST_REGISTRATION,
    check_causes,
    check_date,
    check_household_code,
    check_id_number,
    check_official_code,
    check_region_code,
    check_village_code,
)

FORMAT = "fupin-exchange/1"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "exchange" / "household.schema.json"


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"


@dataclass(frozen=True)
class Enum:
    values: type[StrEnum]


@dataclass(frozen=True)
class ListOf:
    item: Kind | Enum


FieldKind = Kind | Enum | ListOf
Fields = tuple[tuple[str, FieldKind], ...]
T, N, F, B, D = Kind.TEXT, Kind.INT, Kind.NUMBER, Kind.BOOL, Kind.DATE

# Division codes (DOMAIN.md section 2) travel too, so that a file loads into an empty
# database: the region exported, the regions above it and every one below it.
REGION: Fields = (
    ("code", T), ("name", T), ("level", Enum(RegionLevel)), ("parentCode", T),
)  # fmt: skip
OFFICIAL: Fields = (
    ("code", T), ("name", T), ("unit", T), ("position", T), ("phone", T), ("idNumber", T),
    ("maxLoad", N), ("regionCode", T),
)  # fmt: skip
HOUSEHOLD: Fields = (
    ("code", T), ("villageCode", T), ("address", T), ("headPhone", T), ("bankAccount", T),
    ("registrationYear", N), ("registrationDate", D),
    ("standard", Enum(IdentificationStandard)), ("attribute", Enum(HouseholdAttribute)),
    ("status", Enum(HouseholdStatus)), ("mainCause", Enum(PovertyCause)),
    ("secondaryCauses", ListOf(Enum(PovertyCause))), ("housingGrade", Enum(HousingGrade)),
    ("housingArea", F), ("safeWater", B), ("electricity", B), ("roadAccess", B),
    ("sanitaryToilet", B), ("cooperativeMember", B), ("plannedExitYear", N), ("debt", N),
    ("deregisteredOn", D), ("deregistrationReason", Enum(DeregistrationReason)),
)  # fmt: skip
PERSON: Fields = (
    ("idNumber", T), ("name", T), ("sex", Enum(Sex)), ("birthDate", D), ("ethnicity", T),
    ("education", Enum(Education)), ("schooling", Enum(Schooling)), ("health", Enum(Health)),
    ("labourAbility", Enum(LabourAbility)), ("workPlace", T), ("workMonths", N),
    ("medicalInsurance", B), ("criticalIllnessInsurance", B), ("pension", B), ("diedOn", D),
    ("phone", T),
)  # fmt: skip
MEMBERSHIP: Fields = (
    ("relation", Enum(Relation)), ("since", D), ("until", D),
    ("endReason", Enum(MembershipEndReason)),
)  # fmt: skip
MEMBER: Fields = PERSON + MEMBERSHIP
PAIRING: Fields = (
    ("id", T), ("officialCode", T), ("role", Enum(PairingRole)), ("since", D), ("until", D),
)  # fmt: skip
INCOME: Fields = (("year", N), *((name, N) for name in ITEMS), ("householdSize", N))
MEASURE: Fields = (
    ("id", T), ("category", Enum(MeasureCategory)), ("date", D), ("amount", N),
    ("quantity", F), ("unit", T), ("description", T), ("agency", T), ("termMonths", N),
    ("notes", T), ("voidedOn", D), ("voidReason", T), ("officialCode", T),
    ("memberIdNumber", T),
)  # fmt: skip
# faults name the members at fault as 'KIND:<ID number>' in the file ('KIND:<ref>' in
# the graph, where a ref is local to one database).
ASSESSMENT: Fields = (
    ("id", T), ("year", N), ("date", D), ("passed", B), ("threshold", N),
    ("perCapitaNet", N), ("householdSize", N), ("housingGrade", Enum(HousingGrade)),
    ("checks", ListOf(T)), ("faults", ListOf(T)), ("verifiedBy", T), ("foodSecure", B),
    ("clothingSecure", B), ("villageConfirmed", B),
)  # fmt: skip
STATUS_CHANGE: Fields = (
    ("id", T), ("from", Enum(HouseholdStatus)), ("to", Enum(HouseholdStatus)), ("on", D),
    ("reason", Enum(StatusReason)), ("cause", Enum(PovertyCause)), ("seq", N),
    ("assessmentId", T),
)  # fmt: skip
# Return-to-poverty monitoring (issue C3, graph/monitoring.py). The household's
# `monitored` is derived from these (true while one is open), so it is not a field.
MONITORING: Fields = (
    ("id", T), ("group", Enum(MonitoringGroup)), ("riskTypes", ListOf(Enum(RiskType))),
    ("startedOn", D), ("removedOn", D), ("removalReason", Enum(RemovalReason)), ("note", T),
)  # fmt: skip


@dataclass(frozen=True)
class Part:
    """A list of a household line: its fields, the key it is sorted and upserted by,
    and the field its changes are recorded under in the household's history."""

    name: str
    fields: Fields
    key: tuple[str, ...]
    history: str
    required: tuple[str, ...]


PARTS: tuple[Part, ...] = (
    Part("members", MEMBER, ("idNumber",), "members", ("idNumber", "relation")),
    Part("pairings", PAIRING, ("id",), "officials", ("id", "officialCode", "role", "since")),
    Part("incomes", INCOME, ("year",), "incomes", ("year",)),
    Part("measures", MEASURE, ("id",), "measures", ("id", "category", "date")),
    Part("assessments", ASSESSMENT, ("id",), "assessments",
         ("id", "year", "date", "passed", "verifiedBy")),
    Part("statusHistory", STATUS_CHANGE, ("seq", "id"), "statusHistory", ("id", "to", "on")),
    Part("monitoring", MONITORING, ("id",), "monitoring", ("id", "group", "startedOn")),
)  # fmt: skip
PART = {p.name: p for p in PARTS}


# --- JSON Schema ------------------------------------------------------------------------

_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _kind_schema(kind: FieldKind) -> dict[str, Any]:
    if isinstance(kind, ListOf):
        return {"type": "array", "items": _kind_schema(kind.item)}
    if isinstance(kind, Enum):
        return {"enum": [v.value for v in kind.values]}
    return {
        Kind.TEXT: {"type": "string"},
        Kind.INT: {"type": "integer"},
        Kind.NUMBER: {"type": "number"},
        Kind.BOOL: {"type": "boolean"},
        Kind.DATE: {"type": "string", "pattern": _DATE_PATTERN},
    }[kind]


def _object(fields: Fields, required: Sequence[str]) -> dict[str, Any]:
    properties = {}
    for name, kind in fields:
        one = _kind_schema(kind)
        # Absent and null mean the same: not on file.
        properties[name] = {"anyOf": [one, {"type": "null"}]} if name not in required else one
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one line, from the field tables."""
    fmt = {"const": FORMAT}
    parts = {p.name: {"type": "array", "items": {"$ref": f"#/$defs/{p.name}"}} for p in PARTS}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://fupin-graph.example/exchange/household.schema.json",
        "title": FORMAT,
        "description": "One line of a fupin-exchange/1 file (JSON Lines): an official "
        "or a household with everything on its file. See docs/exchange.md.",
        "oneOf": [
            {"$ref": "#/$defs/regionLine"},
            {"$ref": "#/$defs/officialLine"},
            {"$ref": "#/$defs/householdLine"},
        ],
        "$defs": {
            "regionLine": {
                "type": "object",
                "properties": {"format": fmt, "region": {"$ref": "#/$defs/region"}},
                "required": ["format", "region"],
                "additionalProperties": False,
            },
            "officialLine": {
                "type": "object",
                "properties": {"format": fmt, "official": {"$ref": "#/$defs/official"}},
                "required": ["format", "official"],
                "additionalProperties": False,
            },
            "householdLine": {
                "type": "object",
                "properties": {
                    "format": fmt,
                    "household": {"$ref": "#/$defs/household"},
                    **parts,
                },
                "required": ["format", "household"],
                "additionalProperties": False,
            },
            "region": _object(REGION, ("code", "name", "level")),
            "official": _object(OFFICIAL, ("code", "name")),
            "household": _object(HOUSEHOLD, ("code", "villageCode", "status")),
            **{p.name: _object(p.fields, p.required) for p in PARTS},
        },
    }


def schema_text() -> str:
    """The schema file's text (exchange/household.schema.json holds exactly this)."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


KINDS = ("region", "official", "household")


def _schema_of(kind: str | None) -> dict[str, Any]:
    schema = json_schema()
    if kind is not None:
        del schema["oneOf"]
        schema["$ref"] = f"#/$defs/{kind}Line"
    return schema


@cache
def fast_check(kind: str) -> Any:
    """The schema of one kind of line compiled to Python (fastjsonschema): about 0.5 ms
    a household line where jsonschema takes about 18, which at the province's 152,000
    lines is a minute against three quarters of an hour. It only says whether a line
    is valid; `validator` then describes what is wrong with one that is not."""
    import fastjsonschema

    return fastjsonschema.compile(_schema_of(kind))


@cache
def validator(kind: str | None = None) -> Any:
    """The file's schema as a validator (`json_schema()`, which the published
    exchange/household.schema.json holds: a test keeps them equal); with `kind`, of that
    kind of line only (so its errors are that line's, not the other kinds')."""
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

    return Draft202012Validator(_schema_of(kind))


# --- canonical records --------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as the file holds it: dates as ISO text (neo4j's or Python's)."""
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


_SCALAR = frozenset({str, int, float, bool})


def _pick(fields: Fields, row: Mapping[str, Any]) -> dict[str, Any]:
    """`row` in the fields' order, nulls left out (and empty lists: not on file)."""
    out = {}
    for name, _ in fields:
        value = row.get(name)
        if value is None:
            continue
        if value.__class__ not in _SCALAR:
            value = _plain(value)
            if value == []:
                continue
        out[name] = value
    return out


def _sort_key(part: Part) -> Any:
    return lambda row: tuple((row.get(k) is None, row.get(k) or 0) for k in part.key)


def canonical(household: Mapping[str, Any], parts: Mapping[str, Any]) -> dict[str, Any]:
    """A household line as the export writes it: keys in schema order, nulls left out,
    every list sorted by its key. Import and export both compare these."""
    line: dict[str, Any] = {"format": FORMAT, "household": _pick(HOUSEHOLD, household)}
    for part in PARTS:
        rows = [_pick(part.fields, r) for r in parts.get(part.name) or []]
        line[part.name] = sorted(rows, key=_sort_key(part))
    return line


def official_line(official: Mapping[str, Any]) -> dict[str, Any]:
    return {"format": FORMAT, "official": _pick(OFFICIAL, official)}


def region_line(region: Mapping[str, Any]) -> dict[str, Any]:
    return {"format": FORMAT, "region": _pick(REGION, region)}


def dumps(line: Mapping[str, Any]) -> str:
    """One line of the file: compact, UTF-8 as is, keys in the order given."""
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"


# --- reading and checking a line ------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One error of one line: never the value (it may be an ID number or a name)."""

    line: int
    pointer: str
    reason: str
    household_code: str | None = None

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line}
        if self.household_code is not None:
            out["householdCode"] = self.household_code
        out["field"] = self.pointer
        out["reason"] = self.reason
        return out


@dataclass
class Line:
    """A checked line: a region, an official, or a household with its parts (all
    canonical)."""

    number: int
    region: dict[str, Any] | None = None
    official: dict[str, Any] | None = None
    household: dict[str, Any] | None = None
    officials: set[str] = field(default_factory=set)  # the officials it names

    @property
    def kind(self) -> str:
        return "region" if self.region else "official" if self.official else "household"

    @property
    def code(self) -> str:
        assert self.household is not None
        return str(self.household["household"]["code"])


def _pointer(path: Sequence[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _schema_reason(error: Any) -> str:
    """The validator's reason without the value it quotes."""
    validator = error.validator
    if validator == "required":
        missing = [m for m in error.validator_value if m not in (error.instance or {})]
        return f"a required field is missing: {', '.join(missing)}"
    if validator == "additionalProperties":
        return "a field the format does not have"
    if validator in ("enum", "const"):
        return "not one of the values the format allows"
    if validator == "pattern":
        return "a date is written YYYY-MM-DD"
    if validator == "type":
        return f"must be of type {error.validator_value}"
    if validator in ("anyOf", "oneOf"):
        return "not a region, official or household line"
    return f"fails the schema's {validator} rule"


def _best_errors(errors: list[Any]) -> list[Any]:
    """The most precise errors: the deepest context of an anyOf (a value or null)."""
    out = []
    for error in errors:
        if error.validator == "anyOf" and error.context:
            deepest = max(len(e.absolute_path) for e in error.context)
            chosen = [e for e in error.context if len(e.absolute_path) == deepest]
            out.extend(_best_errors(chosen[:1]))
        else:
            out.append(error)
    return out


def _fast_valid(kind: str, data: Any) -> bool:
    from fastjsonschema import JsonSchemaValueException

    try:
        fast_check(kind)(data)
    except JsonSchemaValueException:
        return False
    return True


def _errors(kind: str, data: Any) -> list[Any]:
    errors = _best_errors(list(validator(kind).iter_errors(data)))
    errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
    return errors


def _code_of(data: Any) -> str | None:
    if isinstance(data, dict) and isinstance(data.get("household"), dict):
        code = data["household"].get("code")
        return code if isinstance(code, str) and len(code) <= 32 else None
    return None


def _parse_date(text: str, pointer: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadUserInput("not a real date", field=pointer) from None


@cache
def _date_fields(fields: Fields) -> tuple[str, ...]:
    return tuple(name for name, kind in fields if kind is Kind.DATE)


def _check_dates(fields: Fields, row: Mapping[str, Any], at: str, today: dt.date) -> None:
    for name in _date_fields(fields):
        if row.get(name) is not None:
            pointer = f"{at}/{name}"
            day = _parse_date(row[name], pointer)
            earliest = EARLIEST_REGISTRATION if name == "registrationDate" else None
            if earliest is not None:
                check_date(day, pointer, today=today, earliest=earliest)
            else:
                check_date(day, pointer, today=today)


def _check_household(line: dict[str, Any], today: dt.date) -> set[str]:
    """graph/validation.py's rules on a schema-valid household line; raises
    BadUserInput with the JSON pointer; returns the official codes it names."""
    h = line["household"]
    check_village_code(h["villageCode"], "/household/villageCode")
    check_household_code(h["code"], "/household/code", h["villageCode"])
    _check_dates(HOUSEHOLD, h, "/household", today)
    if h.get("mainCause") is not None:
        check_causes(h["mainCause"], h.get("secondaryCauses") or [], "/household/secondaryCauses")
    officials: set[str] = set()
    for part in PARTS:
        for i, row in enumerate(line.get(part.name) or []):
            at = f"/{part.name}/{i}"
            _check_dates(part.fields, row, at, today)
            for name in ("idNumber", "memberIdNumber"):
                if row.get(name) is not None:
                    row[name] = check_id_number(row[name], f"{at}/{name}", today=today)
            for name in ("officialCode", "verifiedBy"):
                if row.get(name) is not None:
                    officials.add(check_official_code(row[name], f"{at}/{name}"))
    _check_exit(line)
    return officials


def _check_exit(line: Mapping[str, Any]) -> None:
    """An EXITED household arrives with the passed assessment it exited by."""
    h = line["household"]
    exited = h["status"] == HouseholdStatus.EXITED or (
        h["status"] == HouseholdStatus.DEREGISTERED
        and any(s.get("to") == HouseholdStatus.EXITED for s in line.get("statusHistory") or [])
        and not any(s.get("to") == HouseholdStatus.RETURNED for s in line["statusHistory"])
    )
    if exited and not any(a.get("passed") for a in line.get("assessments") or []):
        raise BadUserInput(
            "an EXITED household needs the passed exit assessment it exited by",
            field="/household/status",
        )


def check_line(number: int, text: str, today: dt.date) -> Line | Problem:
    """A line of the file read and checked (schema, then graph/validation.py's rules):
    the Line, or the first Problem found (its line number and field pointer)."""
    try:
        data = json.loads(text)
    except ValueError:
        return Problem(number, "", "not a JSON object (a line cut short?)")
    code = _code_of(data)
    kinds = [k for k in KINDS if isinstance(data, dict) and k in data]
    if len(kinds) != 1:
        return Problem(number, "", "not a region, official or household line", code)
    errors = [] if _fast_valid(kinds[0], data) else _errors(kinds[0], data)
    if errors:
        error = errors[0]
        return Problem(number, _pointer(error.absolute_path), _schema_reason(error), code)
    try:
        if "region" in data:
            region = data["region"]
            check_region_code(region["code"], "/region/code")
            if region.get("parentCode") is not None:
                check_region_code(region["parentCode"], "/region/parentCode")
            return Line(number, region=region_line(region))
        if "official" in data:
            official = data["official"]
            check_official_code(official["code"], "/official/code")
            if official.get("idNumber") is not None:
                official["idNumber"] = check_id_number(
                    official["idNumber"], "/official/idNumber", today=today
                )
            return Line(number, official=official_line(official))
        officials = _check_household(data, today)
    except BadUserInput as exc:
        return Problem(number, exc.field or "", exc.message, code)
    return Line(number, household=canonical(data["household"], data), officials=officials)


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number from 1, text) of every non-blank line, streamed."""
    with path.open(encoding="utf-8", errors="replace") as f:
        for number, text in enumerate(f, start=1):
            if text.strip():
                yield number, text


# --- mapping a line to the graph's upsert rows ----------------------------------------------

_DATES = {
    name
    for fields in (
        HOUSEHOLD,
        PERSON,
        MEMBERSHIP,
        PAIRING,
        MEASURE,
        ASSESSMENT,
        STATUS_CHANGE,
        MONITORING,
    )
    for name, kind in fields
    if kind is Kind.DATE
}


def native(row: Mapping[str, Any]) -> dict[str, Any]:
    """A file row with its dates as Python dates (what the driver stores as DATE)."""
    return {
        k: dt.date.fromisoformat(v) if k in _DATES and isinstance(v, str) else v
        for k, v in row.items()
    }


def keyed(part: Part, rows: Sequence[Mapping[str, Any]]) -> dict[tuple[Any, ...], Any]:
    return {tuple(r.get(k) for k in part.key): r for r in rows}


def diff_rows(
    part: Part, before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any] | None, Mapping[str, Any]]]:
    """(stored row or None, file row) for each file row that is new or differs; rows on
    file only in the graph stay (an import adds and updates, never deletes)."""
    old = keyed(part, before)
    return [(old.get(k), row) for k, row in keyed(part, after).items() if old.get(k) != row]


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """[{field, before, after}] of a household's own fields (a file without a field
    leaves it: an import never removes a value)."""
    return [
        {"field": name, "before": before.get(name), "after": after[name]}
        for name, _ in HOUSEHOLD
        if name in after and before.get(name) != after[name]
    ]
