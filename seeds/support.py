"""The generator's support measures and yearly incomes (issue 11), one county at a time.

Drawn from a stream of their own, `random.Random(f"fupin-generator/{seed}/{unit.code}/
support")`, after the rest of the county is drawn: every other draw stays what it was.
For each household:

- 2-8 measures that fit it: the categories its causes call for (ILLNESS: treatment and
  insurance; LACK_OF_FUNDS: a microcredit, industry; ...), then common ones; EDUCATION
  only with a pupil, HOUSING only in a C or D house, a recipient only where one fits
  (the sick member, the pupil, a working-age member) and only while a member. Dated
  from the registration to the as-of date (an EXITED household's to October of its
  exit year), delivered by the official paired that day (three times in four) or else
  by a county agency. Every rule of `recordMeasure` holds (graph/measure.py).
- an income record a year from the registration year to 2020 (never the as-of year or
  later): per capita 60-90% of the threshold in force at first (2015's for 2014),
  3-6% more a year, 10-25% more the year after an INDUSTRY, EMPLOYMENT, MICROCREDIT or
  SKILLS_TRAINING measure. EXITED and RETURNED households are above the threshold in
  their plannedExitYear (EXITED ones stay above, RETURNED ones fall back below); about
  10% of REGISTERED ones with three years or more are above it in their last two, the
  rest never.
  householdSize: the members on 31 December. The items add up to the figure exactly.

Lines are graph/bulk.py's (WRITE_MEASURES, WRITE_INCOMES); the households' derived
income properties come from graph/income.py's `derived_incomes`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.bulk import HOUSEHOLD_COLUMNS, to_line
from graph.income import derived_incomes, per_capita_net
from graph.poverty_line import POVERTY_LINES, lines_in_force

LAST_INCOME_YEAR = 2020
BOOSTING = frozenset({"INDUSTRY", "EMPLOYMENT", "MICROCREDIT", "SKILLS_TRAINING"})
ABOVE_TWO_YEARS_SHARE = 0.10
OFFICIAL_SHARE = 0.75
VOIDED_SHARE = 0.01

BY_CAUSE: dict[str, tuple[str, ...]] = {
    "ILLNESS": ("MEDICAL_TREATMENT", "MEDICAL_INSURANCE"),
    "DISABILITY": ("SOCIAL_GUARANTEE", "MEDICAL_TREATMENT"),
    "SCHOOLING_COSTS": ("EDUCATION", "EDUCATION"),
    "DISASTER": ("HOUSING", "SUPPLIES"),
    "LACK_OF_LAND": ("INDUSTRY", "EMPLOYMENT"),
    "LACK_OF_WATER": ("INDUSTRY", "OTHER"),
    "LACK_OF_SKILLS": ("SKILLS_TRAINING", "EMPLOYMENT"),
    "LACK_OF_LABOUR": ("SOCIAL_GUARANTEE", "EMPLOYMENT"),
    "LACK_OF_FUNDS": ("MICROCREDIT", "INDUSTRY"),
    "POOR_TRANSPORT": ("RELOCATION", "INDUSTRY"),
    "LACK_OF_MOTIVATION": ("SKILLS_TRAINING", "EMPLOYMENT"),
    "MARRIAGE": ("SUPPLIES", "OTHER"),
    "OTHER": ("SUPPLIES", "OTHER"),
}
COMMON = (
    ("MEDICAL_INSURANCE", 30), ("INDUSTRY", 15), ("EMPLOYMENT", 10), ("SUPPLIES", 12),
    ("SKILLS_TRAINING", 8), ("EDUCATION", 8), ("ECOLOGICAL", 5), ("ECOMMERCE", 5),
    ("HOUSING", 4), ("SOCIAL_GUARANTEE", 3),
)  # fmt: skip
AGENCIES = {
    "MEDICAL_INSURANCE": "Medical Security Bureau", "MEDICAL_TREATMENT": "Medical Security Bureau",
    "EDUCATION": "Education Bureau", "HOUSING": "Housing and Rural Construction Bureau",
    "RELOCATION": "Development and Reform Commission", "MICROCREDIT": "Rural Credit Cooperative",
    "SOCIAL_GUARANTEE": "Civil Affairs Bureau", "ECOLOGICAL": "Forestry Bureau",
    "EMPLOYMENT": "Human Resources and Social Security Bureau",
    "SKILLS_TRAINING": "Human Resources and Social Security Bureau",
    "ECOMMERCE": "Commerce Bureau",
}  # fmt: skip
DEFAULT_AGENCY = "Agriculture and Rural Affairs Bureau"
# (description, unit, fewest, most)
GOODS = {
    "INDUSTRY": (("fruit-tree seedlings", "seedlings", 50, 500), ("piglets", "head", 2, 10),
                 ("chicks", "head", 20, 100), ("black goats", "head", 2, 6)),
    "SUPPLIES": (("rice", "kg", 10, 100), ("cooking oil", "l", 5, 20),
                 ("quilts", "pieces", 1, 3)),
}  # fmt: skip
TRAINING = ("farming and animal husbandry", "tropical fruit growing", "construction work",
            "cooking", "e-commerce sales", "rubber tapping")  # fmt: skip
AMOUNTS = {
    "EMPLOYMENT": ((3000, 12000), "public-welfare post"),
    "EDUCATION": ((500, 5000), "school subsidy"),
    "MEDICAL_INSURANCE": ((180, 1500), "insurance contributions"),
    "MEDICAL_TREATMENT": ((800, 30000), "treatment costs reimbursed"),
    "HOUSING": ((10000, 40000), "dilapidated-house renovation"),
    "RELOCATION": ((20000, 60000), "relocation from a remote hamlet"),
    "ECOLOGICAL": ((2000, 10000), "forest-ranger post"),
    "SOCIAL_GUARANTEE": ((1500, 6000), "guarantee supplement"),
    "OTHER": ((200, 2000), "hardship grant"),
}
STUDYING = ("COMPULSORY", "HIGH_SCHOOL", "VOCATIONAL", "COLLEGE")


@dataclass(frozen=True)
class MemberFacts:
    id_number: str
    since: dt.date
    until: dt.date | None
    age: int
    health: str
    schooling: str
    labour: str
    insured: bool = True

    def active_on(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or self.until > day)


@dataclass(frozen=True)
class HomeFacts:
    """What a household's support depends on, as the county drew it."""

    code: str
    reg_date: dt.date
    status: str
    attribute: str
    grade: str
    causes: tuple[str, ...]  # the main cause first
    exit_year: int
    members: tuple[MemberFacts, ...]
    pairings: tuple[tuple[str, dt.date, dt.date | None], ...]  # (official, since, until)


