"""The Starlette application: `/graphql`, `/healthz`, `/readyz`.

One async Neo4j driver lives for the app's lifetime (opened and closed by the
lifespan). The schema's migrations run at start when Neo4j answers; when it does not,
the app still starts, `/readyz` says 503 and queries answer DATABASE_UNAVAILABLE
until the database is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL

from api.auth import principal_from_header
from api.context import Context
from api.schema import schema
from api.settings import Settings, get_settings
from graph import migrations
from graph.db import Database
from graph.errors import DatabaseUnavailable

logger = logging.getLogger("fupin.api")


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        development = settings.mode == "development"
        super().__init__(
            schema,
            graphql_ide="graphiql" if development else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
        )
        self.settings = settings

    async def get_context(self, request: Any, response: Any) -> Context:
        db: Database = request.app.state.db
        principal = principal_from_header(self.settings, request.headers.get("authorization"))
        return Context(request, response, db, self.settings, principal)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    db: Database = request.app.state.db
    try:
        await asyncio.wait_for(db.ping(), timeout=1.0)
    except (DatabaseUnavailable, TimeoutError):
        return JSONResponse({"status": "unavailable", "neo4j": "down"}, status_code=503)
    return JSONResponse({"status": "ready", "neo4j": "up"})


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> Starlette:
    settings = settings or get_settings()
    settings.check_production()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db = Database.connect(
            settings.bolt_uri,
            settings.neo4j_user,
            settings.neo4j_password.get_secret_value(),
            settings.neo4j_database,
            timeout_s=settings.query_timeout_s,
        )
        app.state.db = db
        if migrate:
            try:
                await migrations.migrate(db)
            except DatabaseUnavailable:
                logger.warning(
                    "Neo4j did not answer at start; migrations wait for `fupin db migrate`"
                )
        try:
            yield
        finally:
            await db.close()

    graphql = GraphQLApp(settings)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.settings = settings
    return app
