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

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from graph.compiler import (
    Binder,
    Compiler,
    ConnPost,
    Getter,
    Plan,
    Post,
    Request,
    View,
    arg,
    plan,
    root,
    seek,
)
from graph.cursor import KeyKind, check_first, decode_key
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict, NotFound
from graph.model import Label, Rel
from graph.readmap import Access, Conn, Embed, Field, Kind, Mask, Value, declare, extend
from graph.readmap import Rel as RelEntry
from graph.validation import check_record_id, check_region_code, check_text
from graph.write import Actor, Entity, Mutation, Write, write

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


# --- writes -----------------------------------------------------------------------

CREATE_FEEDBACK = (
    "MATCH (h:Household {code: $code}) "
    f"CREATE (f:{Label.FEEDBACK} {{id: $id}})-[:{Rel.FEEDBACK_ON}]->(h) "
    "SET f += $properties, f.createdAt = datetime() "
    f"WITH f CALL (f) {{ MATCH (o:{Label.OFFICIAL} {{code: $official}}) "
    f"CREATE (o)-[:{Rel.SUBMITTED}]->(f) }}"
)

FIND_FEEDBACK = (
    f"MATCH (f:{Label.FEEDBACK} {{id: $id}})-[:{Rel.FEEDBACK_ON}]->(h:Household) "
    "WHERE {scope} SET f._lock = true REMOVE f._lock "
    "RETURN h.code AS household, f.status AS status"
)

SET_FEEDBACK = f"MATCH (f:{Label.FEEDBACK} {{id: $id}}) SET f += $properties"

# What each move needs and makes: answerFeedback, closeFeedback.
MOVES = {
    "answer": (FeedbackStatus.OPEN, FeedbackStatus.ANSWERED, "answeredOn"),
    "close": (FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED, "closedOn"),
}


def check_feedback(
    category: FeedbackCategory, score: int | None, text: str, field: str = "input"
) -> tuple[int | None, str]:
    """The score (1-5, required for SATISFACTION) and the text (1-2,000 characters)."""
    if score is not None and not 1 <= score <= 5:
        raise BadUserInput("score is 1-5", field=f"{field}.score")
    if score is None and category is FeedbackCategory.SATISFACTION:
        raise BadUserInput("SATISFACTION needs a score (1-5)", field=f"{field}.score")
    return score, check_text(text, f"{field}.text", max_length=TEXT_MAX)


async def submit_feedback(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    code: str,
    source: FeedbackSource,
    category: FeedbackCategory,
    score: int | None,
    text: str,
    official_code: str | None,
    today: dt.date,
) -> dict[str, Any]:
    """Feedback on household `code`, OPEN, submitted today: {id}. NOT_FOUND when the
    household is out of scope (a field official's: not paired with them) or the
    official who submitted it (required for source OFFICIAL; a field official is
    always themself) is unknown;
    CONFLICT when deregistered. Recorded on the household (its text is not)."""
    if source is FeedbackSource.OFFICIAL and official_code is None:
        raise BadUserInput("OFFICIAL feedback names its official", field="input.officialCode")

    async def work(w: Write) -> dict[str, Any]:
        await w.household(code, bump=False)
        if official_code is not None:
            found = await w.tx.single(
                f"MATCH (o:{Label.OFFICIAL} {{code: $code}}) RETURN o.code AS code",
                {"code": official_code},
            )
            if found is None:
                raise NotFound("no such official", field="input.officialCode")
        feedback_id = str(uuid.uuid4())
        properties = {
            "source": source.value, "category": category.value, "score": score, "text": text,
            "status": FeedbackStatus.OPEN.value, "submittedOn": today,
        }  # fmt: skip
        await w.tx.run(
            CREATE_FEEDBACK,
            {"code": code, "id": feedback_id, "official": official_code,
             "properties": {k: v for k, v in properties.items() if v is not None}},
        )  # fmt: skip
        after = {
            "feedback": feedback_id, "source": source.value, "category": category.value,
            "score": score, "official": official_code, "submittedOn": today.isoformat(),
        }  # fmt: skip
        w.changed(
            Entity.HOUSEHOLD,
            code,
            [{"field": "feedback", "before": None,
              "after": {k: v for k, v in after.items() if v is not None}}],
        )  # fmt: skip
        return {"id": feedback_id}

    return await write(db, actor, mutation, work)


