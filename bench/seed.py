"""Time the generator: drop the old generated part, write a province-scale graph.

    .venv/bin/python -m bench.seed [--households 152000] [--seed 1] [--as-of 2026-11-01]

Uses the database the settings name (FUPIN_NEO4J_PORT, FUPIN_NEO4J_HOME or NEO4J_URI:
see bench/README.md), applies the migrations, runs `seeds.generator.generate` with a
progress bar, prints the seconds, and stores them in bench/results/seed-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.settings import load_settings
from graph import migrations
from graph.validation import today_cst
from seeds.generator import Summary, generate
from seeds.layout import FULL_HOUSEHOLDS

RESULTS = Path(__file__).resolve().parent / "results"


async def seed(households: int, seed: int, as_of: dt.date) -> Summary:
    settings = load_settings()
    db = settings.database(timeout_s=3600)
    try:
        await migrations.migrate(db)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=Console(stderr=True)) as progress:
            return await generate(
                db, households=households, seed=seed, as_of=as_of, progress=progress
            )
    finally:
        await db.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=FULL_HOUSEHOLDS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
    args = parser.parse_args(argv)
    as_of = args.as_of or today_cst()

    summary = asyncio.run(seed(args.households, args.seed, as_of))
    print(summary.line(), file=sys.stderr)
    print(f"seeded {summary.households} households in {summary.seconds:.1f} s")
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    record = {
        "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "households": args.households,
        "seed": args.seed,
        "asOf": as_of.isoformat(),
        "cpus": os.cpu_count(),
        "summary": asdict(summary),
    }
    (RESULTS / f"seed-{stamp}.json").write_text(json.dumps(record, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
