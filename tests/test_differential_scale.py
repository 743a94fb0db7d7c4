"""The differential property of tests/test_differential.py, and the paging one of
tests/test_paging.py, on a generated graph of 10,000 households beside the demo story
(seeds/generator.py): deeper pages, longer lists with ties in their sort keys, larger
regions, more officials; fewer examples, as each statement reads more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from differential import CALLERS, TwoWays, property_settings
from hypothesis import given
from hypothesis import strategies as st
from neo4j import Driver
from querygen import keys_of, operations
from starlette.testclient import TestClient
from test_differential import SOCKETS_OF_CANCELLED_RESOLVERS, check_every_caller
from test_metamorphic import masked_like_investigator, root_fields
from test_paging import READERS, check_walk, lists

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


@property_settings(25)
@given(data=st.data())
def test_compiled_reads_answer_as_graphql_core_does_at_scale(
    ways: TwoWays, data: st.DataObject
) -> None:
    keys = keys_of(ways, ["4602031002010001"])
    query, variables = data.draw(operations(keys, today_cst()), label="operation")
    check_every_caller(ways, query, variables)


@pytest.fixture(scope="module")
def places(ways: TwoWays) -> tuple[list[str], list[str]]:
    """A county with generated households, one of its towns and one of its villages;
    the officials with the most pairings."""
    (record,) = ways.run(
        ways.db.read(
            "MATCH (v:Region:Generated {level: 'VILLAGE'})-[:PART_OF]->(t:Region) "
            "WHERE EXISTS { MATCH (h:Household) WHERE h.code STARTS WITH v.code } "
            "WITH v, t ORDER BY v.code LIMIT 1 "
            "MATCH (t)-[:PART_OF]->(c:Region) "
            "CALL () { MATCH (o:Official)-[r:PAIRED_WITH]->() "
            "  RETURN o.code AS code, count(r) AS n ORDER BY n DESC, code LIMIT 4 } "
            "RETURN [c.code, t.code, v.code] AS regions, collect(code) AS officials"
        )
    )
    return ["460000", *record["regions"]], record["officials"]


@property_settings(12)
@given(data=st.data(), k=st.integers(7, 40), caller=st.sampled_from(READERS))
def test_walking_a_connection_at_scale(
    ways: TwoWays, places: tuple[list[str], list[str]], data: st.DataObject, k: int, caller: str
) -> None:
    regions, officials = places
    case = data.draw(lists(today_cst(), regions, officials), label="list")
    check_walk(ways, case, k, CALLERS[caller])


def test_cypher_and_python_masks_agree_on_generated_people(
    ways: TwoWays, places: tuple[list[str], list[str]]
) -> None:
    """The generator's people have Chinese names, phones and bank accounts of its own
    making: the Cypher masks must write them as graph/masks.py does."""
    town = places[0][2]
    query = (
        f'{{ households(where: {{regionCode: "{town}"}}, first: 100) {{ edges {{ node {{ '
        "headPhone bankAccount address members(includePast: true) { person { idNumber name "
        "phone birthDate } } officials(includeEnded: true) { official { name phone idNumber } "
        "} latestVisits(first: 20) { notes latitude } } } } }"
    )
    admin = ways.execute(query, CALLERS["admin"])
    assert not admin["errors"]
    edges = admin["data"]["households"]["edges"]
    names = [m["person"]["name"] for e in edges for m in e["node"]["members"]]
    assert len(edges) > 5 and any(not n.isascii() for n in names)
    expected = masked_like_investigator(admin, root_fields(query, {}))
    assert ways.execute(query, CALLERS["investigator"]) == expected
