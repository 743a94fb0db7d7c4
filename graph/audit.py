"""Auditing the files (DOMAIN.md section 7): the rules.

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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.assessment import IN_SCHOOL, SAFE_GRADES, SCHOOL_AGE, ExitCheckKind
from graph.compiler import Binder, Compiler, Plan, Post, View, plan, root
from graph.household import IN_POVERTY, latest_change
from graph.income import per_capita_cypher
from graph.model import Label, Rel
from graph.monitoring import open_on
from graph.poverty_line import line_in_force, threshold_of
from graph.readmap import Field, Value, declare
from graph.scope import active_on

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
_HOUSEHOLDS = "MATCH (h:Household) WHERE h.code STARTS WITH $unit AND h.deregisteredOn IS NULL"
# The same with the seek as a planner hint: the relationship rules could start from the
# officials or people instead, whose counts the planner may misjudge on a fresh graph.
_SEEK_HOUSEHOLDS = _HOUSEHOLDS.replace("WHERE", "USING INDEX h:Household(code) WHERE", 1)
# And their active members.
_MEMBERS = f"{_HOUSEHOLDS} MATCH (p:Person)-[m:MEMBER_OF]->(h) WHERE m.until IS NULL"
_HOUSEHOLD_REF = "'Household:' + h.code"
_PERSON_REF = "'Person:' + p.ref"


def _returns(
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


def _params(rule: AuditRule, unit: str, **more: Any) -> dict[str, Any]:
    return {"rule": rule.value, "unit": unit, "severity": RULES[rule].severity.value, **more}


def duplicate_membership(unit: str, today: dt.date) -> Statement:
    """A person with more than one active membership of households on file (the graph
    keeps one node per ID number, so the same ID in two households shows this way).
    Cost: the unit's active members, each person's MEMBER_OF degree (a count kept on
    the node), and the memberships of those with more than one."""
    cypher = f"""
    {_MEMBERS} AND COUNT {{ (p)-[:MEMBER_OF]->() }} > 1
    WITH DISTINCT p
    WITH p, COLLECT {{
      MATCH (p)-[a:MEMBER_OF]->(x:Household) WHERE a.until IS NULL AND x.deregisteredOn IS NULL
      RETURN x ORDER BY x.code }} AS hs
    WHERE size(hs) > 1 AND hs[0].code STARTS WITH $unit
    {_returns(f"[{_PERSON_REF}] + [x IN hs | 'Household:' + x.code]",
              "'a person holds ' + toString(size(hs)) + ' active memberships of households "
              "on file'", place="hs[0].code", households="hs")}"""  # fmt: skip
    return cypher, _params(AuditRule.DUPLICATE_MEMBERSHIP, unit)


# ISO 7064 MOD 11-2, as graph/validation.py computes it.
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_number_problem(n: str) -> str:
    """Cypher: what is wrong with ID number expression `n` as check_id_number sees it
    (its shape, a birth date that is impossible, before 1900 or after $today, its
    check character), or null when nothing is. Uses $weights, $checks, $todayNumber."""
    y, mo, d = (f"toInteger(substring({n}, {a}, {b}))" for a, b in ((6, 4), (10, 2), (12, 2)))
    leap = f"(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0)"
    days = (
        f"CASE WHEN {mo} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
        f"WHEN {mo} IN [4, 6, 9, 11] THEN 30 ELSE 31 END"
    )
    real = (
        f"{mo} >= 1 AND {mo} <= 12 AND {d} >= 1 AND {d} <= {days} AND {y} >= 1900 "
        f"AND {y} * 10000 + {mo} * 100 + {d} <= $todayNumber"
    )
    total = f"reduce(s = 0, i IN range(0, 16) | s + toInteger(substring({n}, i, 1)) * $weights[i])"
    return (
        f"CASE WHEN NOT ({n} =~ '[0-9]{{17}}[0-9X]') THEN 'is not 17 digits and a check character' "
        f"WHEN NOT ({real}) THEN 'holds an impossible birth date' "
        f"WHEN substring($checks, {total} % 11, 1) <> right({n}, 1) "
        "THEN 'has a wrong check character' END"
    )


def invalid_id_number(unit: str, today: dt.date) -> Statement:
    """An active member whose ID number has a wrong check character or an impossible
    birth date (imported data: the API refuses both). Cost: the unit's active members,
    each number checked in the statement."""
    summary = '"an active member\'s ID number " + problem'
    cypher = f"""
    {_MEMBERS}
    WITH h, p, {id_number_problem("p.idNumber")} AS problem
    WHERE problem IS NOT NULL
    {_returns(f"[{_HOUSEHOLD_REF}, {_PERSON_REF}]", summary)}
    """
    number = today.year * 10000 + today.month * 100 + today.day
    return cypher, _params(
        AuditRule.INVALID_ID_NUMBER, unit, weights=ID_WEIGHTS, checks=ID_CHECK, todayNumber=number
    )


OLDEST = 110
YOUNGEST_HEAD = 16


def implausible_age(unit: str, today: dt.date) -> Statement:
    """An active member over 110, or a head under 16, on the run's date. Cost: the
    unit's active members, their birth dates compared."""
    cypher = f"""
    {_MEMBERS} AND p.birthDate IS NOT NULL
    WITH h, p, m, p.birthDate < $today - duration({{years: $oldest}}) AS old,
         m.relation = 'HEAD' AND p.birthDate > $today - duration({{years: $youngest}}) AS young
    WHERE old OR young
    {_returns(f"[{_HOUSEHOLD_REF}, {_PERSON_REF}]",
              "CASE WHEN old THEN 'an active member is over ' + toString($oldest) "
              "ELSE 'the head is under ' + toString($youngest) END")}
    """  # fmt: skip
    return cypher, _params(
        AuditRule.IMPLAUSIBLE_AGE, unit, today=today, oldest=OLDEST, youngest=YOUNGEST_HEAD
    )


