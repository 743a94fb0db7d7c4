"""Poverty lines as data (graph/poverty_line.py): the line in force for a year, who may
set one, and a set line surviving the demo's national figures."""

from __future__ import annotations

from test_authz_matrix import error_codes

from api.auth import Role
from graph.poverty_line import POVERTY_LINES
from graph.validation import today_cst


def test_poverty_lines(api, demo):
    query = """{ a: povertyLine(year: 2018) { year line exitLine threshold }
      b: povertyLine(year: 2026) { year threshold } c: povertyLine(year: 2014) { year }
      all: povertyLines { year line exitLine threshold } }"""
    for role in (Role.ADMIN, Role.INVESTIGATOR, Role.AUDITOR):
        data = api.data(query, role=role)
        assert data["a"] == {"year": 2018, "line": 2995, "exitLine": 3535, "threshold": 3535}
        assert data["b"] == {"year": 2020, "threshold": 4000}
        assert data["c"] is None
        assert [r["year"] for r in data["all"]] == [row[0] for row in POVERTY_LINES]
    body = api.post(query, role=None)
    assert error_codes(body) == {"UNAUTHENTICATED"}


def test_set_poverty_line_rules_and_roles(api, demo, graph):
    mutation = """mutation($input: SetPovertyLineInput!) { setPovertyLine(input: $input)
      { povertyLine { year line exitLine } } }"""
    error = api.error(mutation, {"input": {"year": 2020, "line": 4000, "exitLine": 3999}})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.exitLine"}
    error = api.error(mutation, {"input": {"year": today_cst().year + 2, "line": 5000}})
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.year"}
    for role, scope in ((Role.REGION_OFFICER, "460203"), (Role.AUDITOR, None)):
        body = api.post(mutation, {"input": {"year": 2020, "line": 1}}, role=role, scope=scope)
        assert error_codes(body) == {"FORBIDDEN"}
    changed = api.data(mutation, {"input": {"year": 2019, "line": 3218}})["setPovertyLine"]
    assert changed["povertyLine"] == {"year": 2019, "line": 3218, "exitLine": None}
    # Loading the demo again keeps the edit (the national figures only fill gaps).
    from conftest import run_on_db

    from seeds.demo import load_demo

    run_on_db(api.settings, lambda db: load_demo(db, demo, say=lambda _: None))
    line = api.data("{ povertyLine(year: 2019) { exitLine threshold } }")["povertyLine"]
    assert line == {"exitLine": None, "threshold": 3218}
