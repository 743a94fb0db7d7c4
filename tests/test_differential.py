"""The compiled read path against the reference, on the demo story in the real Neo4j:
generated queries over every read root field, run under every role through the fast
path (CompiledReads) and through graphql-core's field walk (`Context.compiled =
False`), must give the same data and the same errors (messages, paths, locations,
codes, fields, null propagation). tests/test_differential_scale.py runs the same
property on a 10,000-household graph."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from differential import CALLERS, TwoWays, demo_ways, differences, internal, property_settings
from hypothesis import given
from hypothesis import strategies as st
from neo4j import Driver
from querygen import keys_of, operations
from starlette.testclient import TestClient

from api.settings import Settings
from graph.validation import today_cst

# graphql-core cancels the other root resolvers once a non-null root field fails (data
# is null): the driver then drops their connections unclosed. The compiled path never
# cancels; the reference's sockets are left to the garbage collector.
SOCKETS_OF_CANCELLED_RESOLVERS = [
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
    ),
]
pytestmark = SOCKETS_OF_CANCELLED_RESOLVERS


@pytest.fixture(scope="module")
def ways(driver: Driver, app_client: TestClient, test_settings: Settings) -> Iterator[TwoWays]:
    yield from demo_ways(driver, test_settings)


def check_every_caller(ways: TwoWays, query: str, variables: dict[str, Any]) -> None:
    """The property: for every caller, both ways agree and nothing is INTERNAL."""
    failures = []
    answers = ways.both(query, list(CALLERS.values()), variables)
    for label, (fast, walked) in zip(CALLERS, answers, strict=True):
        wrong = differences(fast, walked)
        if internal(fast) or internal(walked):
            wrong.append("INTERNAL")
        if wrong:
            failures.append((label, wrong, fast, walked))
    assert not failures, "\n".join(
        f"{label} ({', '.join(wrong)}):\n{query}\n{json.dumps(variables)}\n"
        f"compiled: {json.dumps(fast, default=str)}\n"
        f"graphql-core: {json.dumps(walked, default=str)}"
        for label, wrong, fast, walked in failures
    )


DIFFERENTIAL = property_settings(60)


@DIFFERENTIAL
@given(data=st.data())
def test_compiled_reads_answer_as_graphql_core_does(ways: TwoWays, data: st.DataObject) -> None:
    keys = keys_of(ways, ["4602031002010001", "4690011002010001"])
    query, variables = data.draw(operations(keys, today_cst()), label="operation")
    check_every_caller(ways, query, variables)


def test_coverage_of_grandchildren(ways: TwoWays) -> None:
    body = ways.execute(
        '{ pairingCoverage(regionCode: "460000") { children { children { households } } } }',
        CALLERS["admin"],
    )
    assert body["errors"] == [], body["errors"]


# --- examples the property found (graphql-core's path was wrong: INTERNAL) ------------


def test_root_arguments_from_variables(ways: TwoWays) -> None:
    # Strawberry hands resolvers the coerced variables as a dict: reading a root
    # argument from it failed on graphql-core's path.
    check_every_caller(
        ways,
        "query($c: String!) { household(code: $c) { code } }",
        {"c": "4602031002010001"},
    )


def test_variables_below_the_root(ways: TwoWays) -> None:
    # The same for @include/@skip and nested arguments (mutation payloads read their
    # entity this way: see tests/test_execution.py).
    check_every_caller(
        ways,
        "query($n: Int!, $past: Boolean!, $skip: Boolean!) { household(code: "
        '"4602031002010001") { code @skip(if: $skip) latestVisits(first: $n) { id } '
        "members(includePast: $past) { relation } } }",
        {"n": 2, "past": True, "skip": True},
    )


def test_an_error_names_every_occurrence_of_its_field(ways: TwoWays) -> None:
    # A response key selected twice: its error lists both places, as graphql-core's.
    check_every_caller(
        ways,
        '{ a: household(code: "46") { code } a: household(code: "46") { version } '
        'household(code: "4602031002010001") { l: latestVisits(first: 0) { id } '
        "l: latestVisits(first: 0) { date } } }",
        {},
    )


def test_nested_errors_null_their_parents(ways: TwoWays) -> None:
    check_every_caller(
        ways,
        "{ households(first: 3) { edges { node { code latestVisits(first: 99) { id } } } } "
        'region(code: "460203") { children(first: 0) { code } } official(code: '
        '"O-460203-001") { code visits(first: 2, after: "x") { totalCount } } }',
        {},
    )