def member_is_official(unit: str, today: dt.date) -> Statement:
    """An active member whose ID number is an official's. Cost: the unit's active
    members, a seek on official_id_number each."""
    cypher = f"""
    {_MEMBERS}
    MATCH (o:Official {{idNumber: p.idNumber}})
    {_returns(f"[{_HOUSEHOLD_REF}, {_PERSON_REF}, 'Official:' + o.code]",
              "'an active member holds the ID number of an official'", officials="[o]")}
    """  # fmt: skip
    return cypher, _params(AuditRule.MEMBER_IS_OFFICIAL, unit)


def cross_check_match(unit: str, today: dt.date) -> Statement:
    """An active member whose ID number is on an imported cross-check list (HIGH;
    MEDIUM for DEATH_REGISTER): one finding per list. Cost: the unit's active members,
    a seek on cross_check_entry_id_number each."""
    cypher = f"""
    {_MEMBERS}
    MATCH (e:CrossCheckEntry {{idNumber: p.idNumber}})
    WITH DISTINCT h, p, e.list AS list
    {_returns(f"[{_HOUSEHOLD_REF}, {_PERSON_REF}, 'List:' + list]",
              "'an active member is on the ' + list + ' list'",
              severity="CASE list WHEN 'DEATH_REGISTER' THEN 'MEDIUM' ELSE $severity END")}
    """  # fmt: skip
    return cypher, _params(AuditRule.CROSS_CHECK_MATCH, unit)


# main cause -> (the member property that supports it, its values, what the summary says)
CAUSE_SUPPORT: dict[str, tuple[str, list[str], str]] = {
    "ILLNESS": ("health", ["CHRONIC_ILLNESS", "SERIOUS_ILLNESS"], "chronically or seriously ill"),
    "DISABILITY": ("health", ["DISABLED"], "disabled"),
    "SCHOOLING_COSTS": (
        "schooling", ["COMPULSORY", "HIGH_SCHOOL", "VOCATIONAL", "COLLEGE"], "in school"),
}  # fmt: skip


