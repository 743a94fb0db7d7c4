"""Regions over GraphQL, on the demo's region tree in the real database."""

from __future__ import annotations

from api.auth import Role

REGION = """
query($code: String!) {
  region(code: $code) {
    code name level
    parent { code }
    children { code name level }
    path { code }
    householdCount personCount
  }
}
"""


def test_region_tree_from_neo4j(api, demo):
    sanya = api.data(REGION, {"code": "460200"})["region"]
    assert sanya["name"] == "Sanya"
    assert sanya["level"] == "CITY"
    assert sanya["parent"] == {"code": "460000"}
    assert [c["code"] for c in sanya["children"]] == ["460202", "460203", "460204", "460205"]
    assert [p["code"] for p in sanya["path"]] == ["460000", "460200"]

    province = api.data(REGION, {"code": "460000"})["region"]
    assert province["parent"] is None
    assert len(province["children"]) == 4 + 15
    # County-level units hang directly under the province (no 469000 level).
    assert "469001" in [c["code"] for c in province["children"]]

    village = api.data(REGION, {"code": "460203100201"})["region"]
    assert [p["code"] for p in village["path"]] == [
        "460000",
        "460200",
        "460203",
        "460203100",
        "460203100201",
    ]


def test_unknown_region_is_null(api, demo):
    assert api.data(REGION, {"code": "469999"})["region"] is None


def test_region_needs_a_token(api, demo):
    error = api.error(REGION, {"code": "460000"}, role=Role.PUBLIC)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_children_page_size_is_checked(api, demo):
    error = api.error('{ region(code: "460000") { children(first: 0) { code } } }')
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