@dataclass
class Support:
    """A county's lines (graph/bulk.py's) and each household's derived incomes."""

    measures: list[str] = field(default_factory=list)
    incomes: list[str] = field(default_factory=list)
    derived: dict[str, tuple[int | None, int | None, int | None]] = field(default_factory=dict)
    # household -> year -> (perCapitaNet, householdSize): the exits' income checks
    figures: dict[str, dict[int, tuple[int, int]]] = field(default_factory=dict)


def home_facts(
    code: str,
    reg_date: dt.date,
    values: Sequence[object],
    members: Sequence[MemberFacts],
    pairings: Sequence[tuple[str, dt.date, dt.date | None]],
) -> HomeFacts:
    """A household's facts from its line's values (HOUSEHOLD_COLUMNS up to debt)."""
    file: dict[str, Any] = dict(zip((n for n, _ in HOUSEHOLD_COLUMNS), values, strict=False))
    return HomeFacts(
        code, reg_date, str(file["status"]), str(file["attribute"]), str(file["housingGrade"]),
        (str(file["mainCause"]), *(str(c) for c in file["secondaryCauses"])),
        int(file["plannedExitYear"]), tuple(members), tuple(pairings),
    )  # fmt: skip


def threshold(year: int) -> int:
    """The threshold in force (2015's for the years before the first line)."""
    found = lines_in_force(max(year, POVERTY_LINES[0][0]), POVERTY_LINES)
    assert found is not None
    return found


def _stamp(rng: random.Random, day: dt.date) -> str:
    return f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00+08:00"


