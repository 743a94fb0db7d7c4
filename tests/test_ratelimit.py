"""The anonymous surface's limit (api/ratelimit.py): the buckets themselves, the
client address behind proxies, and both ways a route is declared public: a page route
wrapped with `public(...)`, and a GraphQL root field whose policy lets PUBLIC in.
These tests mount their own; the app's one public field, publicTrace, is limited in
tests/test_public_trace.py."""

from __future__ import annotations

import pytest
import strawberry
from graphql import OperationType
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache

from api.auth import AUTHENTICATED, Role, mint_token, policy, principal_from_header
from api.context import Context
from api.limits import BoundedValidation
from api.metrics import Metrics
from api.observe import Observe, ObserveOperation, note_principal, note_result
from api.ratelimit import BURST, TokenBuckets, open_to_public, public
from api.schema import schema as app_schema
from api.settings import load_settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate():
    clock = Clock()
    buckets = TokenBuckets(120, clock=clock)
    assert [buckets.take("a") for _ in range(BURST)] == [0] * BURST
    assert buckets.take("a") == 1  # 120 a minute: a token every 0.5 s
    assert buckets.take("b") == 0  # another address has its own bucket
    clock.now += 0.5
    assert buckets.take("a") == 0
    assert buckets.take("a") == 1
    clock.now += 3600
    assert [buckets.take("a") for _ in range(BURST)] == [0] * BURST  # never above the burst
    assert buckets.take("a") > 0


def test_retry_after_says_when_a_token_is_back():
    clock = Clock()
    buckets = TokenBuckets(6, burst=1, clock=clock)  # a token every 10 s
    assert buckets.take("a") == 0
    assert buckets.take("a") == 10
    clock.now += 4
    assert buckets.take("a") == 6
    clock.now += 6
    assert buckets.take("a") == 0


def test_full_buckets_are_forgotten_when_there_are_too_many():
    clock = Clock()
    buckets = TokenBuckets(60, burst=2, max_clients=4, clock=clock)
    for key in "abcd":
        buckets.take(key)
    clock.now += 10  # all full again
    buckets.take("e")
    assert set(buckets._buckets) == {"e"}
    for key in "fgh":
        buckets.take(key)
    buckets.take("i")  # none full: the oldest half goes
    assert len(buckets._buckets) <= 4 and "i" in buckets._buckets


def scope(peer: str, forwarded: str | None = None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"client": (peer, 5000), "headers": headers}


