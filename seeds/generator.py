"""The province-scale generator: `fupin seed --households N --seed S [--as-of DATE]`.

Builds a synthetic, deterministic household file across all of Hainan's county-level
units (Sansha gets none): towns and villages whose codes nest (2,553 villages at full
scale), households with members, officials and their pairings, a year of visits
before the as-of date, and their support measures and yearly incomes. The same seed,
size and date give the same graph: every county draws from a `random.Random` of its
own, seeded from the seed and the county's code, and nothing depends on dict or set
order.

Every generated node also carries the `Generated` label. A run first drops the nodes
so labelled (the demo story's nodes never carry it), then writes everything again with
CREATE, so re-runs duplicate nothing. Nodes outside the generated part keep their keys:
the generator skips the region codes, household codes, official codes and ID numbers
they hold, and links their households back to re-created villages; what they had to do
with generated nodes (pairings, visits, memberships) goes with the generated part.

The parts: seeds/layout.py lays out the towns and villages, seeds/draw.py holds the
distributions, seeds/county.py draws one county's rows as lines (seeds/support.py its
measures and incomes, from a stream of their own), graph/bulk.py holds the line format
and the statements, and this module runs them. Counties are drawn in a worker process
one ahead of the writes, so Python and Neo4j work at the same time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.bulk import (
    BATCH,
    COUNT_GENERATED,
    DROP_GENERATED,
    MARK_REGIONS,
    RELINK_HOUSEHOLDS,
    RESERVED_KEYS,
    TAKEN_REGIONS,
    WRITES,
    upsert_regions,
)
from graph.bulk_exit import EXIT_BATCH, EXIT_WRITES
from graph.bulk_monitoring import MONITORING_BATCH, MONITORING_WRITES
from graph.bulk_trade import GENERATED_WRITES
from graph.db import Database, Tx
from graph.derived import refresh_contacts, refresh_support
from graph.errors import BadUserInput
from graph.household import IN_POVERTY
from graph.model import RegionLevel
from graph.poverty_line import MERGE_POVERTY_LINES
from graph.product import upsert_catalogue
from graph.region import POPULATE_VILLAGES, SUM_POPULATIONS
from graph.sales_summary import (
    CREATE_SALES_DAYS,
    DROP_SALES_DAYS,
    SUMMARIZE_OTHER_DAYS,
    day_rows,
    finish_days,
    merge_days,
)
from graph.status import refresh_status
from graph.village_keys import REFRESH_REGION_VILLAGES
from graph.village_stats import refresh_region_stats
from seeds.anomalies import plant
from seeds.county import draw_county
from seeds.layout import Unit, layout, region_rows
from seeds.rows import CountyRows, Reserved

if TYPE_CHECKING:
    from rich.progress import Progress

MAX_HOUSEHOLDS = 1_000_000
EARLIEST_AS_OF = dt.date(2016, 1, 1)


@dataclass
class Summary:
    """What a run wrote. The figures are those of the N households and their records;
    `borderline` counts the BORDERLINE households written beside them
    (seeds/borderline.py), whose members and records are in none of the others."""

    households: int = 0
    people: int = 0
    officials: int = 0
    pairings: int = 0
    visits: int = 0
    measures: int = 0
    incomes: int = 0
    assessments: int = 0
    borderline: int = 0
    # The trade (issue 17): seeds/market.py.
    cooperatives: int = 0
    lots: int = 0
    sellers: int = 0
    buyers: int = 0
    orders: int = 0
    payments: int = 0
    trade_seconds: float = 0.0
    regions: int = 0
    uncovered: int = 0
    overdue: int = 0
    overloaded: int = 0
    dropped: int = 0
    drop_seconds: float = 0.0
    seconds: float = 0.0
    # The audit cases planted, by rule: their finding keys (seeds/anomalies.py).
    planted: dict[str, list[str]] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.households:,} households, {self.people:,} people, "
            f"{self.officials:,} officials, {self.pairings:,} pairings, "
            f"{self.visits:,} visits, {self.measures:,} measures, "
            f"{self.incomes:,} income records, {self.assessments:,} exit assessments "
            f"and {self.borderline:,} BORDERLINE households beside them in "
            f"{self.regions:,} towns and villages "
            f"({self.uncovered:,} uncovered, {self.overdue:,} overdue at 30 days, "
            f"{self.overloaded:,} officials overloaded); trade: {self.cooperatives:,} "
            f"cooperatives, {self.lots:,} lots, {self.sellers:,} sellers, {self.buyers:,} "
            f"buyers, {self.orders:,} orders, {self.payments:,} payments "
            f"({self.trade_seconds:.1f} s); {self.seconds:.1f} s, of which "
            f"{self.drop_seconds:.1f} s dropping {self.dropped:,} old nodes"
        )


async def _run(db: Database, statement: str, payload: object) -> None:
    async def work(tx: Tx) -> None:
        await tx.run(statement, {"rows": payload})

    await db.write(work)


async def _write_trade(db: Database, rows: dict[str, list[dict[str, Any]]]) -> float:
    """A county's trade rows, in GENERATED_WRITES' order; the seconds it took."""
    started = time.perf_counter()
    for kind, statement, size in GENERATED_WRITES:
        found = rows.get(kind, [])
        for start in range(0, len(found), size):
            await _run(db, statement, found[start : start + size])
    return time.perf_counter() - started


def _chunks(lines: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(lines), size):
        yield lines[start : start + size]


def _summarize(
    prefix: str, codes: list[str], officials: list[str]
) -> Callable[[Tx], Awaitable[None]]:
    """The coverage summaries of every village under `prefix`, the status, measure,
    income, pairing and visit summaries of the county's households (`codes`, the
    BORDERLINE ones among them) and the load and pairing summaries of its officials
    (graph/derived.py), in one transaction."""

    async def work(tx: Tx) -> None:
        await tx.run(REFRESH_REGION_VILLAGES, {"prefix": prefix})
        await refresh_status(tx, codes)
        await refresh_support(tx, codes)
        await refresh_contacts(tx, codes, officials)
        await refresh_region_stats(tx, prefix)

    return work


def _populations(seed: int, villages: list[str]) -> Callable[[Tx], Awaitable[None]]:
    """Rural populations: each village's so that its incidence is 1-30% (drawn from
    a stream of its own, so no other draw changes), every level above the sum of its
    villages' (graph/region.py)."""

    def incidence(code: str) -> float:
        return random.Random(f"fupin-generator/{seed}/{code}/population").uniform(0.01, 0.30)

    rows = [{"code": code, "incidence": incidence(code)} for code in villages]

    async def work(tx: Tx) -> None:
        for start in range(0, len(rows), 1000):
            await tx.run(
                POPULATE_VILLAGES, {"rows": rows[start : start + 1000], "poor": list(IN_POVERTY)}
            )
        await tx.run(SUM_POPULATIONS)

    return work


