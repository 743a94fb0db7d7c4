"""The differential property of tests/test_differential.py on a generated graph of
10,000 households beside the demo story (seeds/generator.py): deeper pages, larger
regions, more officials; fewer examples, as each statement reads more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from differential import TwoWays, keys_of, operations
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from neo4j import Driver
from starlette.testclient import TestClient
from test_differential import SOCKETS_OF_CANCELLED_RESOLVERS, check_every_caller, known_bug

from api.settings import Settings
from graph.testdb import wipe
from graph.validation import today_cst
from seeds.demo import load_demo
from seeds.generator import generate

HOUSEHOLDS = 10_000
pytestmark = SOCKETS_OF_CANCELLED_RESOLVERS


@pytest.fixture(scope="module")
def ways(driver: Driver, app_client: TestClient, test_settings: Settings) -> Iterator[TwoWays]:
    """The demo story and 10,000 generated households, as of today (about 30 s)."""
    wipe(driver)
    two = TwoWays(test_settings)
    two.run(load_demo(two.db, today_cst(), say=lambda _: None))
    two.run(generate(two.db, households=HOUSEHOLDS, seed=11, as_of=today_cst()))
    yield two
    two.close()


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)  # fmt: skip
@given(data=st.data())
def test_compiled_reads_answer_as_graphql_core_does_at_scale(
    ways: TwoWays, data: st.DataObject
) -> None:
    keys = keys_of(ways, ["4602031002010001"])
    query, variables = data.draw(operations(keys, today_cst()), label="operation")
    assume(not known_bug(query))
    check_every_caller(ways, query, variables)