def test_x_forwarded_for_counts_only_from_trusted_proxies():
    plain = TokenBuckets(120)
    assert plain.client(scope("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    proxied = TokenBuckets(120, trusted_proxies=["10.0.0.0/8", "127.0.0.1"])
    assert proxied.client(scope("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    assert proxied.client(scope("10.1.2.3", "198.51.100.1")) == "198.51.100.1"
    # A client's own forged hop stays left of what the proxies saw.
    assert proxied.client(scope("10.1.2.3", "1.2.3.4, 198.51.100.1, 10.9.9.9")) == "198.51.100.1"
    assert proxied.client(scope("127.0.0.1", "10.0.0.5")) == "127.0.0.1"
    assert proxied.client(scope("10.1.2.3")) == "10.1.2.3"


def test_a_bad_trusted_proxy_names_the_variable(monkeypatch):
    from api.settings import SettingsError

    monkeypatch.setenv("FUPIN_TRUSTED_PROXIES", '["10.0.0.0/8", "proxy.local"]')
    with pytest.raises(SettingsError, match=r"FUPIN_TRUSTED_PROXIES.*proxy\.local"):
        load_settings()
    monkeypatch.setenv("FUPIN_TRUSTED_PROXIES", '["10.0.0.0/8", "::1"]')
    assert load_settings().trusted_proxies == ["10.0.0.0/8", "::1"]


# A tiny app with what the real one will have: a public page and a PUBLIC root field.


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[policy(Role.PUBLIC, *AUTHENTICATED)])
    def ping(self) -> str:
        return "pong"

    @strawberry.field(permission_classes=[policy(*AUTHENTICATED)])
    def secret(self) -> str:
        return "s"


TEST_SCHEMA = strawberry.Schema(
    Query,
    extensions=[ParserCache, BoundedValidation, ObserveOperation],
)


class TinyGraphQL(GraphQL[Context, None]):
    async def get_context(self, request, response):
        settings = request.app.state.settings
        principal = principal_from_header(settings, request.headers.get("authorization"))
        note_principal(request, principal)
        return Context(request, response, None, settings, principal)

    async def process_result(self, request, result):
        note_result(request, result)
        return await super().process_result(request, result)


async def trace_page(request: Request) -> Response:
    return PlainTextResponse(f"trace {request.path_params['code']}")


@pytest.fixture()
def tiny():
    settings = load_settings(FUPIN_MODE="development")
    metrics = Metrics()
    app = Starlette(
        routes=[
            Route("/t/{code}", public(trace_page)),
            Route("/graphql", TinyGraphQL(TEST_SCHEMA), methods=["POST"]),
        ],
        middleware=[Middleware(Observe, metrics=metrics, slow_statement_ms=500)],
    )
    app.state.settings = settings
    app.state.metrics = metrics
    # A stopped clock: no token comes back during a test unless it moves the clock.
    app.state.limiter = TokenBuckets(120, clock=Clock())
    with TestClient(app) as client:
        client.admin = {"authorization": f"Bearer {mint_token(settings, Role.ADMIN)}"}
        yield client


def test_150_anonymous_page_requests_meet_429_with_retry_after(tiny):
    tiny.app.state.limiter = TokenBuckets(120)  # the real clock
    answers = [tiny.get("/t/4602031002010001") for _ in range(150)]
    limited = [a for a in answers if a.status_code == 429]
    assert answers[0].status_code == 200 and answers[0].text == "trace 4602031002010001"
    assert 100 <= len(limited) <= 150 - BURST
    assert all(int(a.headers["retry-after"]) >= 1 for a in limited)
    assert all(a.status_code == 200 for a in answers[:BURST])


def test_an_authenticated_caller_is_not_limited(tiny):
    for _ in range(150):
        tiny.get("/t/4602031002010001")  # the anonymous budget of this address is spent
    answers = [tiny.get("/t/4602031002010001", headers=tiny.admin) for _ in range(150)]
    assert {a.status_code for a in answers} == {200}
    graphql = [tiny.post("/graphql", json={"query": "{ ping }"}, headers=tiny.admin)]
    assert graphql[0].json() == {"data": {"ping": "pong"}}
    # A forged token is no token: it is limited with the public.
    forged = {"authorization": "Bearer forged"}
    assert tiny.get("/t/4602031002010001", headers=forged).status_code == 429


def test_150_anonymous_operations_on_a_public_field_meet_429(tiny):
    answers = [tiny.post("/graphql", json={"query": "{ ping }"}) for _ in range(150)]
    limited = [a for a in answers if a.status_code == 429]
    assert answers[0].json() == {"data": {"ping": "pong"}}
    assert len(limited) == 150 - BURST
    body = limited[0].json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(limited[0].headers["retry-after"]) >= 1
    assert limited[0].headers["x-request-id"]
    text = tiny.app.state.metrics.exposition().decode()
    assert 'fupin_graphql_requests_total{code="RATE_LIMITED",field="ping"} 120.0' in text
    assert 'fupin_http_requests_total{method="POST",route="/graphql",status="429"} 120.0' in text
    # Hiding the public field behind another, or in a fragment, changes nothing.
    for query in (
        "{ secret ping }",
        "{ alias: ping }",
        "{ ...F } fragment F on Query { ping }",
        "{ ... on Query { ping } }",
        "query A { ping } query B { secret }",  # no operationName: the first runs
    ):
        assert tiny.post("/graphql", json={"query": query}).status_code == 429


def test_anonymous_operations_on_private_fields_are_not_limited_here(tiny):
    answers = [tiny.post("/graphql", json={"query": "{ secret }"}) for _ in range(60)]
    assert {a.status_code for a in answers} == {200}
    assert answers[-1].json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_limit_is_per_address_behind_a_trusted_proxy(tiny):
    tiny.app.state.limiter = TokenBuckets(120, trusted_proxies=["10.0.0.0/8"])
    with TestClient(tiny.app, client=("10.0.0.7", 40000)) as proxy:
        one, two = {"x-forwarded-for": "198.51.100.1"}, {"x-forwarded-for": "198.51.100.2"}
        assert {proxy.get("/t/1", headers=one).status_code for _ in range(BURST)} == {200}
        assert proxy.get("/t/1", headers=one).status_code == 429
        assert proxy.get("/t/1", headers=two).status_code == 200
    # From an untrusted peer the header is ignored: its own address is the key.
    for _ in range(BURST):
        tiny.get("/t/1", headers={"x-forwarded-for": "198.51.100.3"})
    assert tiny.get("/t/1", headers={"x-forwarded-for": "198.51.100.4"}).status_code == 429


def test_the_app_schema_opens_only_the_public_trace():
    # publicTrace is limited by its policy alone (tests/test_public_trace.py calls it).
    assert open_to_public(app_schema) == {
        OperationType.QUERY: {"publicTrace"},
        OperationType.MUTATION: frozenset(),
        OperationType.SUBSCRIPTION: frozenset(),
    }
    assert open_to_public(TEST_SCHEMA)[OperationType.QUERY] == {"ping"}


def test_the_app_limits_no_operation_on_private_fields(app_client, graph):
    query = {"query": '{ region(code: "460000") { name } }'}
    answers = [app_client.post("/graphql", json=query) for _ in range(BURST + 10)]
    assert {a.status_code for a in answers} == {200}
    assert answers[-1].json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
