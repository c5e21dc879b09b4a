"""Governance lag: held actions arriving faster than people decide them, bucket by bucket.

A bucket "lags" when more held actions arrived in it than were decided (approved or rejected) in it.
One lagging bucket is noise; a run of them is a queue that review is not keeping up with, which is what
the report's longest run and the pulse's alert (a run reaching the present) measure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tui.audit.events import Events

DECIDED = frozenset({"approved", "rejected"})


@dataclass(frozen=True, slots=True)
class Lag:
    bucket_s: float
    arrivals: tuple[int, ...]
    """Held arrivals per bucket, oldest first."""
    decisions: tuple[int, ...]
    expiries: tuple[int, ...]

    @property
    def held(self) -> int:
        return sum(self.arrivals)

    @property
    def decided(self) -> int:
        return sum(self.decisions)

    @property
    def expired(self) -> int:
        return sum(self.expiries)

    @property
    def hours(self) -> float:
        return len(self.arrivals) * self.bucket_s / 3600

    @property
    def arrivals_per_hour(self) -> float:
        return self.held / self.hours

    @property
    def decisions_per_hour(self) -> float:
        return self.decided / self.hours

    @property
    def lagging_buckets(self) -> int:
        return sum(a > d for a, d in zip(self.arrivals, self.decisions, strict=True))

    @property
    def longest_run(self) -> int:
        """The most consecutive lagging buckets."""
        return longest_run(self.arrivals, self.decisions)

    @property
    def trailing_run(self) -> int:
        """Lagging buckets in a row up to the end of the window."""
        return trailing_run(self.arrivals, self.decisions)


def measure_lag(events: Events, *, since: float, until: float, bucket_s: float) -> Lag:
    """Bucket [since, until) into `bucket_s` slices (the last may be partial) and count each."""
    n = max(1, math.ceil((until - since) / bucket_s))
    arrivals, decisions, expiries = [0] * n, [0] * n, [0] * n

    def slot(at: float) -> int | None:
        index = math.floor((at - since) / bucket_s)
        return index if since <= at < until and 0 <= index < n else None

    for s in events.submissions:
        if s.verdict == "pending" and (i := slot(s.at)) is not None:
            arrivals[i] += 1
    for r in events.resolutions:
        if (i := slot(r.at)) is not None:
            decisions[i] += r.status in DECIDED
            expiries[i] += r.status == "expired"
    return Lag(bucket_s, tuple(arrivals), tuple(decisions), tuple(expiries))


def longest_run(arrivals: Sequence[int], decisions: Sequence[int]) -> int:
    best = run = 0
    for a, d in zip(arrivals, decisions, strict=True):
        run = run + 1 if a > d else 0
        best = max(best, run)
    return best


def trailing_run(arrivals: Sequence[int], decisions: Sequence[int]) -> int:
    run = 0
    for a, d in zip(reversed(arrivals), reversed(decisions), strict=True):
        if a <= d:
            break
        run += 1
    return run
