"""Anomalies the generator plants for the file audit to find (issue 18).

After the counties are written, `plant` changes the generated file in ceil(N / 1,000)
places for each of the first six rules of graph/audit.py, case i of a rule in the i-th
county-level unit after a random one (so the cases spread over the counties), each in
households and people no other case touches, never BORDERLINE ones (seeds/borderline.py:
the rules assume the poverty file's, and the cases stay those planted before there were
any):

    DUPLICATE_MEMBERSHIP  an active member also joins a household of the next unit
    INVALID_ID_NUMBER     an active member's ID number gets a wrong check character,
                          or (every other case) an impossible birth date
    IMPLAUSIBLE_AGE       an active member born 112 years before the as-of date, or
                          (every other case) a head born 8 years before it
    MEMBER_IS_OFFICIAL    an official of the unit takes an active member's ID number
    CROSS_CHECK_MATCH     an active member's ID number on a cross-check list
    CAUSE_CONTRADICTION   a household's main cause becomes one its members contradict
    EXIT_CRITERIA_UNMET   an EXITED household's house graded C, or (every other case) an
                          active member's medical insurance gone
    MEASURE_TO_DECEASED   a living recipient of a REGISTERED household's measures dies
                          the day before the last of them
    OFFICIAL_PAIRED_WITH_RELATIVE
                          an official actively paired with a household grew up in it:
                          a person with the official's ID number, a SON of the household
                          who moved away 30 days after its registration
    HOUSEHOLD_SPLIT_OR_MERGE
                          two non-head members of a REGISTERED household (whose main
                          cause none of the three that members support) leave it 1-30
                          days apart and each joins another REGISTERED household of the
                          unit 1-30 days later

and writes the lists with about 5,000 other numbers that nobody in the graph holds. The
rest of the generated file is clean for those rules, so a run finds exactly the
planted cases (`Summary.planted`: each rule's finding keys, as graph/audit.py's
`finding_key` writes them). NO_RESPONSIBLE_OFFICIAL and OFFICIAL_OVERLOADED are
organic (coverage counts them), and so is INCOME_ABOVE_LINE_TWO_YEARS (seeds/support.py
draws such households on purpose). An official given a member's ID number is never
one paired with that member's household, so MEMBER_IS_OFFICIAL raises no
OFFICIAL_PAIRED_WITH_RELATIVE.

Every choice comes from the stream `fupin-generator/<seed>/anomalies` and the graph
the generator wrote (read in code order), so the same seed, size and date plant the
same cases, and the generator's own streams are untouched. What is written carries the
Generated label or belongs to a generated node, so the next run drops it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from graph.audit import AuditRule, finding_key
from graph.crosscheck import CrossCheckList, merge_entries
from graph.db import Database, Tx
from graph.derived import refresh_households
from graph.household import HouseholdStatus
from graph.validation import id_check_character
from seeds.idnumber import make_id_number, seed_person_ref

if TYPE_CHECKING:
    from rich.progress import Progress

PLANTED_RULES = (
    AuditRule.DUPLICATE_MEMBERSHIP,
    AuditRule.INVALID_ID_NUMBER,
    AuditRule.IMPLAUSIBLE_AGE,
    AuditRule.MEMBER_IS_OFFICIAL,
    AuditRule.CROSS_CHECK_MATCH,
    AuditRule.CAUSE_CONTRADICTION,
    AuditRule.EXIT_CRITERIA_UNMET,
    AuditRule.MEASURE_TO_DECEASED,
    AuditRule.OFFICIAL_PAIRED_WITH_RELATIVE,
    AuditRule.HOUSEHOLD_SPLIT_OR_MERGE,
)
OTHERS = 5_000
# Divisions outside Hainan: the other numbers on the lists belong to nobody on file.
OTHER_DIVISIONS = ("110105", "310104", "440106", "510107", "330106", "420106", "610113")
SOURCE = "generated"
BORDERLINE = HouseholdStatus.BORDERLINE.value

# The rules assume households in the poverty file: BORDERLINE ones (seeds/borderline.py)
# are never picked, so the cases are those planted before they were generated.
UNITS = (
    "MATCH (h:Household:Generated) WHERE h.deregisteredOn IS NULL AND h.status <> $borderline "
    "RETURN left(h.code, 6) AS unit, count(*) AS n ORDER BY unit"
)

# The households of a unit that no case has touched and that meet the case's
# condition on `h`, in code order: one picked by index.
PICK_HOUSEHOLD = """
MATCH (h:Household:Generated) WHERE h.code STARTS WITH $unit AND h.deregisteredOn IS NULL
  AND h.status <> $borderline AND NOT h.code IN $used AND {condition}
