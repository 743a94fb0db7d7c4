"""The province's shape for the generator: county-level units with their share of the
poor households, and the towns and villages drawn for a given size (codes that nest,
2,553 villages at full scale), each with its households and its BORDERLINE households
(issue 13: round(2% of N) in all, each village's in proportion to its households)."""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from graph.errors import BadUserInput
from graph.model import RegionLevel
from graph.region import RegionRow
from seeds import names
from seeds.regions import county_level_units, hainan

FULL_HOUSEHOLDS = 152_000
FULL_VILLAGES = 2_553
FULL_TOWNS = 200
# Extra households, not poor but watched (seeds/borderline.py), as a share of N.
BORDERLINE_SHARE = 0.02


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
    # BORDERLINE households, numbered after the village's others (seeds/borderline.py).
    borderline: int = 0


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

    @property
    def borderline(self) -> int:
        return sum(v.borderline for v in self.villages)


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
    return _with_borderline(units, round(BORDERLINE_SHARE * households))


def _with_borderline(units: list[Unit], total: int) -> list[Unit]:
    """The units with `total` BORDERLINE households spread over their villages in
    proportion to each village's households (largest remainder: each village's count
    is its exact share rounded down or up). Draws nothing."""
    villages = [v for u in units for v in u.villages]
    counts = iter(apportion(total, [v.households for v in villages]))
    placed = []
    for unit in units:
        spread = []
        for village in unit.villages:
            count = next(counts)
            if village.households + count > 9999:
                raise BadUserInput("too many households for a village's 4-digit numbers")
            spread.append(dataclasses.replace(village, borderline=count))
        placed.append(dataclasses.replace(unit, villages=tuple(spread)))
    return placed


def region_rows(units: Sequence[Unit]) -> list[RegionRow]:
    rows = list(hainan())
    for unit in units:
        rows += unit.towns
        town_of = {t.name: t.code for t in unit.towns}
        rows += [
            RegionRow(v.code, v.name, RegionLevel.VILLAGE, town_of[v.town]) for v in unit.villages
        ]
    return rows