async def drop_generated(db: Database, progress: Progress | None = None) -> int:
    """Delete every node labelled Generated with its relationships, 10,000 nodes a
    transaction; returns how many. The demo story's nodes are not touched."""
    record = await db.read_one(COUNT_GENERATED)
    total = int(record["n"]) if record else 0
    task = progress.add_task("dropping the old generated part", total=total) if progress else None

    async def work(tx: Tx) -> int:
        found = await tx.single(DROP_GENERATED, {"limit": 10_000})
        return int(found["deleted"]) if found else 0

    async def days(tx: Tx) -> int:
        found = await tx.single(DROP_SALES_DAYS, {"limit": 10_000})
        return int(found["deleted"]) if found else 0

    # The sales summaries hold the generated orders: all go, and are written again
    # (those of the other orders' days from their orders, SUMMARIZE_OTHER_DAYS).
    while await db.write(days):
        pass
    dropped = 0
    while deleted := await db.write(work):
        dropped += deleted
        if progress is not None and task is not None:
            progress.update(task, completed=dropped)
    if progress is not None and task is not None:
        progress.stop_task(task)
        if not total:
            progress.remove_task(task)
    return dropped


async def generate(
    db: Database,
    *,
    households: int,
    seed: int,
    as_of: dt.date,
    progress: Progress | None = None,
) -> Summary:
    """Drop the previously generated part and write a new one; returns its figures.

    One transaction per batch of 5,000-10,000 rows; villages, households and officials
    are found by the unique constraints' index seeks. About two minutes for 152,000
    households on 2 cores, plus about a minute to drop a previous full-scale run
    (BENCHMARKS.md).
    """
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise BadUserInput(f"households must be 1 to {MAX_HOUSEHOLDS:,}", field="households")
    if as_of < EARLIEST_AS_OF:
        raise BadUserInput(f"the as-of date must be {EARLIEST_AS_OF} or later", field="asOf")
    started = time.perf_counter()
    taken = frozenset(r["code"] for r in await db.read(TAKEN_REGIONS))
    units = layout(households, seed, taken)
    summary = Summary()
    local = (RegionLevel.TOWN, RegionLevel.VILLAGE)
    generated = [r for r in region_rows(units) if r.level in local]
    codes = [r.code for r in generated]

    dropping = time.perf_counter()
    summary.dropped = await drop_generated(db, progress)
    summary.drop_seconds = time.perf_counter() - dropping
    keys = await db.read(RESERVED_KEYS)
    reserved = Reserved(
        **{
            kind: frozenset(r["key"] for r in keys if r["kind"] == kind and r["key"])
            for kind in ("id_numbers", "households", "officials")
        }
    )

    async def write_regions(tx: Tx) -> None:
        await tx.run(MERGE_POVERTY_LINES)  # the incomes below assume them
        await upsert_catalogue(tx)  # the trade's lots are of its products
        await upsert_regions(tx, region_rows(units))
        await tx.run(MARK_REGIONS, {"codes": codes})
        await tx.run(RELINK_HOUSEHOLDS)

    await db.write(write_regions)
    summary.regions = len(generated)

    task = progress.add_task("households", total=households) if progress else None
    loop = asyncio.get_running_loop()
    # A process, not a thread: a thread drawing rows holds the GIL and slows the
    # driver's handling of every reply.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        todo = [u for u in units if u.households]

        def draw(unit: Unit) -> asyncio.Future[CountyRows]:
            return loop.run_in_executor(pool, draw_county, unit, seed, as_of, reserved)

        ahead = draw(todo[0]) if todo else None
        # The sales summaries of the regions above the counties, added up (merge_days).
        above: dict[tuple[str, dt.date], dict[str, Any]] = {}
        for index, unit in enumerate(todo):
            assert ahead is not None
            rows = await ahead
            # The worker draws the next county while this one is written.
            ahead = draw(todo[index + 1]) if index + 1 < len(todo) else None
            if progress is not None and task is not None:
                progress.update(task, description=f"households: {unit.name}")
            # The BORDERLINE households' lines go with the county's, kind by kind.
            lines = {kind: found + rows.borderline.get(kind, [])
                     for kind, found in rows.lines.items()}  # fmt: skip
            total_lines = sum(len(v) for v in lines.values())
            writes = {**WRITES, **EXIT_WRITES, **MONITORING_WRITES}
            batches = {**BATCH, **EXIT_BATCH, **MONITORING_BATCH}
            for kind, statement in writes.items():
                for chunk in _chunks(lines[kind], batches[kind]):
                    await _run(db, statement, "\n".join(chunk))
                    if progress is not None and task is not None:
                        progress.advance(task, unit.households * len(chunk) / total_lines)
            codes = [line.split("|", 1)[0] for line in lines["households"]]
            officials = [line.split("|", 1)[0] for line in rows.lines["officials"]]
            await db.write(_summarize(unit.code, codes, officials))
            if progress is not None and task is not None:
                progress.update(task, description=f"trade: {unit.name}")
            summary.trade_seconds += await _write_trade(db, rows.trade)
            summed = time.perf_counter()
            days = [r for r in rows.trade.get("salesDays", [])
                    if r["regionCode"].startswith(unit.code)]  # fmt: skip
            merge_days(above, [r for r in rows.trade.get("salesDays", [])
                               if not r["regionCode"].startswith(unit.code)])  # fmt: skip
            for start in range(0, len(days), 5_000):
                await _run(db, CREATE_SALES_DAYS, days[start : start + 5_000])
            summary.trade_seconds += time.perf_counter() - summed
            for name in ("cooperatives", "lots", "sellers", "buyers", "orders"):
                setattr(summary, name, getattr(summary, name) + len(rows.trade.get(name, [])))
            summary.payments += len(rows.trade.get("payments", [])) + sum(
                len(o["payments"]) for o in rows.trade.get("orders", [])
            )
            summary.households += len(rows.lines["households"])
            summary.borderline += len(rows.borderline.get("households", []))
            summary.people += rows.people
            summary.officials += len(rows.lines["officials"])
            summary.pairings += len(rows.lines["pairings"])
            summary.visits += len(rows.lines["visits"])
            summary.measures += len(rows.lines["measures"]) + len(rows.lines["monitoringMeasures"])
            summary.incomes += len(rows.lines["incomes"])
            summary.assessments += len(rows.lines["assessments"])
            summary.uncovered += rows.uncovered
            summary.overdue += rows.overdue
            summary.overloaded += rows.overloaded
        summed = time.perf_counter()
        finish_days(above)
        written = day_rows(above)
        for start in range(0, len(written), 5_000):
            await _run(db, CREATE_SALES_DAYS, written[start : start + 5_000])
        await db.run_autocommit(SUMMARIZE_OTHER_DAYS, {"regions": None})
        summary.trade_seconds += time.perf_counter() - summed
    if progress is not None and task is not None:
        progress.update(task, description="households", completed=households)
        progress.stop_task(task)
    await db.write(
        _populations(seed, [r.code for r in generated if r.level is RegionLevel.VILLAGE])
    )
    summary.planted = await plant(
        db, households=households, seed=seed, as_of=as_of, progress=progress
    )
    summary.seconds = time.perf_counter() - started
    return summary
