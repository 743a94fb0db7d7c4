"""The demo story's exits, returns and status histories (issue 12; seeds/README.md).

Every household's history begins {null -> REGISTERED (its stored status when it has no
exit story), 1 January of its registration year, REGISTERED}; a deregistered one then
goes to DEREGISTERED on its date. The exit stories (ASSESSMENTS) add the passed
assessment and {-> EXITED on its date}; RETURNS add {EXITED -> RETURNED} with a cause.
The assessments are stored as assessExit would store them (graph/assessment.py): every
check passed, the figures of the story's income record of the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from graph.assessment import PASSED, ExitCheckKind
from graph.income import per_capita_net
from graph.poverty_line import POVERTY_LINES, lines_in_force
from graph.status import StatusReason

SHUINAN, FANMAO = "460203100201", "469001100201"

# (id, household, years before D's year, days before D (not before 1 January of the
#  year), verified by, housing grade on that day)
ASSESSMENTS: list[tuple[str, str, int, int, str, str]] = [
    ("demo-assess-01", SHUINAN + "0001", 0, 20, "O-460203-001", "B"),
    ("demo-assess-02", FANMAO + "0005", 1, 210, "O-469001-001", "A"),
    # Graded B when it exited; the typhoon that sent it back wrecked the house (D).
    ("demo-assess-03", SHUINAN + "0004", 1, 420, "O-460203-002", "B"),
]
# (household, days before D, cause)
RETURNS: list[tuple[str, int, str]] = [(SHUINAN + "0004", 400, "DISASTER")]


def assessment_date(as_of: dt.date, back: int, days: int) -> dt.date:
    return max(as_of - dt.timedelta(days=days), dt.date(as_of.year - back, 1, 1))


def exit_years(as_of: dt.date) -> dict[str, int]:
    """Household -> the year of its exit story's assessment."""
    return {household: as_of.year - back for _, household, back, _, _, _ in ASSESSMENTS}


def exits(
    as_of: dt.date,
    households: Sequence[Mapping[str, Any]],
    incomes: Sequence[Mapping[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """{assessments, statusChanges} rows for graph/assessment.py's and graph/status.py's
    upserts, from the story's household and income rows."""
    income = {(r["householdCode"], r["properties"]["year"]): r["properties"] for r in incomes}
    Step = tuple[str, dt.date, StatusReason, str | None, str | None]
    assessments: list[dict[str, Any]] = []
    events: dict[str, list[Step]] = {}
    for aid, household, back, days, official, grade in ASSESSMENTS:
        year, day = as_of.year - back, assessment_date(as_of, back, days)
        record = income[(household, year)]
        assessments.append(
            {
                "id": aid,
                "householdCode": household,
                "verifiedBy": official,
                "properties": {
                    "year": year,
                    "date": day,
                    "passed": True,
                    "threshold": lines_in_force(year, POVERTY_LINES),
                    "perCapitaNet": per_capita_net(record, record["householdSize"]),
                    "householdSize": record["householdSize"],
                    "housingGrade": grade,
                    "checks": [f"{kind}:{PASSED}" for kind in ExitCheckKind],
                    "faults": [],
                    "foodSecure": True,
                    "clothingSecure": True,
                    "villageConfirmed": True,
                },
            }
        )
        events[household] = [("EXITED", day, StatusReason.EXIT_ASSESSMENT, None, aid)]
    for household, days, cause in RETURNS:
        on = as_of - dt.timedelta(days=days)
        events[household].append(("RETURNED", on, StatusReason.RETURN_TO_POVERTY, cause, None))
    changes = []
    for row in households:
        code, props = row["code"], row["properties"]
        first = "REGISTERED" if code in events else props["status"]
        opened = dt.date(props["registrationYear"], 1, 1)
        steps: list[Step] = [(first, opened, StatusReason.REGISTERED, None, None)]
        steps += events.get(code, [])
        if props.get("deregisteredOn") is not None:
            steps.append(
                ("DEREGISTERED", props["deregisteredOn"], StatusReason.DEREGISTERED, None, None)
            )
        before: str | None = None
        for seq, (to, day, reason, why, decided) in enumerate(steps, 1):
            changes.append(
                {"id": f"demo-status-{code}-{seq}", "householdCode": code, "from": before,
                 "to": to, "on": day, "reason": reason.value, "cause": why, "seq": seq,
                 "assessmentId": decided}
            )  # fmt: skip
            before = to
    return {"assessments": assessments, "statusChanges": changes}
