"""Latency of sales over HTTP on the demo story (issue 16): `recordOrder` with 3 lines,
the same order sent again (a replay: answered from the stored order), and
`salesImpact` for the province, one request at a time.

    .venv/bin/python -m bench.sales --url http://127.0.0.1:8094/graphql [-n 200]
        [--warmup 20]

It first registers three large lots of bottled honey owned by the demo's cooperative
(ADMIN), so the orders never run out; every order sells one bottle of each. The orders
and lots stay in the graph (re-seed the demo to drop them). On a generated graph, name
a cooperative and a seller of it: `--cooperative GEN-COOP-469030-001 --seller
GEN-SHOP-469030-001` (the province's sales summaries are then full-scale).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bench.http import default_token, percentile
from bench.write import _call

if TYPE_CHECKING:
    import httpx2

REGISTER = """mutation R($input: RegisterLotInput!) { registerLot(input: $input) {
  lot { traceCode } } }"""
RECORD = """mutation O($input: RecordOrderInput!) { recordOrder(input: $input) {
  order { id total } } }"""
IMPACT = """{ salesImpact(regionCode: "460000", from: "2026-01-01", to: "2026-12-31") {
  revenue orders buyers householdsPaid paidToHouseholds medianPaidPerHousehold
  byChannel { channel orders revenue } byProduct { product { code } quantity revenue }
  children { region { code } revenue orders householdsPaid paidToHouseholds } } }"""


async def _timed(
    client: httpx2.AsyncClient, url: str, n: int, warmup: int, make: Any
) -> list[float]:
    timings = []
    for i in range(warmup + n):
        query, variables = make(i)
        started = time.perf_counter()
        await _call(client, url, query, variables)
        if i >= warmup:
            timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


async def run(args: argparse.Namespace) -> None:
    import httpx2

    headers = {"authorization": f"Bearer {args.token or default_token()}"}
    stamp = time.time_ns()
    async with httpx2.AsyncClient(headers=headers, timeout=30) as client:
        lots = []
        for k in range(3):
            lot = {"clientMutationId": f"bench-lot-{stamp}-{k}", "productCode": "WILD-HONEY-500G",
                   "quantity": 1_000_000, "producedOn": dt.date.today().isoformat(),
                   "cooperativeCode": args.cooperative}  # fmt: skip
            made = await _call(client, args.url, REGISTER, {"input": lot})
            lots.append(made["registerLot"]["lot"]["traceCode"])

        def order(i: int) -> dict[str, Any]:
            placed = dt.datetime.now(dt.UTC).isoformat()
            return {"sellerCode": args.seller, "orderId": f"bench-{stamp}-{i:06d}",
                    "channel": "ONLINE", "placedAt": placed, "buyer": {"id": f"bench-{i % 50}"},
                    "lines": [{"traceCode": lot, "quantity": 1, "unitPrice": "38.80"}
                              for lot in lots]}  # fmt: skip

        sent: list[dict[str, Any]] = []

        def record(i: int) -> tuple[str, dict[str, Any]]:
            sent.append(order(i))
            return RECORD, {"input": sent[-1]}

        def replay(i: int) -> tuple[str, dict[str, Any]]:
            return RECORD, {"input": sent[i % len(sent)]}

        def impact(i: int) -> tuple[str, dict[str, Any]]:
            return IMPACT, {}

        print("| request | requests | p50 ms | p95 ms | mean ms |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, make in (("recordOrder, 3 lines", record), ("recordOrder replayed", replay),
                           ("salesImpact(460000), a year", impact)):  # fmt: skip
            ms = await _timed(client, args.url, args.requests, args.warmup, make)
            p50, p95, mean = percentile(ms, 0.5), percentile(ms, 0.95), statistics.fmean(ms)
            print(f"| {name} | {len(ms)} | {p50:.1f} | {p95:.1f} | {mean:.1f} |", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    if not __package__:
        sys.exit("run it as a module from the repository root: python -m bench.sales")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8094/graphql")
    parser.add_argument("--token", help="bearer token (default: a minted ADMIN one)")
    parser.add_argument("-n", "--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--cooperative", default="COOP-469025-01", help="the lots' owner")
    parser.add_argument("--seller", default="STORE-469025-01", help="the orders' seller")
    args = parser.parse_args(argv)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
