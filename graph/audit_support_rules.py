"""The audit's rules on exits, incomes, measures and relationships (issue 19;
graph/audit.py lists them with their severities)."""

from __future__ import annotations

import datetime as dt

from graph.assessment import IN_SCHOOL, SAFE_GRADES, SCHOOL_AGE, ExitCheckKind
from graph.audit_base import (
    HOUSEHOLD_REF,
    HOUSEHOLDS,
    PERSON_REF,
    SEEK_HOUSEHOLDS,
    AuditRule,
    Statement,
    params,
    returns,
)
from graph.household import IN_POVERTY, latest_change
from graph.income import per_capita_cypher
from graph.model import Label, Rel
from graph.monitoring import open_on
from graph.poverty_line import line_in_force, threshold_of
from graph.scope import active_on

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
    {HOUSEHOLDS} AND h.status = 'EXITED'
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
    {returns(f"[{HOUSEHOLD_REF}] + CASE WHEN a IS NULL THEN [] ELSE ['Assessment:' + a.id] END",
              "'an EXITED household fails ' + reduce(s = head(failed), c IN tail(failed) "
              "| s + ', ' + c) + ' on the date of the run'",
              people="[]", others="CASE WHEN a IS NULL THEN [] ELSE [a] END")}
    """  # fmt: skip
    return cypher, params(
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
    {HOUSEHOLDS} AND h.status IN $inPoverty AND h.previousPerCapitaNet IS NOT NULL
      AND h.latestPerCapitaNet IS NOT NULL
    WITH h WHERE h.latestPerCapitaNet > {latest} AND h.previousPerCapitaNet > {previous}
    {returns(f"[{HOUSEHOLD_REF}]", summary, people="[]")}
    """
    return cypher, params(AuditRule.INCOME_ABOVE_LINE_TWO_YEARS, unit, inPoverty=list(IN_POVERTY))


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
    {HOUSEHOLDS} AND h.exitYear IS NOT NULL
    MATCH (x:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h) WHERE x.voidedOn IS NULL
    WITH h, x WHERE {latest_change("h", "x.date", "s")} = 'EXITED'
      AND NOT {_monitored_on("h", "x.date")}
    {returns(f"[{HOUSEHOLD_REF}, 'Measure:' + x.id]",
              "'a ' + x.category + ' measure is dated while the household was EXITED and "
              "not monitored'", people="[]", others="[x]")}
    """  # fmt: skip
    return cypher, params(AuditRule.MEASURE_AFTER_EXIT, unit)


def measure_to_deceased(unit: str, today: dt.date) -> Statement:
    """A non-voided measure received by a member (RECEIVED_BY) dated after their diedOn.
    Concerns the measure, its household and the person. Cost: the unit's households,
    their measures and each measure's recipient."""
    cypher = f"""
    {HOUSEHOLDS}
    MATCH (x:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h) WHERE x.voidedOn IS NULL
    MATCH (x)-[:{Rel.RECEIVED_BY}]->(p:{Label.PERSON})
    WHERE p.diedOn IS NOT NULL AND x.date > p.diedOn
    {returns(f"[{HOUSEHOLD_REF}, {PERSON_REF}, 'Measure:' + x.id]",
              "'a support measure was received by a member after their death'",
              others="[x]")}
    """  # fmt: skip
    return cypher, params(AuditRule.MEASURE_TO_DECEASED, unit)


SUPPORT_DAYS = 30


def monitored_without_support(unit: str, today: dt.date) -> Statement:
    """A monitoring record started at least 30 days before the run with no non-voided
    measure of its household dated in the 30 days from its start (startedOn to
    startedOn + 29). Concerns the record and the household. Cost: the unit's
    households, their few monitoring records, the measures of those."""
    cypher = f"""
    {HOUSEHOLDS}
    MATCH (g:{Label.MONITORING_RECORD})-[:{Rel.MONITORS}]->(h)
    WHERE g.startedOn <= $today - duration({{days: $days}})
      AND NOT EXISTS {{ MATCH (x:{Label.MEASURE})-[:{Rel.MEASURE_FOR}]->(h)
                        WHERE x.voidedOn IS NULL AND x.date >= g.startedOn
                          AND x.date < g.startedOn + duration({{days: $days}}) }}
    {returns(f"[{HOUSEHOLD_REF}, 'MonitoringRecord:' + g.id]",
              "'a monitored household got no support measure in the ' + toString($days) "
              "+ ' days from the start of its monitoring'", people="[]", others="[g]")}
    """  # fmt: skip
    return cypher, params(AuditRule.MONITORED_WITHOUT_SUPPORT, unit, today=today, days=SUPPORT_DAYS)


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
    {SEEK_HOUSEHOLDS}
    MATCH (o:{Label.OFFICIAL})-[r:{Rel.PAIRED_WITH}]->(h)
    WHERE r.until IS NULL AND o.idNumber IS NOT NULL
    MATCH (p:{Label.PERSON} {{idNumber: o.idNumber}}) USING INDEX p:{Label.PERSON}(idNumber)
    WITH DISTINCT h, o, p,
         EXISTS {{ MATCH (p)-[a:{Rel.MEMBER_OF}]->(h) WHERE a.until IS NULL }} AS member
    WHERE member OR {relative}
    {returns(f"[{HOUSEHOLD_REF}, {PERSON_REF}, 'Official:' + o.code]",
              "CASE WHEN member THEN 'an official is paired with a household of which they "
              "are an active member' ELSE 'an official is paired with a household where a "
              "relative lives' END", officials="[o]")}
    """  # fmt: skip
    return cypher, params(AuditRule.OFFICIAL_PAIRED_WITH_RELATIVE, unit)


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
    {SEEK_HOUSEHOLDS}
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
    {returns(f"[{HOUSEHOLD_REF}, 'Household:' + b.code] + [x IN ps | 'Person:' + x.ref]",
              "toString(size(ps)) + ' people left one household and joined another within "
              "' + toString($days) + ' days'", households="[h, b]", people="ps")}
    """  # fmt: skip
    return cypher, params(
        AuditRule.HOUSEHOLD_SPLIT_OR_MERGE, unit, days=MOVE_DAYS, inPoverty=list(IN_POVERTY)
    )
