"""The province-scale generator: `fupin seed --households N --seed S [--as-of DATE]`.

Builds a synthetic, deterministic household file across all of Hainan's county-level
units (Sansha gets none): towns and villages whose codes nest (2,553 villages at full
scale), households with members, officials and their pairings, and a year of visits
before the as-of date. The same seed, size and date give the same graph: every county
draws from a `random.Random` of its own, seeded from the seed and the county's code, and
nothing depends on dict or set order.

Every generated node also carries the `Generated` label. A run first drops the nodes
so labelled (the demo story's nodes never carry it), then writes everything again with
CREATE, so re-runs duplicate nothing. Nodes outside the generated part keep their keys:
the generator skips the region codes, household codes, official codes and ID numbers
they hold, and links their households back to re-created villages; what they had to do
with generated nodes (pairings, visits, memberships) goes with the generated part.

Speed: the Python driver packs parameters in pure Python, about 5 microseconds a value,
which would make 650,000 people with 20 fields each cost a minute of packing alone. So
each row travels as one `|`-separated line, a batch as one string, and Neo4j splits and
converts the fields (`split`, `date`, `toInteger`). The values come from fixed lists and
numbers, so no field can contain `|` or a newline. Counties are generated in a worker
process one ahead of the writes, so Python and Neo4j work at the same time.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import itertools
import math
import multiprocessing
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from graph.coverage import REFRESH_REGION_VILLAGES
from graph.db import Database, Tx
from graph.errors import BadUserInput
from graph.model import Label, RegionLevel, Rel
from graph.region import RegionRow, upsert_regions
from seeds import names
from seeds.idnumber import make_id_number, seed_person_ref
from seeds.regions import county_level_units, hainan

if TYPE_CHECKING:
    from rich.progress import Progress

FULL_HOUSEHOLDS = 152_000
FULL_VILLAGES = 2_553
FULL_TOWNS = 200
MAX_HOUSEHOLDS = 1_000_000
EARLIEST_AS_OF = dt.date(2016, 1, 1)


# --- the province's shape ---------------------------------------------------------


@dataclass(frozen=True)
class UnitProfile:
    """Share of the province's poor households, centre point, Li and Miao shares."""

    weight: float
    lat: float
    lon: float
    li: float
    miao: float = 0.0


# Rough, hand-set figures: the central and western Li counties carry the most poverty,
# the Haikou and Sanya districts the least.
PROFILES: dict[str, UnitProfile] = {
    "460105": UnitProfile(1.0, 20.00, 110.29, 0.02),
    "460106": UnitProfile(0.6, 19.95, 110.33, 0.02),
    "460107": UnitProfile(2.0, 19.90, 110.43, 0.02),
    "460108": UnitProfile(2.0, 19.92, 110.55, 0.02),
    "460202": UnitProfile(1.2, 18.30, 109.70, 0.30),
    "460203": UnitProfile(1.2, 18.35, 109.55, 0.30),
    "460204": UnitProfile(1.5, 18.35, 109.40, 0.30),
    "460205": UnitProfile(1.5, 18.40, 109.20, 0.30),
    "460400": UnitProfile(12.0, 19.52, 109.58, 0.05),
    "469001": UnitProfile(4.0, 18.78, 109.52, 0.70),
    "469002": UnitProfile(4.0, 19.25, 110.47, 0.02),
    "469005": UnitProfile(4.0, 19.61, 110.75, 0.02),
    "469006": UnitProfile(7.0, 18.80, 110.39, 0.05),
    "469007": UnitProfile(9.0, 19.10, 108.65, 0.40),
    "469021": UnitProfile(5.0, 19.68, 110.36, 0.02),
    "469022": UnitProfile(5.0, 19.36, 110.10, 0.02),
    "469023": UnitProfile(6.0, 19.74, 110.00, 0.02),
    "469024": UnitProfile(8.0, 19.91, 109.69, 0.02),
    "469025": UnitProfile(7.0, 19.22, 109.45, 0.65),
    "469026": UnitProfile(5.0, 19.26, 109.05, 0.40),
    "469027": UnitProfile(10.0, 18.75, 109.17, 0.55),
    "469028": UnitProfile(6.0, 18.51, 110.04, 0.50),
    "469029": UnitProfile(5.0, 18.64, 109.70, 0.60, 0.05),
    "469030": UnitProfile(6.0, 19.03, 109.84, 0.55, 0.05),
}


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    town: str
    households: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Unit:
    """A county-level unit with its generated towns and villages."""

    code: str
    name: str
    profile: UnitProfile
    towns: tuple[RegionRow, ...]
    villages: tuple[Village, ...]

    @property
    def households(self) -> int:
        return sum(v.households for v in self.villages)


def apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder, ties by position),
    each part at least `minimum`."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total below the minimum")
    scale = sum(weights)
    exact = [rest * w / scale for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts, strict=True)]


