"""One county drawn: its households and members, officials, pairings, visits, measures
and incomes (seeds/support.py, from a stream of their own; its BORDERLINE households,
seeds/borderline.py, from others, last), as the lines graph/bulk.py's
statements read (pure: no database). A county draws from a `random.Random` of its own,
seeded from the seed and the county's code, and nothing depends on dict or set order,
so the same seed, size and date give the same lines."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from graph.bulk import BATCH, HOUSEHOLD_COLUMNS, to_line
from graph.bulk_exit import EXIT_BATCH
from graph.bulk_monitoring import MONITORING_BATCH
from seeds import names
from seeds.borderline import Room, draw_borderline
from seeds.draw import (
    ASSISTING_SHARE,
    CAUSES,
    DEPARTMENTS,
    EVERY_CASE_FROM,
    HOUSING,
    MAX_LOADS,
    OVERDUE_SHARE,
    OVERLOADED_SHARE,
    POSITIONS,
    PURPOSE_MIX,
    PURPOSES,
    REGISTRATION_YEARS,
    ROTATED_SHARE,
    SIZES,
    STATUSES,
    UNCOVERED_SHARE,
    VISIT_COUNTS,
    IdNumbers,
    Person,
    birth_date,
    days,
    family_of,
    health_at,
    member_row,
    phone_number,
    pick,
    schooling_at,
    stamp,
)
from seeds.exit_draw import draw_exits, exit_facts
from seeds.layout import Unit, Village
from seeds.market import ENABLING, TradeHome, draw_trade
from seeds.monitoring_draw import MonitorFacts, draw_monitoring
from seeds.rows import CountyRows, Reserved
from seeds.support import MemberFacts, draw_support, home_facts


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
    values: list[object]  # graph.bulk.HOUSEHOLD_COLUMNS up to debt
    members: int
    uncovered: bool
    responsible: _Official | None = None
    assisting: _Official | None = None
    assist_since: dt.date | None = None
    previous: _Official | None = None
    since: dt.date | None = None
    handover: dt.date | None = None  # the previous pairing's end
    last_visit: dt.date | None = None


class _County:
    """Draws one county: households and members, officials, pairings, visits."""

    def __init__(self, unit: Unit, seed: int, as_of: dt.date, reserved: Reserved) -> None:
        self.unit = unit
        self.as_of = as_of
        self.seed = seed
        self.rng = random.Random(f"fupin-generator/{seed}/{unit.code}")
        self.ids = IdNumbers(self.rng, unit.code, reserved.id_numbers)
        self.reserved = reserved
        self.rows = CountyRows(unit, {k: [] for k in (*BATCH, *EXIT_BATCH, *MONITORING_BATCH)})
        self.homes: list[_Home] = []
        self.officials: list[_Official] = []
        self.serial = {"P": 0, "V": 0}
        self.people: dict[str, list[MemberFacts]] = {}
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
        # Its own stream, after everything else: no draw above changes.
        facts = [
            home_facts(h.code, h.reg_date, h.values, self.people.get(h.code, ()), [
                (o.code, since, until) for o, _, since, until in _pairings(h)
            ])
            for h in self.homes
        ]  # fmt: skip
        support = draw_support(self.seed, self.unit.code, self.unit.name, self.as_of, facts)
        self.rows.lines["measures"] = support.measures
        self.rows.lines["incomes"] = support.incomes
        self._encode(support.derived)
        exits = draw_exits(self.seed, self.unit.code, self.as_of, [
            exit_facts(h.code, h.reg_date, h.values, self.people.get(h.code, ()), [
                o.code for o, role, _, _ in _pairings(h) if role == "RESPONSIBLE"
            ], support.figures.get(h.code, {}))
            for h in self.homes
        ])  # fmt: skip
        self.rows.lines["assessments"] = exits.assessments
        self.rows.lines["statusChanges"] = exits.changes
        # Monitoring and feedback (issue 13): a stream of their own, after the exits.
        watched = draw_monitoring(self.seed, self.unit.code, self.unit.name, self.as_of, [
            MonitorFacts(h.code, str(h.values[9]), bool(h.values[10]),
                         exits.since.get(h.code, h.reg_date),
                         h.responsible.code if h.responsible is not None else None)
            for h in self.homes
        ])  # fmt: skip
        self.rows.lines["monitoring"] = watched.records
        self.rows.lines["monitoringMeasures"] = watched.measures
        self.rows.lines["feedback"] = watched.feedback
        # The trade (issue 17): its own stream again, after everything else.
        enabling: dict[str, list[dt.date]] = {}
        for line in support.measures:
            cells = line.split("|")
            if cells[4] in ENABLING and not cells[13]:
                enabling.setdefault(cells[0], []).append(dt.date.fromisoformat(cells[5]))
        member = [n for n, _ in HOUSEHOLD_COLUMNS].index("cooperativeMember")
        homes = [
            TradeHome(h.code, str(h.values[1]), h.reg_date, bool(h.values[member]),
                      tuple(enabling.get(h.code, ())))
            for h in self.homes
        ]  # fmt: skip
        self.rows.trade = draw_trade(self.unit, self.seed, self.as_of, homes).rows
        # The BORDERLINE households (issue 13): streams of their own, after everything.
        self.rows.borderline = draw_borderline(
            self.unit, self.seed, self.as_of, self.reserved.households,
            self.reserved.id_numbers | self.ids.used,
            [Room(o.code, o.load, o.max_load) for o in self.officials],
        )  # fmt: skip
        return self.rows

    # households and members

    def _household(self, village: Village, number: int) -> None:
        rng, as_of = self.rng, self.as_of
        code = f"{village.code}{number:04d}"
        size = int(pick(rng, SIZES))
        people = family_of(rng, size)
        cause = pick(rng, CAUSES)
        secondary: list[str] = []
        for _ in range(rng.choices((0, 1, 2), (3, 4, 3))[0]):
            other = pick(rng, CAUSES)
            if other != cause and other not in secondary:
                secondary.append(other)
        for person in people:
            person.health = health_at(rng, person.age)
        # The cause the members bear out (the audit's CAUSE_CONTRADICTION finds none):
        # a household with a disabled member only is not ill.
        ill = ("CHRONIC_ILLNESS", "SERIOUS_ILLNESS")
        if cause == "ILLNESS" and not any(p.health in ill for p in people):
            rng.choice(people).health = rng.choice(ill)
        if cause == "DISABILITY" and all(p.health != "DISABLED" for p in people):
            rng.choice(people).health = "DISABLED"
        schooling = [schooling_at(rng, p.age) for p in people]
        if cause == "SCHOOLING_COSTS" and not any(
            s in ("COMPULSORY", "HIGH_SCHOOL", "VOCATIONAL", "COLLEGE") for s in schooling
        ):
            cause = "LACK_OF_FUNDS"
            secondary = [c for c in secondary if c != cause]

        last_year = min(2019, as_of.year - 1)
        year = min(int(pick(rng, REGISTRATION_YEARS)), last_year)
        reg_date = dt.date(year, 1, 1) + days(rng, 0, 364)
        reg_date = min(reg_date, as_of - dt.timedelta(days=1))
        status = pick(rng, STATUSES)
        # An EXITED file passes the exit checks (seeds/exit_draw.py): the values below
        # are drawn as before and written so.
        exited = status == "EXITED"
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
        head_phone = phone_number(rng)
        for index, (person, school) in enumerate(zip(people, schooling, strict=True)):
            same_family = person.relation not in ("SPOUSE", "MOTHER", "OTHER")
            person.name = names.person_name(rng, person.male, family if same_family else None)
            phone = head_phone if index == 0 else None
            self._member(code, reg_date, person, school, ethnicity, phone, exited=exited)
        extra = rng.random()
        if extra < 0.02:  # a parent who died since registration
            male = rng.random() < 0.5
            old = Person("FATHER" if male else "MOTHER", male, min(99, people[0].age + 26))
            old.name = names.person_name(rng, male, family if male else None)
            died = as_of - days(rng, 20, max(20, min(700, (as_of - reg_date).days - 1)))
            self._member(code, reg_date, old, "NOT_IN_SCHOOL", ethnicity, None, died, "DECEASED")
        elif extra < 0.03 and people[0].age >= 42:  # a daughter who married out
            girl = Person("DAUGHTER", False, rng.randint(20, min(30, people[0].age - 20)))
            girl.name = names.person_name(rng, False, family)
            left = as_of - days(rng, 20, max(20, min(700, (as_of - reg_date).days - 1)))
            self._member(
                code, reg_date, girl, "NOT_IN_SCHOOL", ethnicity, None, left, "MARRIED_OUT"
            )

        exit_year = rng.randint(max(year + 1, 2016), max(year + 1, 2020))
        grade = pick(rng, HOUSING)
        if exited and grade in ("C", "D"):
            grade = "B"
        created = stamp(rng, reg_date)
        updated_on = max(reg_date, as_of - days(rng, 0, 365))
        home_lat = round(village.lat + rng.uniform(-0.008, 0.008), 6)
        home_lon = round(village.lon + rng.uniform(-0.008, 0.008), 6)
        values: list[object] = [
            code, village.code,
            f"No. {number} {village.name} Village, {village.town} Town, {self.unit.name}",
            head_phone, f"6228{rng.randrange(10**15):015d}", year, reg_date,
            "NATIONAL" if rng.random() < 0.92 else "PROVINCIAL", attribute, status,
            status == "RETURNED" or (status == "EXITED" and rng.random() < 0.3),
            cause, secondary, grade, round(rng.uniform(14, 32) * (size**0.6), 1),
            rng.random() < 0.9 or exited, rng.random() < 0.98, rng.random() < 0.93,
            rng.random() < 0.75,
            rng.random() < 0.3, exit_year, 1, created, stamp(rng, updated_on),
            rng.randint(2, 60) * 1000 if rng.random() < 0.4 else 0,
        ]  # fmt: skip
        uncovered = rng.random() < UNCOVERED_SHARE
        self.homes.append(_Home(code, reg_date, home_lat, home_lon, values, size, uncovered))

    def _member(
        self,
        household: str,
        reg_date: dt.date,
        person: Person,
        schooling: str,
        ethnicity: str,
        phone: str | None,
        until: dt.date | None = None,
        reason: str | None = None,
        *,
        exited: bool = False,
    ) -> None:
        line, facts = member_row(
            self.rng, self.ids, self.as_of, household, reg_date, person, schooling, ethnicity,
            phone, until, reason, exited=exited,
        )  # fmt: skip
        self.rows.lines["members"].append(line)
        if facts.until is None:
            self.rows.people += 1
        self.people.setdefault(household, []).append(facts)

    # officials and pairings

    def _new_official(self) -> _Official:
        rng = self.rng
        max_load = int(pick(rng, MAX_LOADS))
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
            first_since = max(home.reg_date, as_of - days(rng, 380, 1400))
            if home.uncovered or rng.random() < ROTATED_SHARE:
                others = [o for o in active if o is not home.responsible] or active
                home.previous = rng.choice(others) if others else None
                low = 35 if home.uncovered else 45
                end = as_of - days(rng, low, 300 if not home.uncovered else 200)
                home.handover = max(end, first_since + dt.timedelta(days=1))
            home.since = first_since
            if home.assisting is not None:
                home.assist_since = max(home.reg_date, as_of - days(rng, 100, 900))

    # visits

    def _visit(self) -> None:
        rng, as_of = self.rng, self.as_of
        for home in self.homes:
            if home.uncovered:
                last = home.handover - days(rng, 0, 20) if home.handover else None
            elif rng.random() < OVERDUE_SHARE:
                last = as_of - days(rng, 31, 150)
            else:
                last = as_of - days(rng, 0, 29)
            assert home.since is not None
            if last is None or last < home.since:
                continue  # nobody could have visited yet
            start = max(home.since, as_of - dt.timedelta(days=364))
            dates = [last]
            span = (last - start).days
            for _ in range(int(pick(rng, VISIT_COUNTS)) - 1):
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
                purpose = pick(rng, PURPOSE_MIX)
                self.serial["V"] += 1
                self.rows.lines["visits"].append(
                    to_line((
                        official.code, home.code, f"{self.unit.code}V{self.serial['V']:07d}",
                        date, purpose, PURPOSES[purpose],
                        round(home.lat + rng.gauss(0, 0.0003), 6),
                        round(home.lon + rng.gauss(0, 0.0003), 6),
                        stamp(rng, date),
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

    def _encode(self, incomes: dict[str, tuple[int | None, int | None, int | None]]) -> None:
        rng, unit, lines = self.rng, self.unit, self.rows.lines
        window = self.as_of - dt.timedelta(days=30)
        for official in self.officials:
            male = rng.random() < 0.6
            birth = birth_date(rng, self.as_of, rng.randint(26, 58))
            lines["officials"].append(
                to_line((
                    official.code, names.person_name(rng, male),
                    f"{unit.name} {rng.choice(DEPARTMENTS)}", rng.choice(POSITIONS),
                    phone_number(rng), self.ids.make(birth, male), official.max_load, official.load,
                    unit.code, stamp(rng, self.as_of - days(rng, 1401, 1600)),
                    stamp(rng, self.as_of - days(rng, 0, 90)),
                ))
            )  # fmt: skip
            self.rows.overloaded += official.load > official.max_load
        for home in self.homes:
            responsible = home.responsible.code if home.responsible else None
            derived = incomes.get(home.code, (None, None, None))
            lines["households"].append(
                to_line([*home.values, home.members, responsible, home.last_visit, *derived])
            )
            self.rows.uncovered += responsible is None
            self.rows.overdue += home.last_visit is None or home.last_visit < window
            for official, role, since, until in _pairings(home):
                self.serial["P"] += 1
                pairing_id = f"{unit.code}P{self.serial['P']:07d}"
                lines["pairings"].append(
                    to_line((official.code, home.code, pairing_id, role, since, until))
                )


def _pairings(home: _Home) -> list[tuple[_Official, str, dt.date, dt.date | None]]:
    """A household's pairings: (official, role, since, until)."""
    pairings: list[tuple[_Official, str, dt.date, dt.date | None]] = []
    if home.previous is not None and home.handover is not None:
        first = home.since or home.reg_date
        pairings.append((home.previous, "RESPONSIBLE", first, home.handover))
    if home.responsible is not None:
        since = home.handover or home.since or home.reg_date
        pairings.append((home.responsible, "RESPONSIBLE", since, None))
    if home.assisting is not None and home.assist_since is not None:
        pairings.append((home.assisting, "ASSISTING", home.assist_since, None))
    return pairings


def draw_county(unit: Unit, seed: int, as_of: dt.date, reserved: Reserved) -> CountyRows:
    """The lines of one county (pure: no database)."""
    return _County(unit, seed, as_of, reserved).draw()
