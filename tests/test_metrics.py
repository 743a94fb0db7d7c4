"""`/metrics` (api/metrics.py): label values come from the schema, never from the
client, and production hides the endpoint behind its token."""

from __future__ import annotations

import re

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role
from api.observe import METHODS
from api.schema import schema as app_schema
from seeds.demo import SHUINAN

HOUSEHOLD = 'query %s { household(code: "%s") { code } }'


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series (0 when absent); labels in any order."""
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if found == labels:
            return float(match.group(3))
    return 0.0


def label_values(text: str, name: str, label: str) -> set[str]:
    return {
        value
        for line in text.splitlines()
        if line.startswith(name + "{")
        for value in re.findall(label + r'="([^"]*)"', line)
    }


def test_a_household_query_counts_under_its_root_field(api, demo):
    before = scrape(api.client)
    api.data(HOUSEHOLD % ("One", SHUINAN + "0001"))
    after = scrape(api.client)
    ok = {"field": "household", "code": "OK"}
    assert sample(after, "fupin_graphql_requests_total", **ok) == (
        sample(before, "fupin_graphql_requests_total", **ok) + 1
    )
    assert 'fupin_graphql_requests_total{code="OK",field="household"}' in after
    count = "fupin_graphql_request_duration_seconds_count"
    assert sample(after, count, field="household") == sample(before, count, field="household") + 1
    statements = "fupin_neo4j_statements_total"
    assert sample(after, statements, field="household") > sample(
        before, statements, field="household"
    )
    assert sample(after, "fupin_neo4j_statement_seconds_total", field="household") > 0
    http = {"route": "/graphql", "method": "POST", "status": "200"}
    assert sample(after, "fupin_http_requests_total", **http) >= 1
    assert "fupin_neo4j_connections_in_use" in after
    assert sample(after, "fupin_neo4j_connections_open") >= 1
    assert "process_cpu_seconds_total" in after


def test_operation_names_add_no_label_value(api, demo):
    api.data(HOUSEHOLD % ("x0", SHUINAN + "0001"))
    before = scrape(api.client)
    for n in range(1, 6):
        api.client.post(
            "/graphql",
            json={"query": HOUSEHOLD % (f"x{n}", SHUINAN + "0001"), "operationName": f"x{n}"},
            headers={"authorization": f"Bearer {api.token(Role.ADMIN)}"},
        )
    after = scrape(api.client)
    name = "fupin_graphql_requests_total"
    assert label_values(after, name, "field") == label_values(before, name, "field")
    assert not any(f"x{n}" in after for n in range(1, 6))
    ok = {"field": "household", "code": "OK"}
    assert sample(after, name, **ok) == sample(before, name, **ok) + 5


def test_made_up_fields_and_paths_add_no_label_value(api, demo):
    bad = [
        "{ madeUpField }",
        "{ household(code: 1) { madeUp } }",
        "{ syntax error",
        'query A { region(code: "460000") { name } } query B { __typename }',
    ]
    for query in bad:
        api.client.post("/graphql", json={"query": query})
    for path in ("/made/up", "/graphql/../x", "/madeUpField"):
        api.client.get(path)
    api.client.request("BREW", "/graphql")
    text = scrape(api.client)
    core = app_schema._schema
    real = {*core.query_type.fields, *core.mutation_type.fields}
    assert label_values(text, "fupin_graphql_requests_total", "field") <= real | {"(none)"}
    # Statements outside GraphQL (the readiness read) count under their route.
    routes = {route.path for route in api.client.app.routes}
    assert label_values(text, "fupin_neo4j_statements_total", "field") <= real | {"(none)"} | routes
    assert "madeUp" not in text
    assert sample(text, "fupin_graphql_requests_total", field="(none)", code="GRAPHQL_PARSE_FAILED")
    assert sample(
        text, "fupin_graphql_requests_total", field="household", code="GRAPHQL_VALIDATION_FAILED"
    )
    # Route templates only (the app's own), never a path a client made up.
    assert label_values(text, "fupin_http_requests_total", "route") <= routes | {"(unmatched)"}
    assert {"/graphql", "/metrics"} <= routes
    # The standard methods (other tests in this process send HEAD) and OTHER for the rest.
    methods = label_values(text, "fupin_http_requests_total", "method")
    assert methods <= METHODS | {"OTHER"}
    assert {"GET", "POST", "OTHER"} <= methods


def test_errors_count_by_code(api, demo):
    before = scrape(api.client)
    api.post(HOUSEHOLD % ("Anon", SHUINAN + "0001"), role=None)
    after = scrape(api.client)
    labels = {"field": "household", "code": "UNAUTHENTICATED"}
    assert sample(after, "fupin_graphql_requests_total", **labels) == (
        sample(before, "fupin_graphql_requests_total", **labels) + 1
    )
    errors = "fupin_graphql_errors_total"
    assert sample(after, errors, code="UNAUTHENTICATED") == (
        sample(before, errors, code="UNAUTHENTICATED") + 1
    )


@pytest.fixture()
def production(test_settings, graph):
    settings = test_settings.model_copy(
        update={
            "mode": "production",
            "jwt_secret": SecretStr("p" * 40),
            "metrics_token": SecretStr("metrics-token-0123456789"),
        }
    )
    with TestClient(create_app(settings, migrate=False)) as client:
        yield client


def test_production_answers_metrics_only_with_the_token(production):
    assert production.get("/metrics").status_code == 404
    wrong = {"authorization": "Bearer metrics-token-wrong-value"}
    assert production.get("/metrics", headers=wrong).status_code == 404
    basic = {"authorization": "Basic metrics-token-0123456789"}
    assert production.get("/metrics", headers=basic).status_code == 404
    good = {"authorization": "Bearer metrics-token-0123456789"}
    response = production.get("/metrics", headers=good)
    assert response.status_code == 200
    assert "fupin_http_requests_total" in response.text


def test_production_without_a_metrics_token_hides_metrics(test_settings, graph):
    settings = test_settings.model_copy(
        update={"mode": "production", "jwt_secret": SecretStr("p" * 40)}
    )
    with TestClient(create_app(settings, migrate=False)) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", headers={"authorization": "Bearer "}).status_code == 404


def test_a_short_metrics_token_is_refused_in_production():
    from api.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="FUPIN_METRICS_TOKEN"):
        load_settings(
            FUPIN_MODE="production",
            NEO4J_PASSWORD="a-real-password",
            FUPIN_JWT_SECRET="s" * 40,
            FUPIN_METRICS_TOKEN="short",
        )
