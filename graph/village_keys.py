"""Village coverage summaries (graph/coverage.py reads them).

Every village keeps `coverageKeys`, one integer per household on file in it:
    status index * 10,000,000 + (1,000,000 if covered) + days since 1970 of its
    latest visit (0: never visited)
so today's figures of a region are list filters over its villages' keys, not reads
of every household. `refresh_villages` keeps them current in each write's
transaction (graph/derived.py's refresh_households calls it), the generator writes
them per county, a migration step (3) backfilled them. A village without keys (data
written by hand) is counted from its households. Past dates and a field official's
scope always count households.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from graph.db import Tx
from graph.household import HouseholdStatus

STATUS_ORDER: tuple[HouseholdStatus, ...] = tuple(HouseholdStatus)  # new statuses last
STATUS_KEY = 10_000_000
COVERED_KEY = 1_000_000
EPOCH = dt.date(1970, 1, 1)
_STATUS_CASE = " ".join(f"WHEN '{s.value}' THEN {i}" for i, s in enumerate(STATUS_ORDER))
_KEY = (
    f"CASE h.status {_STATUS_CASE} END * {STATUS_KEY}"
    f" + CASE WHEN h.responsibleOfficial IS NULL THEN 0 ELSE {COVERED_KEY} END"
    " + CASE WHEN h.lastVisitDate IS NULL THEN 0"
    " ELSE duration.inDays(date('1970-01-01'), h.lastVisitDate).days END"
)

SUMMARIZE_VILLAGE = (
    "OPTIONAL MATCH (h:Household) WHERE h.code STARTS WITH v.code AND h.deregisteredOn IS NULL "
    f"WITH v, collect({_KEY}) AS keys SET v.coverageKeys = keys"
)
"""Cypher on a village `v`: recompute its coverageKeys (a seek per household)."""

_REFRESH_VILLAGES = f"""
UNWIND $codes AS code
MATCH (v:Region {{code: code, level: 'VILLAGE'}})
WITH v ORDER BY v.code
SET v._lock = true REMOVE v._lock
WITH v
CALL (v) {{ {SUMMARIZE_VILLAGE} }}
"""


async def refresh_villages(tx: Tx, codes: Sequence[str]) -> None:
    """Recompute the coverage summaries of these villages, write-locked in code order
    (so two writers in one village cannot lose each other's change)."""
    await tx.run(_REFRESH_VILLAGES, {"codes": sorted(set(codes))})


REFRESH_REGION_VILLAGES = f"""
MATCH (v:Region) WHERE v.code STARTS WITH $prefix AND v.level = 'VILLAGE'
CALL (v) {{ {SUMMARIZE_VILLAGE} }}
"""
"""Recompute every village summary under the code prefix $prefix (the generator)."""
