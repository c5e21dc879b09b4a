"""The governance pulse for the TUI header: held arrivals vs decisions per minute, oldest wait, lag alert.

Cheap by construction. A `Meter` is fed each record as the gate writes it (`AuditLog(meter=...)`): O(1)
per record, O(window) per `snapshot`, no query at all. `pulse_from_store` builds the same Meter from the
last window of the log plus the pending queue, for a process that is not the gate (and to prime the
gate's own meter at start). The alert fires when held arrivals outnumbered decisions in each of the last
`sustain` complete minutes: a queue growing minute after minute, not one burst.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tui.audit.charts import sparkline
from tui.audit.events import loads, rows
from tui.audit.lag import DECIDED, trailing_run
from tui.audit.stats import ratio
from tui.store.base import Store
from tui.timefmt import duration


@dataclass(frozen=True, slots=True)
class Pulse:
    at: float
    bucket_s: float
    arrivals: tuple[int, ...]
    """Held arrivals per bucket, oldest first; the last bucket is the current, still filling."""
    decisions: tuple[int, ...]
    pending: int
    oldest_wait_s: float | None
    sustain: int
    lag_run: int
    """Complete buckets in a row, ending with the last complete one, where arrivals beat decisions."""

    @property
    def lagging(self) -> bool:
        return self.lag_run >= self.sustain

    @property
    def arrivals_per_min(self) -> float:
        return self._per_min(self.arrivals)

    @property
    def decisions_per_min(self) -> float:
        return self._per_min(self.decisions)

    def _per_min(self, series: tuple[int, ...]) -> float:
        """Over complete buckets only: the current one has not had its whole minute yet."""
        complete = series[:-1]
        return ratio(sum(complete), len(complete) * self.bucket_s / 60) or 0.0

    def gauge(self) -> str:
        """One header line, e.g. `held ▂▅▇ 3.0/min · decided ▂▁▂ 1.0/min · oldest 4m12s · LAG 6 min`."""
        top = max((*self.arrivals, *self.decisions), default=0)
        parts = [
            f"held {sparkline(self.arrivals, top=top)} {self.arrivals_per_min:.1f}/min",
            f"decided {sparkline(self.decisions, top=top)} {self.decisions_per_min:.1f}/min",
            f"oldest {duration(self.oldest_wait_s)}" if self.oldest_wait_s is not None else "queue empty",
        ]
        if self.lagging:
            parts.append(f"LAG {self.lag_run} min")
        return " · ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "bucket_s": self.bucket_s,
            "arrivals": list(self.arrivals),
            "decisions": list(self.decisions),
            "arrivals_per_min": round(self.arrivals_per_min, 3),
            "decisions_per_min": round(self.decisions_per_min, 3),
            "pending": self.pending,
            "oldest_wait_s": None if self.oldest_wait_s is None else round(self.oldest_wait_s, 3),
            "lag_run": self.lag_run,
            "sustain": self.sustain,
            "lagging": self.lagging,
        }


class Meter:
    """Running counts behind a Pulse; feed it every audit record (any kind) with `observe`."""

    def __init__(self, *, window: int = 15, bucket_s: float = 60.0, sustain: int = 5) -> None:
        self.window, self.bucket_s, self.sustain = window, bucket_s, sustain
        self._arrivals: dict[int, int] = {}
        self._decisions: dict[int, int] = {}
        self._pending: dict[str, float] = {}  # action id -> held since; insertion order = oldest first
        self._latest = -math.inf

    def observe(self, kind: str, data: dict[str, Any], at: float) -> None:
        if kind == "submission" and data.get("verdict") == "pending":
            self._pending.setdefault(str(data.get("action")), at)
            self._count(self._arrivals, at)
        elif kind == "resolution":
            self._pending.pop(str(data.get("action")), None)
            if data.get("status") in DECIDED:
                self._count(self._decisions, at)

    def hold(self, action_id: str, since: float) -> None:
        """An action already pending when the meter started (primed from the store)."""
        self._pending.setdefault(action_id, since)

    def snapshot(self, now: float) -> Pulse:
        current = self._bucket(now)
        span = range(current - self.window + 1, current + 1)
        arrivals = tuple(self._arrivals.get(b, 0) for b in span)
        decisions = tuple(self._decisions.get(b, 0) for b in span)
        oldest = next(iter(self._pending.values()), None)
        return Pulse(
            at=now,
            bucket_s=self.bucket_s,
            arrivals=arrivals,
            decisions=decisions,
            pending=len(self._pending),
            oldest_wait_s=None if oldest is None else max(0.0, now - oldest),
            sustain=self.sustain,
            lag_run=trailing_run(arrivals[:-1], decisions[:-1]),
        )

    def _bucket(self, at: float) -> int:
        return math.floor(at / self.bucket_s)

    def _count(self, counts: dict[int, int], at: float) -> None:
        bucket = self._bucket(at)
        counts[bucket] = counts.get(bucket, 0) + 1
        if bucket > self._latest:  # a new minute: forget the ones that left the window
            self._latest = bucket
            for old in [b for b in (*self._arrivals, *self._decisions) if b <= bucket - self.window]:
                self._arrivals.pop(old, None)
                self._decisions.pop(old, None)


def prime(meter: Meter, store: Store, now: float) -> Meter:
    """Fill a meter from the store: the pending queue (oldest first), then the last window of records."""
    for action in store.pending():
        meter.hold(action.id, action.created_at)
    since = (math.floor(now / meter.bucket_s) - meter.window + 1) * meter.bucket_s
    for row in rows(store, since=since):
        data = loads(row.data)
        if data is not None:
            meter.observe(row.kind, data, float(row.at))
    return meter


def pulse_from_store(
    store: Store, *, now: float, window: int = 15, bucket_s: float = 60.0, sustain: int = 5
) -> Pulse:
    """The pulse as of `now`, read from the store (for processes other than the gate)."""
    return prime(Meter(window=window, bucket_s=bucket_s, sustain=sustain), store, now).snapshot(now)