async def move_feedback(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    feedback_id: str,
    move: str,
    today: dt.date,
    answer: str | None = None,
) -> dict[str, Any]:
    """answerFeedback (`move` "answer": OPEN -> ANSWERED with the answer) or
    closeFeedback ("close": ANSWERED -> CLOSED), dated today: {id}. NOT_FOUND when
    unknown or its household is out of scope; CONFLICT from any other status or when
    the household is deregistered."""
    needs, becomes, dated = MOVES[move]

    async def work(w: Write) -> dict[str, Any]:
        where, params = w.scope.household_filter("h")
        found = await w.tx.single(
            FIND_FEEDBACK.replace("{scope}", where), {"id": feedback_id, **params}
        )
        if found is None:
            raise NotFound("no such feedback", field="input.feedbackId")
        household = str(found["household"])
        await w.household(household, field="input.feedbackId", bump=False)
        if found["status"] != needs:
            raise Conflict(
                f"only {needs.value} feedback becomes {becomes.value}", field="input.feedbackId"
            )
        properties: dict[str, Any] = {"status": becomes.value, dated: today}
        if answer is not None:
            properties["answer"] = answer
        await w.tx.run(SET_FEEDBACK, {"id": feedback_id, "properties": properties})
        w.changed(
            Entity.HOUSEHOLD,
            household,
            [{"field": "feedback",
              "before": {"feedback": feedback_id, "status": needs.value},
              "after": {"feedback": feedback_id, "status": becomes.value,
                        dated: today.isoformat()}}],
        )  # fmt: skip
        return {"id": feedback_id}

    return await write(db, actor, mutation, work)


def _feedback_id(request: Request) -> str:
    return check_record_id(str(request.args["id"]), "id")


@root("Feedback#id")
def plan_feedback(field: Field, view: View, shape: Any) -> Plan:
    """Feedback by id (mutation payloads), when its household is in scope; a seek on
    feedback_id."""
    return seek(
        field,
        view,
        ("id", _feedback_id),
        f"MATCH (f:{Label.FEEDBACK} {{{{id: {{key}}}}}})-[:{Rel.FEEDBACK_ON}]->(h:Household)",
        (Access.HOUSEHOLD, "h"),
        ("Feedback", {"f": "f", "h": "h"}),
    )


# --- the feedback list ----------------------------------------------------------------

LIST_KIND = "feedback"
FILTERS = ("status", "category", "source")


def _list_shape(args: Mapping[str, Any]) -> Any:
    where = args.get("where") or {}
    given = tuple(sorted(k for k, v in where.items() if v is not None))
    return given, args.get("after") is not None


def _list_region(request: Request) -> str:
    return check_region_code((request.args.get("where") or {})["regionCode"], "where.regionCode")


def _list_limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _list_after(position: int) -> Getter:
    def get(request: Request) -> Any:
        key = decode_key(request.args.get("after"), LIST_KIND, [k for _, _, k in KEYS])
        assert key is not None
        return key[position]

    return get


@root("feedback", shape=_list_shape)
def plan_feedback_list(field: Field, view: View, shape: Any) -> Plan:
    """feedback(where, first, after): a keyset page newest first (submittedOn, id) and,
    when selected, the total. With a regionCode, the region's households by an index
    seek per household-code prefix, then their feedback; without one, every feedback
    in scope (in submittedOn order)."""
    given, has_after = shape
    b = Binder()
    post = Post(field=field)
    conditions = [
        f"f.{name} = {b.slot(name, arg('where', name))}" for name in FILTERS if name in given
    ]
    conditions.append(view.scope.read_filter(Access.HOUSEHOLD, "h", b))
    filtered = " AND ".join(conditions)
    if "regionCode" in given:
        region = b.slot("regionCode", _list_region)
        match = (
            f"MATCH (region:Region {{code: {region}}}) UNWIND region.prefixes AS prefix "
            "MATCH (h:Household) WHERE h.code STARTS WITH prefix "
            f"MATCH (f:{Label.FEEDBACK})-[:{Rel.FEEDBACK_ON}]->(h) WHERE "
        )
    else:
        match = f"MATCH (f:{Label.FEEDBACK})-[:{Rel.FEEDBACK_ON}]->(h:Household) WHERE "
    if has_after:
        day, fid = b.slot("afterOn", _list_after(0)), b.slot("afterId", _list_after(1))
        keyset = f"(f.submittedOn < {day} OR (f.submittedOn = {day} AND f.id < {fid}))"
    else:
        keyset = "true"
    limit = b.slot("limit", _list_limit)
    conn = ConnPost(LIST_KIND, "limit", field, "FeedbackConnection")
    post.conn = conn
    row = Compiler(view, b).connection_row(
        "FeedbackEdge", {"f": "f", "h": "h"}, conn, ["f.submittedOn", "f.id"]
    )
    if any(f.name == "totalCount" for f in field.fields):
        # One pass: the matches newest first, counted, and the page cut from them.
        cypher = f"""
    CALL () {{
      {match}{filtered}
      WITH f, h ORDER BY f.submittedOn DESC, f.id DESC
      WITH count(*) AS total, collect(CASE WHEN {keyset} THEN [f, h] END)[..{limit}] AS top
      RETURN total, top
    }}
    CALL (top) {{
      UNWIND top AS x
      WITH x[0] AS f, x[1] AS h ORDER BY f.submittedOn DESC, f.id DESC
      RETURN collect({row}) AS rows
    }}
    RETURN {{r: rows, t: total}} AS data
    """
    else:
        cypher = f"""
    CALL () {{
      {match}{filtered} AND {keyset}
      WITH f, h ORDER BY f.submittedOn DESC, f.id DESC LIMIT {limit}
      RETURN collect({row}) AS rows
    }}
    RETURN {{r: rows, t: null}} AS data
    """
    return plan(cypher, b, post)
