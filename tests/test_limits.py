"""Limits on abuse (api/limits.py): depth, aliases, tokens, page size, body size,
batching, GET, CORS, the Cypher timeout, and production mode's closed doors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import run_on_db
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import Role, mint_token
from api.limits import MAX_ALIASES, MAX_DEPTH, MAX_FIELDS, MAX_TOKENS, BodySizeLimit
from api.settings import Settings, SettingsError, load_settings

PROD_SECRET = "a-production-secret-for-the-test-suite-only-0123456789"


def nested(depth: int) -> str:
    """`region { code children { children { ... code } } }` whose deepest field is at
    `depth` (the root field is at depth 0)."""
    inner = "code"
    for _ in range(depth - 1):
        inner = f"children {{ {inner} }}"
    return f'{{ region(code: "460000") {{ code {inner} }} }}'


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


# --- depth, aliases, tokens ----------------------------------------------------------


def test_depth_limit(api, demo):
    assert MAX_DEPTH == 10
    assert api.data(nested(MAX_DEPTH))["region"]["code"] == "460000"
    for _ in range(2):  # the second time the validation comes from the cache
        error = api.error(nested(MAX_DEPTH + 1))
        assert "exceeds maximum operation depth of 10" in error["message"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_depth_limit_sees_through_fragments(api, demo):
    deep = "code"  # with A's `children`, one level too deep
    for _ in range(MAX_DEPTH - 1):
        deep = f"children {{ {deep} }}"
    query = (
        'query { region(code: "460000") { ...A } } '
        "fragment A on Region { children { ...B } } "
        f"fragment B on Region {{ {deep} }}"
    )
    assert "maximum operation depth" in api.error(query)["message"]


def test_alias_limit(api, demo):
    def aliased(n: int) -> str:
        return "{ " + " ".join(f'a{i}: region(code: "460000") {{ code }}' for i in range(n)) + " }"

    assert len(api.data(aliased(MAX_ALIASES))) == MAX_ALIASES
    error = api.error(aliased(MAX_ALIASES + 1))
    assert error["message"] == f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"


def test_token_limit(api, demo):
    # Each `code` is one token; braces and the root field add a few.
    many = '{ region(code: "460000") { ' + "code " * (MAX_TOKENS + 10) + "} }"
    error = api.error(many)
    assert error["message"] == (
        f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted."
    )
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_field_limit_comes_before_validation(api, demo):
    fine = '{ region(code: "460000") { ' + "code " * (MAX_FIELDS - 1) + "} }"
    assert api.data(fine)["region"]["code"] == "460000"
    # Duplicated selections that would cost the validator about a second.
    wide = "children { code } " * 400
    error = api.error('{ region(code: "460000") { ' + wide + "} }")
    assert error["message"] == f"the query selects 801 fields; at most {MAX_FIELDS}"
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


# --- page size -----------------------------------------------------------------------


@pytest.mark.parametrize("first", [0, -1, 101, 2**31 - 1])
def test_region_children_page_size_is_bounded(api, demo, first):
    query = f'{{ region(code: "460000") {{ children(first: {first}) {{ code }} }} }}'
    error = api.error(query)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "first"


def test_region_children_first_100_and_a_huge_int(api, demo):
    data = api.data('{ region(code: "460000") { children(first: 100) { code } } }')
    assert len(data["region"]["children"]) == 19
    data = api.data('{ region(code: "460000") { children(first: 3) { code } } }')
    assert len(data["region"]["children"]) == 3
    error = api.error('{ region(code: "460000") { children(first: 99999999999) { code } } }')
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # not an Int


# --- the HTTP surface ----------------------------------------------------------------


def test_body_over_the_limit_is_413(app_client, test_settings, graph):
    limit = test_settings.max_body_bytes
    padding = " " * (limit + 1)
    response = app_client.post(
        "/graphql",
        content=('{"query": "{ __typename }"' + padding + "}").encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert str(limit) in response.text


def test_streamed_body_over_the_limit_is_413(app_client, graph):
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "{ __typename }"'
        for _ in range(30):
            yield b" " * 10_000

    response = app_client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_body_limit_stops_reading_at_the_limit():
    """At the ASGI level: a chunked body is read only until it passes the limit."""
    import asyncio

    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b" " * 1000, "more_body": pulled < 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        raise AssertionError("the whole body was read")

    scope = {"type": "http", "method": "POST", "path": "/graphql", "headers": []}
    asyncio.run(BodySizeLimit(app, max_bytes=5000)(scope, receive, send))
    assert pulled == 6
    assert sent[0]["status"] == 413


def test_body_under_the_limit_is_served(app_client, graph):
    response = app_client.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


# Batches and bodies that are not a JSON object: tests/test_http.py (400 BAD_REQUEST in
# the GraphQL response shape).


def test_operations_over_get_are_refused(app_client, test_settings, graph):
    token = mint_token(test_settings, Role.ADMIN)
    headers = {"authorization": f"Bearer {token}"}
    response = app_client.get(
        "/graphql", params={"query": '{ region(code: "460000") { code } }'}, headers=headers
    )
    assert response.status_code == 400
    assert "not allowed" in response.text
    assert "460000" not in response.text


def test_mutations_over_get_are_refused(app_client, test_settings, graph):
    from api.schema import schema

    mutation_type = schema._schema.mutation_type
    if mutation_type is None:
        pytest.skip("the schema has no mutations yet")
    name = next(iter(mutation_type.fields))
    token = mint_token(test_settings, Role.ADMIN)
    response = app_client.get(
        "/graphql",
        params={"query": f"mutation {{ {name} {{ __typename }} }}"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 405)
    assert '"data"' not in response.text


def test_database_timeout_is_database_unavailable(test_settings, graph):
    from graph.db import Database
    from graph.errors import DatabaseUnavailable

    async def slow(db: Database) -> None:
        quick = Database(db.driver, db.database, timeout_s=0.5)
        await quick.read(
            "UNWIND range(1, 100000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x) AS n"
        )

    with pytest.raises(DatabaseUnavailable, match="took too long"):
        run_on_db(test_settings, slow)


# --- CORS ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cors_client(test_settings: Settings) -> Iterator[TestClient]:
    settings = test_settings.model_copy(update={"cors_origins": ["https://dash.example.org"]})
    with TestClient(create_app(settings)) as client:
        yield client


def test_cors_allows_only_listed_origins(cors_client, graph):
    preflight = {"access-control-request-method": "POST"}
    allowed = cors_client.options(
        "/graphql", headers={"origin": "https://dash.example.org", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://dash.example.org"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()

    other = cors_client.options("/graphql", headers={"origin": "https://evil.example", **preflight})
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers

    simple = cors_client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in simple.headers
    assert "access-control-allow-credentials" not in simple.headers


def test_no_cors_by_default(app_client, graph):
    response = app_client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("origins", ['["*"]', '["https://*.example.org"]', '["null"]'])
def test_cors_wildcards_are_refused(origins):
    with pytest.raises(SettingsError, match="FUPIN_CORS_ORIGINS"):
        load_settings(FUPIN_CORS_ORIGINS=origins)


# --- production mode -----------------------------------------------------------------


@pytest.fixture(scope="module")
def production(test_settings: Settings) -> Iterator[tuple[TestClient, Settings]]:
    settings = load_settings(
        NEO4J_URI=test_settings.bolt_uri,
        NEO4J_PASSWORD=test_settings.neo4j_password.get_secret_value(),
        FUPIN_MODE="production",
        FUPIN_JWT_SECRET=PROD_SECRET,
    )
    with TestClient(create_app(settings)) as client:
        yield client, settings


def prod_post(production: tuple[TestClient, Settings], query: str, **kw: Any) -> dict[str, Any]:
    client, settings = production
    token = mint_token(settings, Role.ADMIN)
    response = client.post(
        "/graphql", json={"query": query, **kw}, headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


INTROSPECTION = [
    "{ __schema { types { name } } }",
    '{ __type(name: "Region") { fields { name } } }',
    "query { a: __schema { queryType { name } } }",
    "fragment F on Query { __schema { types { name } } } query { ...F }",
]


@pytest.mark.parametrize("query", INTROSPECTION)
def test_production_refuses_introspection(production, graph, query):
    body = prod_post(production, query)
    assert body.get("data") is None
    assert "introspection" in body["errors"][0]["message"].lower()
    assert set(codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}


def test_development_allows_introspection(api):
    assert api.data("{ __schema { queryType { name } } }")["__schema"]["queryType"]["name"]


def test_production_still_answers_typename_and_queries(production, graph):
    assert prod_post(production, "{ __typename }") == {"data": {"__typename": "Query"}}
    assert prod_post(production, '{ region(code: "469999") { code } }') == {
        "data": {"region": None}
    }


SUGGESTING = [
    '{ regin(code: "460000") { code } }',  # field
    '{ region(cod: "460000") { code } }',  # argument
    '{ region(code: "460000") { nme } }',  # nested field
    "query($c: Strin!) { region(code: $c) { code } }",  # type
    '{ region(code: "460000") { ... on Regin { code } } }',  # type condition
]


@pytest.mark.parametrize("query", SUGGESTING)
def test_production_hides_suggestions(production, api, query):
    dev = api.post(query)
    assert "Did you mean" in dev["errors"][0]["message"]  # the query does provoke one
    body = prod_post(production, query)
    assert body["errors"]
    for error in body["errors"]:
        assert "Did you mean" not in error["message"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_production_serves_no_graphiql(production, graph):
    client, _ = production
    page = client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()