def cause_contradiction(unit: str, today: dt.date) -> Statement:
    """A household whose main cause its active members contradict: ILLNESS and none
    CHRONIC_ILLNESS or SERIOUS_ILLNESS; DISABILITY and none DISABLED; SCHOOLING_COSTS
    and none in COMPULSORY, HIGH_SCHOOL, VOCATIONAL or COLLEGE. Cost: the unit's
    households, the members of those with one of the three causes."""
    support = " ".join(
        f"WHEN '{cause}' THEN q.{prop} IN $support.{cause}"
        for cause, (prop, _, _) in CAUSE_SUPPORT.items()
    )
    cypher = f"""
    {_HOUSEHOLDS} AND h.mainCause IN $causes
    AND NOT EXISTS {{
      MATCH (q:Person)-[a:MEMBER_OF]->(h) WHERE a.until IS NULL
        AND CASE h.mainCause {support} ELSE false END }}
    {_returns(f"[{_HOUSEHOLD_REF}]",
              "'the main cause is ' + h.mainCause + ' but no active member is ' "
              "+ $says[h.mainCause]", people="[]")}
    """  # fmt: skip
    return cypher, _params(
        AuditRule.CAUSE_CONTRADICTION,
        unit,
        causes=list(CAUSE_SUPPORT),
        support={cause: values for cause, (_, values, _) in CAUSE_SUPPORT.items()},
        says={cause: says for cause, (_, _, says) in CAUSE_SUPPORT.items()},
    )


def no_responsible_official(unit: str, today: dt.date) -> Statement:
    """A REGISTERED or RETURNED household without an active RESPONSIBLE pairing, as
    coverage counts it (the derived responsibleOfficial). Cost: the unit's households."""
    cypher = f"""
    {_HOUSEHOLDS} AND h.status IN $inPoverty AND h.responsibleOfficial IS NULL
    {_returns(f"[{_HOUSEHOLD_REF}]",
              "'a ' + h.status + ' household has no active RESPONSIBLE official'", people="[]")}
    """  # fmt: skip
    return cypher, _params(AuditRule.NO_RESPONSIBLE_OFFICIAL, unit, inPoverty=list(IN_POVERTY))


def official_overloaded(unit: str, today: dt.date) -> Statement:
    """An official actively paired with a household in poverty of the unit whose load
    (active pairings) exceeds maxLoad, as coverage's overloadedOfficials counts them.
    Cost: the unit's households in poverty and their active pairings."""
    poor = "x.status IN $inPoverty AND x.deregisteredOn IS NULL"
    cypher = f"""
    {_HOUSEHOLDS} AND h.status IN $inPoverty
    MATCH (h)<-[r:PAIRED_WITH]-(o:Official)
    WHERE r.until IS NULL AND o.maxLoad IS NOT NULL AND coalesce(o.load, 0) > o.maxLoad
    WITH DISTINCT o
    WITH o, COLLECT {{ MATCH (o)-[q:PAIRED_WITH]->(x:Household) WHERE q.until IS NULL AND {poor}
                       RETURN x.code ORDER BY x.code LIMIT 1 }}[0] AS place
    WHERE place STARTS WITH $unit
    {_returns("['Official:' + o.code]",
              "'an official carries ' + toString(o.load) + ' active pairings, above their "
              "maximum of ' + toString(o.maxLoad)",
              place="place", households="[]", people="[]", officials="[o]")}
    """  # fmt: skip
    return cypher, _params(AuditRule.OFFICIAL_OVERLOADED, unit, inPoverty=list(IN_POVERTY))


# --- exits, incomes, measures and relationships (issue 19) ---------------------------

_EXIT_CHECKS = (
    ExitCheckKind.SAFE_HOUSING,
    ExitCheckKind.MEDICAL_INSURANCE,
    ExitCheckKind.COMPULSORY_EDUCATION,
    ExitCheckKind.INCOME,
)
# The latest passed assessment of `h`: the exit the household's exitYear derives from.
_EXIT = (
    f"COLLECT {{ MATCH (a:{Label.ASSESSMENT})-[:{Rel.ASSESSES}]->(h) WHERE a.passed "
    "RETURN a ORDER BY a.date DESC, a.year DESC LIMIT 1 }[0]"
)


