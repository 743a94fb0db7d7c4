"""The explorer page over HTTP (api/explorer.py): served in every mode under its policy,
from the app alone, with the edge types of the schema; the queries its script sends
are valid against the schema. Its behaviour in a browser: test_explorer_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import production_settings
from graphql import parse, validate
from starlette.testclient import TestClient

from api import explorer
from api.app import create_app
from api.schema import schema
from graph.explore_kinds import EdgeType

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (ROOT / "api" / "static" / "explorer" / "explorer.js").read_text()
POLICY = "default-src 'self'; script-src 'self'; connect-src 'self'"


def test_the_page_and_its_assets_come_from_the_app_under_the_policy(app_client, graph):
    page = app_client.get("/explore")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in page.headers
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
    assert sorted(refs) == sorted(
        [
            "explore/explorer.css",
            "explore/cytoscape.min.js",
            "explore/explorer.js",
            "explore/favicon.svg",
        ]
    )
    # No address with a host anywhere in the page or its own script and stylesheet.
    for text in (page.text, SCRIPT, app_client.get("/explore/explorer.css").text):
        assert re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I) == []
    for ref, kind in [
        ("explore/explorer.js", "text/javascript"),
        ("explore/explorer.css", "text/css"),
        ("explore/cytoscape.min.js", "text/javascript"),
        ("explore/favicon.svg", "image/svg+xml"),
    ]:
        asset = app_client.get("/" + ref)
        assert asset.status_code == 200, ref
        assert asset.headers["content-type"].startswith(kind), ref
        assert asset.headers["content-security-policy"] == POLICY
    assert app_client.get("/explore/index.html").status_code == 404
    assert app_client.get("/explore/..%2Fexplore.py").status_code == 404


def test_the_page_offers_the_schemas_edge_types(app_client, graph):
    [types] = re.findall(r'data-types="([^"]*)"', app_client.get("/explore").text)
    assert types.split() == [t.name for t in EdgeType]


def test_the_drawing_library_is_the_pinned_cytoscape(app_client, graph):
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/cytoscape"]["version"].startswith("3.34.")
    library = app_client.get("/explore/cytoscape.min.js").text
    assert len(library) > 100_000 and "cytoscape" in library


def test_the_page_is_served_in_production_too(test_settings, graph):
    with TestClient(create_app(production_settings(test_settings), migrate=False)) as client:
        page = client.get("/explore")
        assert page.status_code == 200 and page.headers["content-security-policy"] == POLICY
        assert client.get("/explore/explorer.js").status_code == 200


def test_without_the_library_the_page_says_how_to_install_it(app_client, graph, monkeypatch):
    monkeypatch.setattr(explorer, "VENDOR", explorer.VENDOR / "missing")
    response = app_client.get("/explore")
    assert response.status_code == 503
    assert "make install" in response.text


def queries() -> dict[str, str]:
    """The script's GraphQL documents, by constant name (string pieces joined)."""
    found = {}
    for name, body in re.findall(
        r"const ([A-Z_]+) = ((?:\"[^\"]*\"\s*\+?\s*|[A-Z_]+\s*\+?\s*)+);", SCRIPT
    ):
        parts = re.findall(r'"([^"]*)"|([A-Z_]+)', body)
        found[name] = "".join(text if text else found.get(const, "") for text, const in parts)
    return found


def test_the_scripts_queries_are_valid_against_the_schema():
    documents = queries()
    assert {"ENTITY", "NEIGHBORHOOD", "PATHS", "HISTORY", "FINDINGS"} <= set(documents)
    household = schema._schema.type_map["Household"]
    for name in ("ENTITY", "NEIGHBORHOOD", "PATHS", "HISTORY", "FINDINGS"):
        errors = validate(schema._schema, parse(documents[name]))
        if name == "FINDINGS" and "findings" not in household.fields:  # type: ignore[attr-defined]
            # The file audit (issue 18) has not landed: the page says so and stops
            # asking. Once Household.findings exists, the page's query must fit it.
            assert errors and "findings" in errors[0].message
            continue
        assert errors == [], (name, errors)
