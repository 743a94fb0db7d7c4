"""The Starlette application: `/graphql`, `/healthz`, `/readyz`, the explorer page
`/explore` (api/explorer.py), the public trace page `/t/{code}` and its QR code
`/qr/{code}.svg` (api/pages.py) and in development GraphiQL's assets under `/graphiql`
(api/graphiql.py).

One async Neo4j driver lives for the app's lifetime (opened and closed by the
lifespan). The schema's migrations run at start when Neo4j answers; when it does not,
the app still starts, `/readyz` says 503 and queries answer DATABASE_UNAVAILABLE
until the database is back.

In front of `/graphql`: the CORS allow-list (settings.cors_origins, never a wildcard)
and the request body limit (settings.max_body_bytes); see api/limits.py for the rest.
Around everything: request ids, access lines and metrics (api/observe.py, `/metrics`
in api/metrics.py); the anonymous surface's rate limit lives in api/ratelimit.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import HTTPException
from neo4j.exceptions import DriverError, Neo4jError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api import bookmarks, explorer, graphiql, pages, runs
from api.auth import principal_from_header
from api.context import Context
from api.errors import http_error, with_code
from api.limits import BodySizeLimit
from api.metrics import Metrics, metrics_endpoint
from api.observe import Observe, note_principal, note_result
from api.ratelimit import TokenBuckets
from api.schema import schema_for
from api.settings import Settings, get_settings
from graph import migrations
from graph.audit_run import stale_after
from graph.db import Database, causal, current_causal
from graph.errors import DatabaseUnavailable, FupinError

logger = logging.getLogger("fupin.api")


class GraphQLApp(GraphQL[Context, None]):
    """`/graphql`: POST one JSON operation; GET serves GraphiQL (development only).

    Operations over GET are refused: their variables (an ID number to look up) would
    land in URLs and access logs, and GET must never change anything.
    """

    def __init__(self, settings: Settings) -> None:
        development = settings.mode == "development"
        super().__init__(
            schema_for(settings.mode),
            graphql_ide="graphiql" if development else None,
            allow_queries_via_get=False,
            multipart_uploads_enabled=False,
        )
        self.settings = settings

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        # The page and its assets come from this package, never from a CDN.
        return await graphiql.page(request)

    def decode_json(self, data: str | bytes) -> object:
        # One operation per request: a JSON array (a batch) or a bare value is refused
        # here, before anything runs.
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if isinstance(value, list):
            raise HTTPException(400, "batched operations are not accepted: send one operation")
        if not isinstance(value, dict):
            raise HTTPException(400, "the request body must be a JSON object")
        return value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Strawberry answers its own refusals (HTTPException) in plain text; here they
        # leave in the GraphQL response shape with an extensions.code (api/errors.py).
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            chain = bookmarks.chain(request.headers.get(bookmarks.HEADER))
        except FupinError as exc:
            await http_error(400, exc.message)(scope, receive, send)
            return
        try:
            with causal(chain):
                response = await self.run(request)
        except HTTPException as exc:
            response = http_error(exc.status_code, exc.reason)
        if chain.wrote:
            response.headers[bookmarks.HEADER] = bookmarks.encode(await chain.bookmarks())
        await response(scope, receive, send)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # Every error leaves with an `extensions.code`, syntax errors included (they
        # never reach the schema's extensions).
        if result.errors:
            result.errors = [with_code(error) for error in result.errors]
        note_result(request, result)
        chain = current_causal()
        if chain is not None and chain.wrote:
            # What the request committed: send it back to read it on any replica.
            token = bookmarks.encode(await chain.bookmarks())
            result.extensions = {**(result.extensions or {}), "bookmark": token}
        return await super().process_result(request, result)

    async def get_context(self, request: Any, response: Any) -> Context:
        db: Database = request.app.state.db
        principal = principal_from_header(self.settings, request.headers.get("authorization"))
        note_principal(request, principal)
        return Context(request, response, db, self.settings, principal)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


READY_BUDGET_S = 1.0


class Probe:
    """The readiness read, shared by the probes that arrive while it runs.

    A probe waits at most READY_BUDGET_S for it and is never the one to cancel it: the
    Neo4j driver (6.4) leaves a socket unclosed when a task is cancelled while it opens
    a connection, and a slow start-up is exactly when a probe's budget runs out. The
    read ends by the driver's own timeouts (connection 2 s, acquisition 3 s, the query
    timeout); the next probe after it has ended starts a new one."""

    def __init__(self) -> None:
        self._task: asyncio.Task[int] | None = None

    async def version(self, db: Database) -> int:
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(migrations.current_version(db))
            # Its error is read by the probes that wait; one that none waits for is
            # dropped here instead of logged as never retrieved.
            self._task.add_done_callback(lambda t: t.cancelled() or t.exception())
        done, _ = await asyncio.wait({self._task}, timeout=READY_BUDGET_S)
        if not done:
            raise TimeoutError
        return self._task.result()

    async def settle(self, seconds: float = 5.0) -> None:
        """At shutdown, before the driver closes: let a read still running end."""
        if self._task is not None and not self._task.done():
            await asyncio.wait({self._task}, timeout=seconds)


async def readyz(request: Request) -> Response:
    """200 once the app's database serves a read (the schema version) within a second.

    Bolt accepting connections is not enough: after a restart Neo4j takes many more
    seconds to serve transactions, and requests sent meanwhile only wait."""
    db: Database = request.app.state.db
    try:
        version = await request.app.state.probe.version(db)
    except (FupinError, Neo4jError, DriverError, TimeoutError) as exc:
        logger.info("not ready: %s", type(exc).__name__)
        return JSONResponse({"status": "unavailable", "neo4j": "down"}, status_code=503)
    return JSONResponse({"status": "ready", "neo4j": "up", "schemaVersion": version})


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> Starlette:
    settings = settings or get_settings()
    settings.check_production()

    metrics = Metrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = settings.database()
        app.state.db = db
        app.state.probe = Probe()
        metrics.database = db
        if migrate:
            try:
                await migrations.migrate(db)
            except DatabaseUnavailable:
                logger.warning(
                    "Neo4j did not answer at start; migrations wait for `fupin db migrate`"
                )
        # Audit runs a stopped process left RUNNING are FAILED now (api/runs.py).
        await runs.recover(db, stale_after(settings.query_timeout_s))
        try:
            yield
        finally:
            await runs.stop()
            await app.state.probe.settle()
            await db.close()

    graphql = GraphQLApp(settings)
    routes: list[BaseRoute] = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
        *explorer.routes(),
        *pages.routes(),
    ]
    if settings.mode == "development":
        routes.append(graphiql.assets())
    middleware = [
        Middleware(Observe, metrics=metrics, slow_statement_ms=settings.slow_statement_ms),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", bookmarks.HEADER],
            expose_headers=[bookmarks.HEADER],
            allow_credentials=False,
            max_age=600,
        ),
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
    ]
    # The driver's DEBUG log prints every statement's parameters (ID numbers, names):
    # keep it at INFO whatever the root logger's level.
    logging.getLogger("neo4j").setLevel(logging.INFO)
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.limiter = TokenBuckets(
        settings.public_rate_per_min, trusted_proxies=settings.trusted_proxies
    )
    return app