def exit_criteria_unmet(unit: str, today: dt.date) -> Statement:
    """An EXITED household whose file fails, on the run's date, a check of C2's
    (graph/assessment.py): SAFE_HOUSING (grade not A or B), MEDICAL_INSURANCE (an active,
    living member without basic medical insurance), COMPULSORY_EDUCATION (an active,
    living member aged 6-15 not in COMPULSORY, HIGH_SCHOOL or VOCATIONAL schooling), or
    INCOME: its exit year (exitYear) has no income record whose perCapitaNet is above
    that year's threshold. The summary names the failed checks. Concerns the household
    and its exit's assessment. Cost: the unit's EXITED households (the status index is
    not needed: a seek on household_code), their members and exit-year record."""
    low, high = SCHOOL_AGE
    member = (
        f"MATCH (p:{Label.PERSON})-[m:{Rel.MEMBER_OF}]->(h) WHERE {active_on('m', '$today')} "
        "AND (p.diedOn IS NULL OR p.diedOn > $today)"
    )
    cypher = f"""
    {_HOUSEHOLDS} AND h.status = 'EXITED'
    WITH h, {_EXIT} AS a,
      [c IN [
        CASE WHEN NOT coalesce(h.housingGrade IN $safeGrades, false) THEN $checks[0] END,
        CASE WHEN EXISTS {{ {member} AND coalesce(p.medicalInsurance, false) <> true }}
             THEN $checks[1] END,
        CASE WHEN EXISTS {{ {member} AND p.birthDate IS NOT NULL
                            AND duration.between(p.birthDate, $today).years >= $low
                            AND duration.between(p.birthDate, $today).years <= $high
                            AND NOT coalesce(p.schooling IN $inSchool, false) }}
             THEN $checks[2] END,
        CASE WHEN h.exitYear IS NULL OR NOT EXISTS {{
               MATCH (i:{Label.INCOME_RECORD})-[:{Rel.INCOME_OF}]->(h) WHERE i.year = h.exitYear
                 AND {per_capita_cypher("i")} >
                     {threshold_of(line_in_force("h.exitYear", "l"))} }}
             THEN $checks[3] END
      ] WHERE c IS NOT NULL] AS failed
    WHERE size(failed) > 0
    {_returns(f"[{_HOUSEHOLD_REF}] + CASE WHEN a IS NULL THEN [] ELSE ['Assessment:' + a.id] END",
              "'an EXITED household fails ' + reduce(s = head(failed), c IN tail(failed) "
              "| s + ', ' + c) + ' on the date of the run'",
              people="[]", others="CASE WHEN a IS NULL THEN [] ELSE [a] END")}
    """  # fmt: skip
    return cypher, _params(
        AuditRule.EXIT_CRITERIA_UNMET, unit, today=today, safeGrades=list(SAFE_GRADES),
        checks=[c.value for c in _EXIT_CHECKS], low=low, high=high, inSchool=list(IN_SCHOOL),
    )  # fmt: skip


def income_above_line_two_years(unit: str, today: dt.date) -> Statement:
    """A REGISTERED or RETURNED household whose latest income record and the one of the
    year before are both above their years' thresholds: the household's derived
    latestIncomeYear, latestPerCapitaNet and previousPerCapitaNet (graph/income.py,
    platform sales included) against the line in force each year. Cost: the unit's
    households, two seeks on poverty_line_year for those with both figures."""
    latest = threshold_of(line_in_force("h.latestIncomeYear", "l"))
    previous = threshold_of(line_in_force("h.latestIncomeYear - 1", "k"))
    summary = (
        '"a " + h.status + " household\'s income per capita was above the line in " + '
        "toString(h.latestIncomeYear - 1) + ' and ' + toString(h.latestIncomeYear)"
    )
    cypher = f"""
    {_HOUSEHOLDS} AND h.status IN $inPoverty AND h.previousPerCapitaNet IS NOT NULL
      AND h.latestPerCapitaNet IS NOT NULL
    WITH h WHERE h.latestPerCapitaNet > {latest} AND h.previousPerCapitaNet > {previous}
    {_returns(f"[{_HOUSEHOLD_REF}]", summary, people="[]")}
    """
    return cypher, _params(AuditRule.INCOME_ABOVE_LINE_TWO_YEARS, unit, inPoverty=list(IN_POVERTY))


