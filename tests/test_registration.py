"""A household's registration date: set by registerHousehold (default today, China
Standard Time), registrationYear derived from it or agreeing with it, changed only to a
day no later than the household's first pairing or visit, and derived for files
registered before it existed from their registration year (1 January)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import migrated

from graph.validation import today_cst
from seeds.demo import FU_HOUSEHOLD, story

NEW = "4602031002010100"
READ = "registrationDate registrationYear"


def register(api, **fields):
    extra = "".join(f", {k}: {v}" for k, v in fields.items())
    return api.post(
        'mutation { registerHousehold(input: {clientMutationId: "registration-1", '
        f'code: "{NEW}", villageCode: "460203100201", mainCause: ILLNESS{extra}, '
        'members: [{idNumber: "110105194912310011", name: "Li Dawei", relation: HEAD}]}) '
        f"{{ household {{ {READ} }} }} }}"
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, None),  # today, read when the test runs
        ({"registrationDate": '"2019-05-06"'}, ("2019-05-06", 2019)),
        ({"registrationDate": '"2019-05-06"', "registrationYear": 2019}, ("2019-05-06", 2019)),
        ({"registrationYear": 2019}, ("2019-01-01", 2019)),
    ],
)
def test_register_sets_the_date_and_the_year(api, demo, fields, expected):
    household = register(api, **fields)["data"]["registerHousehold"]["household"]
    expected = expected or (today_cst().isoformat(), today_cst().year)
    assert (household["registrationDate"], household["registrationYear"]) == expected


def test_register_refuses_a_year_that_is_not_the_dates(api, demo, graph):
    body = register(api, registrationDate='"2019-05-06"', registrationYear=2018)
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.registrationYear",
    }
    assert graph.execute_query(f"MATCH (h:Household {{code: '{NEW}'}}) RETURN h")[0] == []


def update(api, **fields):
    extra = "".join(f", {k}: {v}" for k, v in fields.items())
    return api.post(
        f'mutation {{ updateHousehold(input: {{code: "{FU_HOUSEHOLD}", expectedVersion: 1'
        f"{extra}}}) {{ household {{ {READ} }} }} }}"
    )


def test_update_moves_the_date_and_the_year_with_it(api, demo):
    first = min(p["since"] for p in story(demo)["pairings"] if p["householdCode"] == FU_HOUSEHOLD)
    earlier = dt.date(first.year - 2, 8, 8)
    household = update(api, registrationDate=f'"{earlier}"')["data"]["updateHousehold"]
    assert household["household"] == {
        "registrationDate": earlier.isoformat(),
        "registrationYear": earlier.year,
    }


def test_update_refuses_a_date_after_the_first_pairing_or_a_stray_year(api, demo, graph):
    before = graph.execute_query(
        f"MATCH (h:Household {{code: '{FU_HOUSEHOLD}'}}) RETURN properties(h) AS p"
    )[0][0]["p"]
    cases = [
        ({"registrationDate": f'"{today_cst()}"'}, "input.registrationDate"),
        ({"registrationYear": before["registrationYear"] - 1}, "input.registrationYear"),
        ({"registrationDate": "null"}, "input.registrationDate"),
        ({"registrationDate": '"2019-05-06"', "registrationYear": 2018}, "input.registrationYear"),
    ]
    for fields, field in cases:
        error = update(api, **fields)["errors"][0]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, fields
    after = graph.execute_query(
        f"MATCH (h:Household {{code: '{FU_HOUSEHOLD}'}}) RETURN properties(h) AS p"
    )[0][0]["p"]
    assert after == before


def test_demo_dates_lie_in_their_years(api, demo):
    rows = api.data(
        '{ households(where: {regionCode: "460000", includeDeregistered: true}, first: 100) '
        f"{{ edges {{ node {{ code {READ} }} }} }} }}"
    )["households"]["edges"]
    assert len(rows) == len(story(demo)["households"])
    for row in rows:
        node = row["node"]
        assert dt.date.fromisoformat(node["registrationDate"]).year == node["registrationYear"]


def test_the_migration_derives_dates_from_years(graph, test_settings):
    rows = migrated(
        graph,
        test_settings,
        3,
        "CREATE (:Household {code: '4602031002019001', registrationYear: 2017}), "
        "(:Household {code: '4602031002019002', registrationYear: 2018, "
        "  registrationDate: date('2018-06-30')})",
        "MATCH (h:Household) RETURN h.code AS code, toString(h.registrationDate) AS day "
        "ORDER BY code",
    )
    assert rows == [
        ("4602031002019001", "2017-01-01"),
        ("4602031002019002", "2018-06-30"),
    ]
