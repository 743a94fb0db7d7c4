"""The demo story that `make run` loads (see seeds/README.md for its codes).

Dates are laid out backwards from a reference date, so the story stays current.
Loading twice duplicates nothing: every write MERGEs on a node key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from graph.db import Database, Tx
from graph.model import RegionLevel
from graph.region import RegionRow, upsert_regions
from seeds.regions import hainan

# Towns and villages of the story (synthetic names, codes that nest).
PLACES: list[RegionRow] = [
    RegionRow("460203100", "Fenghuang", RegionLevel.TOWN, "460203"),
    RegionRow("460203100201", "Shuinan", RegionLevel.VILLAGE, "460203100"),
    RegionRow("460203100202", "Luobi", RegionLevel.VILLAGE, "460203100"),
    RegionRow("469001100", "Tongshi", RegionLevel.TOWN, "469001"),
    RegionRow("469001100201", "Fanmao", RegionLevel.VILLAGE, "469001100"),
    RegionRow("469030101", "Hongmao", RegionLevel.TOWN, "469030"),
    RegionRow("469030101201", "Shiyuncun", RegionLevel.VILLAGE, "469030101"),
]


async def load_demo(db: Database, as_of: dt.date, say: Callable[[str], None] = print) -> str:
    """Write the region tree and the story; returns a one-line summary."""

    async def work(tx: Tx) -> None:
        await upsert_regions(tx, [*hainan(), *PLACES])

    await db.write(work)
    return f"{len(hainan()) + len(PLACES)} regions"
