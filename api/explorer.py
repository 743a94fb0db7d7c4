"""`GET /explore`: the auditors' graph explorer, in every mode.

One HTML page, one script and one stylesheet (api/static/explorer/) and the drawing
library (cytoscape, vendored from npm by api/vendor.py). The page holds no data: it
asks `/graphql` on its own origin with the bearer token its user pastes in, so the API
decides what each role sees (exploring is for ADMIN, AUDITOR and INVESTIGATOR, masked
for the last; api/explore.py). The policy below lets the page load and talk to its
own origin only.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from api.vendor import CYTOSCAPE, VENDOR
from graph.explore_kinds import EdgeType

PAGE = Path(__file__).resolve().parent / "static" / "explorer"

POLICY = "default-src 'self'; script-src 'self'; connect-src 'self'"
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

# What the page loads, by the name it asks for, and its type.
ASSETS = {
    "explorer.js": (PAGE / "explorer.js", "text/javascript; charset=utf-8"),
    "explorer.css": (PAGE / "explorer.css", "text/css; charset=utf-8"),
    "cytoscape.min.js": (VENDOR / "cytoscape.min.js", "text/javascript; charset=utf-8"),
}

# The tab's icon, so the browser does not ask for /favicon.ico and get a 404.
ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<circle cx="8" cy="8" r="6" fill="#c0392b"/></svg>'
)

NOT_INSTALLED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The explorer is not installed</title>
</head><body><p>The explorer's drawing library is not installed in this copy of the API:
run <code>make install</code> (it vendors cytoscape from the npm registry into
api/static/vendor).</p></body></html>
"""


def installed() -> bool:
    return all((VENDOR / name).is_file() for name in CYTOSCAPE)


async def page(request: Request) -> Response:
    """The page, or one that says how to install its library (503)."""
    if not installed():
        return HTMLResponse(NOT_INSTALLED, status_code=503, headers=HEADERS)
    html = (PAGE / "index.html").read_text(encoding="utf-8")
    # The edge types the API follows, for the page's checkboxes (no introspection,
    # which production mode refuses).
    html = html.replace("__EDGE_TYPES__", escape(" ".join(t.name for t in EdgeType)))
    return HTMLResponse(html, headers=HEADERS)


async def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name == "favicon.svg":
        return Response(ICON, media_type="image/svg+xml", headers=HEADERS)
    if name not in ASSETS or not ASSETS[name][0].is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    path, media_type = ASSETS[name]
    return FileResponse(path, media_type=media_type, headers=HEADERS)


def routes() -> list[BaseRoute]:
    return [
        Route("/explore", page, methods=["GET"]),
        Route("/explore/{name}", asset, methods=["GET"]),
    ]
