"""Anomalies the generator plants for the file audit to find (issue 18).

After the counties are written, `plant` changes the generated file in ceil(N / 1,000)
places for each of the first six rules of graph/audit.py, case i of a rule in the i-th
county-level unit after a random one (so the cases spread over the counties), each in
households and people no other case touches:

    DUPLICATE_MEMBERSHIP  an active member also joins a household of the next unit
    INVALID_ID_NUMBER     an active member's ID number gets a wrong check character,
                          or (every other case) an impossible birth date
    IMPLAUSIBLE_AGE       an active member born 112 years before the as-of date, or
                          (every other case) a head born 8 years before it
    MEMBER_IS_OFFICIAL    an official of the unit takes an active member's ID number
    CROSS_CHECK_MATCH     an active member's ID number on a cross-check list
    CAUSE_CONTRADICTION   a household's main cause becomes one its members contradict

and writes the lists with about 5,000 other numbers that nobody in the graph holds. The
rest of the generated file is clean for those rules, so a run finds exactly the
planted cases (`Summary.planted`: each rule's finding keys, as graph/audit.py's
`finding_key` writes them). The last two rules are organic: coverage counts them.

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
from graph.validation import id_check_character
from seeds.idnumber import make_id_number

if TYPE_CHECKING:
    from rich.progress import Progress

PLANTED_RULES = (
    AuditRule.DUPLICATE_MEMBERSHIP,
    AuditRule.INVALID_ID_NUMBER,
    AuditRule.IMPLAUSIBLE_AGE,
    AuditRule.MEMBER_IS_OFFICIAL,
    AuditRule.CROSS_CHECK_MATCH,
    AuditRule.CAUSE_CONTRADICTION,
)
OTHERS = 5_000
# Divisions outside Hainan: the other numbers on the lists belong to nobody on file.
OTHER_DIVISIONS = ("110105", "310104", "440106", "510107", "330106", "420106", "610113")
SOURCE = "generated"

UNITS = (
    "MATCH (h:Household:Generated) WHERE h.deregisteredOn IS NULL "
    "RETURN left(h.code, 6) AS unit, count(*) AS n ORDER BY unit"
)

# The households of a unit that no case has touched and that meet the case's
# condition on `h`, in code order: one picked by index.
PICK_HOUSEHOLD = """
MATCH (h:Household:Generated) WHERE h.code STARTS WITH $unit AND h.deregisteredOn IS NULL
  AND NOT h.code IN $used AND {condition}
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


class _Planter:
    def __init__(self, db: Database, rng: random.Random, units: list[str], as_of: dt.date) -> None:
        self.db, self.rng, self.units, self.as_of = db, rng, units, as_of
        self.households: set[str] = set()
        self.people: set[str] = set()
        self.officials: set[str] = set()

    async def one(self, tx: Tx, cypher: str, **params: Any) -> Any:
        record = await tx.single(cypher, params)
        return None if record is None else record[0]

    async def household(self, tx: Tx, unit: str, condition: str = "true") -> str | None:
        code = await self.one(
            tx,
            PICK_HOUSEHOLD.replace("{condition}", condition),
            unit=unit,
            used=sorted(self.households),
            pick=self.rng.randrange(1 << 30),
        )
        if code is None:
            return None
        self.households.add(code)
        return str(code)

    async def member(self, tx: Tx, code: str, *, head: bool = False) -> dict[str, Any]:
        """An active member (the head) of a household the generator wrote: it has one."""
        person = await self.one(
            tx,
            PICK_MEMBER.replace("{condition}", "AND m.relation = 'HEAD'" if head else ""),
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
        }
        planter = planters[rule]

        async def work(tx: Tx) -> str | None:
            refs: list[str] | None = await planter(tx, i, unit)
            return None if refs is None else finding_key(rule.value, refs)

        return await self.db.write(work)

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
        code = await self.household(tx, unit) if official else None
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
    units = [r["unit"] for r in await db.read(UNITS)]
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
