"""Audit runs (graph/audit_run.py, api/runs.py): one at a time across processes, runs a
stopped process left RUNNING, retries, the change history of the audit's mutations,
and `fupin audit`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from conftest import Api
from neo4j import Driver
from starlette.testclient import TestClient
from test_audit import RUN, findings, ids_of, run_audit, summary, wait
from typer.testing import CliRunner

from api.app import create_app
from api.auth import Role
from api.settings import Settings
from graph.audit import AuditRule
from graph.audit_run import start_run
from graph.errors import Conflict
from graph.scope import Scope
from graph.write import Actor, Mutation

FAKE_RUN = """
CREATE (:AuditRun {id: $id, regionCode: '460000', rules: ['IMPLAUSIBLE_AGE'], units: [],
  status: 'RUNNING', startedAt: datetime() - duration({seconds: $age}),
  heartbeatAt: datetime() - duration({seconds: $age}), worker: 'another-process',
  done: 0, total: 23, found: 0, added: 0, gone: 0})
"""


def run_state(graph: Driver, run_id: str) -> dict[str, Any]:
    records, _, _ = graph.execute_query(
        "MATCH (r:AuditRun {id: $id}) RETURN r.status AS status, r.error AS error", id=run_id
    )
    return dict(records[0])


def audit_runs(graph: Driver) -> int:
    records, _, _ = graph.execute_query("MATCH (r:AuditRun) RETURN count(r) AS n")
    return int(records[0]["n"])


def test_one_run_at_a_time(api, demo, graph):
    graph.execute_query(FAKE_RUN, id="busy", age=1)
    error = api.error(RUN, {"input": {"regionCode": "460000"}})
    assert error["extensions"]["code"] == "CONFLICT"
    assert audit_runs(graph) == 1
    # Its process stopped (no heartbeat for longer than three transaction timeouts):
    # the next run marks it FAILED and goes ahead.
    graph.execute_query(
        "MATCH (r:AuditRun {id: 'busy'}) SET r.heartbeatAt = datetime() - duration({hours: 1})"
    )
    assert run_audit(api)["status"] == "DONE"
    assert run_state(graph, "busy") == {"status": "FAILED", "error": "ABANDONED"}


def test_two_runs_started_at_once_one_wins(demo, graph, test_settings):
    """The lock is in the graph: two drivers (as two processes would) race."""
    actor = Actor(Scope.everything(), "racer", "ADMIN")

    async def race() -> list[Any]:
        dbs = [test_settings.database(), test_settings.database()]
        try:
            return await asyncio.gather(
                *(start_run(db, actor, Mutation("runAudit"), "460000", list(AuditRule),
                            stale_s=60) for db in dbs),
                return_exceptions=True,
            )  # fmt: skip
        finally:
            for db in dbs:
                await db.close()

    outcomes = asyncio.run(race())
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "dict"]
    assert isinstance(next(o for o in outcomes if not isinstance(o, dict)), Conflict)
    assert audit_runs(graph) == 1
    graph.execute_query("MATCH (r:AuditRun) SET r.status = 'FAILED'")  # never worked on


def test_a_run_left_running_is_failed_at_the_next_start(graph, test_settings):
    graph.execute_query(FAKE_RUN, id="left", age=3600)
    graph.execute_query(FAKE_RUN, id="fresh", age=1)
    with TestClient(create_app(test_settings)):
        pass  # the start-up, then the shutdown
    assert run_state(graph, "left") == {"status": "FAILED", "error": "ABANDONED"}
    # A heartbeat of a second ago may be another process at work: left alone at start.
    assert run_state(graph, "fresh") == {"status": "RUNNING", "error": None}
    graph.execute_query("MATCH (r:AuditRun {id: 'fresh'}) SET r.status = 'FAILED'")


def test_a_stopping_process_fails_its_runs(demo, graph, test_settings):
    with TestClient(create_app(test_settings)) as client:
        run_id = Api(client, test_settings).data(RUN, {"input": {"regionCode": "460000"}})[
            "runAudit"]["run"]["id"]  # fmt: skip
    assert run_state(graph, run_id) == {"status": "FAILED", "error": "STOPPED"}


def test_a_retry_starts_no_second_run(api, demo, graph):
    variables = {"input": {"regionCode": "460000", "clientMutationId": "audit-run-0001"}}
    first = api.data(RUN, variables)["runAudit"]
    second = api.data(RUN, variables)["runAudit"]
    assert first["clientMutationId"] == second["clientMutationId"] == "audit-run-0001"
    assert first["run"]["id"] == second["run"]["id"]
    assert wait(api, first["run"]["id"])["status"] == "DONE"
    assert audit_runs(graph) == 1
    # The same id for another request: CONFLICT.
    other = {"input": {"regionCode": "469001", "clientMutationId": "audit-run-0001"}}
    assert api.error(RUN, other)["extensions"]["code"] == "CONFLICT"


def changes(graph: Driver) -> list[tuple[str, str]]:
    records, _, _ = graph.execute_query(
        "MATCH (c:ChangeRecord)-[:CHANGED]->(e) RETURN c.operation AS operation, "
        "labels(e)[0] AS label ORDER BY c.at"
    )
    return [(r["operation"], r["label"]) for r in records]


def test_every_audit_mutation_is_recorded(api, demo, graph):
    run_audit(api)
    (finding,) = findings(api, {"rule": "CAUSE_CONTRADICTION"})
    review = "mutation($i: ReviewFindingInput!) {{ {}(input: $i) {{ clientMutationId }} }}"
    api.data(review.format("dismissFinding"), {"i": {"findingId": finding["id"], "note": "n"}})
    api.data(
        "mutation($i: ReopenFindingInput!) { reopenFinding(input: $i) { clientMutationId } }",
        {"i": {"findingId": finding["id"]}},
    )
    api.data(review.format("confirmFinding"), {"i": {"findingId": finding["id"], "note": "m"}})
    api.data(
        "mutation($i: ImportCrossCheckListInput!) { importCrossCheckList(input: $i) "
        "{ clientMutationId } }",
        {"i": {"list": "BUSINESS_OWNER", "source": "s", "idNumbers": [ids_of("Chen Meiling")]}},
    )
    assert changes(graph) == [
        ("runAudit", "AuditRun"),
        ("dismissFinding", "Finding"),
        ("reopenFinding", "Finding"),
        ("confirmFinding", "Finding"),
        ("importCrossCheckList", "CrossCheckImport"),
    ]
    records, _, _ = graph.execute_query("MATCH (c:ChangeRecord) RETURN c.changes AS changes")
    text = " ".join(r["changes"] for r in records)
    assert ids_of("Chen Meiling") not in text  # an import records its counts, never a number


@pytest.fixture()
def cli_env(monkeypatch: pytest.MonkeyPatch, test_settings: Settings) -> None:
    monkeypatch.setenv("FUPIN_MODE", "development")
    monkeypatch.setenv("NEO4J_URI", test_settings.bolt_uri)
    monkeypatch.setenv("NEO4J_PASSWORD", test_settings.neo4j_password.get_secret_value())


def test_fupin_audit_run_and_import_list(api, demo, graph, cli_env, tmp_path: Path):
    from api.cli import app

    spouse, head = ids_of("Chen Meiling"), ids_of("Ji Haitian")
    wrong = spouse[:17] + ("0" if spouse[17] != "0" else "1")
    listed = tmp_path / "owners.txt"
    listed.write_text(f"{spouse}\n\n{wrong}\nnot a number\n{head}\n{spouse}\n")
    result = CliRunner().invoke(app, ["audit", "import-list", "--list", "vehicle_owner",
                                      str(listed)])  # fmt: skip
    assert result.exit_code == 1, result.output  # malformed lines were skipped
    assert "2 distinct ID numbers, 2 new" in result.output
    assert "2 malformed lines skipped: line 3, 4" in result.output
    assert wrong not in result.output and "not a number" not in result.output
    result = CliRunner().invoke(app, ["audit", "run", "--region", "460200", "--rule",
                                      "cross_check_match"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "DONE: 3 found, 3 new" in result.output  # Ji Haitian twice, Chen Meiling once
    assert summary(api) == {("OPEN", "CROSS_CHECK_MATCH"): 3}
    result = CliRunner().invoke(app, ["audit", "run", "--region", "46"])
    assert result.exit_code == 2


def test_runs_are_read_by_id(api, graph):
    assert api.data('query { auditRun(id: "00000000-0000-4000-8000-000000000000") { id } }') == {
        "auditRun": None
    }
    error = api.error('query { auditRun(id: "x") { id } }')
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "id")


def test_the_background_run_is_not_the_requests(api, demo):
    """Its statements are the run's own: not counted in runAudit's response."""
    response = api.client.post(
        "/graphql",
        json={"query": RUN, "variables": {"input": {"regionCode": "460000"}}},
        headers={"authorization": f"Bearer {api.token(Role.ADMIN)}", "x-fupin-statements": "1"},
    )
    body = response.json()
    assert body["extensions"]["statements"] <= 8, body
    run = wait(api, body["data"]["runAudit"]["run"]["id"])
    assert run["done"] == run["total"] > 8
