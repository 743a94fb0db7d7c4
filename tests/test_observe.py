"""Request ids, access lines and slow statements (api/observe.py, api/logs.py):
what is logged for a request, and that nothing personal ever is."""

from __future__ import annotations

import json
import logging
import sys

import httpx2
import pytest
from browser import fupin_serve
from starlette.testclient import TestClient
from test_person import PERSON, ZHOU

from api.app import create_app
from api.auth import Role
from api.logs import JsonFormatter, TextFormatter, log_config
from api.settings import load_settings
from seeds.demo import SHUINAN

HOUSEHOLD = '{ household(code: "%s") { code members { person { name } } } }' % (SHUINAN + "0001")


def access_lines(caplog):
    return [r for r in caplog.records if r.name == "fupin.access"]


def test_a_valid_request_id_is_echoed_and_logged(api, demo, caplog):
    caplog.set_level(logging.INFO, logger="fupin")
    token = api.token(Role.ADMIN)
    response = api.client.post(
        "/graphql",
        json={"query": HOUSEHOLD},
        headers={"authorization": f"Bearer {token}", "x-request-id": "abc-123"},
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc-123"
    (line,) = access_lines(caplog)
    fields = line.fupin
    assert fields["request_id"] == "abc-123"
    assert fields["method"] == "POST"
    assert fields["route"] == "/graphql"
    assert fields["status"] == 200
    assert fields["fields"] == ["household"]
    assert fields["statements"] >= 1
    assert fields["role"] == "ADMIN"
    assert fields["duration_ms"] > 0
    assert "id=abc-123" in line.getMessage()


@pytest.mark.parametrize("given", ["", "a" * 65, "abc 123", "abc_123", "abc/123", "<script>"])
def test_an_invalid_request_id_is_replaced(app_client, given, caplog):
    caplog.set_level(logging.INFO, logger="fupin.access")
    response = app_client.get("/healthz", headers={"x-request-id": given})
    echoed = response.headers["x-request-id"]
    assert echoed != given
    assert len(echoed) == 16 and all(c in "0123456789abcdef" for c in echoed)
    assert access_lines(caplog)[-1].fupin["request_id"] == echoed


def test_every_request_gets_its_own_id(app_client):
    ids = {app_client.get("/healthz").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


def test_unknown_paths_are_logged_by_no_path(app_client, caplog):
    caplog.set_level(logging.INFO, logger="fupin.access")
    assert app_client.get("/460203199001010011/x").status_code == 404
    line = access_lines(caplog)[-1]
    assert line.fupin["route"] == "(unmatched)"
    assert "460203199001010011" not in line.getMessage()


def formatted(records):
    text, js = TextFormatter(), JsonFormatter()
    return [f.format(r) for r in records for f in (text, js)]


def test_no_log_line_holds_the_token_the_variables_or_an_id_number(api, demo, caplog):
    caplog.set_level(logging.DEBUG)
    token = api.token(Role.ADMIN)
    query = PERSON.replace("query(", "query LeakCheck(").replace("person(", "leakAlias: person(")
    response = api.client.post(
        "/graphql",
        json={"query": query, "variables": {"id": ZHOU}, "operationName": "LeakCheck"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.json()["data"]["leakAlias"]["name"] == "Zhou Lanfang"
    # A refused token and a failing lookup are logged too, and leak nothing either.
    api.client.post(
        "/graphql",
        json={"query": PERSON, "variables": {"id": ZHOU + "0"}},
        headers={"authorization": "Bearer not-a-token-" + ZHOU},
    )
    lines = formatted(caplog.records)
    assert any("fupin.access" in line for line in lines)
    for line in lines:
        assert token not in line
        assert ZHOU not in line
        assert "Zhou Lanfang" not in line
        assert "leakAlias" not in line  # no query text
        assert "LeakCheck" not in line  # nor the client's operation name


def test_slow_statements_are_logged_with_their_cypher_and_no_value(test_settings, demo, caplog):
    settings = test_settings.model_copy(update={"slow_statement_ms": 0})
    caplog.set_level(logging.WARNING, logger="fupin.slow")
    with TestClient(create_app(settings, migrate=False)) as client:
        from api.auth import mint_token

        token = mint_token(settings, Role.ADMIN)
        response = client.post(
            "/graphql",
            json={"query": PERSON, "variables": {"id": ZHOU}},
            headers={"authorization": f"Bearer {token}", "x-request-id": "slow-1"},
        )
    assert response.json()["data"]["person"]["name"] == "Zhou Lanfang"
    slow = [r for r in caplog.records if r.name == "fupin.slow"]
    assert slow, "with FUPIN_SLOW_STATEMENT_MS=0 every statement is logged"
    for record in slow:
        assert record.levelno == logging.WARNING
        assert record.fupin["request_id"] == "slow-1"
        assert record.fupin["fields"] == ["person"]
        assert record.fupin["duration_ms"] >= 0
        assert "MATCH" in record.fupin["cypher"]
        assert "$" in record.fupin["cypher"]  # values are parameters
    for line in formatted(slow):
        assert ZHOU not in line


def test_the_default_threshold_logs_nothing_for_fast_statements(api, demo, caplog):
    caplog.set_level(logging.WARNING, logger="fupin.slow")
    api.data(HOUSEHOLD)
    assert [r for r in caplog.records if r.name == "fupin.slow"] == []


def test_json_lines_carry_the_fields_and_redact_tracebacks():
    record = logging.LogRecord("fupin.access", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.fupin = {"request_id": "abc-123", "status": 200}
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc-123" and line["status"] == 200
    assert line["level"] == "INFO" and line["logger"] == "fupin.access"
    assert line["time"].endswith("+00:00")
    try:
        raise ValueError("duplicate idNumber '46020319710501011X' for 王小明")
    except ValueError:
        failing = logging.LogRecord(
            "uvicorn.error", logging.ERROR, __file__, 1, "boom", (), sys.exc_info()
        )
    for text in (JsonFormatter().format(failing), TextFormatter().format(failing)):
        assert "46020319710501011X" not in text and "王小明" not in text
        assert "ValueError" in text


def test_the_format_follows_the_mode():
    assert load_settings(FUPIN_MODE="development").logs_as == "text"
    production = {
        "FUPIN_MODE": "production",
        "NEO4J_PASSWORD": "a-real-password",
        "FUPIN_JWT_SECRET": "s" * 40,
    }
    assert load_settings(**production).logs_as == "json"
    assert load_settings(**production, FUPIN_LOG_FORMAT="text").logs_as == "text"
    assert log_config("json")["formatters"]["fupin"]["()"] == "api.logs.JsonFormatter"


def test_fupin_serve_writes_json_access_lines(test_settings, demo, api):
    """The real server: `fupin serve` with FUPIN_LOG_FORMAT=json answers with the
    request id, and every line it writes is JSON that leaks nothing."""
    token = api.token(Role.ADMIN)
    with (
        fupin_serve(test_settings, FUPIN_LOG_FORMAT="json", FUPIN_SLOW_STATEMENT_MS="0") as (
            server,
        ),
        httpx2.Client(base_url=server.url, timeout=10) as client,
    ):
        response = client.post(
            "/graphql",
            json={"query": PERSON, "variables": {"id": ZHOU}},
            headers={"authorization": f"Bearer {token}", "x-request-id": "abc-123"},
        )
        assert response.headers["x-request-id"] == "abc-123"
        assert response.json()["data"]["person"]["name"] == "Zhou Lanfang"
        metrics = client.get("/metrics").text
        assert 'fupin_graphql_requests_total{code="OK",field="person"} 1.0' in metrics
    text = server.output
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "fupin.access"]
    (graphql,) = [line for line in access if line["route"] == "/graphql"]
    assert graphql["request_id"] == "abc-123"
    assert graphql["status"] == 200
    assert graphql["fields"] == ["person"]
    assert graphql["role"] == "ADMIN"
    assert graphql["statements"] >= 1
    # /readyz's statement too is slow at 0 ms: its request ids are not the one sent.
    ready = {line["request_id"] for line in access if line["route"] == "/readyz"}
    slow = [
        line for line in lines if line["logger"] == "fupin.slow" and line["request_id"] not in ready
    ]
    assert slow and all(line["request_id"] == "abc-123" for line in slow)
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]
    assert token not in text and ZHOU not in text and "Zhou Lanfang" not in text