WITH h ORDER BY h.code
WITH collect(h.code) AS codes
RETURN CASE WHEN size(codes) = 0 THEN null ELSE codes[$pick % size(codes)] END AS code
"""

PICK_MEMBER = """
MATCH (p:Person)-[m:MEMBER_OF]->(:Household {code: $code}) WHERE m.until IS NULL {condition}
WITH p, m ORDER BY p.idNumber
WITH collect({ref: p.ref, idNumber: p.idNumber, head: m.relation = 'HEAD'}) AS people
RETURN CASE WHEN size(people) = 0 THEN null ELSE people[$pick % size(people)] END AS person
"""

PICK_OFFICIAL = """
MATCH (o:Official:Generated) WHERE o.regionCode = $unit AND NOT o.code IN $used
WITH o ORDER BY o.code
WITH collect(o.code) AS codes
RETURN CASE WHEN size(codes) = 0 THEN null ELSE codes[$pick % size(codes)] END AS code
"""

ADD_MEMBERSHIP = """
MATCH (p:Person {ref: $ref}), (h:Household {code: $code})
CREATE (p)-[:MEMBER_OF {relation: 'OTHER', since: h.registrationDate}]->(h)
"""
SET_ID_NUMBER = "MATCH (p:Person {ref: $ref}) SET p.idNumber = $idNumber"
SET_BIRTH_DATE = "MATCH (p:Person {ref: $ref}) SET p.birthDate = $born"
TAKEN_ID = "RETURN EXISTS { (:Person {idNumber: $idNumber}) } AS taken"
SET_OFFICIAL_ID = (
    "MATCH (o:Official {code: $code}), (p:Person {ref: $ref}) SET o.idNumber = p.idNumber"
)
SET_CAUSE = """
MATCH (h:Household {code: $code})
SET h.mainCause = $cause,
    h.secondaryCauses = [c IN coalesce(h.secondaryCauses, []) WHERE c <> $cause]
"""
HELD_IDS = "UNWIND $ids AS n MATCH (:Person {idNumber: n}) RETURN n"

# MEMBER_IS_OFFICIAL's household: one its official is not paired with.
NOT_PAIRED = "NOT EXISTS { (:Official {code: $official})-[:PAIRED_WITH]->(h) }"
EXITED = "h.status = 'EXITED'"
EXIT_OF = """
MATCH (a:Assessment)-[:ASSESSES]->(:Household {code: $code}) WHERE a.passed
RETURN a.id ORDER BY a.date DESC, a.year DESC LIMIT 1
"""
SET_GRADE = "MATCH (h:Household {code: $code}) SET h.housingGrade = 'C'"
UNINSURE = "MATCH (p:Person {ref: $ref}) SET p.medicalInsurance = false"
# A REGISTERED household (never exited) with a measure received by a living member.
WITH_RECIPIENT = """h.status = 'REGISTERED' AND h.exitYear IS NULL AND EXISTS {
  MATCH (x:Measure)-[:MEASURE_FOR]->(h) WHERE x.voidedOn IS NULL
  MATCH (x)-[:RECEIVED_BY]->(q:Person)-[a:MEMBER_OF]->(h) WHERE a.until IS NULL
    AND q.diedOn IS NULL }"""
PICK_RECIPIENT = """
MATCH (x:Measure)-[:MEASURE_FOR]->(h:Household {code: $code}) WHERE x.voidedOn IS NULL
MATCH (x)-[:RECEIVED_BY]->(p:Person)-[a:MEMBER_OF]->(h) WHERE a.until IS NULL AND p.diedOn IS NULL
WITH DISTINCT p ORDER BY p.ref
WITH collect({ref: p.ref}) AS people
RETURN people[$pick % size(people)] AS person
"""
# The recipient dies the day before the last measure they received: those after it.
SET_DIED = """
MATCH (p:Person {ref: $ref})
WITH p, COLLECT { MATCH (x:Measure)-[:RECEIVED_BY]->(p) WHERE x.voidedOn IS NULL
                  RETURN x.date ORDER BY x.date DESC LIMIT 1 }[0] AS last