class _Draw:
    def __init__(self, seed: int, unit_code: str, unit_name: str, as_of: dt.date) -> None:
        self.rng = random.Random(f"fupin-generator/{seed}/{unit_code}/support")
        self.unit_code, self.unit_name, self.as_of = unit_code, unit_name, as_of
        self.out = Support()
        self.serial = {"M": 0, "I": 0}
        self.common = [c for c, _ in COMMON], [w for _, w in COMMON]

    def home(self, home: HomeFacts) -> None:
        boosts = self.measures(home)
        self.incomes(home, boosts)

    # measures

    def categories(self, home: HomeFacts) -> list[str]:
        rng = self.rng
        wanted: list[str] = list(BY_CAUSE[home.causes[0]])
        for cause in home.causes[1:]:
            wanted.append(rng.choice(BY_CAUSE[cause]))
        count = rng.randint(2, 8)
        while len(wanted) < count:
            wanted.append(rng.choices(*self.common)[0])
        pupils = any(m.schooling in STUDYING for m in home.members)
        fitted = []
        for category in wanted[:count]:
            if category == "EDUCATION" and not pupils:
                category = "SKILLS_TRAINING"
            if category == "HOUSING" and home.grade not in ("C", "D"):
                category = "SUPPLIES"
            if category == "MEDICAL_TREATMENT" and all(m.health == "HEALTHY" for m in home.members):
                category = "MEDICAL_INSURANCE"
            fitted.append(category)
        return fitted

    def measures(self, home: HomeFacts) -> list[tuple[int, float]]:
        """Draw the household's measures; returns (year, income boost) of the boosting
        ones."""
        rng = self.rng
        last = self.as_of - dt.timedelta(days=1)
        if home.status == "EXITED":
            last = min(last, dt.date(home.exit_year, 10, 31))
        span = max(0, (last - home.reg_date).days)
        boosts = []
        for category in self.categories(home):
            day = home.reg_date + dt.timedelta(days=rng.randint(0, span))
            self.measure(home, category, day)
            if category in BOOSTING:
                boosts.append((day.year, rng.uniform(1.10, 1.25)))
        return boosts

    def recipient(self, home: HomeFacts, category: str, day: dt.date) -> str | None:
        present = [m for m in home.members if m.active_on(day)]
        if category == "MEDICAL_TREATMENT":
            fits = [m for m in present if m.health != "HEALTHY"]
        elif category == "EDUCATION":
            fits = [m for m in present if m.schooling in STUDYING]
        elif category in ("SKILLS_TRAINING", "EMPLOYMENT"):
            fits = [m for m in present if m.labour in ("FULL", "PARTIAL") and 16 <= m.age < 65]
        else:
            return None
        return self.rng.choice(fits).id_number if fits else None

    def deliverer(self, home: HomeFacts, category: str, day: dt.date) -> tuple[str | None, str]:
        paired = [o for o, since, until in home.pairings
                  if since <= day and (until is None or until > day)]  # fmt: skip
        if paired and self.rng.random() < OFFICIAL_SHARE:
            return self.rng.choice(paired), ""
        return None, f"{self.unit_name} {AGENCIES.get(category, DEFAULT_AGENCY)}"

    def measure(self, home: HomeFacts, category: str, day: dt.date) -> None:
        rng = self.rng
        amount: int | None = None
        quantity: int | None = None
        unit = description = ""
        term: int | None = None
        notes = ""
        if category in GOODS:
            description, unit, low, high = rng.choice(GOODS[category])
            quantity = rng.randint(low, high)
        elif category == "SKILLS_TRAINING":
            quantity, unit, description = rng.randint(3, 15), "days", rng.choice(TRAINING)
        elif category == "ECOMMERCE":
            quantity, unit, description = 1, "enrolment", "enrolled in e-commerce sales"
        elif category == "MICROCREDIT":
            amount, term = rng.randint(5, 50) * 1000, rng.choice((12, 24, 36))
            description = "poverty microloan, interest subsidised"
        else:
            (low, high), description = AMOUNTS[category]
            amount = rng.randint(low // 10, high // 10) * 10
            if category == "MEDICAL_TREATMENT":
                notes = "Hospital treatment; costs reimbursed under the medical assistance policy."
        official, agency = self.deliverer(home, category, day)
        member = self.recipient(home, category, day)
        voided = rng.random() < VOIDED_SHARE
        self.serial["M"] += 1
        self.out.measures.append(
            to_line((
                home.code, official, member, f"{self.unit_code}M{self.serial['M']:07d}",
                category, day, amount, quantity, unit, description, agency, term, notes,
                day if voided else None, "recorded twice" if voided else None,
                _stamp(rng, day),
            ))
        )  # fmt: skip

    # incomes

    def incomes(self, home: HomeFacts, boosts: Sequence[tuple[int, float]]) -> None:
        rng = self.rng
        first, last = home.reg_date.year, min(LAST_INCOME_YEAR, self.as_of.year - 1)
        if first > last:
            self.out.derived[home.code] = (None, None, None)
            return
        # Two years above, after one at least below (where it began).
        above_two = home.status == "REGISTERED" and rng.random() < ABOVE_TWO_YEARS_SHARE
        above_two = above_two and last - first >= 2
        figure = threshold(first) * rng.uniform(0.6, 0.9)
        records = []
        for year in range(first, last + 1):
            if year > first:
                figure *= rng.uniform(1.03, 1.06)
            for boost_year, boost in boosts:
                if boost_year + 1 == year:
                    figure *= boost
            line = threshold(year)
            exited = home.status in ("EXITED", "RETURNED") and year >= home.exit_year
            if exited and (home.status == "EXITED" or year == home.exit_year):
                figure = max(figure, line * rng.uniform(1.02, 1.2))
            elif above_two and year >= last - 1:
                figure = max(figure, line * rng.uniform(1.02, 1.15))
            elif figure >= line * 0.98:
                figure = line * rng.uniform(0.8, 0.97)
            size = sum(1 for m in home.members if m.active_on(dt.date(year, 12, 31)))
            items = self.items(home, round(figure), max(size, 1))
            records.append((year, items, max(size, 1)))
            self.out.figures.setdefault(home.code, {})[year] = (round(figure), max(size, 1))
            self.serial["I"] += 1
            stamp = _stamp(rng, dt.date(year + 1, 1, 1) + dt.timedelta(days=rng.randint(0, 80)))
            self.out.incomes.append(
                to_line((
                    home.code, f"{self.unit_code}I{self.serial['I']:07d}", year,
                    *items.values(), max(size, 1), 1, stamp, stamp,
                ))
            )  # fmt: skip
        self.out.derived[home.code] = derived_incomes(records)

    def items(self, home: HomeFacts, per_capita: int, size: int) -> dict[str, int]:
        guaranteed = home.attribute in ("LOW_INCOME_GUARANTEE", "EXTREME_POVERTY_SUPPORT")
        elders = any(m.age >= 60 for m in home.members)
        return income_items(self.rng, per_capita, size, guaranteed=guaranteed, elders=elders)


def income_items(
    rng: random.Random, per_capita: int, size: int, *, guaranteed: bool, elders: bool
) -> dict[str, int]:
    """An income record's items whose perCapitaNet is exactly `per_capita` for `size`
    people: a low-income guarantee where the household has one, pensions where it has
    members of 60 or more."""
    net = per_capita * size + rng.randint(0, size - 1)
    production = round(net * rng.uniform(0.2, 0.45))
    items = {
        "wages": 0,
        "productionIncome": 0,
        "productionCosts": round(net * rng.uniform(0.05, 0.2)),
        "propertyIncome": round(net * rng.uniform(0, 0.04)),
        "pensionIncome": round(net * rng.uniform(0.02, 0.08)) if elders else 0,
        "lowIncomeGuarantee": round(net * rng.uniform(0.15, 0.3)) if guaranteed else 0,
        "subsidies": round(net * rng.uniform(0.02, 0.08)),
        "ecologicalCompensation": round(net * rng.uniform(0, 0.03)),
    }
    items["productionIncome"] = production + items["productionCosts"]
    others = sum(v for k, v in items.items() if k not in ("wages", "productionCosts"))
    items["wages"] = net - (others - items["productionCosts"])
    if items["wages"] < 0:  # rounding on a small figure: production gives it back
        items["productionIncome"] += items["wages"]
        items["wages"] = 0
    assert per_capita_net(items, size) == per_capita
    return items


def draw_support(
    seed: int, unit_code: str, unit_name: str, as_of: dt.date, homes: Sequence[HomeFacts]
) -> Support:
    """The measures and incomes of a county's households, in their order (pure)."""
    draw = _Draw(seed, unit_code, unit_name, as_of)
    for home in homes:
        draw.home(home)
    return draw.out
