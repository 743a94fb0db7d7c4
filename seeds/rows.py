"""What one county's draw takes and gives: the keys it must not take, and its lines by
statement (graph/bulk.py's WRITES) with the figures they hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seeds.layout import Unit


@dataclass
class CountyRows:
    """The encoded lines of one county, by statement, and what they hold."""

    unit: Unit
    lines: dict[str, list[str]] = field(default_factory=dict)
    # The trade's rows (seeds/market.py), by graph/bulk_trade.py's GENERATED_WRITES key.
    trade: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # The county's BORDERLINE households' lines, by the same kinds (seeds/borderline.py):
    # written with the county's, counted apart (the figures below are the others').
    borderline: dict[str, list[str]] = field(default_factory=dict)
    people: int = 0
    uncovered: int = 0
    overdue: int = 0
    overloaded: int = 0


@dataclass(frozen=True)
class Reserved:
    """Keys held by nodes outside the generated part (the demo story, data entered
    through the API), which generated nodes must not take."""

    id_numbers: frozenset[str] = frozenset()
    households: frozenset[str] = frozenset()
    officials: frozenset[str] = frozenset()
