"""Exit assessments (DOMAIN.md section 6): a household leaves poverty only through an
assessment for a year whose every check passes, on the file as it stands on the
assessment's date:

    INCOME                an income record for the year, perCapitaNet above the
                          threshold of the line in force that year
    FOOD, CLOTHING        attested (foodSecure, clothingSecure)
    COMPULSORY_EDUCATION  every active member aged 6-15 on the date has schooling
                          COMPULSORY, HIGH_SCHOOL or VOCATIONAL (unrecorded fails)
    MEDICAL_INSURANCE     every active member has medicalInsurance true
    SAFE_HOUSING          housing grade A or B
    SAFE_WATER            safeWater true
    VILLAGE_CONFIRMATION  attested (villageConfirmed)

A check's reason is a fixed sentence (REASONS), never a personal value; the figures
sit in the assessment's own fields (threshold, perCapitaNet, householdSize,
housingGrade) and the members at fault are named by their refs. A passed
assessment writes a StatusChange to EXITED (graph/status.py) and bumps the version; a
failed one is stored and changes nothing else; a dry run writes nothing. Recorded on
the household (field `assessments`, and `status` when it exits).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.compiler import Compiler, Plan, Post, Request, View, root, seek
from graph.db import Database, Tx
from graph.errors import BadUserInput, Conflict
from graph.household import IN_POVERTY, HouseholdStatus, check_after_registration
from graph.income import per_capita_cypher
from graph.model import Label, Rel
from graph.poverty_line import EARLIEST_YEAR, line_in_force, threshold_of
from graph.readmap import Access, Custom, Field, Kind, Limit, Mask, Value, declare, extend
from graph.readmap import Rel as RelEntry
from graph.scope import active_on
from graph.status import StatusReason, check_not_before_status, record_status
from graph.validation import check_year
from graph.write import Actor, Entity, Mutation, Write, write

ASSESSMENTS_MAX = 20
SCHOOL_AGE = (6, 15)
IN_SCHOOL = ("COMPULSORY", "HIGH_SCHOOL", "VOCATIONAL")
SAFE_GRADES = ("A", "B")
PASSED = "PASSED"


class ExitCheckKind(StrEnum):
    INCOME = "INCOME"
    FOOD = "FOOD"
    CLOTHING = "CLOTHING"
    COMPULSORY_EDUCATION = "COMPULSORY_EDUCATION"
    MEDICAL_INSURANCE = "MEDICAL_INSURANCE"
    SAFE_HOUSING = "SAFE_HOUSING"
    SAFE_WATER = "SAFE_WATER"
    VILLAGE_CONFIRMATION = "VILLAGE_CONFIRMATION"


# A failed check's reason code -> its sentence (a passed check has no reason).
REASONS = {
    "NO_INCOME_RECORD": "There is no income record for the year.",
    "BELOW_THRESHOLD": "Per-capita net income is not above the threshold in force.",
    "FOOD_NOT_ATTESTED": "Enough food is not attested.",
    "CLOTHING_NOT_ATTESTED": "Enough clothing is not attested.",
    "NOT_IN_SCHOOL": "A member of compulsory-school age is not in school, or it is not recorded.",
    "UNINSURED": "A member has no basic medical insurance, or it is not recorded.",
    "UNSAFE_HOUSING": "The housing is not graded A or B.",
    "NO_SAFE_WATER": "Safe drinking water is not recorded.",
    "NOT_CONFIRMED": "The village has not confirmed the exit.",
}


@dataclass(frozen=True)
class Attestations:
    food_secure: bool
    clothing_secure: bool
    village_confirmed: bool


def evaluate(facts: Mapping[str, Any], attested: Attestations) -> tuple[list[str], list[str]]:
    """(checks, faults) of the file `facts` (FILE_ON's row): every ExitCheckKind as
    'KIND:PASSED' or 'KIND:<reason code>', and 'KIND:<ref>' per member at fault."""
    outcome: dict[ExitCheckKind, str | None] = {}
    faults: list[str] = []
    income, threshold = facts.get("income"), facts.get("threshold")
    if income is None:
        outcome[ExitCheckKind.INCOME] = "NO_INCOME_RECORD"
    elif threshold is None or income["perCapitaNet"] <= threshold:
        outcome[ExitCheckKind.INCOME] = "BELOW_THRESHOLD"
    outcome[ExitCheckKind.FOOD] = None if attested.food_secure else "FOOD_NOT_ATTESTED"
    outcome[ExitCheckKind.CLOTHING] = None if attested.clothing_secure else "CLOTHING_NOT_ATTESTED"
    low, high = SCHOOL_AGE
    members = facts.get("members") or []
    for kind, code, at_fault in (
        (ExitCheckKind.COMPULSORY_EDUCATION, "NOT_IN_SCHOOL",
         [m for m in members if m["age"] is not None and low <= m["age"] <= high
          and m["schooling"] not in IN_SCHOOL]),
        (ExitCheckKind.MEDICAL_INSURANCE, "UNINSURED",
         [m for m in members if m["insured"] is not True]),
    ):  # fmt: skip
        if at_fault:
            outcome[kind] = code
            faults += [f"{kind}:{m['ref']}" for m in at_fault]
    if facts.get("housingGrade") not in SAFE_GRADES:
        outcome[ExitCheckKind.SAFE_HOUSING] = "UNSAFE_HOUSING"
    if facts.get("safeWater") is not True:
        outcome[ExitCheckKind.SAFE_WATER] = "NO_SAFE_WATER"
    if not attested.village_confirmed:
        outcome[ExitCheckKind.VILLAGE_CONFIRMATION] = "NOT_CONFIRMED"
    checks = [f"{kind}:{outcome.get(kind) or PASSED}" for kind in ExitCheckKind]
    return checks, faults


def passed(checks: Sequence[str]) -> bool:
    return all(c.endswith(":" + PASSED) for c in checks)


# --- reads ------------------------------------------------------------------------


def _reason(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    return f"{c.b.const(REASONS)}[split({row['c']}, ':')[1]]"


declare(
    "ExitCheck",
    ("a", "c"),
    {
        "check": Value("split({c}, ':')[0]"),
        "passed": Value(f"split({{c}}, ':')[1] = '{PASSED}'"),
        "reason": Custom(_reason),
        "members": RelEntry(
            "Person",
            f"MATCH ({{p}}:{Label.PERSON})",
            where=(
                "{p}.ref IN [x IN coalesce({a}.faults, []) "
                "WHERE split(x, ':')[0] = split({c}, ':')[0] | split(x, ':')[1]]",
            ),
            order="{p}.ref",
        ),
    },
)

declare(
    "Assessment",
    ("a",),
    {
        "id": Value("{a}.id"),
        "householdCode": Value("{a}.householdCode"),
        "year": Value("{a}.year"),
        "date": Value("{a}.date", Kind.DATE),
        "passed": Value("{a}.passed"),
        "threshold": Value("{a}.threshold"),
        "perCapitaNet": Value("{a}.perCapitaNet", mask=Mask.HIDDEN),
        "householdSize": Value("{a}.householdSize"),
        "housingGrade": Value("{a}.housingGrade"),
        "createdAt": Value("{a}.createdAt", Kind.DATETIME),
        "checks": RelEntry("ExitCheck", "UNWIND {a}.checks AS {c}"),
        "verifiedBy": RelEntry(
            "Official",
            f"MATCH ({{o}}:{Label.OFFICIAL} {{{{code: {{a}}.verifiedBy}}}})",
            single=True,
        ),
    },
)

extend(
    "Household",
    {
        "assessments": RelEntry(
            "Assessment",
            f"MATCH ({{a}}:{Label.ASSESSMENT})-[:{Rel.ASSESSES}]->({{h}})",
            order="{a}.date DESC, {a}.createdAt DESC, {a}.id",
            limit=Limit("first", 5, ASSESSMENTS_MAX),
        ),
    },
)


def _assessment_id(request: Request) -> str:
    return str(request.args["id"])


@root("Assessment#id")
def plan_assessment(field: Field, view: View, shape: Any) -> Plan:
    """A stored assessment by id (assessExit's payload), when its household is in
    scope; a seek on assessment_id."""
    return seek(
        field,
        view,
        ("id", _assessment_id),
        f"MATCH (a:{Label.ASSESSMENT} {{{{id: {{key}}}}}})-[:{Rel.ASSESSES}]->(h:Household)",
        (Access.HOUSEHOLD, "h"),
        ("Assessment", {"a": "a"}),
    )


def _computed(request: Request) -> Any:
    return request.args["assessment"]


@root("Assessment#dryRun")
def plan_dry_run(field: Field, view: View, shape: Any) -> Plan:
    """A dry run's assessment, never stored: the computed map projected like a stored
    one (its members at fault by ref), when its household is in scope."""
    return seek(
        field,
        view,
        ("assessment", _computed),
        "WITH {key} AS a MATCH (h:Household {{code: a.householdCode}})",
        (Access.HOUSEHOLD, "h"),
        ("Assessment", {"a": "a"}),
    )


# --- writes -----------------------------------------------------------------------

FILE_ON = f"""
MATCH (h:Household {{code: $code}})
RETURN h.housingGrade AS housingGrade, h.safeWater AS safeWater,
  {threshold_of(line_in_force("$year", "l"))} AS threshold,
  COLLECT {{ MATCH (i:{Label.INCOME_RECORD})-[:{Rel.INCOME_OF}]->(h) WHERE i.year = $year
             RETURN {{perCapitaNet: {per_capita_cypher("i")}, householdSize: i.householdSize}}
  }}[0] AS income,
  COLLECT {{ MATCH (p:{Label.PERSON})-[m:{Rel.MEMBER_OF}]->(h)
             WHERE {active_on("m", "$date")} AND (p.diedOn IS NULL OR p.diedOn > $date)
             RETURN {{ref: p.ref, age: duration.between(p.birthDate, $date).years,
                     schooling: p.schooling, insured: p.medicalInsurance}} ORDER BY p.ref
  }} AS members,
  EXISTS {{ MATCH (:{Label.OFFICIAL} {{code: $official}})-[r:{Rel.PAIRED_WITH}]->(h)
            WHERE {active_on("r", "$date")} }} AS verifierPaired
"""

CREATE_ASSESSMENT = f"""
MATCH (h:Household {{code: $code}}), (o:{Label.OFFICIAL} {{code: $official}})
CREATE (o)-[:{Rel.VERIFIED}]->(a:{Label.ASSESSMENT} {{id: $id}})-[:{Rel.ASSESSES}]->(h)
SET a += $properties, a.createdAt = datetime()
"""


@dataclass(frozen=True)
class ExitRequest:
    code: str
    expected_version: int | None
    year: int
    date: dt.date
    verified_by: str
    attested: Attestations
    dry_run: bool = False


def check_exit_request(request: ExitRequest, today: dt.date) -> None:
    """What needs no database: the year not in the future (nor before 2010), the date
    not in the future nor before 1 January of the year."""
    check_year(request.year, "input.year", low=EARLIEST_YEAR, high=today.year)
    if request.date > today:
        raise BadUserInput("the date is in the future (China Standard Time)", field="input.date")
    if request.date < dt.date(request.year, 1, 1):
        raise BadUserInput("the date is before 1 January of the year", field="input.date")


async def _assess(w: Write, request: ExitRequest) -> tuple[str, dict[str, Any]]:
    """The household's status and the assessment's properties, computed in the
    transaction (the household locked and checked); nothing written."""
    state = await w.household(request.code, expected_version=request.expected_version, bump=False)
    if state["status"] not in IN_POVERTY:
        raise Conflict(
            "only a REGISTERED or RETURNED household is assessed for exit",
            field="input.householdCode",
        )
    check_after_registration(state, request.date, "input.date")
    await check_not_before_status(w.tx, request.code, request.date, "input.date")
    facts = await w.tx.single(
        FILE_ON,
        {"code": request.code, "year": request.year, "date": request.date,
         "official": request.verified_by},
    )  # fmt: skip
    assert facts is not None  # the household is locked
    if facts["threshold"] is None:
        raise BadUserInput("no poverty line is in force in that year", field="input.year")
    if not facts["verifierPaired"]:
        raise BadUserInput(
            "the official was not paired with the household on the date", field="input.verifiedBy"
        )
    checks, faults = evaluate(facts, request.attested)
    income = facts["income"] or {}
    return str(state["status"]), {
        "householdCode": request.code, "year": request.year, "date": request.date,
        "passed": passed(checks), "threshold": facts["threshold"],
        "perCapitaNet": income.get("perCapitaNet"), "householdSize": income.get("householdSize"),
        "housingGrade": facts["housingGrade"], "checks": checks, "faults": faults,
        "verifiedBy": request.verified_by, "foodSecure": request.attested.food_secure,
        "clothingSecure": request.attested.clothing_secure,
        "villageConfirmed": request.attested.village_confirmed,
    }  # fmt: skip


async def assess_exit(
    db: Database, actor: Actor, mutation: Mutation, request: ExitRequest, today: dt.date
) -> dict[str, Any]:
    """Run every check: {id, code} of the stored assessment, or {id: None, code,
    assessment} for a dry run (computed in a transaction that writes nothing, no
    client mutation id claimed).

    Refused, nothing written: NOT_FOUND (absent or out of scope); CONFLICT on
    input.householdCode (deregistered, or neither REGISTERED nor RETURNED) and on
    input.expectedVersion; BAD_USER_INPUT on input.year (future, or no line in force),
    input.date (future, before 1 January of the year, before the registration or the
    current status), input.verifiedBy (no pairing with the household active on the
    date)."""
    check_exit_request(request, today)
    if request.dry_run:

        async def dry(tx: Tx) -> dict[str, Any]:
            _, computed = await _assess(Write(tx, actor, mutation), request)
            return {"id": None, "code": request.code, "assessment": computed}

        return await db.write(dry)

    async def work(w: Write) -> dict[str, Any]:
        status, properties = await _assess(w, request)
        assessment_id = str(uuid.uuid4())
        stored = {k: v for k, v in properties.items() if k != "householdCode"}
        await w.tx.run(
            CREATE_ASSESSMENT,
            {"code": request.code, "official": request.verified_by, "id": assessment_id,
             "properties": {**stored, "householdCode": request.code}},
        )  # fmt: skip
        failed = [c.split(":")[0] for c in properties["checks"] if not c.endswith(":" + PASSED)]
        changes = [{"field": "assessments", "before": None,
                    "after": {"assessment": assessment_id, "year": request.year,
                              "date": request.date.isoformat(), "passed": not failed,
                              "failed": failed, "verifiedBy": request.verified_by}}]  # fmt: skip
        if not failed:
            await record_status(
                w.tx, request.code, before=status, to=HouseholdStatus.EXITED, on=request.date,
                reason=StatusReason.EXIT_ASSESSMENT, assessment=assessment_id,
            )  # fmt: skip
            w.touch(households=[request.code], bump=True)
            changes.append({"field": "status", "before": status, "after": HouseholdStatus.EXITED})
        w.changed(Entity.HOUSEHOLD, request.code, changes)
        return {"id": assessment_id, "code": request.code}

    return await write(db, actor, mutation, work)


# --- bulk: the seeds ----------------------------------------------------------------

UPSERT_ASSESSMENTS = f"""
UNWIND $rows AS row
MATCH (h:Household {{code: row.householdCode}}), (o:{Label.OFFICIAL} {{code: row.verifiedBy}})
MERGE (a:{Label.ASSESSMENT} {{id: row.id}})
SET a += row.properties, a.householdCode = row.householdCode, a.verifiedBy = row.verifiedBy,
    a.createdAt = coalesce(a.createdAt, datetime())
MERGE (a)-[:{Rel.ASSESSES}]->(h)
MERGE (o)-[:{Rel.VERIFIED}]->(a)
"""


async def upsert_assessments(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """MERGE assessments by id ({id, householdCode, verifiedBy, properties}); their
    status changes follow (graph/status.py `upsert_status_changes`)."""
    await tx.run(UPSERT_ASSESSMENTS, {"rows": list(rows)})
