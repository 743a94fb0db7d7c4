"""The HTTP edge answers in the GraphQL response shape: every refusal before execution
(a batch, a body that is not JSON or not an object, one over the size limit, an
operation over GET) is `{"errors": [{"message", "extensions": {"code"}}]}` with its HTTP
status kept, and a document with two anonymous operations is refused, not executed."""

from __future__ import annotations

from typing import Any

import pytest

from api.auth import Role, mint_token


def refusal(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    assert error["extensions"] == {"code": code}
    assert error["message"]
    message: str = error["message"]
    return message


def test_a_batch_is_bad_request(app_client, test_settings, graph):
    token = mint_token(test_settings, Role.ADMIN)
    response = app_client.post(
        "/graphql",
        json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}],
        headers={"authorization": f"Bearer {token}"},
    )
    assert "batched operations" in refusal(response, 400, "BAD_REQUEST")


@pytest.mark.parametrize("body", [b"nope", b'{"query": ', b'"a string"', b"123", b"null", b"[]"])
def test_a_body_that_is_not_a_json_object_is_bad_request(app_client, graph, body):
    response = app_client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    refusal(response, 400, "BAD_REQUEST")


def test_a_bad_content_length_is_bad_request(app_client, graph):
    headers = {"content-type": "application/json", "content-length": "x"}
    response = app_client.post("/graphql", content=b"{}", headers=headers)
    refusal(response, 400, "BAD_REQUEST")


def test_a_body_over_the_limit_is_payload_too_large(app_client, test_settings, graph):
    limit = test_settings.max_body_bytes
    response = app_client.post(
        "/graphql",
        content=('{"query": "{ __typename }"' + " " * (limit + 1) + "}").encode(),
        headers={"content-type": "application/json"},
    )
    assert str(limit) in refusal(response, 413, "PAYLOAD_TOO_LARGE")
    # A streamed body over the limit gets the same answer (tests/test_limits.py checks
    # that it is refused before it is read to the end).


def test_an_operation_over_get_and_an_unknown_operation_name_are_bad_request(
    app_client, test_settings, graph
):
    token = mint_token(test_settings, Role.ADMIN)
    headers = {"authorization": f"Bearer {token}"}
    response = app_client.get("/graphql", params={"query": "{ __typename }"}, headers=headers)
    refusal(response, 400, "BAD_REQUEST")
    response = app_client.post(
        "/graphql",
        json={"query": "query A { __typename }", "operationName": "B"},
        headers=headers,
    )
    refusal(response, 400, "BAD_REQUEST")


def test_two_anonymous_operations_are_refused_and_nothing_runs(api, graph):
    mutation = """mutation { createOfficial(input: {clientMutationId: "anon-op-%d",
      code: "O-ANON-%d", name: "Anon", maxLoad: 3}) { official { code } } }"""
    body = api.post(mutation % (1, 1) + mutation % (2, 2))
    assert body["data"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert all("anonymous operation" in e["message"] for e in body["errors"])
    records, _, _ = graph.execute_query("MATCH (o:Official) RETURN count(o) AS n")
    assert records[0]["n"] == 0
