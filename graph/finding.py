"""Findings of the file audit: their read map, the queries over them (finding,
auditFindings, auditSummary) and their review (confirm, dismiss, reopen).

A finding is
written by a run (graph/audit_run.py) and CONCERNS the households, people and officials
involved, and the measures, assessments and monitoring records (graph/audit.py's
`others`), read through their household's scope. Its region is its `place` (a household
code, see graph/audit.py), so a region's findings are a seek per household-code prefix
on finding_place. Who sees one is the scope's (`Access.FINDING`, graph/scope.py): a
region officer those concerning a household or an official they see, and of its entities
only those (the nested lists are scoped like any other).

Review: OPEN -> CONFIRMED or DISMISSED with a note; either back to OPEN by reopening;
anything else CONFLICT. A run never changes a status: a dismissed finding stays
dismissed while it is found again. Each review is recorded on the finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from graph.audit import RULES
from graph.compiler import (
    Binder,
    Compiler,
    ConnPost,
    Plan,
    Post,
    Request,
    View,
    arg,
    plan,
    root,
)
from graph.cursor import KeyKind, check_first, decode_key
from graph.db import Database
from graph.errors import Conflict, NotFound
from graph.history import history
from graph.model import Label
from graph.model import Rel as Edge
from graph.readmap import Access, Custom, Embed, Field, Kind, Rel, Value, declare
from graph.validation import check_region_code, check_uuid
from graph.write import Actor, Entity, Mutation, Write, write


class FindingStatus(StrEnum):
    OPEN = "OPEN"
    CONFIRMED = "CONFIRMED"
    DISMISSED = "DISMISSED"


def _of_household(target: str, var: str, label: Label, edge: Edge) -> Rel:
    """Finding.<list> of the `target` nodes it CONCERNS, seen through their household's
    scope, by id."""
    return Rel(
        target,
        f"MATCH ({{f}})-[:{Edge.CONCERNS}]->({{{var}}}:{label})"
        f"-[:{edge}]->({{h}}:{Label.HOUSEHOLD})",
        order=f"{{{var}}}.id",
        scoped=(("h", Access.HOUSEHOLD),),
    )


declare(
    "Finding",
    ("f",),
    {
        "id": Value("{f}.id"),
        "rule": Value("{f}.rule"),
        "severity": Value("{f}.severity"),
        "status": Value("{f}.status"),
        "summary": Value("{f}.summary"),
        "present": Value("{f}.present"),
        "firstSeenAt": Value("{f}.firstSeenAt", Kind.DATETIME),
        "lastSeenAt": Value("{f}.lastSeenAt", Kind.DATETIME),
        "lastRunId": Value("{f}.lastRunId"),
        "note": Value("{f}.note"),
        "decidedAt": Value("{f}.decidedAt", Kind.DATETIME),
        "households": Rel(
            "Household",
            "MATCH ({f})-[:CONCERNS]->({h}:Household)",
            order="{h}.code",
            scoped=(("h", Access.HOUSEHOLD),),
        ),
        "people": Rel(
            "Person",
            "MATCH ({f})-[:CONCERNS]->({p}:Person)",
            order="{p}.ref",
            scoped=(("p", Access.PERSON),),
        ),
        "officials": Rel(
            "Official",
            "MATCH ({f})-[:CONCERNS]->({o}:Official)",
            order="{o}.code",
            scoped=(("o", Access.OFFICIAL),),
        ),
        "measures": _of_household("Measure", "m", Label.MEASURE, Edge.MEASURE_FOR),
        "assessments": _of_household("Assessment", "a", Label.ASSESSMENT, Edge.ASSESSES),
        "monitoringRecords": _of_household(
            "MonitoringRecord", "r", Label.MONITORING_RECORD, Edge.MONITORS
        ),
        "history": history("f"),
    },
)
declare("FindingEdge", ("f",), {"node": Embed("Finding", {"f": "f"})})


def _finding_id(request: Request) -> str:
    return check_uuid(str(request.args["id"]), "id", "a finding's id")


@root("finding")
def plan_finding(field: Field, view: View, shape: Any) -> Plan:
    """finding(id): a seek on finding_id; null when there is none in the caller's scope."""
    b = Binder()
    post = Post(field=field)
    finding = b.slot("id", _finding_id)
    visible = view.scope.read_filter(Access.FINDING, "f", b)
    node = Compiler(view, b).project("Finding", {"f": "f"}, field.fields, post)
    cypher = f"MATCH (f:Finding {{id: {finding}}}) WHERE {visible} RETURN {node} AS data"
    return plan(cypher, b, post)


