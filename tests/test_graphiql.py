"""GraphiQL is served from the package (api/graphiql.py): the page and every script and
stylesheet it references come from the app itself, so it loads on an intranet or
offline. The assets are a pinned npm build vendored by `make install`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def page(app_client) -> str:
    response = app_client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200, response.text
    text: str = response.text
    return text


def test_the_page_references_no_other_host(app_client, graph):
    html = page(app_client)
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    scripts = [r for r in refs if r.endswith(".js")]
    sheets = [r for r in refs if r.endswith(".css")]
    assert len(scripts) >= 3 and sheets, refs
    # No address with a host (http://, https://, //) anywhere in the page, not even in
    # its inline script.
    assert re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.I) == []
    for ref in refs:
        if ref.startswith("data:"):
            continue
        assert not EXTERNAL.match(ref), ref
        url = urljoin("http://testserver/graphql", ref)
        assert urlparse(url).netloc == "testserver"
        asset = app_client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 5_000, url
        if ref.endswith(".css"):
            # A stylesheet that imported fonts or images from elsewhere would fetch them.
            assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", asset.text), url


def test_the_assets_are_the_pinned_build(app_client, graph):
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    pinned = {
        name.removeprefix("node_modules/"): entry["version"]
        for name, entry in lock["packages"].items()
        if name in ("node_modules/graphiql", "node_modules/react", "node_modules/react-dom")
    }
    assert pinned == {"graphiql": "3.8.3", "react": "18.2.0", "react-dom": "18.2.0"}
    # The lockfile pins versions and hashes, not download addresses.
    assert all("resolved" not in entry for entry in lock["packages"].values())
    react = app_client.get("/graphiql/react.production.min.js").text
    assert "18.2.0" in react
    assert "graphiql" in app_client.get("/graphiql/graphiql.min.js").text.lower()


def test_without_the_assets_the_page_says_how_to_install_them(app_client, graph, monkeypatch):
    from api import graphiql

    monkeypatch.setattr(graphiql, "VENDOR", graphiql.VENDOR / "missing")
    response = app_client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 503
    assert "make install" in response.text
