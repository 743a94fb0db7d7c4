"""`GET /metrics`: the app's figures in Prometheus' text format.

    fupin_graphql_requests_total{field, code}          operations by root field and
                                                        result code (OK or the first
                                                        error's extensions.code)
    fupin_graphql_request_duration_seconds{field}      their latency (the whole request)
    fupin_graphql_errors_total{code}                   every error, by code
    fupin_neo4j_statements_total{field}                statements run, by root field
    fupin_neo4j_statement_seconds_total{field}         and their time
    fupin_http_requests_total{route, method, status}   every HTTP request
    fupin_http_request_duration_seconds{route}         and its latency
    fupin_neo4j_connections_in_use / _open             the driver's pool, at scrape time
    fupin_neo4j_transactions_total{access, statements} committed transactions by
                                                        access mode (READ, WRITE) and
                                                        whether a statement could write
                                                        (read, write): WRITE/read is a
                                                        read sent to a cluster's leader
    process_* and python_gc_*                          the process

`field` is a root field name the schema knows (never the client's operation name); a
request that selects several counts under each of them, and a request that is not a
GraphQL operation counts its statements under its route. `route` is the route's
template (`/graphql`), or `(unmatched)`.

Each app has its registry, and each worker process its own figures: scrape every
worker, or run one per container. In production `/metrics` answers only
`Authorization: Bearer <FUPIN_METRICS_TOKEN>`, and 404 to everyone else (unset: to
all); in development it is open.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from graph import db as graph_db
from graph.db import Database

if TYPE_CHECKING:
    from api.observe import Record

# No `_created` series: they double the exposition and Prometheus has no use for them.
disable_created_metrics()  # type: ignore[no-untyped-call]

BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _DriverPool:
    """The driver's connections, read when Prometheus scrapes (nothing per request)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        in_use = GaugeMetricFamily(
            "fupin_neo4j_connections_in_use", "Driver connections lent to a statement now"
        )
        opened = GaugeMetricFamily("fupin_neo4j_connections_open", "Driver connections open")
        pool = getattr(getattr(self.metrics.database, "driver", None), "_pool", None)
        busy = total = 0
        connections = getattr(pool, "connections", None)
        if pool is not None and connections is not None:
            # The pool's own count (under its lock); `connections` maps address -> deque.
            for address in list(connections):
                busy += pool.in_use_connection_count(address)
                total += len(connections.get(address, ()))
        in_use.add_metric([], busy)
        opened.add_metric([], total)
        yield in_use
        yield opened
        # The process's transactions (graph/db.py counts them: every app of the process).
        transactions = CounterMetricFamily(
            "fupin_neo4j_transactions",
            "Committed Neo4j transactions by access mode and what their statements did",
            labels=["access", "statements"],
        )
        for (access, statements), count in sorted(graph_db.TRANSACTIONS.items()):
            transactions.add_metric([access, statements], count)
        yield transactions


class Metrics:
    """The app's metrics; `request()` records one finished request."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.database: Database | None = None  # set by the app's lifespan
        r = self.registry
        self.graphql_requests = Counter(
            "fupin_graphql_requests", "GraphQL operations", ["field", "code"], registry=r
        )
        self.graphql_seconds = Histogram(
            "fupin_graphql_request_duration_seconds",
            "GraphQL request latency",
            ["field"],
            buckets=BUCKETS,
            registry=r,
        )
        self.graphql_errors = Counter(
            "fupin_graphql_errors", "GraphQL errors", ["code"], registry=r
        )
        self.statements = Counter(
            "fupin_neo4j_statements", "Cypher statements run", ["field"], registry=r
        )
        self.statement_seconds = Counter(
            "fupin_neo4j_statement_seconds",
            "Time spent in Cypher statements",
            ["field"],
            registry=r,
        )
        self.http_requests = Counter(
            "fupin_http_requests", "HTTP requests", ["route", "method", "status"], registry=r
        )
        self.http_seconds = Histogram(
            "fupin_http_request_duration_seconds",
            "HTTP request latency",
            ["route"],
            buckets=BUCKETS,
            registry=r,
        )
        r.register(_DriverPool(self))
        ProcessCollector(registry=r)
        GCCollector(registry=r)
        # Labelled children by label values: a dict lookup instead of `labels()`'s
        # validation and lock on every request. Bounded: the label values are.
        self._children: dict[tuple[Any, ...], Any] = {}

    def _child(self, metric: Any, *values: Any) -> Any:
        key = (id(metric), *values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*(str(v) for v in values))
        return child

    def request(self, record: Record, method: str, route: str, status: int, seconds: float) -> None:
        child = self._child
        child(self.http_requests, route, method, status).inc()
        child(self.http_seconds, route).observe(seconds)
        if record.code is None:
            if record.statements:
                child(self.statements, route).inc(record.statements)
                child(self.statement_seconds, route).inc(record.statement_s)
            return
        for field in record.fields or ("(none)",):
            child(self.graphql_requests, field, record.code).inc()
            child(self.graphql_seconds, field).observe(seconds)
            if record.statements:
                child(self.statements, field).inc(record.statements)
                child(self.statement_seconds, field).inc(record.statement_s)
        for code in record.error_codes:
            child(self.graphql_errors, code).inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def _bearer_matches(header: str | None, expected: str) -> bool:
    scheme, _, token = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), expected.encode()
    )


async def metrics_endpoint(request: Request) -> Response:
    """`GET /metrics` (see the module's docstring for who may read it)."""
    settings = request.app.state.settings
    if settings.mode == "production":
        token = settings.metrics_token
        if token is None or not _bearer_matches(
            request.headers.get("authorization"), token.get_secret_value()
        ):
            return PlainTextResponse("Not Found", status_code=404)
    metrics: Metrics = request.app.state.metrics
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
