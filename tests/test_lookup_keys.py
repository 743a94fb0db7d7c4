"""Lookup keys: a key that cannot be a key answers BAD_USER_INPUT naming the argument;
a well-formed key that matches nothing stays null (or an empty page)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.auth import Role
from seeds.demo import id_number

UNKNOWN_PERSON = id_number("460203", dt.date(1950, 1, 1), 999)
WRONG_CHECK = UNKNOWN_PERSON[:17] + ("0" if UNKNOWN_PERSON[17] != "0" else "1")

MALFORMED = [
    ('{ household(code: "123") { code } }', "code"),
    ('{ household(code: "46020310020100011") { code } }', "code"),
    ('{ region(code: "abc") { code } }', "code"),
    ('{ region(code: "4602031") { code } }', "code"),
    ('{ households(where: {regionCode: "xyz"}) { totalCount } }', "where.regionCode"),
    ('{ officials(where: {regionCode: "46"}) { totalCount } }', "where.regionCode"),
    ('{ pairingCoverage(regionCode: "abc") { households } }', "regionCode"),
    (f'{{ person(idNumber: "{WRONG_CHECK}") {{ name }} }}', "idNumber"),
    ('{ person(idNumber: "460203195002300011") { name } }', "idNumber"),  # 30 February
    ('{ official(code: "") { code } }', "code"),
    (f'{{ official(code: "{"x" * 65}") {{ code }} }}', "code"),
]


@pytest.mark.parametrize(("query", "field"), MALFORMED)
def test_a_malformed_key_is_bad_user_input(api, demo, query, field):
    error = api.error(query)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


def test_the_shape_check_answers_the_same_for_every_role(api, demo):
    # A shape says nothing about the data: a role that may not see ID numbers gets the
    # same refusal, not null.
    query = f'{{ person(idNumber: "{WRONG_CHECK}") {{ name }} }}'
    error = api.error(query, role=Role.INVESTIGATOR)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "idNumber"}


def test_a_well_formed_key_that_matches_nothing_is_null(api, demo):
    data = api.data(
        '{ household(code: "4602031002019999") { code } '
        'region(code: "469099") { code } '
        f'person(idNumber: "{UNKNOWN_PERSON}") {{ name }} '
        'official(code: "O-nobody") { code } '
        'pairingCoverage(regionCode: "469099") { households } '
        'households(where: {regionCode: "469099"}) { totalCount } }'
    )
    assert data == {
        "household": None,
        "region": None,
        "person": None,
        "official": None,
        "pairingCoverage": None,
        "households": {"totalCount": 0},
    }
