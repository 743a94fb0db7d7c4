"""What request ids, access lines, metrics, statement timing and the public rate limit
cost per request, part by part, in process (no server, no Neo4j):

    .venv/bin/python -m bench.observe [--rounds 9]

    middleware   api.observe.Observe around an ASGI app that only answers (and fills
                 the record as a one-field GraphQL operation would): request id,
                 clock, metrics, and the access line off, then on (JSON formatter
                 into /dev/null, as in production)
    extension    api.schema's schema executing an operation with and without
                 ObserveOperation (which also runs the rate limit's check):
                 `{ __typename }` as ADMIN, and an anonymous `region`
                 (UNAUTHENTICATED without touching Neo4j: the error path, with the
                 rate limit's check)
    statements   graph.db's hook around one statement, with no sink and with a
                 request's record

Each figure is CPU time of this process (`time.process_time`) per call, the minimum
over `--rounds` rounds: on a shared 2-core machine the minimum is the stable figure,
the median moves with whatever else runs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from api.auth import Principal, Role
from api.logs import JsonFormatter
from api.metrics import Metrics
from api.observe import RECORD, Observe, ObserveOperation, Record
from api.ratelimit import TokenBuckets
from api.schema import Schema, schema
from graph.db import _note, pop_sink, push_sink


async def per_call(
    works: dict[str, Callable[[], Awaitable[Any]]], n: int, rounds: int
) -> dict[str, float]:
    """Each work's best time per call; the works take turns in every round."""
    best = dict.fromkeys(works, float("inf"))
    for work in works.values():
        for _ in range(n // 10):
            await work()
    for _ in range(rounds):
        for name, work in works.items():
            started = time.process_time()
            for _ in range(n):
                await work()
            best[name] = min(best[name], (time.process_time() - started) / n * 1e6)
    return best


class _Route:
    path = "/graphql"


async def answer(scope: dict[str, Any], receive: Any, send: Any) -> None:
    record = scope.get(RECORD)
    if record is not None:
        record.fields, record.code, record.role = ("household",), "OK", "ADMIN"
        record.statement("MATCH (h:Household {code: $code}) RETURN h", 0.002)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def middleware(rounds: int) -> dict[str, float]:
    observed = Observe(answer, metrics=Metrics(), slow_statement_ms=500)
    headers = [(b"content-type", b"application/json"), (b"x-request-id", b"abc-123")]

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        pass

    def call(app: Any) -> Callable[[], Awaitable[None]]:
        def one() -> Awaitable[None]:
            scope = {"type": "http", "method": "POST", "headers": headers, "route": _Route}
            return app(scope, receive, send)  # type: ignore[no-any-return]

        return one

    quiet = await per_call({"bare": call(answer), "observed": call(observed)}, 20_000, rounds)
    handler = logging.FileHandler(os.devnull)
    handler.setFormatter(JsonFormatter())
    access = logging.getLogger("fupin.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        logged = await per_call({"bare": call(answer), "observed": call(observed)}, 20_000, rounds)
    finally:
        access.removeHandler(handler)
        access.setLevel(logging.NOTSET)
    return {
        "middleware, access line off": quiet["observed"] - quiet["bare"],
        "middleware, access line on (JSON)": logged["observed"] - logged["bare"],
    }


class _App:
    class state:  # stands in for Starlette's app.state
        limiter = TokenBuckets(1e9)


class _Request:
    app = _App

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {RECORD: Record("bench", 1e9), "client": ("127.0.0.1", 1)}
        self.scope["headers"] = []


class _Context:
    def __init__(self, role: Role) -> None:
        self.request = _Request()
        self.principal = Principal(role)
        self.response = None


async def extensions(rounds: int) -> dict[str, float]:
    mine = (ObserveOperation,)
    bare = Schema(
        query=schema.query,
        mutation=schema.mutation,
        extensions=[e for e in schema.extensions if e not in mine],
    )
    cases = {
        "ADMIN { __typename }": ("{ __typename }", Role.ADMIN),
        "anonymous region": ('{ region(code: "460203") { code } }', Role.PUBLIC),
    }
    found = {}
    for name, (query, role) in cases.items():

        def run(built: Schema, query: str = query, role: Role = role) -> Any:
            return lambda: built.execute(query, context_value=_Context(role))

        best = await per_call({"without": run(bare), "with": run(schema)}, 3000, rounds)
        found[f"extension, {name}"] = best["with"] - best["without"]
    return found


def statements(rounds: int) -> dict[str, float]:
    def loop(n: int = 200_000) -> float:
        best = float("inf")
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(n):
                with _note("MATCH (n) RETURN n"):
                    pass
            best = min(best, (time.process_time() - started) / n * 1e6)
        return best

    empty = loop()
    token = push_sink(Record("bench", 1e9))
    try:
        observed = loop()
    finally:
        pop_sink(token)
    return {
        "statement hook, no sink (total)": empty,
        "statement hook, a request's record": observed,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    figures = {
        **await middleware(args.rounds),
        **await extensions(args.rounds),
        **statements(args.rounds),
    }
    print("| part | µs per request (or per statement) |")
    print("| --- | --- |")
    for name, us in figures.items():
        print(f"| {name} | {us:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
