"""Feedback on a household (DOMAIN.md section 6; issue 13), from the household or an
official: a complaint, a request or a satisfaction score (1-5), and its answer.

    submitFeedback   creates it OPEN (a field official submits as themself:
                     (:Official)-[:SUBMITTED]->(:Feedback))
    answerFeedback   OPEN -> ANSWERED, with the answer
    closeFeedback    ANSWERED -> CLOSED
    anything else    CONFLICT

Its text and answer are free text about a household: personal (Mask.HIDDEN), null for
the roles without personal data. Recorded on the household (field `feedback`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from graph.cursor import KeyKind
from graph.db import Tx
from graph.model import Label, Rel
from graph.readmap import Conn, Embed, Kind, Mask, Value, declare, extend
from graph.readmap import Rel as RelEntry

TEXT_MAX = 2000
FEEDBACK_KIND = "feedback"


class FeedbackSource(StrEnum):
    HOUSEHOLD = "HOUSEHOLD"
    OFFICIAL = "OFFICIAL"


class FeedbackCategory(StrEnum):
    COMPLAINT = "COMPLAINT"
    REQUEST = "REQUEST"
    SATISFACTION = "SATISFACTION"


class FeedbackStatus(StrEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


# --- reads ------------------------------------------------------------------------

declare(
    "Feedback",
    ("f", "h"),
    {
        "id": Value("{f}.id"),
        "source": Value("{f}.source"),
        "category": Value("{f}.category"),
        "score": Value("{f}.score"),
        "text": Value("{f}.text", mask=Mask.HIDDEN),
        "status": Value("{f}.status"),
        "submittedOn": Value("{f}.submittedOn", Kind.DATE),
        "answer": Value("{f}.answer", mask=Mask.HIDDEN),
        "answeredOn": Value("{f}.answeredOn", Kind.DATE),
        "closedOn": Value("{f}.closedOn", Kind.DATE),
        "createdAt": Value("{f}.createdAt", Kind.DATETIME),
        "householdCode": Value("{h}.code"),
        "household": Embed("Household", {"h": "h"}),
        "submittedBy": RelEntry(
            "Official",
            f"MATCH ({{o}}:{Label.OFFICIAL})-[:{Rel.SUBMITTED}]->({{f}})",
            single=True,
        ),
    },
)
declare("FeedbackEdge", ("f", "h"), {"node": Embed("Feedback", {"f": "f", "h": "h"})})

# Newest first: the day it was submitted, then its id.
KEYS = (("{f}.submittedOn", "DESC", KeyKind.DATE), ("{f}.id", "DESC", KeyKind.STR))

extend(
    "Household",
    {
        "feedback": Conn(
            "FeedbackEdge",
            f"MATCH ({{f}}:{Label.FEEDBACK})-[:{Rel.FEEDBACK_ON}]->({{h}})",
            keys=KEYS,
            kind="household-feedback",
        ),
    },
)

# --- bulk: the seeds ----------------------------------------------------------------

UPSERT_FEEDBACK = f"""
UNWIND $rows AS row
MATCH (h:Household {{code: row.householdCode}})
MERGE (f:{Label.FEEDBACK} {{id: row.id}})
SET f += row.properties, f.createdAt = coalesce(f.createdAt, datetime())
MERGE (f)-[:{Rel.FEEDBACK_ON}]->(h)
WITH f, row WHERE row.officialCode IS NOT NULL
MATCH (o:{Label.OFFICIAL} {{code: row.officialCode}})
MERGE (o)-[:{Rel.SUBMITTED}]->(f)
"""


async def upsert_feedback(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE feedback by id ({id, householdCode, officialCode, properties: {source,
    category, score, text, status, submittedOn, answer, answeredOn, closedOn}})."""
    await tx.run(UPSERT_FEEDBACK, {"rows": [dict(r) for r in rows]})
