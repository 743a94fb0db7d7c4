"""Test set-up: a Neo4j of the suite's own, never the app's.

The suite starts its own embedded Neo4j once per session (data in
`.data/neo4j-test-<port>`, port FUPIN_TEST_NEO4J_PORT, default 7688), or uses the one
named by FUPIN_TEST_NEO4J_URI (with FUPIN_TEST_NEO4J_PASSWORD). Run on several workers
(`pytest -n 2`, as `make test` does), worker k starts its own on port + k: the workers
never share a database. Before it wipes
anything it checks that the database carries the test marker, and refuses otherwise:
a database it starts itself is marked when new; one given explicitly must be marked
already (`fupin db mark-test`). Each test starts from an empty graph (schema kept).

FUPIN_TEST_KEEP_NEO4J=1 leaves the suite's own Neo4j running for the next run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver, GraphDatabase
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role, mint_token
from api.settings import Settings, load_settings
from graph.local import LocalNeo4j
from graph.testdb import TEST_PASSWORD, ensure_test_marker, wipe

ROOT = Path(__file__).resolve().parent.parent


def worker_index() -> int:
    """This process's pytest-xdist worker number (`gw<k>`), 0 when not run by xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw"))


@pytest.fixture(scope="session")
def local_test_neo4j() -> LocalNeo4j | None:
    """The suite's own Neo4j, or None when FUPIN_TEST_NEO4J_URI names another."""
    if os.environ.get("FUPIN_TEST_NEO4J_URI"):
        return None
    port = int(os.environ.get("FUPIN_TEST_NEO4J_PORT", "7688")) + worker_index()
    return LocalNeo4j(
        home=ROOT / ".data" / f"neo4j-test-{port}",
        port=port,
        password=TEST_PASSWORD,
        lib=ROOT / ".data" / "neo4j-lib",
        heap_mb=1536,
        pagecache_mb=768,
        tx_timeout_s=60,
    )


@pytest.fixture(scope="session")
def neo4j_target(local_test_neo4j: LocalNeo4j | None) -> Iterator[tuple[str, str]]:
    """(uri, password) of the suite's database, started here when none is given."""
    local = local_test_neo4j
    if local is None:
        if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
            raise pytest.UsageError(
                "FUPIN_TEST_NEO4J_URI names one database and each worker wipes its own: "
                "run the suite on one worker (pytest -n 0)"
            )
        given = os.environ["FUPIN_TEST_NEO4J_URI"]
        yield given, os.environ.get("FUPIN_TEST_NEO4J_PASSWORD", TEST_PASSWORD)
        return
    already = local.pid() is not None
    local.start()
    # Routed (neo4j://), as a cluster is used: reads go as reads, writes as writes.
    routed = local.uri.replace("bolt://", "neo4j://", 1)
    check_advertised(routed, local.port)
    yield routed, TEST_PASSWORD
    if not already and os.environ.get("FUPIN_TEST_KEEP_NEO4J") != "1":
        local.stop()


def check_advertised(uri: str, port: int) -> None:
    """A routed driver must be sent back to this port: a Neo4j started before its
    launcher set the advertised address names localhost:7687, another database."""
    with GraphDatabase.driver(uri, auth=("neo4j", TEST_PASSWORD)) as drv:
        summary = drv.execute_query("RETURN 1").summary
    if summary.server.address.port != port:
        raise RuntimeError(
            f"the test Neo4j on port {port} routes to {summary.server.address}: stop it "
            "(`fupin neo4j stop` with its FUPIN_NEO4J_HOME and FUPIN_NEO4J_PORT) and run "
            "again, so that it restarts advertising its own address"
        )


@pytest.fixture(autouse=True)
def reads_sent_as_reads() -> Iterator[None]:
    """Every test: no transaction of this process that only read went as a write
    (graph/db.py counts them; with a cluster it would load the leader)."""
    from graph import db

    before = db.TRANSACTIONS[db.READ_AS_WRITE]
    yield
    sent = db.TRANSACTIONS[db.READ_AS_WRITE] - before
    assert not sent, f"reads sent as writes: {list(db.MISROUTED)[-sent:]}"


@pytest.fixture(scope="session")
def test_settings(neo4j_target: tuple[str, str]) -> Settings:
    uri, password = neo4j_target
    return load_settings(
        NEO4J_URI=uri,
        NEO4J_PASSWORD=password,
        FUPIN_MODE="development",
        FUPIN_QUERY_TIMEOUT_S=30,
        # A cold plan of an exploring statement can take seconds on a loaded machine.
        FUPIN_EXPLORE_TIMEOUT_S=30,
    )


@pytest.fixture(scope="session")
def driver(test_settings: Settings) -> Iterator[Driver]:
    """A sync driver for arranging and checking data directly in the test database."""
    drv = GraphDatabase.driver(
        test_settings.bolt_uri,
        auth=(test_settings.neo4j_user, test_settings.neo4j_password.get_secret_value()),
        notifications_min_severity="OFF",
    )
    ensure_test_marker(drv, started_here="FUPIN_TEST_NEO4J_URI" not in os.environ)
    yield drv
    drv.close()


@pytest.fixture(scope="session")
def app_client(test_settings: Settings, driver: Driver) -> Iterator[TestClient]:
    """The app on the test database; its lifespan applies the migrations."""
    with TestClient(create_app(test_settings)) as client:
        yield client