def _monitored_on(h: str, day: str) -> str:
    """A monitoring record of `h` open on `day` (graph/monitoring.py `open_on`)."""
    return (
        f"EXISTS {{ MATCH (r:{Label.MONITORING_RECORD})-[:{Rel.MONITORS}]->({h}) "
        f"WHERE {open_on('r', day)} }}"
    )


def measure_after_exit(unit: str, today: dt.date) -> Statement:
    """A non-voided measure dated after the household's exit while it was EXITED (its
    status on the measure's date, graph/status.py), on a day no monitoring record of
    the household was open (support to a monitored household is expected). Concerns
    the measure and the household. Cost: the unit's households that ever exited
    (exitYear set), their measures, a few status changes each."""
    cypher = f"""
    {_HOUSEHOLDS} AND h.exitYear IS NOT NULL
    MATCH (x:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h) WHERE x.voidedOn IS NULL
    WITH h, x WHERE {latest_change("h", "x.date", "s")} = 'EXITED'
      AND NOT {_monitored_on("h", "x.date")}
    {_returns(f"[{_HOUSEHOLD_REF}, 'Measure:' + x.id]",
              "'a ' + x.category + ' measure is dated while the household was EXITED and "
              "not monitored'", people="[]", others="[x]")}
    """  # fmt: skip
    return cypher, _params(AuditRule.MEASURE_AFTER_EXIT, unit)


def measure_to_deceased(unit: str, today: dt.date) -> Statement:
    """A non-voided measure received by a member (RECEIVED_BY) dated after their diedOn.
    Concerns the measure, its household and the person. Cost: the unit's households,
    their measures and each measure's recipient."""
    cypher = f"""
    {_HOUSEHOLDS}
    MATCH (x:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h) WHERE x.voidedOn IS NULL
    MATCH (x)-[:{Rel.RECEIVED_BY}]->(p:{Label.PERSON})
    WHERE p.diedOn IS NOT NULL AND x.date > p.diedOn
    {_returns(f"[{_HOUSEHOLD_REF}, {_PERSON_REF}, 'Measure:' + x.id]",
              "'a support measure was received by a member after their death'",
              others="[x]")}
    """  # fmt: skip
    return cypher, _params(AuditRule.MEASURE_TO_DECEASED, unit)


SUPPORT_DAYS = 30


def monitored_without_support(unit: str, today: dt.date) -> Statement:
    """A monitoring record started at least 30 days before the run with no non-voided
    measure of its household dated in the 30 days from its start (startedOn to
    startedOn + 29). Concerns the record and the household. Cost: the unit's
    households, their few monitoring records, the measures of those."""
    cypher = f"""
    {_HOUSEHOLDS}
    MATCH (g:{Label.MONITORING_RECORD})-[:{Rel.MONITORS}]->(h)
    WHERE g.startedOn <= $today - duration({{days: $days}})
      AND NOT EXISTS {{ MATCH (x:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h)
                        WHERE x.voidedOn IS NULL AND x.date >= g.startedOn
                          AND x.date < g.startedOn + duration({{days: $days}}) }}
    {_returns(f"[{_HOUSEHOLD_REF}, 'MonitoringRecord:' + g.id]",
              "'a monitored household got no support measure in the ' + toString($days) "
              "+ ' days from the start of its monitoring'", people="[]", others="[g]")}
    """  # fmt: skip
    return cypher, _params(
        AuditRule.MONITORED_WITHOUT_SUPPORT, unit, today=today, days=SUPPORT_DAYS
    )


