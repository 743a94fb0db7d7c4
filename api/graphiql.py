"""GraphiQL, served from the package: the page (api/static/graphiql.html) and its
assets (api/static/vendor/, git-ignored; api/vendor.py copies them there from npm at
install time), never a CDN, so it works on an intranet or offline. Development mode
only.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from api.vendor import GRAPHIQL, VENDOR

STATIC = VENDOR.parent

# Where the page finds its assets, relative to /graphql (so a path prefix in front of
# the app keeps working).
PREFIX = "/graphiql"

NOT_INSTALLED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body><p>GraphiQL's assets are not installed in this copy of the API: run
<code>make install</code> (it vendors them from the npm registry into
api/static/vendor). The API itself answers POST requests at this address.</p></body></html>
"""


def installed() -> bool:
    return all((VENDOR / name).is_file() for name in GRAPHIQL)


async def page(request: Request) -> Response:
    """The GraphiQL page, or a page that says how to install it (503)."""
    if not installed():
        return HTMLResponse(NOT_INSTALLED, status_code=503)
    return HTMLResponse((STATIC / "graphiql.html").read_text(encoding="utf-8"))


def assets() -> Mount:
    return Mount(PREFIX, app=StaticFiles(directory=VENDOR, check_dir=False), name="graphiql")
