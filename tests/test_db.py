"""The driver wrapper: constraint clashes and statement counting."""

from __future__ import annotations

import pytest
from conftest import run_on_db

from graph.db import count_statements
from graph.errors import Conflict


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
