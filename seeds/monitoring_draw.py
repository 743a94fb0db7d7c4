"""The generator's return-to-poverty monitoring and feedback (issue 13), one county at
a time, from a stream of their own, `random.Random(f"fupin-generator/{seed}/{unit.code}/
monitoring")`, drawn after the rest of the county (exits included): every other draw
stays what it was.

- each household the county marked monitored (every RETURNED one, about 30% of the
  EXITED) an open record: EXITED ones UNSTABLE_EXITED, the others SUDDEN_HARDSHIP (as
  migration 13 reads the flag), 1-2 risk types, started 0-90 days after its latest
  status change (before the as-of date);
- about 60% of them a support measure within 30 days of the flag (MEDICAL_INSURANCE,
  SOCIAL_GUARANTEE or SUPPLIES from the county's civil affairs bureau: none that
  raises an income), the others none from this stream;
- about 0.5 feedback a household (Poisson-like: 0, 1 or 2), from the household or its
  responsible official, in the last year; 70% answered 1-20 days later, half of those
  then closed 1-10 days after.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from graph.bulk import to_line

SUPPORTED_SHARE = 0.6
FEEDBACK_PER_HOUSEHOLD = 0.5
ANSWERED_SHARE = 0.7
CLOSED_SHARE = 0.5
EXITED_RISKS = ("LOW_INCOME", "INCOME_DROP", "ILLNESS", "ACCIDENT", "SCHOOLING_COSTS")
HARDSHIP_RISKS = ("ILLNESS", "DISASTER", "ACCIDENT", "DISABILITY", "INCOME_DROP")
SUPPORT = (
    ("MEDICAL_INSURANCE", 300, 1500, "insurance contributions paid for the family"),
    ("SOCIAL_GUARANTEE", 500, 3000, "temporary assistance after the hardship"),
    ("SUPPLIES", None, None, "rice and cooking oil"),
)
TEXTS = {
    "COMPLAINT": ("The subsidy came late.", "Nobody visited this quarter.",
                  "The road repair was not finished."),
    "REQUEST": ("We ask for skills training.", "We need a water pipe.",
                "Please help with school costs."),
    "SATISFACTION": ("The official helps us a lot.", "The support came in time."),
}  # fmt: skip
ANSWERS = ("Recorded; the town will follow up.", "Scheduled for next month.",
           "Passed to the county bureau.")  # fmt: skip


@dataclass(frozen=True)
class MonitorFacts:
    """What a household's monitoring depends on, as the county and its exits wrote it."""

    code: str
    status: str
    monitored: bool
    since: dt.date  # its latest status change
    official: str | None  # its responsible official today


@dataclass
class Monitoring:
    records: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)


def _stamp(rng: random.Random, day: dt.date) -> str:
    return f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00+08:00"


def support_line(
    rng: random.Random, code: str, measure_id: str, start: dt.date, last: dt.date, unit_name: str
) -> str:
    """A monitored household's support measure (a measure's line, graph/bulk.py's) dated
    0-30 days after its flag on `start` (not after `last`), from the county's civil
    affairs bureau."""
    day = min(start + dt.timedelta(days=rng.randint(0, 30)), last)
    day = max(day, start)
    category, low, high, description = rng.choice(SUPPORT)
    amount = None if low is None or high is None else rng.randint(low // 10, high // 10) * 10
    quantity, unit = (None, None) if low is not None else (rng.randint(20, 60), "kg")
    return to_line((
        code, None, None, measure_id, category, day, amount, quantity, unit, description,
        f"{unit_name} Civil Affairs Bureau", None, None, None, None, _stamp(rng, day),
    ))  # fmt: skip


def feedback_lines(
    rng: random.Random,
    code: str,
    official: str | None,
    as_of: dt.date,
    next_id: Callable[[], str],
    since: dt.date | None = None,
) -> list[str]:
    """A household's feedback (0, 1 or 2: 0.5 on average) in the year before `as_of`
    (not before `since`), from the household or its responsible official `official`;
    70% answered 1-20 days later, half of those closed 1-10 days after."""
    last = as_of - dt.timedelta(days=1)
    lines = []
    roll = rng.random()
    count = 0 if roll < 0.65 else 1 if roll < 0.9 else 2  # 0.5 on average
    for _ in range(count):
        category = rng.choice(("COMPLAINT", "REQUEST", "REQUEST", "SATISFACTION"))
        sender = official if rng.random() < 0.3 else None
        sent = as_of - dt.timedelta(days=rng.randint(1, 365))
        sent = sent if since is None else max(sent, since)
        answered = closed = None
        if rng.random() < ANSWERED_SHARE:
            answered = min(sent + dt.timedelta(days=rng.randint(1, 20)), last)
            answered = max(answered, sent)
            if rng.random() < CLOSED_SHARE:
                closed = max(min(answered + dt.timedelta(days=rng.randint(1, 10)), last),
                             answered)  # fmt: skip
        status = "CLOSED" if closed else "ANSWERED" if answered else "OPEN"
        lines.append(
            to_line((
                code, sender, next_id(), "OFFICIAL" if sender else "HOUSEHOLD", category,
                rng.randint(3, 5) if category == "SATISFACTION" else None,
                rng.choice(TEXTS[category]), status, sent,
                rng.choice(ANSWERS) if answered else None, answered, closed,
                _stamp(rng, sent),
            ))
        )  # fmt: skip
    return lines


def draw_monitoring(
    seed: int, unit_code: str, unit_name: str, as_of: dt.date, homes: Sequence[MonitorFacts]
) -> Monitoring:
    """The records, measures and feedback of a county's households, in their order
    (pure)."""
    rng = random.Random(f"fupin-generator/{seed}/{unit_code}/monitoring")
    out = Monitoring()
    serial = {"R": 0, "K": 0, "F": 0}
    last = as_of - dt.timedelta(days=1)

    def next_id(kind: str) -> str:
        serial[kind] += 1
        return f"{unit_code}{kind}{serial[kind]:07d}"

    for home in homes:
        if home.monitored:
            exited = home.status == "EXITED"
            group = "UNSTABLE_EXITED" if exited else "SUDDEN_HARDSHIP"
            pool = EXITED_RISKS if exited else HARDSHIP_RISKS
            risks = sorted(set(rng.sample(pool, rng.choice((1, 1, 2)))))
            start = min(home.since + dt.timedelta(days=rng.randint(0, 90)), last)
            start = max(start, home.since)
            out.records.append(
                to_line((home.code, next_id("R"), group, risks, start, None, None, None,
                         _stamp(rng, start)))
            )  # fmt: skip
            if rng.random() < SUPPORTED_SHARE:
                out.measures.append(
                    support_line(rng, home.code, next_id("K"), start, last, unit_name)
                )
        out.feedback += feedback_lines(rng, home.code, home.official, as_of, lambda: next_id("F"))
    return out
