"""The few statistics the metrics need, defined exactly so tests can state known answers."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of values at or below it.

    Always a value that occurred (no interpolation), so "p95 time to decision" is a real wait.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as "-", never as 0%)."""
    return None if whole == 0 else part / whole
