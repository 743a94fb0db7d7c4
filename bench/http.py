"""Latency of named GraphQL queries, and of plain GETs of pages, over HTTP: p50, p95
and mean of each.

    .venv/bin/python -m bench.http --url http://127.0.0.1:8094/graphql [--token T]
        [-n 200] [--warmup 20] [--max-seconds 60] [--concurrency 1] [--only NAME ...]

Each query runs `--warmup` times unmeasured, then `-n` times (or until `--max-seconds`
have passed), `--concurrency` requests in flight at once, over one keep-alive HTTP/1.1
client on loopback. A response that is not 200, or carries GraphQL `errors`, stops that
query and is reported. A bench with a `path` is a plain GET of that path on the same
origin as `--url` (the public trace page, its QR code), with the same token and the same
checks but the GraphQL ones. The table goes to stdout; the same figures go to
bench/results/http-<time>.json and .md (git-ignored).

To benchmark another query or page, add one line to QUERIES in bench/queries.py.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx2

# Run as a module (python -m bench.http): run as a script, this file's folder comes
# first on sys.path and the file itself would shadow the standard library's `http`.

RESULTS = Path(__file__).resolve().parent / "results"


from bench.queries import QUERIES, Bench  # noqa: E402  (after the note on sys.path)

SKIP = """
query Skip($where: HouseholdWhere, $after: String) {
  households(where: $where, first: 100, after: $after) { pageInfo { endCursor } }
}
"""


async def deep_cursor(client: httpx2.AsyncClient, url: str, bench: Bench) -> Bench:
    """The bench with `after` set to the cursor `depth` rows into its list, found by
    paging with real cursors (100 rows a request)."""
    after = None
    for _ in range(bench.depth // 100):
        response = await client.post(
            url,
            json={"query": SKIP, "variables": {**bench.variables, "after": after}},
        )
        after = response.json()["data"]["households"]["pageInfo"]["endCursor"]
    return Bench(bench.name, bench.query, {**bench.variables, "after": after})


@dataclass
class Result:
    name: str
    requests: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    min_ms: float
    max_ms: float
    seconds: float
    error: str | None = None


def percentile(sorted_ms: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return math.nan
    return sorted_ms[max(0, math.ceil(q * len(sorted_ms)) - 1)]


class Failed(Exception):
    pass


async def _post(client: httpx2.AsyncClient, url: str, bench: Bench) -> float:
    started = time.perf_counter()
    if bench.path:
        response = await client.get(client.base_url.join(url).join(bench.path))  # url's origin
    else:
        response = await client.post(
            url, json={"query": bench.query, "variables": dict(bench.variables)}
        )
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise Failed(f"HTTP {response.status_code}: {response.text[:300]}")
    if bench.path:
        return elapsed
    body = response.json()
    if body.get("errors"):
        raise Failed(f"GraphQL errors: {json.dumps(body['errors'])[:300]}")
    return elapsed


async def measure(
    client: httpx2.AsyncClient,
    url: str,
    bench: Bench,
    *,
    requests: int,
    warmup: int,
    max_seconds: float,
    concurrency: int,
) -> Result:
    timings: list[float] = []
    error: str | None = None
    started = time.perf_counter()
    try:
        for _ in range(warmup):
            await _post(client, url, bench)
        started = time.perf_counter()
        deadline = started + max_seconds
        issued = 0

        async def worker() -> None:
            nonlocal issued
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                timings.append(await _post(client, url, bench))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    except Exception as exc:  # a failed query is reported, the others still run
        error = str(exc) or type(exc).__name__
    seconds = time.perf_counter() - started
    ordered = sorted(timings)
    return Result(
        name=bench.name,
        requests=len(ordered),
        p50_ms=percentile(ordered, 0.50),
        p95_ms=percentile(ordered, 0.95),
        mean_ms=statistics.fmean(ordered) if ordered else math.nan,
        min_ms=ordered[0] if ordered else math.nan,
        max_ms=ordered[-1] if ordered else math.nan,
        seconds=seconds,
        error=error,
    )


def table(results: Sequence[Result]) -> str:
    lines = [
        "| query | requests | p50 ms | p95 ms | mean ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        if r.error:
            lines.append(f"| {r.name} | {r.requests} | failed: {r.error[:80]} | | | |")
            continue
        lines.append(
            f"| {r.name} | {r.requests} | {r.p50_ms:.1f} | {r.p95_ms:.1f} | "
            f"{r.mean_ms:.1f} | {r.max_ms:.1f} |"
        )
    return "\n".join(lines)


def default_token() -> str:
    """A development ADMIN token signed with the configured secret (as `fupin token`)."""
    from api.auth import Role, mint_token
    from api.settings import load_settings

    return mint_token(load_settings(), Role.ADMIN, ttl_s=3600)


async def run(args: argparse.Namespace) -> list[Result]:
    import httpx2

    token = args.token or os.environ.get("FUPIN_BENCH_TOKEN") or default_token()
    chosen = [b for b in QUERIES if not args.only or any(o in b.name for o in args.only)]
    if not chosen:
        raise SystemExit(f"no query matches {args.only}; known: {[b.name for b in QUERIES]}")
    limits = httpx2.Limits(max_connections=args.concurrency)
    async with httpx2.AsyncClient(
        headers={"authorization": f"Bearer {token}"},
        timeout=httpx2.Timeout(args.timeout),
        limits=limits,
    ) as client:
        results = []
        for bench in chosen:
            if bench.depth:
                bench = await deep_cursor(client, args.url, bench)
            result = await measure(
                client,
                args.url,
                bench,
                requests=args.requests,
                warmup=args.warmup,
                max_seconds=args.max_seconds,
                concurrency=args.concurrency,
            )
            print(f"{bench.name}: {result.requests} requests", file=sys.stderr)
            results.append(result)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    if not __package__:
        sys.exit("run it as a module from the repository root: python -m bench.http")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8094/graphql")
    parser.add_argument("--token", help="bearer token (default: $FUPIN_BENCH_TOKEN or minted)")
    parser.add_argument("-n", "--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="per query")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--only", nargs="*", help="run the queries whose name contains these")
    parser.add_argument("--label", default="", help="a note stored with the results")
    args = parser.parse_args(argv)

    results = asyncio.run(run(args))
    markdown = table(results)
    print(markdown)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    meta = {
        "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "url": args.url,
        "requests": args.requests,
        "warmup": args.warmup,
        "concurrency": args.concurrency,
        "label": args.label,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    payload = {"meta": meta, "results": [asdict(r) for r in results]}
    (RESULTS / f"http-{stamp}.json").write_text(json.dumps(payload, indent=2) + "\n")
    (RESULTS / f"http-{stamp}.md").write_text(markdown + "\n")
    print(f"wrote {RESULTS / f'http-{stamp}.json'}", file=sys.stderr)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