@pytest.fixture()
def graph(driver: Driver, app_client: TestClient) -> Driver:
    """An empty graph (schema and marker kept) for this test, once the audit runs an
    earlier test started in the app's background are over."""
    wait_for_audit_runs(driver)
    wipe(driver)
    return driver


def wait_for_audit_runs(driver: Driver, seconds: float = 120) -> None:
    """Until no audit run is being worked on (claimed, with a recent heartbeat)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        records, _, _ = driver.execute_query(
            "RETURN EXISTS { MATCH (r:AuditRun {status: 'RUNNING'}) WHERE r.worker IS NOT NULL "
            "AND r.heartbeatAt > datetime() - duration({seconds: 60}) } AS busy"
        )
        if not records[0]["busy"]:
            return
        time.sleep(0.1)


class Api:
    """Posts GraphQL to the app as a given role."""

    def __init__(self, client: TestClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    def token(self, role: Role, scope: str | None = None) -> str:
        return mint_token(self.settings, role, scope=scope)

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: Role | None = Role.ADMIN,
        scope: str | None = None,
    ) -> dict[str, Any]:
        headers = {}
        if role is not None and role is not Role.PUBLIC:
            headers["authorization"] = f"Bearer {self.token(role, scope)}"
        response = self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        """The `data` of a query that must succeed."""
        body = self.post(query, variables, **kw)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def error(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        """The first error of a query that must fail."""
        body = self.post(query, variables, **kw)
        assert body.get("errors"), body
        return body["errors"][0]


# The platform's "today" is China Standard Time's (graph/validation.py), read by the app
# on every call and by a test when it builds its input and its expectation. A test that
# starts in the last minutes of a CST day could see two days, and one that places an
# order "a minute ago" in the first minutes of a day dates it the day before; no test
# starts from 23:57 to 00:02 CST.
BEFORE_MIDNIGHT = dt.timedelta(minutes=3)
AFTER_MIDNIGHT = dt.timedelta(minutes=2)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    import time

    from graph.validation import CST

    now = dt.datetime.now(CST)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), CST)
    if midnight - now < BEFORE_MIDNIGHT:
        time.sleep((midnight + AFTER_MIDNIGHT - now).total_seconds())
    elif now - (midnight - dt.timedelta(days=1)) < AFTER_MIDNIGHT:
        time.sleep((midnight - dt.timedelta(days=1) + AFTER_MIDNIGHT - now).total_seconds())


@pytest.fixture()
def fresh_limit(app_client: TestClient) -> Iterator[None]:
    """A bucket of its own for this test's anonymous calls (the app's is shared)."""
    from api.ratelimit import TokenBuckets

    state = app_client.app.state
    kept = state.limiter
    state.limiter = TokenBuckets(120)
    yield
    state.limiter = kept


def production_settings(settings: Settings, **more: Any) -> Settings:
    """The test database's settings in production mode (its secrets set)."""
    return load_settings(
        NEO4J_URI=settings.bolt_uri,
        NEO4J_PASSWORD=settings.neo4j_password.get_secret_value(),
        FUPIN_MODE="production",
        FUPIN_JWT_SECRET="a-production-secret-of-at-least-32-characters",
        **more,
    )


@pytest.fixture()
def api(app_client: TestClient, test_settings: Settings, graph: Driver) -> Api:
    return Api(app_client, test_settings)


@pytest.fixture()
def as_of() -> dt.date:
    """A fixed reference date for seeded stories."""
    return dt.date(2026, 11, 1)


def run_on_db(settings: Settings, work: Any) -> Any:
    """Run `work(db)` (async) against the test database with a Database of its own."""
    import asyncio

    async def go() -> Any:
        db = settings.database(timeout_s=120)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(go())


@pytest.fixture()
def demo(api: Api, test_settings: Settings, as_of: dt.date) -> dt.date:
    """The demo story, loaded into the empty test graph as of `as_of`."""
    from seeds.demo import load_demo

    run_on_db(test_settings, lambda db: load_demo(db, as_of, say=lambda _: None))
    return as_of


def migrated(graph: Driver, settings: Settings, after: int, create: str, read: str) -> list[Any]:
    """Write old-style data (`create`), run the migrations above version `after` again,
    and return the rows of `read` as tuples; the schema ends at the latest version."""
    from graph import migrations

    graph.execute_query(create)
    graph.execute_query("MATCH (v:SchemaVersion {id: 'fupin'}) SET v.version = $v", v=after)
    run_on_db(settings, migrations.migrate)
    version = graph.execute_query("MATCH (v:SchemaVersion) RETURN v.version AS v")[0][0]["v"]
    assert version == migrations.LATEST
    return [tuple(r.values()) for r in graph.execute_query(read)[0]]


@pytest.fixture(scope="session")
def live_url(test_settings: Settings, driver: Driver) -> Iterator[str]:
    """The app on a free loopback port (uvicorn in a thread), for a browser to open."""
    from browser import live_app

    with live_app(test_settings) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (tests/browser.py); one per module, since while it runs
    `asyncio.run` fails in this thread."""
    from browser import chromium

    with chromium() as launched:
        yield launched