def layout(households: int, seed: int, taken: frozenset[str] = frozenset()) -> list[Unit]:
    """Towns and villages for `households` households: the full 2,553 villages from
    152,000 households up, proportionally fewer (at least one a unit) below. Codes in
    `taken` (the demo story's towns and villages) are skipped."""
    rng = random.Random(f"fupin-generator/{seed}/layout")
    codes = county_level_units()
    unit_names = {row.code: row.name for row in hainan()}
    if households >= FULL_HOUSEHOLDS:
        n_villages = FULL_VILLAGES
    else:
        n_villages = max(len(codes), math.ceil(FULL_VILLAGES * households / FULL_HOUSEHOLDS))
    weights = [PROFILES[c].weight for c in codes]
    villages_per_unit = apportion(n_villages, [w**0.6 for w in weights], minimum=1)
    households_per_unit = apportion(households, weights)
    units = []
    for code, n_v, n_h in zip(codes, villages_per_unit, households_per_unit, strict=True):
        profile = PROFILES[code]
        n_t = max(1, min(n_v, round(n_v * FULL_TOWNS / FULL_VILLAGES)))
        town_names: set[str] = set()
        towns: list[RegionRow] = []
        villages: list[Village] = []
        per_town = apportion(n_v, [rng.uniform(0.6, 1.4) for _ in range(n_t)], minimum=1)
        per_village = apportion(n_h, [rng.uniform(0.3, 1.7) for _ in range(n_v)])
        town_numbers = (n for n in range(100, 1000) if f"{code}{n:03d}" not in taken)
        for count in per_town:
            town = RegionRow(
                f"{code}{next(town_numbers):03d}",
                names.place_name(rng, town_names),
                RegionLevel.TOWN,
                code,
            )
            towns.append(town)
            t_lat = profile.lat + rng.uniform(-0.12, 0.12)
            t_lon = profile.lon + rng.uniform(-0.12, 0.12)
            village_names: set[str] = set()
            village_numbers = (n for n in range(201, 1000) if f"{town.code}{n:03d}" not in taken)
            for _ in range(count):
                n_households = per_village[len(villages)]
                if n_households > 9999:
                    raise BadUserInput("too many households for a village's 4-digit numbers")
                villages.append(
                    Village(
                        f"{town.code}{next(village_numbers):03d}",
                        names.place_name(rng, village_names),
                        town.name,
                        n_households,
                        round(t_lat + rng.uniform(-0.04, 0.04), 5),
                        round(t_lon + rng.uniform(-0.04, 0.04), 5),
                    )
                )
        units.append(Unit(code, unit_names[code], profile, tuple(towns), tuple(villages)))
    return units


def region_rows(units: Sequence[Unit]) -> list[RegionRow]:
    rows = list(hainan())
    for unit in units:
        rows += unit.towns
        town_of = {t.name: t.code for t in unit.towns}
        rows += [
            RegionRow(v.code, v.name, RegionLevel.VILLAGE, town_of[v.town]) for v in unit.villages
        ]
    return rows


# --- rows as delimited lines --------------------------------------------------------


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


def _line(values: Sequence[object]) -> str:
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


# --- drawing a county ---------------------------------------------------------------


