"""The generator's exit assessments and status histories (issue 12), one county at a
time, from a stream of their own, `random.Random(f"fupin-generator/{seed}/{unit.code}/
exit")`, drawn after the rest of the county: every other draw stays what it was.

- every household: {null -> REGISTERED on its registration date, REGISTERED};
- each EXITED or RETURNED one: a passed assessment in its plannedExitYear, dated
  October-December (on or after its registration, before the as-of date), verified by
  its first responsible official (the generator pairs officials only in the last few
  years: nobody was paired in an exit year), every check passed on the file as written
  (county.py writes an EXITED file's grade C or D as B, its members insured, no
  drop-out, safe water), then {-> EXITED on that date};
- each RETURNED one: {EXITED -> RETURNED} 6-30 months later (before the as-of date),
  for its main cause or a sudden hardship;
- about 6% of REGISTERED households with an income record (5% of all): a failed assessment in
  their last income year, its checks evaluated on the file (graph/assessment.py
  `evaluate`): mostly INCOME, then housing, water, insurance, schooling.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.assessment import PASSED, Attestations, ExitCheckKind, evaluate, passed
from graph.bulk import HOUSEHOLD_COLUMNS, to_line
from seeds.idnumber import seed_person_ref
from seeds.support import MemberFacts, threshold

FAILED_SHARE = 0.06  # of REGISTERED households: about 5% of all
HARDSHIPS = ("ILLNESS", "DISASTER", "LACK_OF_LABOUR", "SCHOOLING_COSTS")


@dataclass(frozen=True)
class ExitFacts:
    """What a household's exit depends on, as the county wrote it."""

    code: str
    reg_date: dt.date
    status: str
    main_cause: str
    exit_year: int
    grade: str
    safe_water: bool
    verifier: str | None
    members: tuple[MemberFacts, ...]
    incomes: Mapping[int, tuple[int, int]]  # year -> (perCapitaNet, householdSize)


def exit_facts(
    code: str,
    reg_date: dt.date,
    values: Sequence[object],
    members: Sequence[MemberFacts],
    responsible: Sequence[str],
    incomes: Mapping[int, tuple[int, int]],
) -> ExitFacts:
    """A household's facts from its line's values (HOUSEHOLD_COLUMNS up to debt), its
    members, its RESPONSIBLE officials (the first verifies) and its income figures."""
    file: dict[str, Any] = dict(zip((n for n, _ in HOUSEHOLD_COLUMNS), values, strict=False))
    return ExitFacts(
        code, reg_date, str(file["status"]), str(file["mainCause"]), int(file["plannedExitYear"]),
        str(file["housingGrade"]), bool(file["safeWater"]),
        responsible[0] if responsible else None, tuple(members), incomes,
    )  # fmt: skip


@dataclass
class Exits:
    assessments: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    since: dict[str, dt.date] = field(default_factory=dict)  # each household's statusSince


def _stamp(rng: random.Random, day: dt.date) -> str:
    return f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00+08:00"


class _Draw:
    def __init__(self, seed: int, unit_code: str, as_of: dt.date) -> None:
        self.rng = random.Random(f"fupin-generator/{seed}/{unit_code}/exit")
        self.unit_code, self.as_of = unit_code, as_of
        self.out = Exits()
        self.serial = {"A": 0, "S": 0}

    def home(self, home: ExitFacts) -> None:
        steps: list[tuple[str, dt.date, str, str | None, str | None]] = [
            ("REGISTERED", home.reg_date, "REGISTERED", None, None)
        ]
        if home.status in ("EXITED", "RETURNED"):
            day = self.day_in(home, home.exit_year)
            aid = self.assessment(home, home.exit_year, day, failed=False)
            steps.append(("EXITED", day, "EXIT_ASSESSMENT", None, aid))
            if home.status == "RETURNED":
                back = day + dt.timedelta(days=self.rng.randint(183, 913))
                back = max(day, min(back, self.as_of - dt.timedelta(days=1)))
                cause = home.main_cause if self.rng.random() < 0.5 else self.rng.choice(HARDSHIPS)
                steps.append(("RETURNED", back, "RETURN_TO_POVERTY", cause, None))
        elif home.incomes and self.rng.random() < FAILED_SHARE:
            year = max(home.incomes)
            self.assessment(home, year, self.day_in(home, year), failed=True)
        self.out.since[home.code] = steps[-1][1]
        before: str | None = None
        for seq, (to, on, reason, why, decided) in enumerate(steps, 1):
            self.serial["S"] += 1
            self.out.changes.append(
                to_line((
                    home.code, decided, f"{self.unit_code}S{self.serial['S']:07d}", before, to,
                    on, reason, why, seq, _stamp(self.rng, on),
                ))
            )  # fmt: skip
            before = to

    def day_in(self, home: ExitFacts, year: int) -> dt.date:
        """A day of October-December of `year`, on or after the registration and before
        the as-of date."""
        day = dt.date(year, 10, 1) + dt.timedelta(days=self.rng.randint(0, 91))
        return max(home.reg_date, min(day, self.as_of - dt.timedelta(days=1)))

    def assessment(self, home: ExitFacts, year: int, day: dt.date, *, failed: bool) -> str:
        rng = self.rng
        figure = home.incomes.get(year)
        village = not failed or rng.random() < 0.9
        if failed:
            members = [
                {"ref": seed_person_ref(m.id_number), "age": m.age - (self.as_of.year - day.year),
                 "schooling": m.schooling, "insured": m.insured}
                for m in home.members if m.active_on(day)
            ]  # fmt: skip
            facts = {
                "income": None if figure is None else {"perCapitaNet": figure[0]},
                "threshold": threshold(year), "housingGrade": home.grade,
                "safeWater": home.safe_water, "members": members,
            }  # fmt: skip
            checks, faults = evaluate(facts, Attestations(True, True, village))
            if passed(checks):  # a file that would pass: the village has not confirmed
                village = False
                checks, faults = evaluate(facts, Attestations(True, True, village))
        else:
            checks, faults = [f"{kind}:{PASSED}" for kind in ExitCheckKind], []
        self.serial["A"] += 1
        aid = f"{self.unit_code}A{self.serial['A']:07d}"
        self.out.assessments.append(
            to_line((
                home.code, home.verifier, aid, year, day, not failed, threshold(year),
                figure[0] if figure else None, figure[1] if figure else None, home.grade,
                checks, faults, True, True, village, _stamp(rng, day),
            ))
        )  # fmt: skip
        return aid


def draw_exits(
    seed: int,
    unit_code: str,
    as_of: dt.date,
    homes: Sequence[ExitFacts],
) -> Exits:
    """The assessments and status changes of a county's households, in their order
    (pure)."""
    draw = _Draw(seed, unit_code, as_of)
    for home in homes:
        draw.home(home)
    return draw.out
