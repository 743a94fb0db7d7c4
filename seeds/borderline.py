"""The generator's BORDERLINE households (issue 13 item 8): not poor, watched.

seeds/layout.py gives each village its count (round(2% of N) in all, in proportion to
its households); each village's are numbered after its other households. A county's
are drawn after everything else of the county (seeds/county.py), from streams of
their own, so that no other draw changes:

- `fupin-generator/<seed>/<county>/borderline`: the household (GENERAL, BORDERLINE,
  monitored), registered when it was flagged, 30-1,000 days before the as-of date; 1-2
  risk types of RiskType, the first giving its main cause (ILLNESS, DISABILITY and
  SCHOOLING_COSTS borne out by its members, as the county's); its members, drawn as
  the county draws them; for 80% a RESPONSIBLE official of the county with room below
  their maxLoad (so no official becomes overloaded: coverage and the audit count what
  they counted), paired 0-30 days after the flag, who visited 1-4 times since
  (in the year before the as-of date);
- `.../borderline/support`: an income record for each of the two years before the
  as-of date's, above the line: per capita 1.02-1.45 times the threshold in the later
  year when LOW_INCOME is a risk, else 1.05-1.8 times; the year before, 1.47-2.2 times
  that when INCOME_DROP is one (a drop of more than 30%), else 0.9-1.15 times (never
  below its own line);
- `.../borderline/exit`: its status history, {null -> BORDERLINE on its registration
  date, REGISTERED}, as registerHousehold writes it;
- `.../borderline/monitoring`: an open BORDERLINE record from its registration date
  with its risk types, for about 60% a support measure within 30 days of it, and
  feedback as any household's (seeds/monitoring_draw.py), none before its registration.

No other measure: they are not poor. Lines are graph/bulk.py's, by the keys of
`CountyRows.lines`; ids are the county's code, `B`, the kind's letter and six digits
(`469030BR000001`). The derived properties in a household's line (memberCount,
responsibleOfficial, lastVisitDate, monitored, the income figures) are what
graph/derived.py computes; the generator's per-county refresh writes the rest.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from graph.bulk import to_line
from graph.income import derived_incomes
from graph.monitoring import MonitoringGroup, RiskType
from seeds import names
from seeds.draw import (
    PURPOSE_MIX,
    PURPOSES,
    SIZES,
    IdNumbers,
    days,
    family_of,
    health_at,
    member_row,
    phone_number,
    pick,
    schooling_at,
    stamp,
    weighted,
)
from seeds.layout import Unit, Village
from seeds.monitoring_draw import SUPPORTED_SHARE, feedback_lines, support_line
from seeds.support import MemberFacts, income_items, threshold

STATUS = "BORDERLINE"
PAIRED_SHARE = 0.8
SECOND_RISK_SHARE = 0.35
EARLIEST_REGISTRATION = dt.date(2014, 1, 1)
RISKS = weighted({
    RiskType.ILLNESS: 30, RiskType.LOW_INCOME: 25, RiskType.INCOME_DROP: 15,
    RiskType.ACCIDENT: 8, RiskType.DISASTER: 8, RiskType.SCHOOLING_COSTS: 7,
    RiskType.DISABILITY: 5, RiskType.OTHER: 2,
})  # fmt: skip
# The main cause a household's first risk type gives it.
CAUSE_OF = {
    RiskType.ILLNESS: "ILLNESS", RiskType.LOW_INCOME: "LACK_OF_SKILLS",
    RiskType.INCOME_DROP: "LACK_OF_FUNDS", RiskType.ACCIDENT: "LACK_OF_LABOUR",
    RiskType.DISASTER: "DISASTER", RiskType.SCHOOLING_COSTS: "SCHOOLING_COSTS",
    RiskType.DISABILITY: "DISABILITY", RiskType.OTHER: "OTHER",
}  # fmt: skip
# A cause its members must bear out (graph/audit.py's CAUSE_CONTRADICTION): a health.
BORNE_BY = {"ILLNESS": ("CHRONIC_ILLNESS", "SERIOUS_ILLNESS"), "DISABILITY": ("DISABLED",)}
STUDYING = ("COMPULSORY", "HIGH_SCHOOL", "VOCATIONAL", "COLLEGE")


@dataclass(frozen=True)
class Room:
    """An official of the county with their load and maximum, as the county drew them."""

    code: str
    load: int
    max_load: int


@dataclass
class _Home:
    code: str
    reg_date: dt.date
    risks: list[str]
    members: list[MemberFacts]
    official: str | None = None
    line: list[object] = field(default_factory=list)  # HOUSEHOLD_COLUMNS up to debt
    last_visit: dt.date | None = None


def numbers(village: Village, taken: frozenset[str]) -> list[int]:
    """The numbers of a village's BORDERLINE households: after its others, skipping the
    codes held outside the generated part, as the county numbers its households."""
    free = (n for n in itertools.count(1) if f"{village.code}{n:04d}" not in taken)
    return list(itertools.islice(free, village.households, village.households + village.borderline))


class _Draw:
    def __init__(
        self,
        unit: Unit,
        seed: int,
        as_of: dt.date,
        held: frozenset[str],
        officials: Sequence[Room],
    ) -> None:
        stream = f"fupin-generator/{seed}/{unit.code}/borderline"
        self.rng = random.Random(stream)
        self.streams = {part: random.Random(f"{stream}/{part}")
                        for part in ("support", "exit", "monitoring")}  # fmt: skip
        self.unit, self.as_of = unit, as_of
        self.ids = IdNumbers(self.rng, unit.code, held)
        self.last = as_of - dt.timedelta(days=1)
        self.room = {o.code: o.max_load - o.load for o in officials if o.load < o.max_load}
        self.lines: dict[str, list[str]] = {
            kind: []
            for kind in ("households", "members", "pairings", "visits", "incomes",
                         "statusChanges", "monitoring", "monitoringMeasures", "feedback")
        }  # fmt: skip
        self.serial: dict[str, int] = {}
        self.homes: list[_Home] = []

    def next_id(self, kind: str) -> str:
        self.serial[kind] = self.serial.get(kind, 0) + 1
        return f"{self.unit.code}B{kind}{self.serial[kind]:06d}"

    # the household, its members, its official and visits

    def household(self, village: Village, number: int) -> None:
        rng, as_of = self.rng, self.as_of
        code = f"{village.code}{number:04d}"
        reg_date = max(as_of - days(rng, 30, 1000), EARLIEST_REGISTRATION)
        risks = [pick(rng, RISKS)]
        if rng.random() < SECOND_RISK_SHARE and (other := pick(rng, RISKS)) not in risks:
            risks.append(other)
        cause = CAUSE_OF[RiskType(risks[0])]
        people = family_of(rng, int(pick(rng, SIZES)))
        for person in people:
            person.health = health_at(rng, person.age)
        if cause in BORNE_BY and all(p.health not in BORNE_BY[cause] for p in people):
            rng.choice(people).health = rng.choice(BORNE_BY[cause])
        schooling = [schooling_at(rng, p.age) for p in people]
        if cause == "SCHOOLING_COSTS" and not any(s in STUDYING for s in schooling):
            cause = "LACK_OF_FUNDS"
            risks = [r for r in risks if r != RiskType.SCHOOLING_COSTS] or [RiskType.LOW_INCOME]
        roll = rng.random()
        profile = self.unit.profile
        ethnicity = (
            "LI" if roll < profile.li else "MIAO" if roll < profile.li + profile.miao else "HAN"
        )
        family, head_phone = names.surname(rng), phone_number(rng)
        home = _Home(code, reg_date, sorted(risks), [])
        for index, (person, school) in enumerate(zip(people, schooling, strict=True)):
            kin = person.relation not in ("SPOUSE", "MOTHER", "OTHER")
            person.name = names.person_name(rng, person.male, family if kin else None)
            line, facts = member_row(
                rng, self.ids, as_of, code, reg_date, person, school, ethnicity,
                head_phone if index == 0 else None,
            )  # fmt: skip
            self.lines["members"].append(line)
            home.members.append(facts)
        grade = rng.choice("AAABBBBC")
        home.line = [
            code, village.code,
            f"No. {number} {village.name} Village, {village.town} Town, {self.unit.name}",
            head_phone, f"6228{rng.randrange(10**15):015d}", reg_date.year, reg_date,
            "NATIONAL" if rng.random() < 0.92 else "PROVINCIAL", "GENERAL", STATUS, True,
            cause, [], grade, round(rng.uniform(18, 36) * (len(people) ** 0.6), 1),
            grade != "C" or rng.random() < 0.8, True, rng.random() < 0.97, rng.random() < 0.85,
            False, None, 1, stamp(rng, reg_date),
            stamp(rng, max(reg_date, as_of - days(rng, 0, 365))),
            rng.randint(2, 40) * 1000 if rng.random() < 0.3 else 0,
        ]  # fmt: skip
        lat = village.lat + rng.uniform(-0.008, 0.008)
        lon = village.lon + rng.uniform(-0.008, 0.008)
        if self.room and rng.random() < PAIRED_SHARE:
            self.pair(home, rng.choice(sorted(self.room)), round(lat, 6), round(lon, 6))
        self.homes.append(home)

    def pair(self, home: _Home, official: str, lat: float, lon: float) -> None:
        rng = self.rng
        self.room[official] -= 1
        if not self.room[official]:
            del self.room[official]
        home.official = official
        since = min(home.reg_date + days(rng, 0, 30), self.last)
        self.lines["pairings"].append(
            to_line((official, home.code, self.next_id("P"), "RESPONSIBLE", since, None))
        )
        # In the year before the as-of date, as the county's visits.
        first = max(since, self.as_of - dt.timedelta(days=364))
        span = (self.last - first).days
        for date in sorted(first + days(rng, 0, span) for _ in range(rng.randint(1, 4))):
            purpose = pick(rng, PURPOSE_MIX)
            self.lines["visits"].append(
                to_line((
                    official, home.code, self.next_id("V"), date, purpose, PURPOSES[purpose],
                    round(lat + rng.gauss(0, 0.0003), 6), round(lon + rng.gauss(0, 0.0003), 6),
                    stamp(rng, date),
                ))
            )  # fmt: skip
            home.last_visit = date

    # incomes, the status history, monitoring

    def incomes(self, home: _Home) -> tuple[int | None, int | None, int | None]:
        rng = self.streams["support"]
        later = self.as_of.year - 1
        size = len(home.members)
        elders = any(m.age >= 60 for m in home.members)
        low = RiskType.LOW_INCOME in home.risks
        net = round(threshold(later) * (rng.uniform(1.02, 1.45) if low else rng.uniform(1.05, 1.8)))
        dropped = RiskType.INCOME_DROP in home.risks
        before = round(net * (rng.uniform(1.47, 2.2) if dropped else rng.uniform(0.9, 1.15)))
        before = max(before, round(threshold(later - 1) * 1.02))
        records = []
        for year, figure in ((later - 1, before), (later, net)):
            items = income_items(rng, figure, size, guaranteed=False, elders=elders)
            records.append((year, items, size))
            day = min(dt.date(year + 1, 1, 1) + days(rng, 0, 80), self.last)
            self.lines["incomes"].append(
                to_line((home.code, self.next_id("I"), year, *items.values(), size, 1,
                         stamp(rng, day), stamp(rng, day)))
            )  # fmt: skip
        return derived_incomes(records)

    def history(self, home: _Home) -> None:
        rng = self.streams["exit"]
        self.lines["statusChanges"].append(
            to_line((home.code, None, self.next_id("S"), None, STATUS, home.reg_date,
                     "REGISTERED", None, 1, stamp(rng, home.reg_date)))
        )  # fmt: skip

    def monitoring(self, home: _Home) -> None:
        rng = self.streams["monitoring"]
        start = home.reg_date
        self.lines["monitoring"].append(
            to_line((home.code, self.next_id("R"), MonitoringGroup.BORDERLINE, home.risks,
                     start, None, None, None, stamp(rng, start)))
        )  # fmt: skip
        if rng.random() < SUPPORTED_SHARE:
            self.lines["monitoringMeasures"].append(
                support_line(rng, home.code, self.next_id("K"), start, self.last, self.unit.name)
            )
        self.lines["feedback"] += feedback_lines(
            rng, home.code, home.official, self.as_of, lambda: self.next_id("F"), home.reg_date
        )

    def draw(self, taken: frozenset[str]) -> dict[str, list[str]]:
        for village in self.unit.villages:
            for number in numbers(village, taken):
                self.household(village, number)
        for home in self.homes:
            derived = self.incomes(home)
            self.lines["households"].append(
                to_line([*home.line, len(home.members), home.official, home.last_visit,
                         *derived])
            )  # fmt: skip
        for home in self.homes:
            self.history(home)
        for home in self.homes:
            self.monitoring(home)
        return self.lines


def draw_borderline(
    unit: Unit,
    seed: int,
    as_of: dt.date,
    taken: frozenset[str],
    ids: frozenset[str],
    officials: Sequence[Room],
) -> dict[str, list[str]]:
    """The lines of a county's BORDERLINE households, by `CountyRows.lines` kind (pure):
    `taken` the household codes held outside the generated part, `ids` the ID numbers
    the county and those outside hold, `officials` the county's officials."""
    return _Draw(unit, seed, as_of, ids, officials).draw(taken)
