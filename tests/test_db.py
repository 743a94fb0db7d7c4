"""The driver wrapper: constraint clashes and statement counting."""

from __future__ import annotations

import pytest
from conftest import run_on_db

from graph.db import count_statements
from graph.errors import Conflict, DatabaseUnavailable


def test_a_unique_constraint_clash_is_a_conflict_and_writes_nothing(graph, test_settings):
    graph.execute_query("CREATE (:Household {code: '4602031002019999'})")

    async def work(db):
        async def clash(tx):
            await tx.run("CREATE (:Official {code: 'WRITTEN-FIRST'})")
            await tx.run("CREATE (:Household {code: '4602031002019999'})")

        with count_statements() as seen, pytest.raises(Conflict) as raised:
            await db.write(clash)
        return raised.value, seen

    error, seen = run_on_db(test_settings, work)
    assert error.extensions == {"code": "CONFLICT"}
    assert "4602031002019999" not in error.message
    assert len(seen) == 2
    records, _, _ = graph.execute_query("MATCH (o:Official) RETURN count(o) AS n")
    assert records[0]["n"] == 0


# Long enough to outlast a small timeout on any machine, short enough to finish
# quickly under the default one.
SLOW_READ = "UNWIND range(1, 30000000) AS x RETURN sum(x) AS total"


def test_a_per_call_timeout_stops_a_read_and_is_still_counted(graph, test_settings):
    async def work(db):
        db.call_timeout_s = None  # the suite's settings replace per-call timeouts
        with count_statements() as seen, pytest.raises(DatabaseUnavailable) as raised:
            await db.read(SLOW_READ, timeout=0.2)
        quick = await db.read_one("RETURN 1 AS one", timeout=0.2)
        return raised.value, seen, quick

    error, seen, quick = run_on_db(test_settings, work)
    assert error.extensions == {"code": "DATABASE_UNAVAILABLE", "retryable": True}
    assert seen == [SLOW_READ]  # the hook saw the statement that timed out
    assert quick is not None and quick["one"] == 1


def test_a_per_call_timeout_never_loosens_the_default(test_settings):
    async def work(db):
        db.timeout_s = 0.2
        with pytest.raises(DatabaseUnavailable):
            await db.read(SLOW_READ, timeout=60)

    run_on_db(test_settings, work)


def test_a_statement_timeout_is_the_configured_one_within_the_transactions():
    from api.settings import load_settings
    from graph.db import Database

    settings = load_settings(FUPIN_QUERY_TIMEOUT_S=10, FUPIN_EXPLORE_TIMEOUT_S=4)
    db = Database(None, "neo4j", settings.query_timeout_s, settings.explore_timeout_s)  # type: ignore[arg-type]
    assert db._timeout(None) == 10
    assert db._timeout(3.0) == 4  # the setting replaces the planner's default
    assert Database(None, "neo4j", 2.0, 4.0)._timeout(3.0) == 2  # type: ignore[arg-type]
    assert Database(None, "neo4j", 10.0)._timeout(3.0) == 3  # type: ignore[arg-type]