# --- auditFindings ----------------------------------------------------------------------

FINDINGS_KIND = "findings"
FILTERS = ("rule", "status", "severity", "present")


def _findings_shape(args: Mapping[str, Any]) -> Any:
    where = args.get("where") or {}
    given = tuple(sorted(k for k, v in where.items() if v is not None))
    return given, args.get("after") is not None


def _limit(request: Request) -> int:
    return check_first(request.args["first"]) + 1


def _after(position: int) -> Any:
    def get(request: Request) -> Any:
        key = decode_key(request.args.get("after"), FINDINGS_KIND, (KeyKind.INT, KeyKind.STR))
        assert key is not None
        return key[position]

    return get


_AFTER = (_after(0), _after(1))


def _where_region(request: Request) -> str:
    return check_region_code(str(request.args["where"]["regionCode"]), "where.regionCode")


def _in_region(code: str) -> str:
    """The clauses that find the region's findings as `f` (a seek on finding_place per
    household-code prefix), ending in an open WHERE."""
    return (
        f"MATCH (region:Region {{code: {code}}}) UNWIND region.prefixes AS prefix "
        "MATCH (f:Finding) WHERE f.place STARTS WITH prefix AND "
    )


@root("auditFindings", shape=_findings_shape)
def plan_findings(field: Field, view: View, shape: Any) -> Plan:
    """auditFindings(where, first, after): findings in the caller's scope, newest
    lastSeenAt first (then id), a keyset page of first + 1 and the total when selected.

    One statement: with a regionCode a seek on finding_place per prefix of the region,
    else every finding; the filters on each, then a top-k on (lastSeenAt, id)."""
    given, has_after = shape
    b = Binder()
    post = Post(field=field)
    where = [view.scope.read_filter(Access.FINDING, "f", b)]
    for name in FILTERS:
        if name in given:
            where.append(f"f.{name} = {b.slot(name, arg('where', name))}")
    filtered = " AND ".join(where)
    keyset = "true"
    if has_after:
        at, id_ = b.slot("afterAt", _AFTER[0]), b.slot("afterId", _AFTER[1])
        keyset = (
            f"(f.lastSeenAt.epochMillis < {at} OR "
            f"(f.lastSeenAt.epochMillis = {at} AND f.id < {id_}))"
        )
    match = (
        _in_region(b.slot("regionCode", _where_region))
        if "regionCode" in given
        else "MATCH (f:Finding) WHERE "
    )
    if any(f.name == "totalCount" for f in field.fields):
        count = f"CALL () {{ {match}{filtered} RETURN count(f) AS total }}"
    else:
        count = "WITH null AS total"
    limit = b.slot("limit", _limit)
    conn = ConnPost(FINDINGS_KIND, "limit", field, "FindingConnection")
    post.conn = conn
    row = Compiler(view, b).connection_row(
        "FindingEdge", {"f": "f"}, conn, ["f.lastSeenAt.epochMillis", "f.id"]
    )
    cypher = f"""
    {count}
    CALL () {{
      {match}{filtered} AND {keyset}
      WITH f ORDER BY f.lastSeenAt.epochMillis DESC, f.id DESC LIMIT {limit}
      RETURN collect({row}) AS rows
    }}
    RETURN {{r: rows, t: total}} AS data
    """
    return plan(cypher, b, post)


# --- auditSummary -----------------------------------------------------------------------


declare(
    "AuditCount",
    ("x", "s", "found"),
    {
        "rule": Value("{x}.rule"),
        "severity": Value("{x}.severity"),
        "status": Value("{s}"),
        "count": Value(
            "coalesce(head([y IN {found} WHERE y.rule = {x}.rule AND y.status = {s} | y.n]), 0)"
        ),
    },
)


