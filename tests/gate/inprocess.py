"""An in-process gate on a real SQLite store with an injected clock: for rules that need time to pass
(rate limits, breakers, minimum review, time boxes) without sleeping."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.config import Settings
from tui.gate.approvers import Approver, Approvers, Identity, _indexed
from tui.gate.judge import Judgement
from tui.gate.service import Gate
from tui.model import Action, Reason, Requirement, Risk
from tui.store.sqlite import SqliteStore

REQUIREMENTS = {
    "low": Requirement(),
    "medium": Requirement(),
    "high": Requirement(approvals=1, role="senior"),
    "critical": Requirement(approvals=2, role="senior", reason_required=True, min_review_s=30),
}


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def risk_judge(action: Action) -> Judgement:
    """Risk taken from the command: `risk=high` → high; stands in for a policy so tests choose the level."""
    level = next((w.split("=", 1)[1] for w in action.command.split() if w.startswith("risk=")), "low")
    risk = Risk(
        score={"low": 10, "medium": 40, "high": 70, "critical": 95}[level],
        level=level,
        reasons=(Reason("test-risk", f"test says {level}", 0),),
        read_only="read-only" in action.command,
    )
    return Judgement("allowed", risk, REQUIREMENTS[level], "test-policy")


PEOPLE = (
    Approver("olive", frozenset({"observer"}), frozenset({"olive"})),
    Approver("alice", frozenset({"approver"}), frozenset({"alice"})),
    Approver("bob", frozenset({"senior"}), frozenset({"bob"})),
    Approver("carol", frozenset({"admin"}), frozenset({"carol"})),
)


def who(name: str) -> Identity:
    identity = _indexed(PEOPLE, "test").for_local_user(name)
    assert identity is not None
    return identity


@dataclass
class World:
    gate: Gate
    clock: Clock
    submitted: list[Action] = field(default_factory=list)

    def submit(self, command: str, agent: str = "bot", user: str = "dev") -> Action:
        action = self.gate.submit({"kind": "shell", "command": command, "agent": {"id": agent, "user": user}})
        self.submitted.append(action)
        return action


def make_world(tmp_path: Path, **settings: Any) -> World:
    clock = Clock()
    store = SqliteStore(tmp_path / f"gate-{len(list(tmp_path.iterdir()))}.db")
    approvers = _indexed(PEOPLE, "test") if settings.pop("multi_user", True) else Approvers()
    gate = Gate(store, judge=risk_judge, settings=Settings(**settings), approvers=approvers, clock=clock)
    return World(gate, clock)