SET p.diedOn = last - duration({days: 1})
RETURN COLLECT { MATCH (x:Measure)-[:RECEIVED_BY]->(p) WHERE x.voidedOn IS NULL
                 AND x.date > p.diedOn RETURN x.id } AS measures
"""
# An official of the unit no case has used, actively paired with a household no case
# has touched: one picked by index.
PICK_PAIRED = """
MATCH (o:Official:Generated)-[r:PAIRED_WITH]->(h:Household:Generated)
WHERE o.regionCode = $unit AND r.until IS NULL AND h.code STARTS WITH $unit
  AND h.deregisteredOn IS NULL AND h.status <> $borderline AND NOT h.code IN $used
  AND NOT o.code IN $officials
WITH o, h ORDER BY o.code, h.code
WITH collect({official: o.code, code: h.code, idNumber: o.idNumber}) AS pairs
RETURN CASE WHEN size(pairs) = 0 THEN null ELSE pairs[$pick % size(pairs)] END AS found
"""
GREW_UP = """
MATCH (h:Household {code: $code}), (o:Official {code: $official})
SET o.idNumber = $idNumber
CREATE (p:Person:Generated {idNumber: $idNumber, ref: $ref, name: 'Planted Official',
                            sex: $sex, birthDate: $born})
CREATE (p)-[:MEMBER_OF {relation: 'SON', since: h.registrationDate,
                        until: h.registrationDate + duration({days: 30}),
                        endReason: 'MOVED_AWAY'}]->(h)
