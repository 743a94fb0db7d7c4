"""The browser libraries the app serves, vendored from npm at install time: GraphiQL's
(api/graphiql.py, development only) and cytoscape, the explorer page's drawing library
(api/explorer.py, every mode). Never a CDN: the pages work on an intranet or offline.

`make install` runs `npm ci` in web/ (the versions pinned in web/package-lock.json)
and then `python -m api.vendor web/node_modules`, which copies the files below into
api/static/vendor (git-ignored): the build happens at install time, nothing is fetched
at run time.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "static" / "vendor"

# Each vendored file and where it is in the npm packages web/package.json pins.
GRAPHIQL = {
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.LICENSE": "graphiql/LICENSE",
    "react.LICENSE": "react/LICENSE",
    "react-dom.LICENSE": "react-dom/LICENSE",
}
CYTOSCAPE = {
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "cytoscape.LICENSE": "cytoscape/LICENSE",
}
SOURCES = GRAPHIQL | CYTOSCAPE


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
