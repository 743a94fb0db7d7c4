"""measureImpact's split of the cohort by measure category, from what its statement
returns (pure: no database; graph/measure_impact.py `plan_impact` prints the statement).

The statement groups the cohort's households by (for each category whether a measure
of it reached the household in the window, exited) and returns each group's count and
its income changes; for each category the households reached are the groups marked
for it and the comparison the others. Counts are sums over groups; the medians are
Neo4j's percentileCont(x, 0.5) over the union of groups' changes, computed as Neo4j
computes it (`median`), from counts by value (a province's 152,000 changes take a few
thousand values). The means are exact: the changes are whole yuan, so a group's sum
is an exact integer and the mean that sum over the count, rounded once (`mean`; the
cohort alone computes it the same way in Cypher, graph/measure_impact.py).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from operator import sub
from typing import Any


@dataclass(frozen=True)
class Figures:
    """One group of households' figures (ImpactGroup before masking)."""

    households: int
    exited: int
    with_income: int
    mean: float | None
    median: float | None


def median(size: int, nth: Callable[[int], float]) -> float | None:
    """Neo4j's percentileCont(x, 0.5) of `size` values, `nth(i)` the i-th smallest
    (from 0): the middle value, or the two middle ones interpolated, with Neo4j's float
    operations (5.26's PercentileContFunction: index 0.5 * (size - 1), its floor and
    ceiling, a * (ceil - index) + b * (index - floor)); null without values."""
    if size == 0:
        return None
    if size == 1:
        return float(nth(0))
    index = 0.5 * (size - 1)
    low, high = int(index), math.ceil(index)
    if high == low or low == size - 1:
        return float(nth(low))
    return float(nth(low) * (high - index) + nth(high) * (index - low))


def mean(total: int, size: int) -> float | None:
    """The mean of `size` whole numbers summing to `total`, correctly rounded (Python's
    int / int, as Cypher's toFloat(sum) / count below 2^53); null without values."""
    return None if size == 0 else total / size


def _nth(values: Sequence[float], counts: Sequence[int]) -> Callable[[int], float]:
    """The i-th smallest (from 0) of a multiset: `values` ascending and `counts[j]`
    how many of it are at most values[j]."""

    def nth(i: int) -> float:
        return values[bisect_right(counts, i)]

    return nth


def split(value: Mapping[str, Any], size: int) -> tuple[Figures, list[tuple[Figures, Figures]]]:
    """The cohort's figures and, per category (`size` of them, in order), (reached,
    comparison), from the statement's value: `groups` (rows [reached per category,
    exited, households, their changes])."""
    # Each group with its changes' sum (whole yuan: exact) at index 4.
    groups = [(*g, sum(g[3])) for g in value["groups"]]
    every: Counter[float] = Counter()
    for group in groups:
        every.update(group[3])
    values = sorted(every)
    up_to = list(accumulate(map(every.__getitem__, values)))
    households = sum(g[2] for g in groups)
    exited = sum(g[2] for g in groups if g[1])
    withincome = up_to[-1] if up_to else 0
    every_sum = sum(g[4] for g in groups)
    cohort_median = median(withincome, _nth(values, up_to))
    cohort = Figures(households, exited, withincome, mean(every_sum, withincome), cohort_median)
    out = []
    for i in range(size):
        inside = [g for g in groups if g[0][i]]
        n_in = sum(g[2] for g in inside)
        e_in = sum(g[2] for g in inside if g[1])
        w_in = sum(len(g[3]) for g in inside)
        s_in = sum(g[4] for g in inside)
        # Counts by value of the smaller side; the other's are the cohort's less them.
        small = inside if 2 * w_in <= withincome else [g for g in groups if not g[0][i]]
        counts = Counter(chain.from_iterable(g[3] for g in small))
        of_small = list(accumulate(map(counts.get, values, repeat(0))))
        of_large = list(map(sub, up_to, of_small))
        if small is inside:
            of_in, of_out = of_small, of_large
        else:
            of_in, of_out = of_large, of_small
        w_out = withincome - w_in
        out.append(
            (
                Figures(n_in, e_in, w_in, mean(s_in, w_in), median(w_in, _nth(values, of_in))),
                Figures(
                    households - n_in,
                    exited - e_in,
                    w_out,
                    mean(every_sum - s_in, w_out),
                    median(w_out, _nth(values, of_out)),
                ),
            )
        )
    return cohort, out
