"""Keyset pagination as a property, on the demo story in the real Neo4j: walking any
connection k rows at a time through `endCursor` gives the rows of one large page, in
the same order, with hasNextPage false only on the last page and totalCount the
number walked. Every list: households in each order and with each filter, officials,
an official's pairedHouseholds and visits, and coverage's uncovered and overdue
drill-downs. tests/test_differential_scale.py walks them on 10,000 households."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pytest
from differential import CALLERS, TwoWays, demo_ways, property_settings
from hypothesis import assume, given
from hypothesis import strategies as st
from neo4j import Driver
from starlette.testclient import TestClient

from api.auth import Principal, Role
from api.settings import Settings
from graph.validation import today_cst

READERS = [label for label, p in CALLERS.items() if p.role is not Role.PUBLIC]
ORDERS = ["CODE_ASC", "CODE_DESC", "REGISTRATION_YEAR_ASC", "REGISTRATION_YEAR_DESC",
          "LAST_VISIT_ASC", "LAST_VISIT_DESC"]  # fmt: skip
OFFICIAL_FILTERS: list[dict[str, Any] | None] = [
    None, {"overloaded": True}, {"hasActivePairings": True}
]  # fmt: skip
OFFICIAL_FILTERS: list[dict[str, Any] | None] = [
    None,
    {"overloaded": True},
    {"hasActivePairings": True},
]
NESTED = [
    "pairedHouseholds(first: $first, after: $after)",
    "pairedHouseholds(first: $first, after: $after, includeEnded: true)",
    "visits(first: $first, after: $after)",
]
DEMO_REGIONS = ["460000", "460203", "460203100201", "469001"]
DEMO_OFFICIALS = ["O-460203-001", "O-460203-002", "O-469001-001", "O-469030-001"]
Case = tuple[str, dict[str, Any], Callable[[Any], Any]]


def household_filters(regions: Sequence[str]) -> list[dict[str, Any] | None]:
    return [
        None, *({"regionCode": r} for r in regions), {"status": "REGISTERED"},
        {"visitOverdue": True}, {"hasResponsibleOfficial": False},
        {"includeDeregistered": True, "regionCode": regions[-1]},
    ]  # fmt: skip


def lists(
    today: dt.date, regions: Sequence[str], officials: Sequence[str]
) -> st.SearchStrategy[Case]:
    """(query with $first and $after, its other variables, the path to the connection)."""
    households = st.builds(
        lambda where, order: (
            "query($first: Int!, $after: String, $where: HouseholdWhere, "
            "$order: HouseholdOrder!) { c: households(where: $where, orderBy: $order, "
            "first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } "
            "edges { cursor node { code } } } }",
            {"where": where, "order": order},
            lambda d: d["c"],
        ),
        st.sampled_from(household_filters(regions)), st.sampled_from(ORDERS),
    )  # fmt: skip
    listed = st.builds(
        lambda where: (
            "query($first: Int!, $after: String, $where: OfficialWhere) { c: officials("
            "where: $where, first: $first, after: $after) { totalCount pageInfo { hasNextPage "
            "endCursor } edges { node { code } } } }",
            {"where": where},
            lambda d: d["c"],
        ),
        st.sampled_from([*OFFICIAL_FILTERS, {"regionCode": regions[1]}]),
    )
    nested = st.builds(
        lambda code, field: (
            f"query($first: Int!, $after: String, $code: String!) {{ official(code: $code) {{ "
            f"c: {field} {{ totalCount pageInfo {{ hasNextPage endCursor }} edges {{ "
            + ("pairingId node { code }" if "Households" in field else "node { id }")
            + " } } } }",
            {"code": code},
            lambda d: (d["official"] or {}).get("c"),
        ),
        st.sampled_from(officials),
        st.sampled_from(NESTED),
    )
    drills = st.builds(
        lambda region, field, as_of: (
            "query($first: Int!, $after: String, $region: String!, $asOf: Date) { "
            f"pairingCoverage(regionCode: $region, asOf: $asOf) {{ c: {field}(first: $first, "
            "after: $after) { pageInfo { hasNextPage endCursor } edges { node { code } } } } }",
            {"region": region, "asOf": as_of},
            lambda d: (d["pairingCoverage"] or {}).get("c"),
        ),
        st.sampled_from(regions),
        st.sampled_from(["uncovered", "overdue"]),
        st.sampled_from([None, str(today - dt.timedelta(days=100))]),
    )
    return st.one_of(households, listed, nested, drills)


def node_keys(connection: Mapping[str, Any]) -> list[Any]:
    """What identifies each edge: its node, and a pairing's id."""
    return [(e.get("pairingId"), tuple(sorted(e["node"].items()))) for e in connection["edges"]]


def check_walk(ways: TwoWays, case: Case, k: int, principal: Principal) -> None:
    """Pages of k, followed through endCursor, are the page of 100 (its start when the
    list is longer)."""
    query, variables, connection = case
    whole = connection(ways.data(query, principal, first=100, after=None, **variables))
    assume(whole is not None)
    wanted = node_keys(whole)
    walked: list[Any] = []
    after, more = None, True
    while more and (len(walked) < len(wanted) or not whole["pageInfo"]["hasNextPage"]):
        page = connection(ways.data(query, principal, first=k, after=after, **variables))
        walked += node_keys(page)
        more = page["pageInfo"]["hasNextPage"]
        assert len(page["edges"]) == k or not more
        after = page["pageInfo"]["endCursor"]
        assert len(walked) <= 1000
    assert walked[: len(wanted)] == wanted
    if not whole["pageInfo"]["hasNextPage"]:
        assert walked == wanted and not more
        if "totalCount" in whole:
            assert whole["totalCount"] == len(walked)
    elif "totalCount" in whole:
        assert whole["totalCount"] > len(wanted)


@pytest.fixture(scope="module")
def ways(driver: Driver, app_client: TestClient, test_settings: Settings) -> Iterator[TwoWays]:
    yield from demo_ways(driver, test_settings)


@property_settings(30)
@given(
    case=lists(today_cst(), DEMO_REGIONS, DEMO_OFFICIALS),
    k=st.integers(1, 4),
    caller=st.sampled_from(READERS),
)
def test_walking_a_connection_gives_the_rows_of_one_page(
    ways: TwoWays, case: Case, k: int, caller: str
) -> None:
    check_walk(ways, case, k, CALLERS[caller])
