"""The exchange's import run against the graph: batches of checked lines, each decided
by graph/exchange_plan.py and written here (the format and its checks are
graph/exchange.py's, pure; the export's reads graph/exchange_read.py's).

Import: good lines go in batches, each one write transaction in graph/write.py's frame
(operation `import`, subject `import:<file name>`): the batch's households are read
back with the export's own statement and compared with the file's lines
(graph/exchange.py `canonical`); only what differs is written, through the bulk
upserts (graph/bulk.py, graph/assessment.py, graph/status.py), so an unchanged line
writes nothing: no version bump, no updatedAt, no change record. Settle refreshes the
derived data, bumps the versions of the households changed and writes their change
records. A batch Neo4j refuses is retried line by line, so only its culprit is refused.
A dry run makes the same reads in a read transaction and writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.assessment import upsert_assessments
from graph.bulk import (
    upsert_households,
    upsert_incomes,
    upsert_measures,
    upsert_memberships,
    upsert_officials,
    upsert_pairings,
    upsert_regions,
)
from graph.db import Database, Tx
from graph.errors import DatabaseUnavailable, FupinError
from graph.exchange import (
    Line,
    Problem,
)
from graph.exchange_plan import BatchPlan, Run, Seen, plan_batch
from graph.exchange_read import BATCH
from graph.monitoring import upsert_monitoring
from graph.scope import Scope
from graph.status import upsert_status_changes
from graph.write import Actor, Mutation, Write, write

# --- import ----------------------------------------------------------------------------------


@dataclass
class Summary:
    lines: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    refused: int = 0
    households: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    def per_second(self) -> float:
        return self.households / self.seconds if self.seconds else 0.0

    def report(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "refused": self.refused,
            "householdsPerSecond": round(self.per_second(), 1),
        }


async def _apply(w: Write, plan: BatchPlan) -> None:
    """The plan's writes in the batch's transaction, in dependency order; settle (the
    write frame) does the rest."""
    tx = w.tx
    if plan.regions:
        await upsert_regions(tx, plan.regions)
    for rows, upsert in (
        (plan.officials, upsert_officials),
        (plan.households, upsert_households),
        (plan.members, upsert_memberships),
        (plan.pairings, upsert_pairings),
        (plan.incomes, upsert_incomes),
        (plan.measures, upsert_measures),
        (plan.assessments, upsert_assessments),
        (plan.status, upsert_status_changes),
        (plan.monitoring, upsert_monitoring),
    ):
        if rows:
            await upsert(tx, rows)
    for code, bump in plan.touched.items():
        w.touch(households=[code], bump=bump)
    w.touch(officials=sorted(plan.touched_officials))
    for entity, key, changes in plan.history:
        w.changed(entity, key, changes)


def _reader(tx: Tx) -> Run:
    async def run(cypher: str, params: Mapping[str, Any]) -> list[Any]:
        return await tx.run(cypher, dict(params))

    return run


async def import_batch(
    db: Database,
    lines: Sequence[Line],
    *,
    subject: str,
    dry_run: bool = False,
    seen: Seen | None = None,
) -> BatchPlan:
    """One batch: compared in read transactions, then, when something differs (and
    not on a dry run), compared again and written in one write transaction: a batch
    that changes nothing sends no write."""
    seen = seen or Seen()

    async def read(cypher: str, params: Mapping[str, Any]) -> list[Any]:
        return await db.read(cypher, params)

    planned = await plan_batch(read, lines, seen)
    if dry_run or not planned.writes:
        return planned
    actor = Actor(Scope.everything(), subject=subject, role="OPERATOR")

    async def work(w: Write) -> dict[str, Any]:
        plan = await plan_batch(_reader(w.tx), lines, seen)
        await _apply(w, plan)
        plans[:] = [plan]
        return {}

    plans: list[BatchPlan] = []
    await write(db, actor, Mutation("import"), work)
    return plans[0]


async def import_lines(
    db: Database,
    lines: Iterable[Line | Problem],
    *,
    subject: str,
    batch: int = BATCH,
    dry_run: bool = False,
    progress: Callable[[int], None] = lambda n: None,
) -> Summary:
    """Import checked lines (graph/exchange.py `check_line`) in batches; a batch Neo4j
    refuses is retried line by line. `progress` hears the lines done."""
    summary = Summary()
    started = time.perf_counter()
    pending: list[Line] = []
    seen = Seen()

    async def flush() -> None:
        try:
            plans = [await import_batch(db, pending, subject=subject, dry_run=dry_run, seen=seen)]
        except DatabaseUnavailable:
            raise
        except FupinError:
            plans = []
            for one in pending:
                try:
                    plans.append(
                        await import_batch(db, [one], subject=subject, dry_run=dry_run, seen=seen)
                    )
                except DatabaseUnavailable:
                    raise
                except FupinError as exc:
                    plans.append(
                        BatchPlan(
                            refused=[
                                Problem(
                                    one.number,
                                    "",
                                    f"the database refused it ({exc.code})",
                                    one.code if one.household else None,
                                )
                            ]
                        )
                    )
        for plan in plans:
            summary.created += plan.created
            summary.changed += plan.changed
            summary.unchanged += plan.unchanged
            summary.refused += len(plan.refused)
            summary.problems.extend(plan.refused)
        if dry_run:
            for one in pending:
                seen.add(one)
        progress(len(pending))
        pending.clear()

    for item in lines:
        summary.lines += 1
        if isinstance(item, Problem):
            summary.refused += 1
            summary.problems.append(item)
            progress(1)
            continue
        if item.household is not None:
            summary.households += 1
        # Regions and officials go before the households that name them: a batch holds
        # one kind of line.
        if pending and pending[-1].kind != item.kind:
            await flush()
        pending.append(item)
        if len(pending) >= batch:
            await flush()
    if pending:
        await flush()
    summary.problems.sort(key=lambda p: p.line)
    summary.seconds = time.perf_counter() - started
    return summary