@dataclass(frozen=True)
class Mix:
    """Values with weights, drawn by bisecting the cumulative weights."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _weighted(table: dict[str, float]) -> Mix:
    return Mix(tuple(table), tuple(itertools.accumulate(table.values())))


# The main-cause mix: illness and lack of funds lead, as in the national file.
CAUSES = _weighted({
    "ILLNESS": 42.0, "LACK_OF_FUNDS": 35.0, "LACK_OF_SKILLS": 9.0, "LACK_OF_LABOUR": 6.0,
    "DISABILITY": 3.0, "SCHOOLING_COSTS": 2.0, "LACK_OF_LAND": 1.0, "DISASTER": 0.8,
    "POOR_TRANSPORT": 0.4, "LACK_OF_WATER": 0.3, "LACK_OF_MOTIVATION": 0.3, "MARRIAGE": 0.1,
    "OTHER": 0.1,
})  # fmt: skip
SIZES = _weighted({"1": 6, "2": 12, "3": 16, "4": 22, "5": 19, "6": 13, "7": 8, "8": 4})
STATUSES = _weighted({"REGISTERED": 83, "EXITED": 15, "RETURNED": 2})
REGISTRATION_YEARS = _weighted(
    {"2014": 60, "2015": 10, "2016": 15, "2017": 8, "2018": 5, "2019": 2}
)
HOUSING = _weighted({"A": 35, "B": 45, "C": 15, "D": 5})
MAX_LOADS = _weighted({"5": 1, "6": 1, "7": 2, "8": 3, "9": 2, "10": 3})
VISIT_COUNTS = _weighted({"1": 10, "2": 15, "3": 20, "4": 20, "5": 18, "6": 17})
PURPOSES = {
    "ROUTINE": "Routine visit; checked the family's situation and the help-card records.",
    "POLICY_EXPLANATION": "Explained the medical-insurance and education subsidy policies.",
    "INCOME_VERIFICATION": "Went through this year's wages and sales with the head.",
    "SUPPORT_DELIVERY": "Delivered seedlings and fertiliser; agreed the planting plan.",
    "HEALTH_FOLLOW_UP": "Followed up on the sick member's treatment and reimbursement.",
}
PURPOSE_MIX = _weighted(
    {"ROUTINE": 45, "POLICY_EXPLANATION": 20, "INCOME_VERIFICATION": 15,
     "SUPPORT_DELIVERY": 12, "HEALTH_FOLLOW_UP": 8}
)  # fmt: skip
DEPARTMENTS = (
    "Agriculture and Rural Affairs Bureau", "Education Bureau", "Health Commission",
    "Finance Bureau", "Natural Resources Bureau", "Human Resources and Social Security Bureau",
    "Civil Affairs Bureau", "Transport Bureau", "Water Affairs Bureau", "Forestry Bureau",
    "Rural Credit Cooperative", "Power Supply Bureau", "Poverty Alleviation Office",
)  # fmt: skip
POSITIONS = (
    "Director", "Deputy Director", "Section Chief", "Deputy Section Chief", "Staff Member",
    "Staff Member", "Village First Secretary",
)  # fmt: skip
WORK_PLACES = ("IN_TOWN", "IN_COUNTY", "IN_PROVINCE", "OUT_OF_PROVINCE")

UNCOVERED_SHARE = 0.03  # no active RESPONSIBLE pairing (the official moved on)
ROTATED_SHARE = 0.05  # covered, but the first responsible official was replaced
OVERDUE_SHARE = 0.025  # covered, last visit 31-150 days before as-of
ASSISTING_SHARE = 0.08
EVERY_CASE_FROM = 20  # households in a county: at least one uncovered, one overloaded
OVERLOADED_SHARE = 0.03


def _pick(rng: random.Random, mix: Mix) -> str:
    return mix.draw(rng)


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _stamp(rng: random.Random, day: dt.date) -> str:
    return f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00+08:00"


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


@dataclass
class _Person:
    relation: str
    male: bool
    age: int
    name: str = ""
    health: str = "HEALTHY"


@dataclass
class _Official:
    index: int
    max_load: int
    target: int
    code: str = ""
    load: int = 0


@dataclass
class _Home:
    code: str
    reg_date: dt.date
    lat: float
    lon: float
    values: list[object]  # HOUSEHOLD_COLUMNS up to debt
    members: int
    uncovered: bool
    responsible: _Official | None = None
    assisting: _Official | None = None
    assist_since: dt.date | None = None
    previous: _Official | None = None
    since: dt.date | None = None
    handover: dt.date | None = None  # the previous pairing's end
    last_visit: dt.date | None = None


@dataclass
class CountyRows:
    """The encoded lines of one county, by statement, and what they hold."""

    unit: Unit
    lines: dict[str, list[str]] = field(default_factory=dict)
    people: int = 0
    uncovered: int = 0
    overdue: int = 0
    overloaded: int = 0


@dataclass(frozen=True)
class Reserved:
    """Keys held by nodes outside the generated part (the demo story, data entered
    through the API), which generated nodes must not take."""

    id_numbers: frozenset[str] = frozenset()
    households: frozenset[str] = frozenset()
    officials: frozenset[str] = frozenset()


class _IdNumbers:
    """Unique ID numbers within a county (its code is their division, so counties never
    clash), avoiding numbers already held by people outside the generated part."""

    def __init__(self, rng: random.Random, division: str, reserved: frozenset[str]) -> None:
        self.rng, self.division, self.reserved = rng, division, reserved
        self.used: set[str] = set()

    def make(self, birth: dt.date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if male else 0)
            number = make_id_number(self.division, birth, sequence)
            if number not in self.used and number not in self.reserved:
                self.used.add(number)
                return number


def _family(rng: random.Random, size: int) -> list[_Person]:
    """Relations, sexes and ages of `size` people that make sense together."""
    head_age = round(rng.triangular(24, 86, 50))
    head = _Person("HEAD", rng.random() < 0.82, head_age)
    people = [head]
    if size >= 2 and (size >= 4 or rng.random() < 0.85):
        people.append(_Person("SPOUSE", not head.male, max(20, head_age + rng.randint(-6, 4))))
    if size - len(people) >= 2 and head_age <= 52 and rng.random() < 0.3:
        for male in (True, False)[: rng.randint(1, 2)]:
            age = min(95, head_age + rng.randint(22, 32))
            people.append(_Person("FATHER" if male else "MOTHER", male, age))
    slots = size - len(people)
    children, grandchildren = slots, 0
    if head_age >= 52 and slots >= 3 and rng.random() < 0.6:
        grandchildren = rng.randint(1, slots - 1)
        children = slots - grandchildren
    oldest = 0
    for _ in range(children):
        if head_age < 21:
            people.append(_Person("OTHER", rng.random() < 0.5, rng.randint(10, 40)))
            continue
        age = rng.randint(max(0, head_age - 40), head_age - 20)
        oldest = max(oldest, age)
        male = rng.random() < 0.52
        people.append(_Person("SON" if male else "DAUGHTER", male, age))
    for _ in range(grandchildren):
        male = rng.random() < 0.52
        age = rng.randint(0, max(0, min(16, oldest - 19)))
        people.append(_Person("GRANDSON" if male else "GRANDDAUGHTER", male, age))
    return people


def _health(rng: random.Random, age: int) -> str:
    roll = rng.random()
    if age < 60:
        return (
            "HEALTHY" if roll < 0.88 else "CHRONIC_ILLNESS" if roll < 0.95
            else "SERIOUS_ILLNESS" if roll < 0.97 else "DISABLED"
        )  # fmt: skip
    return (
        "HEALTHY" if roll < 0.55 else "CHRONIC_ILLNESS" if roll < 0.85
        else "SERIOUS_ILLNESS" if roll < 0.92 else "DISABLED"
    )  # fmt: skip


def _schooling(rng: random.Random, age: int) -> str:
    roll = rng.random()
    if age < 3:
        return "NOT_IN_SCHOOL"
    if age < 6:
        return "PRESCHOOL" if roll < 0.8 else "NOT_IN_SCHOOL"
    if age < 16:
        return "COMPULSORY" if roll < 0.99 else "DROPPED_OUT"
    if age < 19:
        return "HIGH_SCHOOL" if roll < 0.55 else "VOCATIONAL" if roll < 0.8 else "NOT_IN_SCHOOL"
    if age < 23:
        return "COLLEGE" if roll < 0.15 else "VOCATIONAL" if roll < 0.2 else "NOT_IN_SCHOOL"
    return "NOT_IN_SCHOOL"


def _education(rng: random.Random, age: int, schooling: str) -> str:
    if age < 6:
        return "NONE"
    if age < 16:
        return "PRIMARY" if age < 12 else "JUNIOR_HIGH"
    if schooling in ("HIGH_SCHOOL", "VOCATIONAL", "COLLEGE"):
        return "JUNIOR_HIGH" if schooling != "COLLEGE" else "SENIOR_HIGH"
    roll = rng.random()
    if age >= 60:
        return "NONE" if roll < 0.35 else "PRIMARY" if roll < 0.8 else "JUNIOR_HIGH"
    if age >= 30:
        return (
            "NONE" if roll < 0.08 else "PRIMARY" if roll < 0.43
            else "JUNIOR_HIGH" if roll < 0.88 else "SENIOR_HIGH" if roll < 0.96
            else "VOCATIONAL" if roll < 0.99 else "COLLEGE"
        )  # fmt: skip
    return (
        "PRIMARY" if roll < 0.05 else "JUNIOR_HIGH" if roll < 0.5
        else "SENIOR_HIGH" if roll < 0.75 else "VOCATIONAL" if roll < 0.92 else "COLLEGE"
    )  # fmt: skip


def _labour(rng: random.Random, age: int, health: str, schooling: str) -> str:
    if age < 16 or schooling not in ("NOT_IN_SCHOOL", "DROPPED_OUT"):
        return "NONE"
    if health in ("SERIOUS_ILLNESS", "DISABLED"):
        return "LOST" if rng.random() < 0.7 else "PARTIAL"
    if age >= 70:
        return "LOST" if health != "HEALTHY" else "PARTIAL" if rng.random() < 0.5 else "NONE"
    if health == "CHRONIC_ILLNESS" or age >= 60:
        return "PARTIAL"
    return "FULL" if rng.random() < 0.92 else "PARTIAL"


def _birth(rng: random.Random, as_of: dt.date, age: int) -> dt.date:
    return as_of - dt.timedelta(days=age * 365 + age // 4 + rng.randrange(365))


class _County:
    """Draws one county: households and members, officials, pairings, visits."""

    def __init__(self, unit: Unit, seed: int, as_of: dt.date, reserved: Reserved) -> None:
        self.unit = unit
        self.as_of = as_of
        self.rng = random.Random(f"fupin-generator/{seed}/{unit.code}")
        self.ids = _IdNumbers(self.rng, unit.code, reserved.id_numbers)
        self.reserved = reserved
        self.rows = CountyRows(unit, {k: [] for k in BATCH})
        self.homes: list[_Home] = []
        self.officials: list[_Official] = []
        self.serial = {"P": 0, "V": 0}
        # A county of some size shows every case, even in a small graph.
        self.owe_overload = sum(v.households for v in unit.villages) >= EVERY_CASE_FROM

    def draw(self) -> CountyRows:
        for village in self.unit.villages:
            taken = self.reserved.households
            numbers = (n for n in itertools.count(1) if f"{village.code}{n:04d}" not in taken)
            for _ in range(village.households):
                self._household(village, next(numbers))
        if len(self.homes) >= EVERY_CASE_FROM and not any(h.uncovered for h in self.homes):
            self.rng.choice(self.homes).uncovered = True
        self._pair()
        self._visit()
        self._encode()
        return self.rows

    # households and members

    def _household(self, village: Village, number: int) -> None:
        rng, as_of = self.rng, self.as_of
        code = f"{village.code}{number:04d}"
        size = int(_pick(rng, SIZES))
        people = _family(rng, size)
        cause = _pick(rng, CAUSES)
        secondary: list[str] = []
        for _ in range(rng.choices((0, 1, 2), (3, 4, 3))[0]):
            other = _pick(rng, CAUSES)
            if other != cause and other not in secondary:
                secondary.append(other)
        for person in people:
            person.health = _health(rng, person.age)
        if cause == "ILLNESS" and all(p.health == "HEALTHY" for p in people):
            rng.choice(people).health = rng.choice(("CHRONIC_ILLNESS", "SERIOUS_ILLNESS"))
        if cause == "DISABILITY" and all(p.health != "DISABLED" for p in people):
            rng.choice(people).health = "DISABLED"
        schooling = [_schooling(rng, p.age) for p in people]
        if cause == "SCHOOLING_COSTS" and not any(
            s in ("COMPULSORY", "HIGH_SCHOOL", "VOCATIONAL", "COLLEGE") for s in schooling
        ):
            cause = "LACK_OF_FUNDS"
            secondary = [c for c in secondary if c != cause]

        last_year = min(2019, as_of.year - 1)
        year = min(int(_pick(rng, REGISTRATION_YEARS)), last_year)
        reg_date = dt.date(year, 1, 1) + _days(rng, 0, 364)
        reg_date = min(reg_date, as_of - dt.timedelta(days=1))
        status = _pick(rng, STATUSES)
        attribute = (
            "EXTREME_POVERTY_SUPPORT"
            if size <= 2 and people[0].age >= 60 and rng.random() < 0.45
            else "LOW_INCOME_GUARANTEE"
            if rng.random() < 0.24
            else "GENERAL"
        )
        roll = rng.random()
        ethnicity = (
            "LI" if roll < self.unit.profile.li
            else "MIAO" if roll < self.unit.profile.li + self.unit.profile.miao
            else "HAN"
        )  # fmt: skip
        family = names.surname(rng)
        head_phone = _phone(rng)
        for index, (person, school) in enumerate(zip(people, schooling, strict=True)):
            same_family = person.relation not in ("SPOUSE", "MOTHER", "OTHER")
            person.name = names.person_name(rng, person.male, family if same_family else None)
            phone = head_phone if index == 0 else None
            self._member(code, reg_date, person, school, ethnicity, phone)
        extra = rng.random()
        if extra < 0.02:  # a parent who died since registration
            male = rng.random() < 0.5
            old = _Person("FATHER" if male else "MOTHER", male, min(99, people[0].age + 26))
            old.name = names.person_name(rng, male, family if male else None)
            died = as_of - _days(rng, 20, max(20, min(700, (as_of - reg_date).days - 1)))
            self._member(code, reg_date, old, "NOT_IN_SCHOOL", ethnicity, None, died, "DECEASED")
        elif extra < 0.03 and people[0].age >= 42:  # a daughter who married out
            girl = _Person("DAUGHTER", False, rng.randint(20, min(30, people[0].age - 20)))
            girl.name = names.person_name(rng, False, family)
            left = as_of - _days(rng, 20, max(20, min(700, (as_of - reg_date).days - 1)))
            self._member(
                code, reg_date, girl, "NOT_IN_SCHOOL", ethnicity, None, left, "MARRIED_OUT"
            )

        exit_year = rng.randint(max(year + 1, 2016), max(year + 1, 2020))
        grade = _pick(rng, HOUSING)
        created = _stamp(rng, reg_date)
        updated_on = max(reg_date, as_of - _days(rng, 0, 365))
        home_lat = round(village.lat + rng.uniform(-0.008, 0.008), 6)
        home_lon = round(village.lon + rng.uniform(-0.008, 0.008), 6)
        values: list[object] = [
            code, village.code,
            f"No. {number} {village.name} Village, {village.town} Town, {self.unit.name}",
            head_phone, f"6228{rng.randrange(10**15):015d}", year, reg_date,
            "NATIONAL" if rng.random() < 0.92 else "PROVINCIAL", attribute, status,
            status == "RETURNED" or (status == "EXITED" and rng.random() < 0.3),
            cause, secondary, grade, round(rng.uniform(14, 32) * (size**0.6), 1),
            rng.random() < 0.9, rng.random() < 0.98, rng.random() < 0.93, rng.random() < 0.75,
            rng.random() < 0.3, exit_year, 1, created, _stamp(rng, updated_on),
            rng.randint(2, 60) * 1000 if rng.random() < 0.4 else 0,
        ]  # fmt: skip
        uncovered = rng.random() < UNCOVERED_SHARE
        self.homes.append(_Home(code, reg_date, home_lat, home_lon, values, size, uncovered))

    def _member(
        self,
        household: str,
        reg_date: dt.date,
        person: _Person,
        schooling: str,
        ethnicity: str,
        phone: str | None,
        until: dt.date | None = None,
        reason: str | None = None,
    ) -> None:
        rng, age = self.rng, person.age
        birth = _birth(rng, self.as_of, age)
        works = age >= 18 and schooling == "NOT_IN_SCHOOL" and person.health != "SERIOUS_ILLNESS"
        labour = _labour(rng, age, person.health, schooling)
        working = works and labour in ("FULL", "PARTIAL") and rng.random() < 0.55
        if phone is None and age >= 18 and rng.random() < 0.6:
            phone = _phone(rng)
        since = max(reg_date, birth)
        if until is not None and until <= since:
            until = since + dt.timedelta(days=1)
        # The first draw of the line below, as before the ref was added: the streams
        # stay as they were, and the ref (derived, not drawn) changes none of them.
        id_number = self.ids.make(birth, person.male)
        self.rows.lines["members"].append(
            _line((
                household, id_number, person.name,
                "MALE" if person.male else "FEMALE", birth,
                ethnicity if rng.random() < 0.9 or person.relation != "SPOUSE" else "HAN",
                _education(rng, age, schooling), schooling, person.health, labour,
                rng.choice(WORK_PLACES) if working else None,
                rng.randint(3, 12) if working else 0,
                rng.random() < 0.98, rng.random() < 0.95,
                age >= 16 and schooling == "NOT_IN_SCHOOL" and rng.random() < 0.8,
                until if reason == "DECEASED" else None, phone, seed_person_ref(id_number),
                person.relation, since, until, reason,
            ))
        )  # fmt: skip
        if until is None:
            self.rows.people += 1

    # officials and pairings

    def _new_official(self) -> _Official:
        rng = self.rng
        max_load = int(_pick(rng, MAX_LOADS))
        roll = rng.random()
        if (roll < OVERLOADED_SHARE or self.owe_overload) and max_load < 10:
            target = rng.randint(max_load + 1, 10)
            self.owe_overload = False
        elif roll < OVERLOADED_SHARE + 0.05:
            target = rng.randint(1, 4)
        else:
            target = max_load - rng.choice((0, 0, 0, 1))
        official = _Official(len(self.officials), max_load, target)
        self.officials.append(official)
        return official

    def _pair(self) -> None:
        rng, as_of = self.rng, self.as_of
        covered = [h for h in self.homes if not h.uncovered]
        rng.shuffle(covered)
        n_assisting = round(ASSISTING_SHARE * len(covered))
        slots: list[_Official] = []
        while len(slots) < len(covered) + n_assisting:
            official = self._new_official()
            slots += [official] * official.target
        del slots[len(covered) + n_assisting :]
        rng.shuffle(slots)
        for home, official in zip(covered, slots, strict=False):
            home.responsible = official
            official.load += 1
        candidates = self.homes[:]
        rng.shuffle(candidates)
        pos = 0
        for official in slots[len(covered) :]:
            for k in range(pos, len(candidates)):
                if candidates[k].responsible is not official:
                    candidates[pos], candidates[k] = candidates[k], candidates[pos]
                    candidates[pos].assisting = official
                    official.load += 1
                    pos += 1
                    break
        active = [o for o in self.officials if o.load > 0]
        taken = self.reserved.officials
        numbers = (n for n in itertools.count(1) if f"{self.unit.code}G{n:05d}" not in taken)
        for official in active:
            official.code = f"{self.unit.code}G{next(numbers):05d}"
        self.officials = active
        for home in self.homes:
            first_since = max(home.reg_date, as_of - _days(rng, 380, 1400))
            if home.uncovered or rng.random() < ROTATED_SHARE:
                others = [o for o in active if o is not home.responsible] or active
                home.previous = rng.choice(others) if others else None
                low = 35 if home.uncovered else 45
                end = as_of - _days(rng, low, 300 if not home.uncovered else 200)
                home.handover = max(end, first_since + dt.timedelta(days=1))
            home.since = first_since
            if home.assisting is not None:
                home.assist_since = max(home.reg_date, as_of - _days(rng, 100, 900))

    # visits

    def _visit(self) -> None:
        rng, as_of = self.rng, self.as_of
        for home in self.homes:
            if home.uncovered:
                last = home.handover - _days(rng, 0, 20) if home.handover else None
            elif rng.random() < OVERDUE_SHARE:
                last = as_of - _days(rng, 31, 150)
            else:
                last = as_of - _days(rng, 0, 29)
            assert home.since is not None
            if last is None or last < home.since:
                continue  # nobody could have visited yet
            start = max(home.since, as_of - dt.timedelta(days=364))
            dates = [last]
            span = (last - start).days
            for _ in range(int(_pick(rng, VISIT_COUNTS)) - 1):
                if span > 0:
                    dates.append(start + dt.timedelta(days=rng.randrange(span)))
            home.last_visit = last
            for date in sorted(dates):
                official = self._visitor(home, date)
                if official is None:
                    continue
                if home.uncovered and home.handover and date >= home.handover:
                    # The previous official's pairing ended that day and nobody took
                    # over: their last visit was the day before. Only the date moves;
                    # every random draw is kept.
                    date = home.handover - dt.timedelta(days=1)
                    home.last_visit = max([date, *(d for d in dates if d < home.handover)])
                purpose = _pick(rng, PURPOSE_MIX)
                self.serial["V"] += 1
                self.rows.lines["visits"].append(
                    _line((
                        official.code, home.code, f"{self.unit.code}V{self.serial['V']:07d}",
                        date, purpose, PURPOSES[purpose],
                        round(home.lat + rng.gauss(0, 0.0003), 6),
                        round(home.lon + rng.gauss(0, 0.0003), 6),
                        _stamp(rng, date),
                    ))
                )  # fmt: skip

    def _visitor(self, home: _Home, date: dt.date) -> _Official | None:
        if home.handover is not None and date < home.handover:
            return home.previous
        if (
            home.assisting is not None
            and home.assist_since is not None
            and date >= home.assist_since
            and self.rng.random() < 0.15
        ):
            return home.assisting
        return home.responsible if not home.uncovered else home.previous

    # encoding

    def _encode(self) -> None:
        rng, unit, lines = self.rng, self.unit, self.rows.lines
        window = self.as_of - dt.timedelta(days=30)
        for official in self.officials:
            male = rng.random() < 0.6
            birth = _birth(rng, self.as_of, rng.randint(26, 58))
            lines["officials"].append(
                _line((
                    official.code, names.person_name(rng, male),
                    f"{unit.name} {rng.choice(DEPARTMENTS)}", rng.choice(POSITIONS),
                    _phone(rng), self.ids.make(birth, male), official.max_load, official.load,
                    unit.code, _stamp(rng, self.as_of - _days(rng, 1401, 1600)),
                    _stamp(rng, self.as_of - _days(rng, 0, 90)),
                ))
            )  # fmt: skip
            self.rows.overloaded += official.load > official.max_load
        for home in self.homes:
            responsible = home.responsible.code if home.responsible else None
            lines["households"].append(
                _line([*home.values, home.members, responsible, home.last_visit])
            )
            self.rows.uncovered += responsible is None
            self.rows.overdue += home.last_visit is None or home.last_visit < window
            pairings: list[tuple[_Official, str, dt.date, dt.date | None]] = []
            if home.previous is not None and home.handover is not None:
                first = home.since or home.reg_date
                pairings.append((home.previous, "RESPONSIBLE", first, home.handover))
            if home.responsible is not None:
                since = home.handover or home.since or home.reg_date
                pairings.append((home.responsible, "RESPONSIBLE", since, None))
            if home.assisting is not None and home.assist_since is not None:
                pairings.append((home.assisting, "ASSISTING", home.assist_since, None))
            for official, role, since, until in pairings:
                self.serial["P"] += 1
                pairing_id = f"{unit.code}P{self.serial['P']:07d}"
                lines["pairings"].append(
                    _line((official.code, home.code, pairing_id, role, since, until))
                )


def draw_county(unit: Unit, seed: int, as_of: dt.date, reserved: Reserved) -> CountyRows:
    """The lines of one county (pure: no database)."""
    return _County(unit, seed, as_of, reserved).draw()


# --- writing ------------------------------------------------------------------------


@dataclass
class Summary:
    households: int = 0
    people: int = 0
    officials: int = 0
    pairings: int = 0
    visits: int = 0
    regions: int = 0
    uncovered: int = 0
    overdue: int = 0
    overloaded: int = 0
    dropped: int = 0
    drop_seconds: float = 0.0
    seconds: float = 0.0
    # The audit cases planted, by rule: their finding keys (seeds/anomalies.py).
    planted: dict[str, list[str]] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.households:,} households, {self.people:,} people, "
            f"{self.officials:,} officials, {self.pairings:,} pairings, "
            f"{self.visits:,} visits in {self.regions:,} towns and villages "
            f"({self.uncovered:,} uncovered, {self.overdue:,} overdue at 30 days, "
            f"{self.overloaded:,} officials overloaded); {self.seconds:.1f} s, of which "
            f"{self.drop_seconds:.1f} s dropping {self.dropped:,} old nodes"
        )


async def _run(db: Database, statement: str, payload: str) -> None:
    async def work(tx: Tx) -> None:
        await tx.run(statement, {"rows": payload})

    await db.write(work)


def _chunks(lines: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(lines), size):
        yield lines[start : start + size]


def _summarize(prefix: str) -> Callable[[Tx], Awaitable[None]]:
    """The coverage summaries of every village under `prefix`, in one transaction."""

    async def work(tx: Tx) -> None:
        await tx.run(REFRESH_REGION_VILLAGES, {"prefix": prefix})

    return work


async def drop_generated(db: Database, progress: Progress | None = None) -> int:
    """Delete every node labelled Generated with its relationships, 10,000 nodes a
    transaction; returns how many. The demo story's nodes are not touched."""
    record = await db.read_one(COUNT_GENERATED)
    total = int(record["n"]) if record else 0
    task = progress.add_task("dropping the old generated part", total=total) if progress else None

    async def work(tx: Tx) -> int:
        found = await tx.single(DROP_GENERATED, {"limit": 10_000})
        return int(found["deleted"]) if found else 0

    dropped = 0
    while deleted := await db.write(work):
        dropped += deleted
        if progress is not None and task is not None:
            progress.update(task, completed=dropped)
    if progress is not None and task is not None:
        progress.stop_task(task)
        if not total:
            progress.remove_task(task)
    return dropped


