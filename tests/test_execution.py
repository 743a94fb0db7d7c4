"""Reads that graphql-core executes (api/execution.py's resolve_root and read_entity):
an operation that also asks for introspection, and mutation payloads, with variables
in their arguments and directives."""

from __future__ import annotations

from typing import Any


def test_a_query_with_introspection_reads_its_variables(api: Any, demo: Any) -> None:
    body = api.post(
        "query($c: String!, $n: Int!, $more: Boolean!) { __schema { queryType { name } } "
        "household(code: $c) { code latestVisits(first: $n) { id } "
        "memberCount @include(if: $more) } }",
        {"c": "4602031002010001", "n": 2, "more": False},
    )
    assert "errors" not in body, body
    household = body["data"]["household"]
    assert household["code"] == "4602031002010001"
    assert len(household["latestVisits"]) == 2 and "memberCount" not in household


def test_a_mutation_payload_reads_its_variables(api: Any, demo: Any) -> None:
    body = api.post(
        "mutation($n: Int!, $phone: Boolean!) { createOfficial(input: {clientMutationId: "
        '"exec-test-0001", code: "O-EXEC-1", name: "Test Official", maxLoad: 3, '
        'phone: "13800000000"}) { official { code visits(first: $n) { totalCount } '
        "phone @include(if: $phone) } } }",
        {"n": 1, "phone": True},
    )
    assert "errors" not in body, body
    official = body["data"]["createOfficial"]["official"]
    assert official == {"code": "O-EXEC-1", "visits": {"totalCount": 0}, "phone": "13800000000"}
