"""Which arrivals deserve the bell and a toast: new pending HIGH and CRITICAL actions.

Rate-limited so a runaway agent cannot turn the terminal into a siren: at most one alert per quiet
period; what arrives meanwhile is counted and summarised in the next one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from textual.notifications import SeverityLevel

from tui.model import Action

ALERT_LEVELS = ("critical", "high")
MAX_REMEMBERED = 100_000


@dataclass(frozen=True, slots=True)
class Alert:
    title: str
    message: str
    severity: SeverityLevel


class AlertPolicy:
    """Feed it every change; it answers with an alert when one is due."""

    def __init__(self, quiet_s: float = 3.0) -> None:
        self.quiet_s = quiet_s
        self._seen: set[str] = set()
        self._last = float("-inf")
        self._waiting: Counter[str] = Counter()
        self._example = ""

    def note(self, actions: Iterable[Action], now: float) -> Alert | None:
        for action in actions:
            if action.status != "pending" or action.risk.level not in ALERT_LEVELS or action.id in self._seen:
                continue
            if len(self._seen) >= MAX_REMEMBERED:
                self._seen.clear()
            self._seen.add(action.id)
            self._waiting[action.risk.level] += 1
            if not self._example or action.risk.level == "critical":
                self._example = f"{action.agent.id}: {action.summary}"
        return self.flush(now)

    @property
    def due(self) -> bool:
        return bool(self._waiting)

    def flush(self, now: float) -> Alert | None:
        if not self._waiting or now - self._last < self.quiet_s:
            return None
        counts = ", ".join(
            f"{self._waiting[level]} {level}" for level in ALERT_LEVELS if self._waiting[level]
        )
        severity: SeverityLevel = "error" if self._waiting["critical"] else "warning"
        alert = Alert(f"New: {counts}", self._example, severity)
        self._waiting.clear()
        self._example = ""
        self._last = now
        return alert
