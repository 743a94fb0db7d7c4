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


def test_nested_regions_load_their_own_tree_in_one_statement_per_level(api, demo):
    query = """{ region(code: "460200") { children { code
        children { code parent { code } path { code } } } } }"""
    body = api.client.post(
        "/graphql",
        json={"query": query},
        headers={
            "authorization": f"Bearer {api.token(Role.ADMIN)}",
            "x-fupin-statements": "1",
        },
    ).json()
    jiyang = next(c for c in body["data"]["region"]["children"] if c["code"] == "460203")
    town = jiyang["children"][0]
    assert town["code"] == "460203100"
    assert town["parent"] == {"code": "460203"}
    assert [p["code"] for p in town["path"]] == ["460000", "460200", "460203", "460203100"]
    # One statement for the root field, nested levels included.
    assert body["extensions"]["statements"] == 1


def test_coverage_region_has_its_path(api, demo):
    data = api.data(
        '{ pairingCoverage(regionCode: "460203") { region { parent { code } '
        "path { code } } children { region { path { code } } } } }"
    )
    coverage = data["pairingCoverage"]
    assert coverage["region"]["parent"] == {"code": "460200"}
    assert [p["code"] for p in coverage["region"]["path"]] == ["460000", "460200", "460203"]
    assert all(len(c["region"]["path"]) == 4 for c in coverage["children"])
