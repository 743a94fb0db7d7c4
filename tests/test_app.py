"""The HTTP surface: health, readiness, GraphiQL in development, schema drift."""

from __future__ import annotations

from pathlib import Path

from api.sdl import export_sdl

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_and_readyz(app_client, graph):
    from graph.migrations import LATEST

    assert app_client.get("/healthz").json() == {"status": "ok"}
    ready = app_client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "neo4j": "up", "schemaVersion": LATEST}


def test_readyz_needs_a_read_on_the_apps_database(test_settings, graph):
    """Bolt answering is not enough: ready means the app's own database served a read
    within the one-second budget. A server whose Bolt accepts connections but which
    has no such database (as during a restart, before it serves transactions) is 503."""
    from starlette.testclient import TestClient

    from api.app import create_app

    elsewhere = test_settings.model_copy(update={"neo4j_database": "nosuchdatabase"})
    with TestClient(create_app(elsewhere, migrate=False)) as client:
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json() == {"status": "unavailable", "neo4j": "down"}


def test_graphiql_served_in_development(app_client, graph):
    page = app_client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_schema_graphql_matches_code():
    written = (ROOT / "schema.graphql").read_text()
    assert written == export_sdl(), (
        "schema.graphql differs from the code: run `fupin schema export`"
    )


def test_migrations_recorded_in_graph(graph):
    from graph.migrations import LATEST

    records, _, _ = graph.execute_query(
        "MATCH (v:SchemaVersion {id: 'fupin'}) RETURN v.version AS version"
    )
    assert records[0]["version"] == LATEST
    names = {r["name"] for r in graph.execute_query("SHOW CONSTRAINTS YIELD name")[0]}
    assert {"household_code", "person_id_number", "region_code"} <= names


def test_a_probe_out_of_budget_leaves_no_socket_open(test_settings, graph, monkeypatch):
    """A probe whose budget ends while the driver opens its first connection answers
    503 without cancelling the read (the driver leaves a socket unclosed when cancelled
    there): the read ends, the connection is pooled and closed with the driver, and no
    socket is left to the garbage collector (warnings are errors in the tests). Budgets
    from a fifth of a millisecond to five end at different steps of the connecting."""
    import asyncio
    import gc

    from api import app as app_module
    from graph.migrations import LATEST

    async def probe(budget: float) -> tuple[str, int]:
        db = test_settings.database()
        probe = app_module.Probe()
        try:
            monkeypatch.setattr(app_module, "READY_BUDGET_S", budget)
            try:
                first = str(await probe.version(db))
            except TimeoutError:
                first = "timeout"
            await probe.settle()
            monkeypatch.setattr(app_module, "READY_BUDGET_S", 5.0)
            return first, await probe.version(db)
        finally:
            await db.close()

    outcomes = [asyncio.run(probe(budget)) for budget in (0.0002, 0.0005, 0.001, 0.002, 0.005)]
    gc.collect()
    assert {again for _, again in outcomes} == {LATEST}
    assert "timeout" in {first for first, _ in outcomes}
