"""Time the exchange's round trip (issue 21): export a region, import the file into an
empty database, import it again (nothing changes), export that database again and
compare the bytes.

    .venv/bin/python -m bench.exchange --target-uri bolt://127.0.0.1:7695 \\
        [--region 460000] [--generate N --seed S] [--batch 500]

The source is the database the settings name (as bench/seed.py); with --generate it is
first given a generated graph of N households (the generator's own drop and write). The
target (--target-uri, --target-password) must hold no households: it is migrated here,
never wiped. Prints the households a second of each step and stores them in
bench/results/exchange-<time>.json. Lines the importer refuses (the generator plants
invalid ID numbers for the file audit to find) are left out of the comparison: the
second export must equal the first without them, byte for byte.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from api.exchange_cli import checked, export
from api.settings import Settings, load_settings
from graph import migrations
from graph.db import Database
from graph.exchange_run import Summary, import_lines
from graph.validation import today_cst

RESULTS = Path(__file__).resolve().parent / "results"


async def _export(db: Database, region: str, path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        _, _, households = await export(db, region, None, out)
    return time.perf_counter() - started, households


async def _import(db: Database, path: Path, batch: int) -> Summary:
    return await import_lines(
        db, checked(path, today_cst()), subject=f"import:{path.name}", batch=batch
    )


def _without(path: Path, refused: set[int], out: Path) -> Path:
    with path.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as o:
        for number, text in enumerate(f, start=1):
            if number not in refused:
                o.write(text)
    return out


def _step(name: str, seconds: float, households: int) -> dict[str, Any]:
    rate = households / seconds if seconds else 0.0
    print(f"| {name} | {households:,} | {seconds:.1f} | {rate:,.0f} |", flush=True)
    return {"step": name, "households": households, "seconds": round(seconds, 2),
            "householdsPerSecond": round(rate, 1)}  # fmt: skip


async def run(args: argparse.Namespace) -> dict[str, Any]:
    source_settings = load_settings()
    target_settings: Settings = load_settings(
        NEO4J_URI=args.target_uri, NEO4J_PASSWORD=args.target_password
    )
    source = source_settings.database(timeout_s=3600)
    target = target_settings.database(timeout_s=3600)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    first, again = work / "exchange-1.jsonl", work / "exchange-2.jsonl"
    steps = []
    try:
        await migrations.migrate(source)
        await migrations.migrate(target)
        held = await target.read_one("MATCH (h:Household) RETURN count(h) AS n")
        if held and held["n"]:
            raise SystemExit(f"the target holds {held['n']} households: give an empty one")
        if args.generate:
            from seeds.generator import generate

            summary = await generate(source, households=args.generate, seed=args.seed,
                                     as_of=today_cst())  # fmt: skip
            print(f"generated: {summary.line()}", flush=True)
        print("| step | households | seconds | households a second |")
        print("| --- | ---: | ---: | ---: |")
        seconds, households = await _export(source, args.region, first)
        steps.append(_step("export", seconds, households))
        imported = await _import(target, first, args.batch)
        steps.append(_step("import into the empty database", imported.seconds,
                           imported.households))  # fmt: skip
        reimported = await _import(target, first, args.batch)
        steps.append(_step("import again", reimported.seconds, reimported.households))
        seconds, households = await _export(target, args.region, again)
        steps.append(_step("export of the imported database", seconds, households))
    finally:
        await source.close()
        await target.close()
    refused = {p.line for p in imported.problems}
    expected = _without(first, refused, work / "exchange-1-imported.jsonl")
    identical = expected.read_bytes() == again.read_bytes()
    result = {
        "at": dt.datetime.now(dt.UTC).isoformat(),
        "region": args.region,
        "generated": args.generate,
        "steps": steps,
        "import": imported.report(),
        "reimport": reimported.report(),
        "refusedLines": len(refused),
        "identical": identical,
    }
    print(f"import: {imported.report()}")
    print(f"re-import: {reimported.report()}")
    print(f"second export equals the first without its {len(refused)} refused lines: "
          f"{identical}")  # fmt: skip
    if reimported.changed or reimported.created or not identical:
        raise SystemExit("the round trip is not exact")
    return result


def main(argv: list[str] | None = None) -> int:
    if not __package__:
        sys.exit("run it as a module from the repository root: python -m bench.exchange")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target-uri", required=True, help="the empty database's Bolt URI")
    parser.add_argument("--target-password", default=None, help="default: NEO4J_PASSWORD's")
    parser.add_argument("--region", default="460000")
    parser.add_argument("--generate", type=int, default=0, help="households to generate first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--work", default=str(RESULTS), help="where the files are written")
    args = parser.parse_args(argv)
    if args.target_password is None:
        args.target_password = load_settings().neo4j_password.get_secret_value()
    result = asyncio.run(run(args))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"exchange-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
