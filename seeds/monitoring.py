"""The demo story's monitoring records and feedback (issue 13; seeds/README.md).

Three households are watched: Shuinan 0004 since the typhoon (SUDDEN_HARDSHIP), Fanmao
0005 since its income fell (UNSTABLE_EXITED, no measure since) and the borderline
Shiyuncun 0004 since its head fell ill (BORDERLINE, insured 20 days later). Three
pieces of feedback, one in each status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

SHUINAN, LUOBI, FANMAO, SHIYUNCUN = "460203100201", "460203100202", "469001100201", "469030101201"
BORDERLINE_HOUSEHOLD = SHIYUNCUN + "0004"

# (id, household, group, risk types, days before D it started, note)
MONITORING: list[tuple[str, str, str, list[str], int, str]] = [
    ("demo-monitor-01", SHUINAN + "0004", "SUDDEN_HARDSHIP", ["DISASTER"], 400,
     "The typhoon wrecked the house."),
    ("demo-monitor-02", FANMAO + "0005", "UNSTABLE_EXITED", ["LOW_INCOME", "INCOME_DROP"], 150,
     "Wages fell by three quarters."),
    ("demo-monitor-03", BORDERLINE_HOUSEHOLD, "BORDERLINE", ["ILLNESS"], 60,
     "The head's chronic illness worsened."),
]  # fmt: skip

# (id, household, source, official who submitted it, category, score, text,
#  submitted, answered, closed (days before D, or None), answer)
FEEDBACK: list[
    tuple[str, str, str, str | None, str, int | None, str, int, int | None, int | None, str | None]
] = [
    ("demo-feedback-01", LUOBI + "0002", "HOUSEHOLD", None, "COMPLAINT", None,
     "Nobody has visited since the official left.", 15, None, None, None),
    ("demo-feedback-02", SHUINAN + "0001", "HOUSEHOLD", None, "SATISFACTION", 5,
     "The reimbursement and the loan came in time.", 10, 8, None,
     "Thank you; the goat pen will be inspected next month."),
    ("demo-feedback-03", FANMAO + "0002", "OFFICIAL", "O-469001-001", "REQUEST", None,
     "The road to team 2 needs repair before the rains.", 30, 25, 20,
     "Repair scheduled by the town."),
]  # fmt: skip


def monitoring(as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """{monitoring, feedback} rows for graph/monitoring.py's and graph/feedback.py's
    upserts, dated back from `as_of`."""

    def ago(days: int | None) -> dt.date | None:
        return None if days is None else as_of - dt.timedelta(days=days)

    records = [
        {"id": rid, "householdCode": code, "group": group, "riskTypes": risks,
         "startedOn": ago(days), "removedOn": None, "removalReason": None, "note": note}
        for rid, code, group, risks, days, note in MONITORING
    ]  # fmt: skip
    feedback = []
    for (
        fid,
        code,
        source,
        official,
        category,
        score,
        text,
        sent,
        answered,
        closed,
        answer,
    ) in FEEDBACK:
        status = "CLOSED" if closed is not None else "ANSWERED" if answered is not None else "OPEN"
        properties = {
            "source": source, "category": category, "score": score, "text": text,
            "status": status, "submittedOn": ago(sent), "answer": answer,
            "answeredOn": ago(answered), "closedOn": ago(closed),
        }  # fmt: skip
        feedback.append(
            {"id": fid, "householdCode": code, "officialCode": official,
             "properties": {k: v for k, v in properties.items() if v is not None}}
        )  # fmt: skip
    return {"monitoring": records, "feedback": feedback}