def official_paired_with_relative(unit: str, today: dt.date) -> Statement:
    """An official with an active pairing to a household on file of which the person
    holding the official's ID number is an active member, or one of whose active members
    shares or shared a household with that person (any membership of either, past or
    present). Concerns the official, the household and the official's person.

    From the unit's households (a range seek on household_code), their active pairings,
    the official's person by a seek on person_id_number (`{idNumber: o.idNumber}`), then
    the person's and the members' few memberships (both seeks also given as planner hints):
    EXPLAIN shows NodeUniqueIndexSeek on Person(idNumber) and NodeUniqueIndexSeekByRange
    on Household(code), no label scan."""
    relative = (
        f"EXISTS {{ MATCH (q:{Label.PERSON})-[a:{Rel.MEMBER_OF}]->(h) WHERE a.until IS NULL "
        f"AND q <> p MATCH (q)-[:{Rel.MEMBER_OF}]->(:{Label.HOUSEHOLD})<-[:{Rel.MEMBER_OF}]-(p) }}"
    )
    cypher = f"""
    {_SEEK_HOUSEHOLDS}
    MATCH (o:{Label.OFFICIAL})-[r:{Rel.PAIRED_WITH}]->(h)
    WHERE r.until IS NULL AND o.idNumber IS NOT NULL
    MATCH (p:{Label.PERSON} {{idNumber: o.idNumber}}) USING INDEX p:{Label.PERSON}(idNumber)
    WITH DISTINCT h, o, p,
         EXISTS {{ MATCH (p)-[a:{Rel.MEMBER_OF}]->(h) WHERE a.until IS NULL }} AS member
    WHERE member OR {relative}
    {_returns(f"[{_HOUSEHOLD_REF}, {_PERSON_REF}, 'Official:' + o.code]",
              "CASE WHEN member THEN 'an official is paired with a household of which they "
              "are an active member' ELSE 'an official is paired with a household where a "
              "relative lives' END", officials="[o]")}
    """  # fmt: skip
    return cypher, _params(AuditRule.OFFICIAL_PAIRED_WITH_RELATIVE, unit)


MOVE_DAYS = 60


def household_split_or_merge(unit: str, today: dt.date) -> Statement:
    """Two or more people whose memberships of one household ended within 60 days of
    each other and who each joined one other household (on file) 0-60 days after
    leaving, both households REGISTERED or RETURNED then (the one left on the day they
    left, the other on the day they joined; graph/status.py). One finding per pair of
    households and group; placed in the household left. Concerns both households and
    the people.

    From the unit's households (a range seek on household_code), their ended
    memberships, the people's other memberships (the seek also a planner hint): EXPLAIN
    shows NodeUniqueIndexSeekByRange on Household(code) and expansions only, no label
    scan."""
    window = "duration({days: $days})"
    cypher = f"""
    {_SEEK_HOUSEHOLDS}
    MATCH (p:{Label.PERSON})-[m:{Rel.MEMBER_OF}]->(h) WHERE m.until IS NOT NULL
    MATCH (p)-[n:{Rel.MEMBER_OF}]->(b:{Label.HOUSEHOLD})
    WHERE b <> h AND b.deregisteredOn IS NULL
      AND n.since >= m.until AND n.since <= m.until + {window}
    WITH h, b, p, m WHERE {latest_change("h", "m.until", "s")} IN $inPoverty
      AND {latest_change("b", "n.since", "t")} IN $inPoverty
    WITH h, b, collect({{p: p, left: m.until}}) AS moved WHERE size(moved) > 1
    WITH h, b, [x IN moved WHERE any(y IN moved WHERE y.p <> x.p
                AND x.left <= y.left + {window} AND y.left <= x.left + {window}) | x.p] AS ps
    WHERE size(ps) > 1
    UNWIND ps AS p
    WITH h, b, p ORDER BY p.ref
    WITH h, b, collect(DISTINCT p) AS ps
    {_returns(f"[{_HOUSEHOLD_REF}, 'Household:' + b.code] + [x IN ps | 'Person:' + x.ref]",
              "toString(size(ps)) + ' people left one household and joined another within "
              "' + toString($days) + ' days'", households="[h, b]", people="ps")}
    """  # fmt: skip
    return cypher, _params(
        AuditRule.HOUSEHOLD_SPLIT_OR_MERGE, unit, days=MOVE_DAYS, inPoverty=list(IN_POVERTY)
    )


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
    return RULES[rule].build(unit, today)


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
