"""The audit's rules on the household file (issue 18): memberships, ID numbers, ages,
officials and cross-check lists, causes, responsibility and load (graph/audit.py lists
them with their severities)."""

from __future__ import annotations

import datetime as dt

from graph.audit_base import (
    HOUSEHOLD_REF,
    HOUSEHOLDS,
    MEMBERS,
    PERSON_REF,
    AuditRule,
    Statement,
    params,
    returns,
)
from graph.household import IN_POVERTY


def duplicate_membership(unit: str, today: dt.date) -> Statement:
    """A person with more than one active membership of households on file (the graph
    keeps one node per ID number, so the same ID in two households shows this way).
    Cost: the unit's active members, each person's MEMBER_OF degree (a count kept on
    the node), and the memberships of those with more than one."""
    cypher = f"""
    {MEMBERS} AND COUNT {{ (p)-[:MEMBER_OF]->() }} > 1
    WITH DISTINCT p
    WITH p, COLLECT {{
      MATCH (p)-[a:MEMBER_OF]->(x:Household) WHERE a.until IS NULL AND x.deregisteredOn IS NULL
      RETURN x ORDER BY x.code }} AS hs
    WHERE size(hs) > 1 AND hs[0].code STARTS WITH $unit
    {returns(f"[{PERSON_REF}] + [x IN hs | 'Household:' + x.code]",
              "'a person holds ' + toString(size(hs)) + ' active memberships of households "
              "on file'", place="hs[0].code", households="hs")}"""  # fmt: skip
    return cypher, params(AuditRule.DUPLICATE_MEMBERSHIP, unit)


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
    {MEMBERS}
    WITH h, p, {id_number_problem("p.idNumber")} AS problem
    WHERE problem IS NOT NULL
    {returns(f"[{HOUSEHOLD_REF}, {PERSON_REF}]", summary)}
    """
    number = today.year * 10000 + today.month * 100 + today.day
    return cypher, params(
        AuditRule.INVALID_ID_NUMBER, unit, weights=ID_WEIGHTS, checks=ID_CHECK, todayNumber=number
    )


OLDEST = 110
YOUNGEST_HEAD = 16


def implausible_age(unit: str, today: dt.date) -> Statement:
    """An active member over 110, or a head under 16, on the run's date. Cost: the
    unit's active members, their birth dates compared."""
    cypher = f"""
    {MEMBERS} AND p.birthDate IS NOT NULL
    WITH h, p, m, p.birthDate < $today - duration({{years: $oldest}}) AS old,
         m.relation = 'HEAD' AND p.birthDate > $today - duration({{years: $youngest}}) AS young
    WHERE old OR young
    {returns(f"[{HOUSEHOLD_REF}, {PERSON_REF}]",
              "CASE WHEN old THEN 'an active member is over ' + toString($oldest) "
              "ELSE 'the head is under ' + toString($youngest) END")}
    """  # fmt: skip
    return cypher, params(
        AuditRule.IMPLAUSIBLE_AGE, unit, today=today, oldest=OLDEST, youngest=YOUNGEST_HEAD
    )


def member_is_official(unit: str, today: dt.date) -> Statement:
    """An active member whose ID number is an official's. Cost: the unit's active
    members, a seek on official_id_number each."""
    cypher = f"""
    {MEMBERS}
    MATCH (o:Official {{idNumber: p.idNumber}})
    {returns(f"[{HOUSEHOLD_REF}, {PERSON_REF}, 'Official:' + o.code]",
              "'an active member holds the ID number of an official'", officials="[o]")}
    """  # fmt: skip
    return cypher, params(AuditRule.MEMBER_IS_OFFICIAL, unit)


def cross_check_match(unit: str, today: dt.date) -> Statement:
    """An active member whose ID number is on an imported cross-check list (HIGH;
    MEDIUM for DEATH_REGISTER): one finding per list. Cost: the unit's active members,
    a seek on cross_check_entry_id_number each."""
    cypher = f"""
    {MEMBERS}
    MATCH (e:CrossCheckEntry {{idNumber: p.idNumber}})
    WITH DISTINCT h, p, e.list AS list
    {returns(f"[{HOUSEHOLD_REF}, {PERSON_REF}, 'List:' + list]",
              "'an active member is on the ' + list + ' list'",
              severity="CASE list WHEN 'DEATH_REGISTER' THEN 'MEDIUM' ELSE $severity END")}
    """  # fmt: skip
    return cypher, params(AuditRule.CROSS_CHECK_MATCH, unit)


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
    {HOUSEHOLDS} AND h.mainCause IN $causes
    AND NOT EXISTS {{
      MATCH (q:Person)-[a:MEMBER_OF]->(h) WHERE a.until IS NULL
        AND CASE h.mainCause {support} ELSE false END }}
    {returns(f"[{HOUSEHOLD_REF}]",
              "'the main cause is ' + h.mainCause + ' but no active member is ' "
              "+ $says[h.mainCause]", people="[]")}
    """  # fmt: skip
    return cypher, params(
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
    {HOUSEHOLDS} AND h.status IN $inPoverty AND h.responsibleOfficial IS NULL
    {returns(f"[{HOUSEHOLD_REF}]",
              "'a ' + h.status + ' household has no active RESPONSIBLE official'", people="[]")}
    """  # fmt: skip
    return cypher, params(AuditRule.NO_RESPONSIBLE_OFFICIAL, unit, inPoverty=list(IN_POVERTY))


def official_overloaded(unit: str, today: dt.date) -> Statement:
    """An official actively paired with a household in poverty of the unit whose load
    (active pairings) exceeds maxLoad, as coverage's overloadedOfficials counts them.
    Cost: the unit's households in poverty and their active pairings."""
    poor = "x.status IN $inPoverty AND x.deregisteredOn IS NULL"
    cypher = f"""
    {HOUSEHOLDS} AND h.status IN $inPoverty
    MATCH (h)<-[r:PAIRED_WITH]-(o:Official)
    WHERE r.until IS NULL AND o.maxLoad IS NOT NULL AND coalesce(o.load, 0) > o.maxLoad
    WITH DISTINCT o
    WITH o, COLLECT {{ MATCH (o)-[q:PAIRED_WITH]->(x:Household) WHERE q.until IS NULL AND {poor}
                       RETURN x.code ORDER BY x.code LIMIT 1 }}[0] AS place
    WHERE place STARTS WITH $unit
    {returns("['Official:' + o.code]",
              "'an official carries ' + toString(o.load) + ' active pairings, above their "
              "maximum of ' + toString(o.maxLoad)",
              place="place", households="[]", people="[]", officials="[o]")}
    """  # fmt: skip
    return cypher, params(AuditRule.OFFICIAL_OVERLOADED, unit, inPoverty=list(IN_POVERTY))
