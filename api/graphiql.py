"""GraphiQL, served from the package: the page (api/static/graphiql.html) and its
assets (api/static/vendor/, git-ignored), never a CDN, so it works on an intranet or
offline. Development mode only.

`make install` runs `npm ci` in web/ (the versions pinned in web/package-lock.json)
and then `python -m api.graphiql web/node_modules`, which copies the files below into
the vendor folder: the build happens at install time, nothing is fetched at run time.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = STATIC / "vendor"
# Where the page finds its assets, relative to /graphql (so a path prefix in front of
# the app keeps working).
PREFIX = "/graphiql"

# Each vendored file and where it is in the npm packages web/package.json pins.
SOURCES = {
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.LICENSE": "graphiql/LICENSE",
    "react.LICENSE": "react/LICENSE",
    "react-dom.LICENSE": "react-dom/LICENSE",
}

NOT_INSTALLED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body><p>GraphiQL's assets are not installed in this copy of the API: run
<code>make install</code> (it vendors them from the npm registry into
api/static/vendor). The API itself answers POST requests at this address.</p></body></html>
"""


def installed() -> bool:
    return all((VENDOR / name).is_file() for name in SOURCES)


async def page(request: Request) -> Response:
    """The GraphiQL page, or a page that says how to install it (503)."""
    if not installed():
        return HTMLResponse(NOT_INSTALLED, status_code=503)
    return HTMLResponse((STATIC / "graphiql.html").read_text(encoding="utf-8"))


def assets() -> Mount:
    return Mount(PREFIX, app=StaticFiles(directory=VENDOR, check_dir=False), name="graphiql")


def vendor(node_modules: Path) -> None:
    """Copy the pinned build's files from `node_modules` into api/static/vendor."""
    missing = [path for path in SOURCES.values() if not (node_modules / path).is_file()]
    if missing:
        raise SystemExit(f"not in {node_modules}: {', '.join(missing)} (run npm ci in web/)")
    shutil.rmtree(VENDOR, ignore_errors=True)
    VENDOR.mkdir(parents=True)
    for name, path in SOURCES.items():
        shutil.copyfile(node_modules / path, VENDOR / name)


if __name__ == "__main__":
    vendor(Path(sys.argv[1]))
