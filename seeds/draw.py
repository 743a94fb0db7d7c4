"""The generator's distributions: weighted mixes of causes, sizes, statuses and the
like, the shares of the cases every county shows, and the draws of one person (a
family's relations and ages, health, schooling, education, labour, birth date) and of
their ID number. Every draw takes the county's `random.Random`, so the order of calls
is the order of draws: the same seed gives the same graph."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass

from graph.bulk import to_line
from seeds.idnumber import make_id_number, seed_person_ref
from seeds.support import MemberFacts


@dataclass(frozen=True)
class Mix:
    """Values with weights, drawn by bisecting the cumulative weights."""

    values: tuple[str, ...]
    cumulative: tuple[float, ...]

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def weighted(table: dict[str, float]) -> Mix:
    return Mix(tuple(table), tuple(itertools.accumulate(table.values())))


# The main-cause mix: illness and lack of funds lead, as in the national file.
CAUSES = weighted({
    "ILLNESS": 42.0, "LACK_OF_FUNDS": 35.0, "LACK_OF_SKILLS": 9.0, "LACK_OF_LABOUR": 6.0,
    "DISABILITY": 3.0, "SCHOOLING_COSTS": 2.0, "LACK_OF_LAND": 1.0, "DISASTER": 0.8,
    "POOR_TRANSPORT": 0.4, "LACK_OF_WATER": 0.3, "LACK_OF_MOTIVATION": 0.3, "MARRIAGE": 0.1,
    "OTHER": 0.1,
})  # fmt: skip
SIZES = weighted({"1": 6, "2": 12, "3": 16, "4": 22, "5": 19, "6": 13, "7": 8, "8": 4})
STATUSES = weighted({"REGISTERED": 83, "EXITED": 15, "RETURNED": 2})
REGISTRATION_YEARS = weighted({"2014": 60, "2015": 10, "2016": 15, "2017": 8, "2018": 5, "2019": 2})
HOUSING = weighted({"A": 35, "B": 45, "C": 15, "D": 5})
MAX_LOADS = weighted({"5": 1, "6": 1, "7": 2, "8": 3, "9": 2, "10": 3})
VISIT_COUNTS = weighted({"1": 10, "2": 15, "3": 20, "4": 20, "5": 18, "6": 17})
PURPOSES = {
    "ROUTINE": "Routine visit; checked the family's situation and the help-card records.",
    "POLICY_EXPLANATION": "Explained the medical-insurance and education subsidy policies.",
    "INCOME_VERIFICATION": "Went through this year's wages and sales with the head.",
    "SUPPORT_DELIVERY": "Delivered seedlings and fertiliser; agreed the planting plan.",
    "HEALTH_FOLLOW_UP": "Followed up on the sick member's treatment and reimbursement.",
}
PURPOSE_MIX = weighted(
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


def pick(rng: random.Random, mix: Mix) -> str:
    return mix.draw(rng)


def days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def stamp(rng: random.Random, day: dt.date) -> str:
    return f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00+08:00"


def phone_number(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


@dataclass
class Person:
    relation: str
    male: bool
    age: int
    name: str = ""
    health: str = "HEALTHY"


class IdNumbers:
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


def family_of(rng: random.Random, size: int) -> list[Person]:
    """Relations, sexes and ages of `size` people that make sense together."""
    head_age = round(rng.triangular(24, 86, 50))
    head = Person("HEAD", rng.random() < 0.82, head_age)
    people = [head]
    if size >= 2 and (size >= 4 or rng.random() < 0.85):
        people.append(Person("SPOUSE", not head.male, max(20, head_age + rng.randint(-6, 4))))
    if size - len(people) >= 2 and head_age <= 52 and rng.random() < 0.3:
        for male in (True, False)[: rng.randint(1, 2)]:
            age = min(95, head_age + rng.randint(22, 32))
            people.append(Person("FATHER" if male else "MOTHER", male, age))
    slots = size - len(people)
    children, grandchildren = slots, 0
    if head_age >= 52 and slots >= 3 and rng.random() < 0.6:
        grandchildren = rng.randint(1, slots - 1)
        children = slots - grandchildren
    oldest = 0
    for _ in range(children):
        if head_age < 21:
            people.append(Person("OTHER", rng.random() < 0.5, rng.randint(10, 40)))
            continue
        age = rng.randint(max(0, head_age - 40), head_age - 20)
        oldest = max(oldest, age)
        male = rng.random() < 0.52
        people.append(Person("SON" if male else "DAUGHTER", male, age))
    for _ in range(grandchildren):
        male = rng.random() < 0.52
        age = rng.randint(0, max(0, min(16, oldest - 19)))
        people.append(Person("GRANDSON" if male else "GRANDDAUGHTER", male, age))
    return people


def health_at(rng: random.Random, age: int) -> str:
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


def schooling_at(rng: random.Random, age: int) -> str:
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


def education_at(rng: random.Random, age: int, schooling: str) -> str:
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


def labour_at(rng: random.Random, age: int, health: str, schooling: str) -> str:
    if age < 16 or schooling not in ("NOT_IN_SCHOOL", "DROPPED_OUT"):
        return "NONE"
    if health in ("SERIOUS_ILLNESS", "DISABLED"):
        return "LOST" if rng.random() < 0.7 else "PARTIAL"
    if age >= 70:
        return "LOST" if health != "HEALTHY" else "PARTIAL" if rng.random() < 0.5 else "NONE"
    if health == "CHRONIC_ILLNESS" or age >= 60:
        return "PARTIAL"
    return "FULL" if rng.random() < 0.92 else "PARTIAL"


def birth_date(rng: random.Random, as_of: dt.date, age: int) -> dt.date:
    return as_of - dt.timedelta(days=age * 365 + age // 4 + rng.randrange(365))


def member_row(
    rng: random.Random,
    ids: IdNumbers,
    as_of: dt.date,
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
) -> tuple[str, MemberFacts]:
    """A member's line (graph/bulk.py's WRITE_MEMBERS: the person and the membership of
    `household` since its registration, or their birth) and their facts: the person's
    birth date, labour, work, insurance and phone drawn, their ID number made. An
    EXITED household's drop-out is written COMPULSORY and every member insured."""
    age = person.age
    written = "COMPULSORY" if exited and schooling == "DROPPED_OUT" else schooling
    birth = birth_date(rng, as_of, age)
    works = age >= 18 and schooling == "NOT_IN_SCHOOL" and person.health != "SERIOUS_ILLNESS"
    labour = labour_at(rng, age, person.health, schooling)
    working = works and labour in ("FULL", "PARTIAL") and rng.random() < 0.55
    if phone is None and age >= 18 and rng.random() < 0.6:
        phone = phone_number(rng)
    since = max(reg_date, birth)
    if until is not None and until <= since:
        until = since + dt.timedelta(days=1)
    # The first draw of the line below, as before the ref was added: the streams
    # stay as they were, and the ref (derived, not drawn) changes none of them.
    id_number = ids.make(birth, person.male)
    line = to_line((
        household, id_number, person.name,
        "MALE" if person.male else "FEMALE", birth,
        ethnicity if rng.random() < 0.9 or person.relation != "SPOUSE" else "HAN",
        education_at(rng, age, schooling), written, person.health, labour,
        rng.choice(WORK_PLACES) if working else None,
        rng.randint(3, 12) if working else 0,
        (insured := rng.random() < 0.98 or exited), rng.random() < 0.95,
        age >= 16 and schooling == "NOT_IN_SCHOOL" and rng.random() < 0.8,
        until if reason == "DECEASED" else None, phone, seed_person_ref(id_number),
        person.relation, since, until, reason,
    ))  # fmt: skip
    facts = MemberFacts(id_number, since, until, age, person.health, written, labour, insured)
    return line, facts
