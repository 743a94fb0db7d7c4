"""Audit runs in the background of the API process.

runAudit commits a RUNNING run (graph/audit_run.py `start_run`); once the operation's
result is complete (its payload has read the run as committed: api/context.py
`StartAfterOperation`), `start` gives it to a task of this process, which claims it and
works through it one transaction at a time. Everything about the run is on its node
(progress, heartbeat, the worker that claimed it), so any process answers auditRun(id)
and none needs this module's state but the tasks themselves. At the app's start
`recover` marks FAILED the runs a stopped process left RUNNING (now, and once more when
a fresh heartbeat could have gone stale); at its stop `stop` cancels this process's
tasks, which mark their runs FAILED (STOPPED).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from contextvars import Context

from graph.audit_run import execute_run, fail_stale_runs, fail_unclaimed
from graph.db import Database
from graph.errors import DatabaseUnavailable

logger = logging.getLogger("fupin.audit")

_tasks: set[asyncio.Task[None]] = set()
# The run each working task was given, and the worker id it claims it with: a task
# cancelled before it began never claimed its run, and one cancelled while its claim
# committed never reached the code that marks a claimed run FAILED; `stop` marks either
# FAILED itself.
_given: dict[asyncio.Task[None], tuple[Database, str, str]] = {}


def _keep(task: asyncio.Task[None]) -> None:
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    task.add_done_callback(lambda t: _given.pop(t, None))


def start(db: Database, run_id: str) -> None:
    """Work through run `run_id` in a task of the running loop, in a context of its own:
    its statements are not the request's (metrics, logs, statement counts)."""
    loop = asyncio.get_running_loop()
    worker = str(uuid.uuid4())
    task = loop.create_task(_work(db, run_id, worker), name=f"audit-{run_id}", context=Context())
    _given[task] = (db, run_id, worker)
    _keep(task)


async def _work(db: Database, run_id: str, worker: str) -> None:
    try:
        await execute_run(db, run_id, worker=worker)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: S110  (execute_run has logged it and marked the run FAILED)
        pass


async def recover(db: Database, stale_s: float) -> None:
    """Mark FAILED the RUNNING runs whose heartbeat is older than `stale_s`, now and
    again `stale_s` later, in a task (a run whose process stopped just before this one
    started still had a fresh heartbeat)."""
    await _fail_stale(db, stale_s)

    async def later() -> None:
        await asyncio.sleep(stale_s)
        await _fail_stale(db, stale_s)

    loop = asyncio.get_running_loop()
    _keep(loop.create_task(later(), name="audit-recover", context=Context()))


async def _fail_stale(db: Database, stale_s: float) -> None:
    try:
        failed = await fail_stale_runs(db, stale_s)
    except DatabaseUnavailable:
        logger.warning("Neo4j did not answer: abandoned audit runs are left as they are")
        return
    for run_id in failed:
        logger.warning("audit run %s was left RUNNING by a stopped process: FAILED", run_id)


async def stop() -> None:
    """Cancel the tasks of the running loop (the app's); their runs are marked FAILED
    (STOPPED). Tasks of loops that are gone (an app stopped before) are forgotten."""
    loop = asyncio.get_running_loop()
    for task in [t for t in _tasks if t.get_loop().is_closed()]:
        _tasks.discard(task)
        _given.pop(task, None)
    tasks = [t for t in _tasks if t.get_loop() is loop]
    given = [_given[t] for t in tasks if t in _given]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for db, run_id, worker in given:
        try:
            await fail_unclaimed(db, run_id, "STOPPED", worker=worker)
        except DatabaseUnavailable:
            logger.warning("Neo4j did not answer: audit run %s goes stale instead", run_id)
