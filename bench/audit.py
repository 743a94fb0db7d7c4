"""Time a run of the file audit: every rule over a region, as runAudit does it.

    .venv/bin/python -m bench.audit [--region 460000] [--rule R ...]

Uses the database the settings name (as bench/seed.py), starts a run (refused while
another runs) and works through it in this process, one transaction per rule and
county-level unit, as the API's background task would. Prints the run's seconds, each
rule's seconds (the time of its statements, summed over the units) and findings, and
stores them in bench/results/audit-<time>.json. Run it twice to see a run over known
findings (the usual case) as well as the first.

The aim (issue 19): a full-province run of all fifteen rules on the 152,000-household
graph within AIM_S seconds; the line after the figures says whether this one was.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from api.settings import load_settings
from graph import migrations
from graph.audit import AuditRule, rule_statement
from graph.audit_run import execute_run, stale_after, start_run
from graph.db import observe_statements
from graph.scope import Scope
from graph.validation import today_cst
from graph.write import Actor, Mutation

RESULTS = Path(__file__).resolve().parent / "results"
AIM_S = 120.0


class RuleTimes:
    """Statement seconds by rule (a statement names its rule's Cypher)."""

    def __init__(self, rules: Sequence[AuditRule]) -> None:
        today = today_cst()
        self.texts = {rule: rule_statement(rule, "", today)[0] for rule in rules}
        self.seconds: dict[str, float] = defaultdict(float)

    def statement(self, cypher: str, seconds: float) -> None:
        for rule, text in self.texts.items():
            if text in cypher:
                self.seconds[rule.value] += seconds
                return
        self.seconds["(bookkeeping)"] += seconds


async def bench(region: str, rules: Sequence[AuditRule]) -> dict[str, Any]:
    settings = load_settings()
    db = settings.database()
    try:
        await migrations.migrate(db)
        actor = Actor(Scope.everything(), "bench", "ADMIN")
        started = await start_run(
            db, actor, Mutation("runAudit"), region, rules,
            stale_s=stale_after(settings.query_timeout_s),
        )  # fmt: skip
        times = RuleTimes(rules)
        began = time.perf_counter()
        with observe_statements(times):
            await execute_run(db, started["id"])
        seconds = time.perf_counter() - began
        record = await db.read_one(
            "MATCH (r:AuditRun {id: $id}) RETURN r {.status, .total, .found, .added, .gone} AS r",
            {"id": started["id"]},
        )
        found = await db.read(
            "MATCH (f:Finding {lastRunId: $id}) RETURN f.rule AS rule, count(*) AS n",
            {"id": started["id"]},
        )
        households = await db.read_one("MATCH (h:Household) RETURN count(h) AS n")
    finally:
        await db.close()
    assert record is not None and households is not None
    return {
        "region": region,
        "households": households["n"],
        "seconds": round(seconds, 2),
        "run": dict(record["r"]),
        "rules": {
            rule.value: {
                "seconds": round(times.seconds[rule.value], 2),
                "found": next((r["n"] for r in found if r["rule"] == rule.value), 0),
            }
            for rule in rules
        },
        "bookkeeping_seconds": round(times.seconds["(bookkeeping)"], 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--region", default="460000")
    parser.add_argument("--rule", action="append", type=AuditRule, default=None)
    args = parser.parse_args(argv)
    result = asyncio.run(bench(args.region, args.rule or list(AuditRule)))
    result["at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result["load"] = os.getloadavg()
    run = result["run"]
    print(
        f"{result['households']:,} households, region {result['region']}: "
        f"{result['seconds']:.1f} s, {run['status']}, {run['total']} steps, "
        f"{run['found']:,} found ({run['added']:,} new, {run['gone']:,} gone); "
        f"load {result['load'][0]:.1f}"
    )
    for rule, figures in result["rules"].items():
        print(f"  {rule:<30} {figures['seconds']:7.2f} s  {figures['found']:>6,} found")
    print(f"  {'(bookkeeping)':<30} {result['bookkeeping_seconds']:7.2f} s")
    within = "within" if result["seconds"] <= AIM_S else "ABOVE"
    print(f"{within} the aim of {AIM_S:.0f} s for a run (issue 19, at 152,000 households)")
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"audit-{stamp}.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0 if run["status"] == "DONE" else 1


if __name__ == "__main__":
    sys.exit(main())
