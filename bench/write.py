"""Latency of a mutation over HTTP: `updateHousehold` on one household, one at a time.

    .venv/bin/python -m bench.write --url http://127.0.0.1:8094/graphql [--code CODE]
        [-n 200] [--warmup 20] [--rounds 1] [--url ANOTHER ...]
        [--assess-exit --verified-by OFFICIAL --year YEAR]

With --assess-exit each request is an `assessExit` of the household instead (every
check, the assessment stored: a REGISTERED household whose checks fail stays
REGISTERED, so each request writes another failed assessment).

Each request changes the household's address (a new value each time) with the version
the last answer gave, so every one is a real change through the whole write frame:
claim, locks, version check, the SET, derived data, the change record (issue 10).
With several `--url`s the rounds alternate between them (A B A B), so a comparison of
two servers on the same Neo4j sees the same load. The household is left with the last
benchmark address.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bench.http import default_token, percentile

if TYPE_CHECKING:
    import httpx2

UPDATE = """
mutation Update($input: UpdateHouseholdInput!) {
  updateHousehold(input: $input) { household { version } }
}
"""
VERSION = "query V($code: String!) { household(code: $code) { version } }"


async def _call(
    client: httpx2.AsyncClient, url: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(url, json={"query": query, "variables": variables})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"{url}: HTTP {response.status_code}: {str(body)[:300]}")
    return dict(body["data"])


async def measure(
    client: httpx2.AsyncClient, url: str, code: str, n: int, warmup: int
) -> list[float]:
    version = (await _call(client, url, VERSION, {"code": code}))["household"]["version"]
    timings: list[float] = []
    for i in range(warmup + n):
        started = time.perf_counter()
        change = {"code": code, "expectedVersion": version, "address": f"bench {time.time_ns()}"}
        data = await _call(client, url, UPDATE, {"input": change})
        if i >= warmup:
            timings.append((time.perf_counter() - started) * 1000)
        version = data["updateHousehold"]["household"]["version"]
    return sorted(timings)


ASSESS = """
mutation Assess($input: AssessExitInput!) {
  assessExit(input: $input) { assessment { id passed } }
}
"""


async def measure_exits(
    client: httpx2.AsyncClient, url: str, args: argparse.Namespace
) -> list[float]:
    timings: list[float] = []
    for i in range(args.warmup + args.requests):
        attempt = {"clientMutationId": f"bench-{time.time_ns()}", "householdCode": args.code,
                   "year": args.year, "verifiedBy": args.verified_by, "foodSecure": True,
                   "clothingSecure": True, "villageConfirmed": True}  # fmt: skip
        started = time.perf_counter()
        data = await _call(client, url, ASSESS, {"input": attempt})
        if i >= args.warmup:
            timings.append((time.perf_counter() - started) * 1000)
        if data["assessExit"]["assessment"]["passed"]:
            raise SystemExit("the household passed (it EXITED): pick one whose checks fail")
    return sorted(timings)


async def run(args: argparse.Namespace) -> None:
    import httpx2

    token = args.token or default_token()
    headers = {"authorization": f"Bearer {token}"}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as client:
        print("| round | url | requests | p50 ms | p95 ms | mean ms |")
        print("| ---: | --- | ---: | ---: | ---: | ---: |")
        for r in range(args.rounds):
            for url in args.url:
                ms = (
                    await measure_exits(client, url, args)
                    if args.assess_exit
                    else await measure(client, url, args.code, args.requests, args.warmup)
                )
                print(
                    f"| {r + 1} | {url} | {len(ms)} | {percentile(ms, 0.5):.1f} | "
                    f"{percentile(ms, 0.95):.1f} | {statistics.fmean(ms):.1f} |",
                    flush=True,
                )


def main(argv: Sequence[str] | None = None) -> int:
    if not __package__:
        sys.exit("run it as a module from the repository root: python -m bench.write")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", action="append", help="repeat to alternate servers")
    parser.add_argument("--code", default="4690301002010001", help="a household of seed 1")
    parser.add_argument("--token", help="bearer token (default: a minted ADMIN one)")
    parser.add_argument("-n", "--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--assess-exit", action="store_true", help="time assessExit instead")
    parser.add_argument("--verified-by", help="assessExit: an official paired with the household")
    parser.add_argument("--year", type=int, default=2020, help="assessExit: the year assessed")
    args = parser.parse_args(argv)
    args.url = args.url or ["http://127.0.0.1:8094/graphql"]
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
