"""Audit runs: one run of the rules (graph/audit.py) over a region, a transaction per
rule and unit, its progress kept on the `(:AuditRun)` node.

    start_run      runAudit's write (graph/write.py's frame): the AuditLock node
                   write-locked, then no other run may be RUNNING (CONFLICT); the run is
                   created RUNNING with its units (the region's household-code
                   prefixes: its county-level units, or itself below them)
    execute_run    the work, in whichever process claims the run (`worker`): for each
                   unit and rule one write transaction that upserts the findings on
                   their key, marks the unit's findings of the rule it no longer finds
                   `present: false`, and adds to the run's done/found/added/gone and
                   heartbeat; then DONE, or FAILED on an error
    fail_stale_runs  a RUNNING run whose heartbeat is older than `stale_s` was left by a
                   stopped process: FAILED (at every start, and when a new run asks)

Nothing of a run lives in a process but the task that works on it, so any process
answers auditRun(id), and one run at a time holds across processes. Findings are
written by the run, not by a mutation: no change history (their reviews have one).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from graph.audit import AuditRule, rule_statement
from graph.compiler import Binder, Compiler, Plan, Post, Request, View, plan, root
from graph.db import Database, Tx
from graph.errors import Conflict, FupinError, NotFound
from graph.readmap import Field, Kind, Value, declare
from graph.validation import check_uuid, today_cst
from graph.write import Actor, Entity, Mutation, Write, write

logger = logging.getLogger("fupin.audit")


class AuditRunStatus(StrEnum):
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


def stale_after(timeout_s: float) -> float:
    """Seconds without a heartbeat after which a RUNNING run is taken for abandoned:
    three transaction timeouts (a unit's transaction beats once), at least 30."""
    return max(30.0, 3 * timeout_s)


declare(
    "AuditRun",
    ("r",),
    {
        "id": Value("{r}.id"),
        "regionCode": Value("{r}.regionCode"),
        "rules": Value("{r}.rules"),
        "status": Value("{r}.status"),
        "startedAt": Value("{r}.startedAt", Kind.DATETIME),
        "finishedAt": Value("{r}.finishedAt", Kind.DATETIME),
        "done": Value("{r}.done"),
        "total": Value("{r}.total"),
        "found": Value("{r}.found"),
        "added": Value("{r}.added"),
        "gone": Value("{r}.gone"),
        "error": Value("{r}.error"),
    },
)


def _run_id(request: Request) -> str:
    return check_uuid(str(request.args["id"]), "id", "a run's id")


@root("auditRun")
def plan_audit_run(field: Field, view: View, shape: Any) -> Plan:
    """auditRun(id): a seek on audit_run_id; null when there is none (or the caller's
    scope does not see everything)."""
    b = Binder()
    post = Post(field=field)
    run = b.slot("id", _run_id)
    node = Compiler(view, b).project("AuditRun", {"r": "r"}, field.fields, post)
    visible = view.scope.audit_filter
    return plan(f"MATCH (r:AuditRun {{id: {run}}}) WHERE {visible} RETURN {node} AS data", b, post)


# --- starting a run (runAudit) -------------------------------------------------------

LOCK_AUDITS = """
MERGE (l:AuditLock {id: 'audit'})
SET l._lock = true REMOVE l._lock
WITH l
OPTIONAL MATCH (r:AuditRun {status: 'RUNNING'})
WITH collect(r {.id, stale: coalesce(r.heartbeatAt, r.startedAt)
                             < datetime() - duration({seconds: $stale})}) AS running
RETURN [x IN running WHERE NOT x.stale | x.id] AS busy,
       [x IN running WHERE x.stale | x.id] AS stale
"""
"""The lock every new run takes first: a second runAudit waits for the first to
commit, then sees its RUNNING run. The lock node is unique (audit_lock_id)."""

MARK_FAILED = """
MATCH (r:AuditRun {id: $id}) WHERE r.status = 'RUNNING'
SET r.status = 'FAILED', r.finishedAt = datetime(), r.error = $error
"""

REGION_UNITS = "MATCH (g:Region {code: $code}) RETURN coalesce(g.prefixes, []) AS units"

CREATE_RUN = """
CREATE (r:AuditRun {id: $id, regionCode: $regionCode, rules: $rules, units: $units,
                    asOf: $asOf, status: 'RUNNING', startedAt: datetime(),
                    heartbeatAt: datetime(), done: 0, total: $total, found: 0, added: 0,
                    gone: 0, startedBy: $subject})
"""


async def start_run(
    db: Database,
    actor: Actor,
    mutation: Mutation,
    region_code: str,
    rules: Sequence[AuditRule],
    *,
    stale_s: float,
) -> dict[str, Any]:
    """Create a RUNNING run of `rules` over the region: {id}. CONFLICT while another
    run is RUNNING (one abandoned, by `stale_s`, is marked FAILED and does not count);
    NOT_FOUND for an unknown region. Recorded on the run (Entity.AUDIT_RUN)."""

    async def work(w: Write) -> dict[str, Any]:
        lock = await w.tx.single(LOCK_AUDITS, {"stale": stale_s})
        assert lock is not None
        if lock["busy"]:
            raise Conflict("an audit run is under way: one run at a time")
        for abandoned in lock["stale"]:
            await w.tx.run(MARK_FAILED, {"id": abandoned, "error": "ABANDONED"})
        region = await w.tx.single(REGION_UNITS, {"code": region_code})
        if region is None:
            raise NotFound("no such region", field="input.regionCode")
        run_id = str(uuid.uuid4())
        units = sorted(region["units"])
        names = [rule.value for rule in rules]
        await w.tx.run(
            CREATE_RUN,
            {"id": run_id, "regionCode": region_code, "rules": names, "units": units,
             "asOf": today_cst(), "total": len(units) * len(names), "subject": actor.subject},
        )  # fmt: skip
        w.created(
            Entity.AUDIT_RUN,
            run_id,
            {"regionCode": region_code, "rules": names, "status": AuditRunStatus.RUNNING.value},
        )
        return {"id": run_id}

    return await write(db, actor, mutation, work)


# --- working through a run -----------------------------------------------------------

CLAIM = """
MATCH (r:AuditRun {id: $id}) WHERE r.status = 'RUNNING' AND r.worker IS NULL
SET r.worker = $worker, r.heartbeatAt = datetime()
RETURN r.rules AS rules, r.units AS units, r.asOf AS asOf, r.done AS done
"""

HOLD = """
MATCH (r:AuditRun {id: $id}) WHERE r.status = 'RUNNING' AND r.worker = $worker
SET r._lock = true REMOVE r._lock
RETURN r.id AS id
"""


def upsert_findings(rule_cypher: str) -> str:
    """The rule's rows MERGEd into findings on their key: a new one OPEN, a known one
    keeps its status and review; each is present, seen now, by this run, and CONCERNS
    its households, people, officials and others (measures, assessments, monitoring
    records). Returns {found, added}."""
    return f"""
    CALL () {{ {rule_cypher} }}
    MERGE (f:Finding {{key: key}})
    ON CREATE SET f.id = randomUUID(), f.rule = $rule, f.status = 'OPEN',
                  f.firstSeenAt = datetime(), f._new = true
    SET f.severity = severity, f.summary = summary, f.place = place, f.present = true,
        f.lastSeenAt = datetime(), f.lastRunId = $run
    WITH f, households + people + officials + others AS targets, f._new IS NOT NULL AS new
    REMOVE f._new
    WITH f, targets, new
    CALL (f, targets) {{ UNWIND targets AS t MERGE (f)-[:CONCERNS]->(t) }}
    RETURN count(f) AS found, count(CASE WHEN new THEN 1 END) AS added
    """


MARK_GONE = """
MATCH (f:Finding) WHERE f.place STARTS WITH $unit AND f.rule = $rule AND f.present = true
  AND f.lastRunId <> $run
SET f.present = false
RETURN count(f) AS gone
"""
"""The unit's findings of the rule that this run did not find (a seek on finding_place)."""

PROGRESS = """
MATCH (r:AuditRun {id: $run})
SET r.done = r.done + 1, r.found = r.found + $found, r.added = r.added + $added,
    r.gone = r.gone + $gone, r.heartbeatAt = datetime()
RETURN r.done AS done, r.total AS total
"""

FINISH = """
MATCH (r:AuditRun {id: $id}) WHERE r.status = 'RUNNING' AND r.worker = $worker
SET r.status = 'DONE', r.finishedAt = datetime()
"""

FAIL_OWN = """
MATCH (r:AuditRun {id: $id}) WHERE r.status = 'RUNNING' AND r.worker = $worker
SET r.status = 'FAILED', r.finishedAt = datetime(), r.error = $error
"""

FAIL_UNCLAIMED = """
MATCH (r:AuditRun {id: $id}) WHERE r.status = 'RUNNING' AND coalesce(r.worker, $worker) = $worker
SET r.status = 'FAILED', r.finishedAt = datetime(), r.error = $error
"""

FAIL_STALE = """
MATCH (r:AuditRun {status: 'RUNNING'})
WHERE coalesce(r.heartbeatAt, r.startedAt) < datetime() - duration({seconds: $stale})
SET r.status = 'FAILED', r.finishedAt = datetime(), r.error = 'ABANDONED'
RETURN r.id AS id
"""


class _Released(Exception):
    """The run is no longer this worker's (marked FAILED elsewhere, or gone)."""


Progress = Callable[[int, int], None]


async def _unit(
    db: Database, run_id: str, worker: str, rule: AuditRule, unit: str, today: dt.date
) -> tuple[int, int]:
    """One rule over one unit, in one transaction: (done, total) after it."""
    cypher, params = rule_statement(rule, unit, today)

    async def work(tx: Tx) -> tuple[int, int]:
        if await tx.single(HOLD, {"id": run_id, "worker": worker}) is None:
            raise _Released
        found = await tx.single(upsert_findings(cypher), {**params, "run": run_id})
        gone = await tx.single(MARK_GONE, {"unit": unit, "rule": rule.value, "run": run_id})
        assert found is not None and gone is not None
        record = await tx.single(
            PROGRESS,
            {"run": run_id, "found": found["found"], "added": found["added"],
             "gone": gone["gone"]},
        )  # fmt: skip
        assert record is not None
        return int(record["done"]), int(record["total"])

    return await db.write(work)


async def execute_run(
    db: Database, run_id: str, *, worker: str | None = None, progress: Progress | None = None
) -> bool:
    """Work through a RUNNING run nobody has claimed: True when this call did it (DONE,
    or FAILED with the error's code on the run), False when the run was not there to
    claim. `progress(done, total)` after each unit's transaction. A cancellation marks
    the run FAILED (STOPPED) and is raised again."""
    worker = worker or str(uuid.uuid4())
    claimed = await db.write(lambda tx: tx.single(CLAIM, {"id": run_id, "worker": worker}))
    if claimed is None:
        return False
    today = claimed["asOf"].to_native()
    steps = [(unit, AuditRule(rule)) for unit in claimed["units"] for rule in claimed["rules"]]
    try:
        for unit, rule in steps:
            done, total = await _unit(db, run_id, worker, rule, unit, today)
            if progress is not None:
                progress(done, total)
        await db.write(lambda tx: tx.run(FINISH, {"id": run_id, "worker": worker}))
    except _Released:
        logger.warning("audit run %s was released by another process", run_id)
    except BaseException as exc:
        error = _error_code(exc)
        logger.error("audit run %s failed: %s", run_id, error)
        await _fail(db, run_id, worker, error)
        raise
    return True


def _error_code(exc: BaseException) -> str:
    """What the run records of an error: a stable code, never a message (a message may
    hold a value)."""
    if isinstance(exc, FupinError):
        return exc.code
    if isinstance(exc, KeyboardInterrupt | SystemExit) or type(exc).__name__ == "CancelledError":
        return "STOPPED"
    return "INTERNAL"


async def _fail(db: Database, run_id: str, worker: str, error: str) -> None:
    try:
        await db.write(
            lambda tx: tx.run(FAIL_OWN, {"id": run_id, "worker": worker, "error": error})
        )
    except Exception:  # the database is gone too: the run goes stale, then FAILED
        logger.error("audit run %s could not be marked FAILED", run_id)


async def fail_stale_runs(db: Database, stale_s: float) -> list[str]:
    """Mark FAILED (ABANDONED) every RUNNING run without a heartbeat for `stale_s`
    seconds: left by a process that stopped. Returns their ids."""
    records = await db.write(lambda tx: tx.run(FAIL_STALE, {"stale": stale_s}))
    return [str(r["id"]) for r in records]


async def fail_unclaimed(db: Database, run_id: str, error: str, *, worker: str = "") -> None:
    """Mark FAILED a RUNNING run no worker has claimed, or `worker` claimed (its task was
    stopped first, or while its claim committed)."""
    await db.write(
        lambda tx: tx.run(FAIL_UNCLAIMED, {"id": run_id, "error": error, "worker": worker})
    )
