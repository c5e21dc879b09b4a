"""The agents roster and the policy digest, computed from the actions the TUI has seen.

Until the gate reports autonomy levels, throttles and breakers (issue 4) and the loaded policy (issue 3),
these are what the actions themselves say: who is asking, how fast, with what outcome, judged by which
policy hash and which rules. Each is a plain accumulator: feed it actions, read its rows.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from tui.model import Action
from tui.widgets.cells import short_environment

RATE_WINDOW_S = 600.0


@dataclass(slots=True)
class AgentRow:
    agent_id: str
    kind: str = ""
    where: str = ""
    pending: set[str] = field(default_factory=set)
    pending_levels: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    environments: Counter[str] = field(default_factory=Counter)
    recent: deque[float] = field(default_factory=deque)
    last_at: float = 0.0
    last_summary: str = ""

    def per_minute(self, now: float) -> float:
        while self.recent and self.recent[0] < now - RATE_WINDOW_S:
            self.recent.popleft()
        return len(self.recent) / (RATE_WINDOW_S / 60)


class Roster:
    """One row per agent id seen."""

    def __init__(self) -> None:
        self.agents: dict[str, AgentRow] = {}
        self._status: dict[str, tuple[str, str]] = {}

    def add(self, action: Action) -> None:
        who = action.agent
        row = self.agents.setdefault(who.id, AgentRow(who.id))
        row.kind = who.kind
        row.where = f"{who.user}@{who.host}" if who.user or who.host else "-"
        previous = self._status.get(action.id)
        if previous is None:
            row.environments[short_environment(action) or "-"] += 1
            row.recent.append(action.created_at)
            if action.created_at >= row.last_at:
                row.last_at, row.last_summary = action.created_at, action.summary
        elif previous[0] == "pending":
            row.pending.discard(action.id)
            row.pending_levels[previous[1]] -= 1
        else:
            return  # already resolved: nothing changes
        self._status[action.id] = (action.status, action.risk.level)
        if action.status == "pending":
            row.pending.add(action.id)
            row.pending_levels[action.risk.level] += 1
        else:
            row.outcomes[action.status] += 1


@dataclass(slots=True)
class RuleRow:
    rule: str
    hits: int = 0
    total: int = 0
    example: str = ""


class PolicyDigest:
    """Policy hashes and contributing rules, over the actions seen."""

    def __init__(self) -> None:
        self.hashes: Counter[str] = Counter()
        self.last_hash = ""
        self.last_at = 0.0
        self.rules: dict[str, RuleRow] = {}
        self._seen: set[str] = set()

    def add(self, action: Action) -> None:
        if action.id in self._seen:
            return
        self._seen.add(action.id)
        self.hashes[action.policy_hash] += 1
        if action.created_at >= self.last_at:
            self.last_hash, self.last_at = action.policy_hash, action.created_at
        for reason in action.risk.reasons:
            row = self.rules.setdefault(reason.rule, RuleRow(reason.rule))
            row.hits += 1
            row.total += reason.contribution
            row.example = row.example or reason.text
