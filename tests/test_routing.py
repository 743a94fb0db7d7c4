"""Reads routed as reads, writes as writes (issue 26): the suite runs on a `neo4j://`
URI (tests/conftest.py), as a cluster is used, and fails any test whose transactions
include a read sent as a write (`reads_sent_as_reads`); here, what a query and a
mutation send, that the count catches a misrouted read, and `/metrics`."""

from __future__ import annotations

import os
from collections import Counter

import pytest
from test_client_mutation import VISIT, visit_input

from graph import db
from graph.db import READ, READ_AS_WRITE, WRITE
from seeds.demo import FU_HOUSEHOLD

HOUSEHOLD = """query($code: String!) { household(code: $code) {
  code memberCount latestVisits { id } officials { role official { code } } } }"""


def sent(work) -> Counter[tuple[str, str]]:
    before = Counter(db.TRANSACTIONS)
    work()
    return Counter(db.TRANSACTIONS) - before


@pytest.mark.skipif(
    bool(os.environ.get("FUPIN_TEST_NEO4J_URI")), reason="the suite's database is given"
)
def test_the_suite_runs_routed(test_settings, driver):
    assert test_settings.bolt_uri.startswith("neo4j://")
    summary = driver.execute_query("RETURN 1").summary
    assert summary.server.address.port == int(test_settings.bolt_uri.rsplit(":", 1)[1])


def test_a_query_sends_only_reads(api, demo):
    counts = sent(lambda: api.data(HOUSEHOLD, {"code": FU_HOUSEHOLD}))
    assert counts == Counter({(READ, "read"): 1})


def test_a_mutation_writes_once_and_reads_its_payload_as_a_read(api, demo):
    counts = sent(lambda: api.data(VISIT, {"input": visit_input()}))
    assert counts[(WRITE, "write")] == 1
    assert counts[READ_AS_WRITE] == 0
    assert counts[(READ, "read")] >= 1  # the payload's visit, read back


def test_a_read_sent_as_a_write_is_caught(test_settings, graph):
    from conftest import run_on_db

    async def misrouted(database: db.Database) -> None:
        await database.write(lambda tx: tx.run("MATCH (h:Household) RETURN count(h) AS n"))

    counts = sent(lambda: run_on_db(test_settings, misrouted))
    try:
        assert counts == Counter({READ_AS_WRITE: 1})
        assert db.MISROUTED[-1] == "MATCH (h:Household) RETURN count(h) AS n"
    finally:
        db.TRANSACTIONS[READ_AS_WRITE] -= 1  # deliberate: not this suite's fault


def test_metrics_count_transactions_by_access_mode(api, demo, app_client):
    api.data(HOUSEHOLD, {"code": FU_HOUSEHOLD})
    text = app_client.get("/metrics").text
    assert 'fupin_neo4j_transactions_total{access="READ",statements="read"}' in text
    assert 'fupin_neo4j_transactions_total{access="WRITE",statements="write"}' in text
