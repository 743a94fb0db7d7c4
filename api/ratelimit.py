"""Limits on the anonymous surface: a token bucket per client address.

What is limited is declared, not listed here:

    a GraphQL operation    from a caller without a valid token that selects a root
                           field whose policy lets PUBLIC in (`policy(Role.PUBLIC, ...)`)
                           (`limit_public`, run by api.observe.ObserveOperation)
    a page route           wrapped with `public(endpoint)` when it is mounted, called
                           without a valid token

Each address gets FUPIN_PUBLIC_RATE_PER_MIN tokens a minute, up to BURST at once; over
that the answer is HTTP 429 with Retry-After (for GraphQL, an error with code
RATE_LIMITED and nothing executed). The address is the connection's peer, or, when the
peer is one of FUPIN_TRUSTED_PROXIES, the nearest X-Forwarded-For hop that is not a
trusted proxy. Callers with a valid token are not limited here.

The buckets live in the process: with several workers each has its own, so the
effective rate is the setting times the workers.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

from graphql import GraphQLError, OperationType
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Scope
from strawberry import Schema

from api.auth import Policy, Role, principal_from_header
from graph.errors import RateLimited

BURST = 30
MAX_CLIENTS = 100_000

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TokenBuckets:
    """One bucket per key (a client address); `take` spends a token or says how long
    to wait. Not locked: it never awaits, so one event loop uses it atomically."""

    def __init__(
        self,
        rate_per_min: float,
        burst: int = BURST,
        *,
        trusted_proxies: list[str] | tuple[str, ...] = (),
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_s = rate_per_min / 60
        self.burst = float(burst)
        self.trusted: tuple[Network, ...] = tuple(
            ipaddress.ip_network(entry, strict=False) for entry in trusted_proxies
        )
        self.max_clients = max_clients
        self.clock = clock
        # key -> [tokens, when they were counted]
        self._buckets: dict[str, list[float]] = {}

    def take(self, key: str) -> int:
        """0 when the request may go on; else the seconds until a token is back."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._prune(now)
            self._buckets[key] = [self.burst - 1, now]
            return 0
        tokens = min(self.burst, bucket[0] + (now - bucket[1]) * self.per_s)
        bucket[1] = now
        if tokens >= 1:
            bucket[0] = tokens - 1
            return 0
        bucket[0] = tokens
        return max(1, math.ceil((1 - tokens) / self.per_s))

    def _prune(self, now: float) -> None:
        # A full bucket is the same as none; if that frees too little, the oldest half goes.
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if bucket[0] + (now - bucket[1]) * self.per_s < self.burst
        }
        if len(self._buckets) >= self.max_clients:
            newest = sorted(self._buckets.items(), key=lambda item: item[1][1])
            self._buckets = dict(newest[len(newest) // 2 :])

    def client(self, scope: Scope) -> str:
        """The client's address (see the module's docstring for X-Forwarded-For)."""
        peer = scope.get("client")
        address = str(peer[0]) if peer else "unknown"
        if not self.trusted or not self._is_trusted(address):
            return address
        hops: list[str] = []
        for name, value in scope["headers"]:
            if name == b"x-forwarded-for":
                hops.extend(h.strip() for h in value.decode("latin-1").split(","))
        for hop in reversed([h for h in hops if h]):
            if not self._is_trusted(hop):
                return hop[:64]
        return address

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)


@cache
def open_to_public(schema: Schema) -> dict[OperationType, frozenset[str]]:
    """The root fields whose policy lets PUBLIC in, by operation type (built once per
    schema)."""
    core = schema._schema
    roots = {
        OperationType.QUERY: core.query_type,
        OperationType.MUTATION: core.mutation_type,
        OperationType.SUBSCRIPTION: core.subscription_type,
    }
    found: dict[OperationType, frozenset[str]] = {}
    for operation, root in roots.items():
        names = set()
        for name, field in (root.fields if root is not None else {}).items():
            definition = field.extensions.get("strawberry-definition")
            for cls in getattr(definition, "permission_classes", ()):
                if isinstance(cls, type) and issubclass(cls, Policy) and Role.PUBLIC in cls.roles:
                    names.add(name)
        found[operation] = frozenset(names)
    return found


def _too_many(wait: int) -> str:
    return f"too many requests from this address: retry in {wait} s"


def limit_public(execution: Any, operation: OperationType | None, fields: tuple[str, ...]) -> None:
    """For an anonymous operation (`execution`, a Strawberry ExecutionContext, before
    validation ends) that selects a public root field: spend a token of the caller's
    address, and on an empty bucket answer RATE_LIMITED with HTTP 429 and Retry-After,
    with nothing executed. Called by api.observe.ObserveOperation.on_validate."""
    if operation is None or not open_to_public(execution.schema)[operation].intersection(fields):
        return
    context = execution.context
    request = context.request
    buckets: TokenBuckets | None = getattr(request.app.state, "limiter", None)
    if buckets is None:
        return
    wait = buckets.take(buckets.client(request.scope))
    if wait:
        limited = RateLimited(_too_many(wait))
        execution.pre_execution_errors = [
            GraphQLError(limited.message, extensions=limited.extensions)
        ]
        context.response.status_code = 429
        context.response.headers["retry-after"] = str(wait)


Endpoint = Callable[[Request], Awaitable[Response]]


def public(endpoint: Endpoint) -> Endpoint:
    """A page route open without a token, limited per client address:
    `Route("/t/{code}", public(trace_page))`."""

    async def limited(request: Request) -> Response:
        buckets: TokenBuckets | None = getattr(request.app.state, "limiter", None)
        header = request.headers.get("authorization")
        if buckets is not None and not (
            header and principal_from_header(request.app.state.settings, header).authenticated
        ):
            wait = buckets.take(buckets.client(request.scope))
            if wait:
                return PlainTextResponse(
                    _too_many(wait), status_code=429, headers={"retry-after": str(wait)}
                )
        return await endpoint(request)

    limited.__name__ = getattr(endpoint, "__name__", "public")
    limited.__doc__ = endpoint.__doc__
    return limited