def _counts(c: Compiler, row: Mapping[str, str], f: Field, post: Post) -> str:
    """AuditSummary.counts: every rule and status, in the order of auditRules, with the
    number of findings (zero included)."""
    rules = c.b.const([{"rule": r.value, "severity": s.severity.value} for r, s in RULES.items()])
    statuses = c.b.const([s.value for s in FindingStatus])
    acc, x, s = (c.b.var(n) for n in ("acc", "x", "s"))
    item = c.project("AuditCount", {"x": x, "s": s, "found": row["found"]}, f.fields, post)
    return f"reduce({acc} = [], {x} IN {rules} | {acc} + [{s} IN {statuses} | {item}])"


declare(
    "AuditSummary",
    ("region", "found"),
    {
        "regionCode": Value("{region}.code"),
        "region": Embed("Region", {"r": "region"}),
        "total": Value("reduce(s = 0, x IN {found} | s + x.n)"),
        "counts": Custom(_counts),
    },
)


def _region_code(request: Request) -> str:
    return check_region_code(str(request.args["regionCode"]), "regionCode")


def _present(request: Request) -> Any:
    return request.args.get("present")


@root("auditSummary", shape=lambda args: args.get("present") is None)
def plan_summary(field: Field, view: View, shape: Any) -> Plan:
    """auditSummary(regionCode, present): the region's findings in the caller's scope
    counted by rule and status (present ones by default); null for an unknown region.
    One statement: a seek on finding_place per prefix of the region."""
    both = shape
    b = Binder()
    post = Post(field=field)
    code = b.slot("regionCode", _region_code)
    visible = view.scope.read_filter(Access.FINDING, "f", b)
    present = "true" if both else f"f.present = {b.slot('present', _present)}"
    node = Compiler(view, b).project(
        "AuditSummary", {"region": "region", "found": "found"}, field.fields, post
    )
    cypher = f"""
    MATCH (region:Region {{code: {code}}})
    CALL (region) {{
      UNWIND region.prefixes AS prefix
      MATCH (f:Finding) WHERE f.place STARTS WITH prefix AND {present} AND {visible}
      WITH f.rule AS rule, f.status AS status, count(*) AS n
      RETURN collect({{rule: rule, status: status, n: n}}) AS found
    }}
    RETURN {node} AS data
    """
    return plan(cypher, b, post)


# --- review -----------------------------------------------------------------------------

LOCK_FINDING = (
    "MATCH (f:Finding {id: $id}) WHERE {scope} SET f._lock = true REMOVE f._lock "
    "RETURN f.status AS status"
)


async def review_finding(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    finding_id: str,
    status: FindingStatus,
    note: str | None,
) -> dict[str, Any]:
    """Set a finding's status: CONFIRMED or DISMISSED (with `note`) from OPEN, OPEN
    (the note replaced by `note`, or cleared) from either; otherwise CONFLICT, and
    NOT_FOUND outside the caller's scope. {id}; recorded on the finding."""
    where, params = actor.scope.filter(Access.FINDING, "f")

    async def work(w: Write) -> dict[str, Any]:
        record = await w.tx.single(
            LOCK_FINDING.replace("{scope}", where), {"id": finding_id, **params}
        )
        if record is None:
            raise NotFound("no such finding", field="input.findingId")
        current = record["status"]
        if status is FindingStatus.OPEN:
            if current == FindingStatus.OPEN:
                raise Conflict("the finding is already open", field="input.findingId")
            decided = None
        elif current != FindingStatus.OPEN:
            raise Conflict(
                f"the finding is {current}: only an open finding is confirmed or dismissed "
                "(reopen it first)",
                field="input.findingId",
            )
        else:
            decided = dt.datetime.now(dt.UTC)
        await w.update(
            Entity.FINDING, finding_id, {"status": status.value, "note": note, "decidedAt": decided}
        )
        return {"id": finding_id}

    return await write(db, actor, mutation, work)
