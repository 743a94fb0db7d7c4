"""Latency of the field app's sync over HTTP: batches of 100 visits, and their replays.

    .venv/bin/python -m bench.sync --url http://127.0.0.1:8094/graphql [--code CODE]
        [-n 20] [--warmup 2] [--size 100]

Each batch holds `--size` new visits (fresh clientIds), one to each of the first
households (by code) of `--region` that have a responsible official, by that official,
dated today, sent as ADMIN: every record goes through the whole write frame in its own
transaction (claim, lock, scope, the pairing of the day, the visit, lastVisitDate, the
change record). Each batch is then sent again unchanged: the replay answers DUPLICATE
for every record and writes nothing (issue 22: p95 <= 2 s for a batch, <= 1 s for its
replay). The households are left with the benchmark's visits (one more a batch each).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bench.http import default_token, percentile

if TYPE_CHECKING:
    import httpx2

SYNC = """mutation Sync($input: SyncFieldRecordsInput!) {
  syncFieldRecords(input: $input) { results { status code } } }"""
PAIRED = """query P($region: String!, $first: Int!) {
  households(first: $first, where: {regionCode: $region, hasResponsibleOfficial: true}) {
    edges { node { code responsibleOfficialCode } } } }"""


async def _call(client: httpx2.AsyncClient, url: str, query: str, variables: Any) -> Any:
    response = await client.post(url, json={"query": query, "variables": variables})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"{url}: HTTP {response.status_code}: {str(body)[:300]}")
    return body["data"]


def batch(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    cst = dt.timezone(dt.timedelta(hours=8))
    now, day = dt.datetime.now(cst).isoformat(), dt.datetime.now(cst).date().isoformat()
    run = uuid.uuid4().hex[:12]
    records = [
        {"visit": {"clientId": f"bench-{run}-{i:03d}", "recordedAt": now, "householdCode": code,
                   "officialCode": official, "date": day, "purpose": "bench visit"}}
        for i, (code, official) in enumerate(pairs)
    ]  # fmt: skip
    return {"input": {"deviceId": "bench-phone-01", "records": records}}


async def _timed(client: httpx2.AsyncClient, url: str, variables: Any, want: str) -> float:
    started = time.perf_counter()
    data = await _call(client, url, SYNC, variables)
    ms = (time.perf_counter() - started) * 1000
    results = data["syncFieldRecords"]["results"]
    wrong = [r for r in results if r["status"] != want]
    if wrong:
        raise SystemExit(f"expected {want} for every record, got {wrong[:3]}")
    return ms


async def run(args: argparse.Namespace) -> None:
    import httpx2

    headers = {"authorization": f"Bearer {args.token or default_token()}"}
    async with httpx2.AsyncClient(headers=headers, timeout=60) as client:
        found = await _call(client, args.url, PAIRED, {"region": args.region, "first": args.size})
        pairs = [(e["node"]["code"], e["node"]["responsibleOfficialCode"])
                 for e in found["households"]["edges"]]  # fmt: skip
        if len(pairs) < args.size:
            raise SystemExit(f"{args.region} has only {len(pairs)} households to visit")
        stored, replayed = [], []
        for i in range(args.warmup + args.requests):
            variables = batch(pairs)
            first = await _timed(client, args.url, variables, "STORED")
            again = await _timed(client, args.url, variables, "DUPLICATE")
            if i >= args.warmup:
                stored.append(first)
                replayed.append(again)
        print(f"| batch of {args.size} visits | batches | p50 ms | p95 ms | mean ms |")
        print("| --- | ---: | ---: | ---: | ---: |")
        measured = (("stored", sorted(stored)), ("replayed (all DUPLICATE)", sorted(replayed)))
        for name, ms in measured:
            print(
                f"| {name} | {len(ms)} | {percentile(ms, 0.5):.0f} | "
                f"{percentile(ms, 0.95):.0f} | {statistics.fmean(ms):.0f} |"
            )


def main(argv: Sequence[str] | None = None) -> int:
    if not __package__:
        sys.exit("run it as a module from the repository root: python -m bench.sync")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8094/graphql")
    parser.add_argument("--region", default="460000", help="where the households are")
    parser.add_argument("--token", help="bearer token (default: a minted ADMIN one)")
    parser.add_argument("-n", "--requests", type=int, default=20, help="batches measured")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--size", type=int, default=100, help="visits a batch (1-100)")
    args = parser.parse_args(argv)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
