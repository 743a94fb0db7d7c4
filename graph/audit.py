"""Auditing the files (DOMAIN.md section 7): the rules (built in graph/audit_file_rules.py
and graph/audit_support_rules.py, on graph/audit_base.py's shared Cypher).

Each rule is a function of one unit (a household-code prefix: a county-level unit of
the region a run covers) and the run's date, returning `(cypher, params)`. The
statement finds the rule's cases among the unit's households on file (not
deregistered), by an index seek on household_code per unit, and returns one row per
case with these columns (graph/audit_run.py turns them into findings):

    key         the rule and the sorted refs of what the case concerns (`finding_key`)
    severity    HIGH, MEDIUM or LOW
    summary     what was found, in words that hold no personal value
    place       the household code that places the case in the region tree: the
                smallest of the households it concerns (for an official, of the
                households in poverty they are actively paired with; for a move
                between files, the household left)
    households, people, officials, others
                the nodes the finding CONCERNS (others: measures, assessments and
                monitoring records)

A case is returned only by the unit its place lies in, so one that spans two units (a
person in households of two counties) is found once. Refs are `Household:<code>`,
`Person:<ref>` (the random ref, never the ID number), `Official:<code>`,
`List:<name>` (a cross-check list), `Measure:<id>`, `Assessment:<id>` and
`MonitoringRecord:<id>`.

The rules, in the order `auditRules` lists them:

    DUPLICATE_MEMBERSHIP     HIGH    a person with more than one active membership
    INVALID_ID_NUMBER        HIGH    an active member's ID number: wrong check
                                     character or impossible birth date
    IMPLAUSIBLE_AGE          MEDIUM  an active member over 110, or a head under 16
    MEMBER_IS_OFFICIAL       HIGH    an active member whose ID number is an official's
    CROSS_CHECK_MATCH        HIGH    an active member on a cross-check list (MEDIUM for
                                     DEATH_REGISTER)
    CAUSE_CONTRADICTION      LOW     a main cause its active members contradict
    NO_RESPONSIBLE_OFFICIAL  MEDIUM  a household in poverty without an active
                                     RESPONSIBLE pairing
    OFFICIAL_OVERLOADED      LOW     an official paired in the unit above maxLoad

    EXIT_CRITERIA_UNMET      HIGH    an EXITED file failing SAFE_HOUSING,
                                     MEDICAL_INSURANCE or COMPULSORY_EDUCATION on the
                                     run's date, or no income above the line in its
                                     exit year
    INCOME_ABOVE_LINE_TWO_YEARS  MEDIUM  a household in poverty above the line in its
                                     latest income year and the year before
    MEASURE_AFTER_EXIT       MEDIUM  a measure dated while EXITED, outside monitoring
    MEASURE_TO_DECEASED      HIGH    a measure received by a member after their death
    MONITORED_WITHOUT_SUPPORT  MEDIUM  a monitoring record with no measure in the 30
                                     days from its start
    OFFICIAL_PAIRED_WITH_RELATIVE  HIGH  an official actively paired with a household
                                     they belong to, or where a relative lives
    HOUSEHOLD_SPLIT_OR_MERGE MEDIUM  two or more people moving together from one file
                                     to another

NO_RESPONSIBLE_OFFICIAL and OFFICIAL_OVERLOADED count what pairing coverage counts
(graph/coverage.py), so their findings equal its `uncovered` households and
`overloadedOfficials` today.

The relationship rules (OFFICIAL_PAIRED_WITH_RELATIVE, HOUSEHOLD_SPLIT_OR_MERGE) walk
MEMBER_OF and PAIRED_WITH from the unit's households and join officials to people on the
ID number in the statement; their EXPLAIN (tests/test_audit_relations.py
`test_the_relationship_rules_seek`) shows index seeks only: a range seek on
household_code, a seek on person_id_number, no label scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.audit_base import AuditRule, Severity, Statement, finding_key
from graph.audit_file_rules import (
    OLDEST,
    YOUNGEST_HEAD,
    cause_contradiction,
    cross_check_match,
    duplicate_membership,
    id_number_problem,
    implausible_age,
    invalid_id_number,
    member_is_official,
    no_responsible_official,
    official_overloaded,
)
from graph.audit_support_rules import (
    MOVE_DAYS,
    SUPPORT_DAYS,
    exit_criteria_unmet,
    household_split_or_merge,
    income_above_line_two_years,
    measure_after_exit,
    measure_to_deceased,
    monitored_without_support,
    official_paired_with_relative,
)
from graph.compiler import Binder, Compiler, Plan, Post, View, plan, root
from graph.readmap import Field, Value, declare

__all__ = [
    "RULES",
    "AuditRule",
    "RuleSpec",
    "Severity",
    "finding_key",
    "id_number_problem",
    "plan_rules",
    "rule_rows",
    "rule_statement",
]


@dataclass(frozen=True)
class RuleSpec:
    severity: Severity
    description: str
    build: Callable[[str, dt.date], Statement]


RULES: dict[AuditRule, RuleSpec] = {
    AuditRule.DUPLICATE_MEMBERSHIP: RuleSpec(
        Severity.HIGH,
        "A person with more than one active membership of households on file (one node "
        "per ID number: the same ID in two households shows this way).",
        duplicate_membership,
    ),
    AuditRule.INVALID_ID_NUMBER: RuleSpec(
        Severity.HIGH,
        "An active member whose ID number has a wrong check character or an impossible "
        "birth date (imported data).",
        invalid_id_number,
    ),
    AuditRule.IMPLAUSIBLE_AGE: RuleSpec(
        Severity.MEDIUM,
        f"An active member over {OLDEST}, or a head under {YOUNGEST_HEAD}, on the run's date.",
        implausible_age,
    ),
    AuditRule.MEMBER_IS_OFFICIAL: RuleSpec(
        Severity.HIGH, "An active member whose ID number is an official's.", member_is_official
    ),
    AuditRule.CROSS_CHECK_MATCH: RuleSpec(
        Severity.HIGH,
        "An active member on an imported cross-check list (MEDIUM for DEATH_REGISTER).",
        cross_check_match,
    ),
    AuditRule.CAUSE_CONTRADICTION: RuleSpec(
        Severity.LOW,
        "Main cause ILLNESS and no active member CHRONIC_ILLNESS or SERIOUS_ILLNESS; "
        "DISABILITY and none DISABLED; SCHOOLING_COSTS and none in COMPULSORY, HIGH_SCHOOL, "
        "VOCATIONAL or COLLEGE schooling.",
        cause_contradiction,
    ),
    AuditRule.NO_RESPONSIBLE_OFFICIAL: RuleSpec(
        Severity.MEDIUM,
        "A REGISTERED or RETURNED household without an active RESPONSIBLE pairing.",
        no_responsible_official,
    ),
    AuditRule.OFFICIAL_OVERLOADED: RuleSpec(
        Severity.LOW,
        "An official paired in the region whose load exceeds maxLoad.",
        official_overloaded,
    ),
    AuditRule.EXIT_CRITERIA_UNMET: RuleSpec(
        Severity.HIGH,
        "An EXITED household whose file fails SAFE_HOUSING, MEDICAL_INSURANCE or "
        "COMPULSORY_EDUCATION on the run's date, or whose exit year has no income record "
        "above that year's threshold.",
        exit_criteria_unmet,
    ),
    AuditRule.INCOME_ABOVE_LINE_TWO_YEARS: RuleSpec(
        Severity.MEDIUM,
        "A REGISTERED or RETURNED household whose latest income record and the one for the "
        "year before are both above their years' thresholds.",
        income_above_line_two_years,
    ),
    AuditRule.MEASURE_AFTER_EXIT: RuleSpec(
        Severity.MEDIUM,
        "A non-voided measure dated after the household's exit, while EXITED, on a day no "
        "monitoring record was open.",
        measure_after_exit,
    ),
    AuditRule.MEASURE_TO_DECEASED: RuleSpec(
        Severity.HIGH,
        "A non-voided measure received by a member after their death.",
        measure_to_deceased,
    ),
    AuditRule.MONITORED_WITHOUT_SUPPORT: RuleSpec(
        Severity.MEDIUM,
        f"A monitoring record started at least {SUPPORT_DAYS} days before the run with no "
        f"non-voided measure dated in the {SUPPORT_DAYS} days from its start.",
        monitored_without_support,
    ),
    AuditRule.OFFICIAL_PAIRED_WITH_RELATIVE: RuleSpec(
        Severity.HIGH,
        "An official actively paired with a household of which they (by ID number) are an "
        "active member, or whose active member shares or shared a household with them.",
        official_paired_with_relative,
    ),
    AuditRule.HOUSEHOLD_SPLIT_OR_MERGE: RuleSpec(
        Severity.MEDIUM,
        f"Two or more people whose memberships of one household ended within {MOVE_DAYS} "
        f"days of each other and who joined one other household within {MOVE_DAYS} days of "
        "leaving, both households REGISTERED or RETURNED then.",
        household_split_or_merge,
    ),
}


def rule_statement(rule: AuditRule, unit: str, today: dt.date) -> Statement:
    """The statement of `rule` over one unit (a household-code prefix) on `today`."""
    cypher, params = RULES[rule].build(unit, today)
    return cypher, {**params, "severity": RULES[rule].severity.value}


def rule_rows() -> list[Mapping[str, str]]:
    """auditRules: every rule with its severity and description, in order."""
    return [
        {"rule": rule.value, "severity": spec.severity.value, "description": spec.description}
        for rule, spec in RULES.items()
    ]


declare(
    "AuditRuleInfo",
    ("r",),
    {
        "rule": Value("{r}.rule"),
        "severity": Value("{r}.severity"),
        "description": Value("{r}.description"),
    },
)


@root("auditRules")
def plan_rules(field: Field, view: View, shape: Any) -> Plan:
    """auditRules: the rules with their severity and description (no read of the graph:
    the list is a parameter)."""
    b = Binder()
    post = Post(field=field)
    node = Compiler(view, b).project("AuditRuleInfo", {"r": "r"}, field.fields, post)
    cypher = f"RETURN [r IN {b.const(rule_rows())} | {node}] AS data"
    return plan(cypher, b, post)
