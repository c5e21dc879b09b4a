"""Live autonomy: each agent's level, time-boxed grants, incident mode, rate budgets and circuit breakers.

Pure state with an injected clock; the gate persists what changes and publishes it. Levels are ordered
halt < observe < supervised < trusted < autonomous; incident mode clamps every agent to at most its
level. Throttles act by themselves (Knight Capital lost $440M in 45 minutes to automation outpacing its
controls): over the rate budget actions are held, never dropped; K rejections or K critical actions in a
window clamp the agent, and only a human releases it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from tui.config import Settings
from tui.statuses import AUTONOMY_LEVELS

RANK = {level: n for n, level in enumerate(AUTONOMY_LEVELS)}


@dataclass(frozen=True, slots=True)
class Grant:
    """An explicit level for one agent (or for everyone: agent "*"), by a person or by a breaker."""

    agent: str
    level: str
    by: str
    reason: str
    set_at: float
    until: float | None = None  # time-boxed: then back to `revert_to` (None: the default)
    revert_to: str | None = None
    source: str = "human"  # or "breaker"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Incident:
    level: str
    by: str
    reason: str
    started_at: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Autonomy:
    def __init__(self, settings: Settings, grants: dict[str, Grant], incident: Incident | None) -> None:
        self.settings = settings
        self.grants = grants
        self.incident = incident
        self._arrivals: dict[str, deque[float]] = {}
        self._strikes: dict[str, deque[tuple[float, str]]] = {}

    # --- reading ------------------------------------------------------------------------------------

    def level(self, agent: str, now: float) -> tuple[str, str]:
        """The agent's effective level and why (for the reasons shown to agents and people)."""
        grant = self.grants.get(agent)
        if grant is not None and grant.until is not None and now >= grant.until:
            # lapsed: what it reverts to applies now; the gate's timer persists and announces it
            grant = None if grant.revert_to is None else Grant(agent, grant.revert_to, grant.by, "", now)
        level, why = (
            (grant.level, f"set by {grant.by}") if grant else (self.settings.default_autonomy, "default")
        )
        if self.incident and RANK[self.incident.level] < RANK[level]:
            return self.incident.level, f"incident mode ({self.incident.reason})"
        return level, why

    def snapshot(self) -> dict[str, Any]:
        return {
            "default": self.settings.default_autonomy,
            "grants": {agent: g.to_json() for agent, g in sorted(self.grants.items())},
            "incident": self.incident.to_json() if self.incident else None,
        }

    # --- changing -----------------------------------------------------------------------------------

    def grant(
        self, agent: str, level: str, *, by: str, reason: str, now: float, for_s: float | None
    ) -> Grant:
        if level not in RANK:
            raise ValueError(f"autonomy level must be one of {', '.join(AUTONOMY_LEVELS)}; got {level!r}")
        previous = self.grants.get(agent)
        revert = previous.level if (for_s and previous and previous.until is None) else None
        grant = Grant(agent, level, by, reason, now, None if not for_s else now + for_s, revert)
        self.grants[agent] = grant
        return grant

    def lapse(self, agent: str, now: float) -> Grant | None:
        """End a time-boxed grant whose time is up; returns the grant reverted to (None: default)."""
        grant = self.grants.get(agent)
        if grant is None or grant.until is None or now < grant.until:
            return grant
        if grant.revert_to is None:
            del self.grants[agent]
            return None
        restored = Grant(agent, grant.revert_to, "interlock", f"time box of {grant.by}'s grant ended", now)
        self.grants[agent] = restored
        return restored

    # --- throttles ----------------------------------------------------------------------------------

    def over_rate(self, agent: str, now: float) -> bool:
        """Count one arrival; True when this agent has used its budget for the last minute."""
        window = self._arrivals.setdefault(agent, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        window.append(now)
        return 0 < self.settings.rate_per_min < len(window)

    def strike(self, agent: str, kind: str, now: float) -> Grant | None:
        """Record a rejection or critical action; at K in the window, trip the breaker (returns its grant)."""
        limit = self.settings.breaker_rejections if kind == "rejection" else self.settings.breaker_criticals
        if limit <= 0:
            return None
        strikes = self._strikes.setdefault(agent, deque())
        while strikes and strikes[0][0] <= now - self.settings.breaker_window_s:
            strikes.popleft()
        strikes.append((now, kind))
        count = sum(1 for _, k in strikes if k == kind)
        clamp = self.settings.breaker_clamp
        current, _ = self.level(agent, now)
        if count < limit or RANK[current] <= RANK[clamp]:
            return None
        strikes.clear()
        minutes = self.settings.breaker_window_s / 60
        grant = Grant(
            agent,
            clamp,
            "interlock",
            f"circuit breaker: {count} {kind}s within {minutes:g} min",
            now,
            source="breaker",
        )
        self.grants[agent] = grant
        return grant
