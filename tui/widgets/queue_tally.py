"""Running totals over the pending queue: counts by level, per agent, and the oldest wait.

Kept incrementally as rows join and leave (O(1), or O(log n) for the oldest), so the header and the
agent context in the detail pane never scan 100,000 rows.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

from tui.model import Action
from tui.widgets.cells import short_environment


@dataclass(slots=True)
class AgentTally:
    """What one agent has waiting."""

    pending: int = 0
    levels: Counter[str] = field(default_factory=Counter)
    last_seen: float = 0.0
    environments: Counter[str] = field(default_factory=Counter)


class QueueTally:
    """Counts for the queue header and the detail pane's agent context."""

    def __init__(self) -> None:
        self.levels: Counter[str] = Counter()
        self.agents: dict[str, AgentTally] = {}
        self._ages: list[tuple[float, str]] = []
        self._live: dict[str, float] = {}

    def add(self, action: Action) -> None:
        self.levels[action.risk.level] += 1
        agent = self.agents.get(action.agent.id)
        if agent is None:
            agent = self.agents[action.agent.id] = AgentTally()
        agent.pending += 1
        agent.levels[action.risk.level] += 1
        agent.environments[short_environment(action)] += 1
        agent.last_seen = max(agent.last_seen, action.created_at)
        self._live[action.id] = action.created_at
        heapq.heappush(self._ages, (action.created_at, action.id))

    def remove(self, action: Action) -> None:
        self.levels[action.risk.level] -= 1
        agent = self.agents.get(action.agent.id)
        if agent is not None:
            agent.pending -= 1
            agent.levels[action.risk.level] -= 1
            agent.environments[short_environment(action)] -= 1
        self._live.pop(action.id, None)

    @property
    def total(self) -> int:
        return len(self._live)

    def oldest(self) -> float | None:
        """Creation time of the longest-waiting pending action (stale heap entries are dropped lazily)."""
        while self._ages:
            created, action_id = self._ages[0]
            if self._live.get(action_id) == created:
                return created
            heapq.heappop(self._ages)
        return None
