"""The audit rules' shared Cypher (graph/audit.py lists the rules): the rule and
severity names, a finding's key, the unit's households and members, and the columns
every rule returns. A rule's `$severity` is bound by `rule_statement` from its spec."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

Statement = tuple[str, dict[str, Any]]


class AuditRule(StrEnum):
    DUPLICATE_MEMBERSHIP = "DUPLICATE_MEMBERSHIP"
    INVALID_ID_NUMBER = "INVALID_ID_NUMBER"
    IMPLAUSIBLE_AGE = "IMPLAUSIBLE_AGE"
    MEMBER_IS_OFFICIAL = "MEMBER_IS_OFFICIAL"
    CROSS_CHECK_MATCH = "CROSS_CHECK_MATCH"
    CAUSE_CONTRADICTION = "CAUSE_CONTRADICTION"
    NO_RESPONSIBLE_OFFICIAL = "NO_RESPONSIBLE_OFFICIAL"
    OFFICIAL_OVERLOADED = "OFFICIAL_OVERLOADED"
    EXIT_CRITERIA_UNMET = "EXIT_CRITERIA_UNMET"
    INCOME_ABOVE_LINE_TWO_YEARS = "INCOME_ABOVE_LINE_TWO_YEARS"
    MEASURE_AFTER_EXIT = "MEASURE_AFTER_EXIT"
    MEASURE_TO_DECEASED = "MEASURE_TO_DECEASED"
    MONITORED_WITHOUT_SUPPORT = "MONITORED_WITHOUT_SUPPORT"
    OFFICIAL_PAIRED_WITH_RELATIVE = "OFFICIAL_PAIRED_WITH_RELATIVE"
    HOUSEHOLD_SPLIT_OR_MERGE = "HOUSEHOLD_SPLIT_OR_MERGE"


class Severity(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


def finding_key(rule: str, refs: Iterable[str]) -> str:
    """A finding's key: the rule and the sorted refs of what it concerns, joined by
    `|` (the rules print the same in Cypher; the generator's planted report uses it)."""
    return "|".join([rule, *sorted(refs)])


def _key(refs: str) -> str:
    """Cypher for `finding_key($rule, refs)`, `refs` a list expression."""
    return (
        f"reduce(k = $rule, ref IN COLLECT {{ UNWIND {refs} AS r RETURN r ORDER BY r }} "
        "| k + '|' + ref)"
    )


# The unit's households on file, by a seek on household_code.
HOUSEHOLDS = "MATCH (h:Household) WHERE h.code STARTS WITH $unit AND h.deregisteredOn IS NULL"
# The same with the seek as a planner hint, planned on its own (the WITH ends the query
# part): the relationship rules could start from the officials or people instead, whose
# counts the planner may misjudge, and a hint it cannot fit into a whole plan is only a
# warning (CI once saw a plan without the seek).
SEEK_HOUSEHOLDS = HOUSEHOLDS.replace("WHERE", "USING INDEX h:Household(code) WHERE", 1) + " WITH h"
# And their active members.
MEMBERS = f"{HOUSEHOLDS} MATCH (p:Person)-[m:MEMBER_OF]->(h) WHERE m.until IS NULL"
HOUSEHOLD_REF = "'Household:' + h.code"
PERSON_REF = "'Person:' + p.ref"


def returns(
    refs: str,
    summary: str,
    *,
    severity: str = "$severity",
    place: str = "h.code",
    households: str = "[h]",
    people: str = "[p]",
    officials: str = "[]",
    others: str = "[]",
) -> str:
    return (
        f"RETURN {_key(refs)} AS key, {severity} AS severity, {summary} AS summary, "
        f"{place} AS place, {households} AS households, {people} AS people, "
        f"{officials} AS officials, {others} AS others"
    )


def params(rule: AuditRule, unit: str, **more: Any) -> dict[str, Any]:
    return {"rule": rule.value, "unit": unit, **more}