async def generate(
    db: Database,
    *,
    households: int,
    seed: int,
    as_of: dt.date,
    progress: Progress | None = None,
) -> Summary:
    """Drop the previously generated part and write a new one; returns its figures.

    One transaction per batch of 5,000-10,000 rows; villages, households and officials
    are found by the unique constraints' index seeks. About two minutes for 152,000
    households on 2 cores, plus about a minute to drop a previous full-scale run
    (BENCHMARKS.md).
    """
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise BadUserInput(f"households must be 1 to {MAX_HOUSEHOLDS:,}", field="households")
    if as_of < EARLIEST_AS_OF:
        raise BadUserInput(f"the as-of date must be {EARLIEST_AS_OF} or later", field="asOf")
    started = time.perf_counter()
    taken = frozenset(r["code"] for r in await db.read(TAKEN_REGIONS))
    units = layout(households, seed, taken)
    summary = Summary()
    local = (RegionLevel.TOWN, RegionLevel.VILLAGE)
    generated = [r for r in region_rows(units) if r.level in local]
    codes = [r.code for r in generated]

    dropping = time.perf_counter()
    summary.dropped = await drop_generated(db, progress)
    summary.drop_seconds = time.perf_counter() - dropping
    keys = await db.read(RESERVED_KEYS)
    reserved = Reserved(
        **{
            kind: frozenset(r["key"] for r in keys if r["kind"] == kind and r["key"])
            for kind in ("id_numbers", "households", "officials")
        }
    )

    async def write_regions(tx: Tx) -> None:
        await upsert_regions(tx, region_rows(units))
        await tx.run(MARK_REGIONS, {"codes": codes})
        await tx.run(RELINK_HOUSEHOLDS)

    await db.write(write_regions)
    summary.regions = len(generated)

    task = progress.add_task("households", total=households) if progress else None
    loop = asyncio.get_running_loop()
    # A process, not a thread: a thread drawing rows holds the GIL and slows the
    # driver's handling of every reply.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        todo = [u for u in units if u.households]

        def draw(unit: Unit) -> asyncio.Future[CountyRows]:
            return loop.run_in_executor(pool, draw_county, unit, seed, as_of, reserved)

        ahead = draw(todo[0]) if todo else None
        for index, unit in enumerate(todo):
            assert ahead is not None
            rows = await ahead
            # The worker draws the next county while this one is written.
            ahead = draw(todo[index + 1]) if index + 1 < len(todo) else None
            if progress is not None and task is not None:
                progress.update(task, description=f"households: {unit.name}")
            total_lines = sum(len(v) for v in rows.lines.values())
            for kind, statement in WRITES.items():
                for chunk in _chunks(rows.lines[kind], BATCH[kind]):
                    await _run(db, statement, "\n".join(chunk))
                    if progress is not None and task is not None:
                        progress.advance(task, unit.households * len(chunk) / total_lines)
            await db.write(_summarize(unit.code))
            summary.households += len(rows.lines["households"])
            summary.people += rows.people
            summary.officials += len(rows.lines["officials"])
            summary.pairings += len(rows.lines["pairings"])
            summary.visits += len(rows.lines["visits"])
            summary.uncovered += rows.uncovered
            summary.overdue += rows.overdue
            summary.overloaded += rows.overloaded
    if progress is not None and task is not None:
        progress.update(task, description="households", completed=households)
        progress.stop_task(task)
    from seeds.anomalies import plant

    summary.planted = await plant(
        db, households=households, seed=seed, as_of=as_of, progress=progress
    )
    summary.seconds = time.perf_counter() - started
    return summary
