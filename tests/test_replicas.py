"""Two API replicas (`fupin serve`, two processes on two ports) on the suite's Neo4j:
nothing that must be shared lives in a process (issue 26). A clientMutationId claimed
through one is a retry through the other; two RESPONSIBLE pairings raced through both
leave one; a second audit run through the other while one runs is CONFLICT; and a
client that writes through one and sends the bookmark to the other reads its write."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from browser import fupin_serve
from neo4j import Driver
from test_audit import RUN, RUN_STATE
from test_client_mutation import VISIT, visit_input
from test_household_mutations import PAIR, pair_input, snapshot

from api.auth import Role, mint_token
from api.bookmarks import HEADER
from api.settings import Settings
from graph.audit import AuditRule
from seeds.demo import FU_HOUSEHOLD, LIN, SHUINAN, WU


class Replica:
    """Posts GraphQL to one served process as an administrator."""

    def __init__(self, url: str, token: str) -> None:
        self.client = httpx2.Client(base_url=url, timeout=60)
        self.token = token

    def post(
        self, query: str, variables: dict[str, Any] | None = None, bookmark: str | None = None
    ) -> httpx2.Response:
        headers = {"authorization": f"Bearer {self.token}"}
        if bookmark is not None:
            headers[HEADER] = bookmark
        return self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    def body(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        response = self.post(query, variables, **kw)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def replicas(test_settings: Settings, driver: Driver) -> Iterator[tuple[Replica, Replica]]:
    token = mint_token(test_settings, Role.ADMIN)
    with fupin_serve(test_settings, count=2) as (a, b):
        first, second = Replica(a.url, token), Replica(b.url, token)
        yield first, second
        first.client.close()
        second.client.close()


def code_of(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"]) if body.get("errors") else "OK"


def test_a_client_mutation_id_is_one_request_on_every_replica(replicas, demo, graph):
    a, b = replicas
    first = a.body(VISIT, {"input": visit_input()})
    assert code_of(first) == "OK"
    after_first = snapshot(graph)
    again = b.body(VISIT, {"input": visit_input()})
    assert again["data"] == first["data"]
    assert snapshot(graph) == after_first
    changed = b.body(VISIT, {"input": visit_input(purpose="another purpose")})
    assert changed["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert snapshot(graph) == after_first


def test_two_responsible_pairings_raced_through_two_replicas_leave_one(replicas, demo, graph):
    a, b = replicas
    household = SHUINAN + "0003"  # no one is responsible for it yet
    calls = [
        (a, pair_input(household, WU, cmid="replica-race-a", overrideMaxLoad=True)),
        (b, pair_input(household, LIN, cmid="replica-race-b", overrideMaxLoad=True)),
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        bodies = list(pool.map(lambda call: call[0].body(PAIR, call[1]), calls))
    assert sorted(code_of(body) for body in bodies) == ["CONFLICT", "OK"], bodies
    records, _, _ = graph.execute_query(
        "MATCH (o:Official)-[r:PAIRED_WITH {role: 'RESPONSIBLE'}]->(:Household {code: $code}) "
        "WHERE r.until IS NULL RETURN o.code AS code",
        code=household,
    )
    (winner,) = [body for body in bodies if code_of(body) == "OK"]
    assert [r["code"] for r in records] == [
        winner["data"]["pairOfficial"]["pairing"]["official"]["code"]
    ]


HELD = """
MATCH (g:Region {code: '460000'})
UNWIND g.prefixes AS unit
UNWIND $rules AS rule
CREATE (:Finding {key: 'held-' + unit + '-' + rule, rule: rule, place: unit, present: true,
                  lastRunId: 'an-earlier-run'})
"""
"""Findings of an earlier run in every unit: the new run's first unit must mark one
`present: false`, and waits there while the test holds their write locks."""


def test_a_second_audit_run_through_the_other_replica_is_conflict(replicas, demo, graph):
    a, b = replicas
    graph.execute_query(HELD, rules=[rule.value for rule in AuditRule])
    with graph.session() as session, session.begin_transaction() as hold:
        hold.run("MATCH (f:Finding) WHERE f.key STARTS WITH 'held-' SET f.held = true").consume()
        started = a.body(RUN, {"input": {"regionCode": "460000"}})
        assert started["data"]["runAudit"]["run"]["status"] == "RUNNING"
        second = b.body(RUN, {"input": {"regionCode": "460000"}})
        assert second["errors"][0]["extensions"]["code"] == "CONFLICT"
        hold.rollback()
    run_id = started["data"]["runAudit"]["run"]["id"]
    deadline = time.monotonic() + 120  # the other replica answers for the run: it is in the graph
    while True:
        run = b.body(RUN_STATE, {"id": run_id})["data"]["auditRun"]
        if run["status"] != "RUNNING" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert run["status"] == "DONE"
    records, _, _ = graph.execute_query("MATCH (r:AuditRun) RETURN count(r) AS n")
    assert records[0]["n"] == 1


VISITS = """query($code: String!) { household(code: $code) { latestVisits(first: 20) { id } } }"""


def test_a_write_through_one_replica_is_read_through_the_other_with_its_bookmark(
    replicas, demo, graph
):
    a, b = replicas
    written = a.post(VISIT, {"input": visit_input(clientMutationId="replica-bookmark-1")})
    body = written.json()
    assert HEADER in written.headers, body
    bookmark = written.headers[HEADER]
    assert body["extensions"]["bookmark"] == bookmark
    visit = body["data"]["recordVisit"]["visit"]["id"]
    read = b.post(VISITS, {"code": FU_HOUSEHOLD}, bookmark=bookmark)
    assert visit in [v["id"] for v in read.json()["data"]["household"]["latestVisits"]]
    # A read writes nothing: no bookmark to carry on.
    assert HEADER not in read.headers and "extensions" not in read.json()


def opaque(bookmarks: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(bookmarks).encode()).rstrip(b"=").decode()


def test_the_bookmark_reaches_neo4j(replicas, demo, graph):
    """A well-formed header holding a bookmark Neo4j never gave: Neo4j itself refuses
    it, so the replica handed it to the driver with the read."""
    _, b = replicas
    unknown = b.body(VISITS, {"code": FU_HOUSEHOLD}, bookmark=opaque(["FB:not-a-bookmark"]))
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert unknown["errors"][0]["message"] == "the bookmark is not one this database gave"
    garbage = b.post(VISITS, {"code": FU_HOUSEHOLD}, bookmark="not base64 json!")
    assert garbage.status_code == 400
    assert garbage.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_refused_mutation_carries_no_bookmark(replicas, demo, graph):
    a, _ = replicas
    refused = a.post(VISIT, {"input": visit_input(householdCode=SHUINAN + "9999")})
    assert code_of(refused.json()) != "OK"
    assert HEADER not in refused.headers and "extensions" not in refused.json()