"""
# A REGISTERED household (never exited) registered before $before, with two non-head
# members or more, whose main cause is none that members support (moving them out
# contradicts nothing); the household they join: REGISTERED, registered before too.
MOVABLE = """h.status = 'REGISTERED' AND h.exitYear IS NULL AND h.registrationDate < $before
  AND NOT h.mainCause IN $causes AND COUNT {
    MATCH (:Person)-[a:MEMBER_OF]->(h) WHERE a.until IS NULL AND a.relation <> 'HEAD' } >= 2"""
STAYING = "h.status = 'REGISTERED' AND h.exitYear IS NULL AND h.registrationDate < $before"
NON_HEADS = """
MATCH (p:Person)-[a:MEMBER_OF]->(:Household {code: $code})
WHERE a.until IS NULL AND a.relation <> 'HEAD'
RETURN p.ref ORDER BY p.ref
"""
NON_HEADS = NON_HEADS.replace(
    "RETURN p.ref ORDER BY p.ref", "WITH p ORDER BY p.ref RETURN collect(p.ref)"
)
MOVE = """
MATCH (p:Person {ref: $ref})-[a:MEMBER_OF]->(:Household {code: $left})
MATCH (b:Household {code: $joined})
SET a.until = $on, a.endReason = 'MOVED_AWAY'
CREATE (p)-[:MEMBER_OF {relation: 'OTHER', since: $since}]->(b)
"""


def _without(prop: str, values: Sequence[str]) -> str:
    joined = ", ".join(f"'{v}'" for v in values)
    return (
        "NOT EXISTS { MATCH (q:Person)-[a:MEMBER_OF]->(h) WHERE a.until IS NULL "
        f"AND q.{prop} IN [{joined}] }}"
    )


# cause -> the condition its household meets: no active member supports the cause.
CONTRADICTED = {
    "DISABILITY": _without("health", ["DISABLED"]),
    "ILLNESS": _without("health", ["CHRONIC_ILLNESS", "SERIOUS_ILLNESS"]),
    "SCHOOLING_COSTS": _without(
        "schooling", ["COMPULSORY", "HIGH_SCHOOL", "VOCATIONAL", "COLLEGE"]
    ),
}


class _NothingToPlant(Exception):
    """A case found nothing to plant in its unit: its transaction only read."""


class _Planter:
    def __init__(self, db: Database, rng: random.Random, units: list[str], as_of: dt.date) -> None:
        self.db, self.rng, self.units, self.as_of = db, rng, units, as_of
        self.households: set[str] = set()
        self.people: set[str] = set()
        self.officials: set[str] = set()

    async def one(self, tx: Tx, cypher: str, **params: Any) -> Any:
        record = await tx.single(cypher, params)
        return None if record is None else record[0]

    async def household(
        self, tx: Tx, unit: str, condition: str = "true", **more: Any
    ) -> str | None:
        code = await self.one(
            tx,
            PICK_HOUSEHOLD.replace("{condition}", condition),
            unit=unit,
            used=sorted(self.households),
            pick=self.rng.randrange(1 << 30),
            borderline=BORDERLINE,
            **more,
        )
        if code is None:
            return None
        self.households.add(code)
        return str(code)

    async def member(
        self, tx: Tx, code: str, *, head: bool = False, condition: str = ""
    ) -> dict[str, Any]:
        """An active member (the head; one meeting `condition`) of a household the
        generator wrote: it has one."""
        person = await self.one(
            tx,
            PICK_MEMBER.replace("{condition}", "AND m.relation = 'HEAD'" if head else condition),
            code=code,
            pick=self.rng.randrange(1 << 30),
        )
        self.people.add(person["ref"])
        return dict(person)

    async def case(self, rule: AuditRule, i: int, unit: str) -> str | None:
        """Plant case i of `rule` in `unit`: its finding key, or None when the unit
        holds nothing to plant it in (a tiny graph)."""
        planters: dict[AuditRule, Callable[[Tx, int, str], Any]] = {
            AuditRule.DUPLICATE_MEMBERSHIP: self.duplicate,
            AuditRule.INVALID_ID_NUMBER: self.invalid,
            AuditRule.IMPLAUSIBLE_AGE: self.age,
            AuditRule.MEMBER_IS_OFFICIAL: self.official,
            AuditRule.CROSS_CHECK_MATCH: self.listed,
            AuditRule.CAUSE_CONTRADICTION: self.cause,
            AuditRule.EXIT_CRITERIA_UNMET: self.exit_unmet,
            AuditRule.MEASURE_TO_DECEASED: self.deceased,
            AuditRule.OFFICIAL_PAIRED_WITH_RELATIVE: self.relative,
            AuditRule.HOUSEHOLD_SPLIT_OR_MERGE: self.moved,
        }
        planter = planters[rule]

        async def work(tx: Tx) -> str:
            refs: list[str] | None = await planter(tx, i, unit)
            if refs is None:  # only read: rolled back, not committed as a write
                raise _NothingToPlant
            return finding_key(rule.value, refs)

        try:
            return await self.db.write(work)
        except _NothingToPlant:
            return None

    async def duplicate(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        other = self.units[(self.units.index(unit) + 1) % len(self.units)]
        first = await self.household(tx, unit)
        second = await self.household(tx, other) if first else None
        if first is None or second is None:
            return None
        person = await self.member(tx, first)
        await tx.run(ADD_MEMBERSHIP, {"ref": person["ref"], "code": second})
        await refresh_households(tx, [second])
        return [f"Household:{first}", f"Household:{second}", f"Person:{person['ref']}"]

    async def invalid(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        code = await self.household(tx, unit)
        if code is None:
            return None
        person = await self.member(tx, code)
        number = person["idNumber"]
        if i % 2 == 0:
            bad = number[:17] + ("0" if number[17] != "0" else "1")
        else:  # 30 February of the birth year, with the check character it would have
            first17 = number[:10] + "0230" + number[14:17]
            bad = first17 + id_check_character(first17)
        if await self.one(tx, TAKEN_ID, idNumber=bad):
            return None
        await tx.run(SET_ID_NUMBER, {"ref": person["ref"], "idNumber": bad})
        return [f"Household:{code}", f"Person:{person['ref']}"]

    async def age(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        code = await self.household(tx, unit)
        if code is None:
            return None
        head = i % 2 == 1
        person = await self.member(tx, code, head=head)
        years = 8 if head else 112
        born = self.as_of.replace(year=self.as_of.year - years, day=min(self.as_of.day, 28))
        born -= dt.timedelta(days=self.rng.randrange(200))
        await tx.run(SET_BIRTH_DATE, {"ref": person["ref"], "born": born})
        return [f"Household:{code}", f"Person:{person['ref']}"]

    async def official(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        official = await self.one(
            tx, PICK_OFFICIAL, unit=unit, used=sorted(self.officials),
            pick=self.rng.randrange(1 << 30),
        )  # fmt: skip
        code = await self.household(tx, unit, NOT_PAIRED, official=official) if official else None
        if official is None or code is None:
            return None
        self.officials.add(official)
        person = await self.member(tx, code)
        await tx.run(SET_OFFICIAL_ID, {"code": official, "ref": person["ref"]})
        return [f"Household:{code}", f"Official:{official}", f"Person:{person['ref']}"]

    async def listed(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        code = await self.household(tx, unit)
        if code is None:
            return None
        person = await self.member(tx, code)
        name = self.rng.choice(list(CrossCheckList)).value
        await merge_entries(tx, name, SOURCE, [person["idNumber"]], generated=True)
        return [f"Household:{code}", f"List:{name}", f"Person:{person['ref']}"]

    async def cause(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        causes = list(CONTRADICTED)
        for k in range(len(causes)):  # the case's cause first, then the others
            cause = causes[(i + k) % len(causes)]
            code = await self.household(tx, unit, CONTRADICTED[cause])
            if code is not None:
                await tx.run(SET_CAUSE, {"code": code, "cause": cause})
                return [f"Household:{code}"]
        return None

    async def exit_unmet(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        code = await self.household(tx, unit, EXITED)
        assessment = await self.one(tx, EXIT_OF, code=code) if code else None
        if code is None or assessment is None:
            return None
        if i % 2 == 0:
            await tx.run(SET_GRADE, {"code": code})
        else:
            person = await self.member(tx, code)
            await tx.run(UNINSURE, {"ref": person["ref"]})
        return [f"Household:{code}", f"Assessment:{assessment}"]

    async def deceased(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        code = await self.household(tx, unit, WITH_RECIPIENT)
        if code is None:
            return None
        person = await self.one(tx, PICK_RECIPIENT, code=code, pick=self.rng.randrange(1 << 30))
        died = await self.one(tx, SET_DIED, ref=person["ref"])
        if len(died) != 1:  # two measures on the last day: nothing planted here
            return None
        self.people.add(person["ref"])
        return [f"Household:{code}", f"Measure:{died[0]}", f"Person:{person['ref']}"]

    async def relative(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        found = await self.one(
            tx, PICK_PAIRED, unit=unit, used=sorted(self.households),
            officials=sorted(self.officials), pick=self.rng.randrange(1 << 30),
            borderline=BORDERLINE,
        )  # fmt: skip
        if found is None:
            return None
        code, official, number = found["code"], found["official"], found["idNumber"]
        if number is None:
            born = self.as_of.replace(year=self.as_of.year - 30 - self.rng.randrange(20), day=1)
            number = make_id_number(unit, born, self.rng.randrange(1000))
        if await self.one(tx, TAKEN_ID, idNumber=number):
            return None
        self.households.add(code)
        self.officials.add(official)
        ref = seed_person_ref(number)
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        sex = "MALE" if int(number[16]) % 2 else "FEMALE"
        await tx.run(
            GREW_UP,
            {"code": code, "official": official, "idNumber": number, "ref": ref, "born": born,
             "sex": sex},
        )  # fmt: skip
        self.people.add(ref)
        return [f"Household:{code}", f"Official:{official}", f"Person:{ref}"]

    async def moved(self, tx: Tx, i: int, unit: str) -> list[str] | None:
        before = self.as_of - dt.timedelta(days=400)
        left = await self.household(tx, unit, MOVABLE, before=before, causes=list(CONTRADICTED))
        joined = await self.household(tx, unit, STAYING, before=before) if left else None
        if left is None or joined is None:
            return None
        people = await self.one(tx, NON_HEADS, code=left)
        start = self.rng.randrange(2, len(people) + 1)
        movers = people[start - 2 : start]
        day = self.as_of - dt.timedelta(days=100 + self.rng.randrange(200))
        refs = []
        for person in movers:
            self.people.add(person)
            gone = day
            day = gone + dt.timedelta(days=1 + self.rng.randrange(30))
            since = gone + dt.timedelta(days=1 + self.rng.randrange(30))
            await tx.run(
                MOVE, {"ref": person, "left": left, "joined": joined, "on": gone, "since": since}
            )
            refs.append(f"Person:{person}")
        await refresh_households(tx, [left, joined])
        return [f"Household:{left}", f"Household:{joined}", *refs]

    def others(self) -> dict[str, list[str]]:
        """About OTHERS valid numbers from outside the province, spread over the lists."""
        lists: dict[str, list[str]] = {name.value: [] for name in CrossCheckList}
        for _ in range(OTHERS):
            born = dt.date(1940, 1, 1) + dt.timedelta(days=self.rng.randrange(65 * 365))
            number = make_id_number(
                self.rng.choice(OTHER_DIVISIONS), born, self.rng.randrange(1000)
            )
            lists[self.rng.choice(list(lists))].append(number)
        return lists


async def plant(
    db: Database,
    *,
    households: int,
    seed: int,
    as_of: dt.date,
    progress: Progress | None = None,
) -> dict[str, list[str]]:
    """Plant the cases (the module docstring) in the generated part of the graph:
    each rule's finding keys, sorted."""
    rng = random.Random(f"fupin-generator/{seed}/anomalies")
    units = [r["unit"] for r in await db.read(UNITS, {"borderline": BORDERLINE})]
    planted: dict[str, list[str]] = {rule.value: [] for rule in PLANTED_RULES}
    if not units:
        return planted
    planter = _Planter(db, rng, units, as_of)
    cases = math.ceil(households / 1000)
    task = (
        progress.add_task("planting audit cases", total=cases * len(PLANTED_RULES))
        if progress
        else None
    )
    for rule in PLANTED_RULES:
        offset = rng.randrange(len(units))
        for i in range(cases):
            key = await planter.case(rule, i, units[(offset + i) % len(units)])
            if key is not None:
                planted[rule.value].append(key)
            if progress is not None and task is not None:
                progress.advance(task)
    lists = planter.others()

    async def write_lists(tx: Tx) -> None:
        for name, numbers in lists.items():
            held = {r["n"] for r in await tx.run(HELD_IDS, {"ids": numbers})}
            free = [n for n in numbers if n not in held]
            await merge_entries(tx, name, SOURCE, free, generated=True)

    await db.write(write_lists)
    return {rule: sorted(keys) for rule, keys in planted.items()}
