"""Audit records in exactly the shapes the gate writes (tui/gate/service.py), at times a test chooses.

`Script` collects events, then `write` seals them into the log in time order, as a gate would have.
test_gate_records.py checks that a real Gate writes these same shapes, so metrics proven on synthetic
logs hold for real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.audit import AuditLog

SCORES = {"low": 10, "medium": 40, "high": 70, "critical": 95}


@dataclass
class Script:
    events: list[tuple[float, int, str, dict[str, Any]]] = field(default_factory=list)
    actions: int = 0

    def _add(self, at: float, kind: str, data: dict[str, Any]) -> None:
        self.events.append((at, len(self.events), kind, {**data, "at": at}))

    def submit(
        self,
        at: float,
        agent: str,
        level: str,
        summary: str,
        verdict: str,
        rules: list[str],
        kind: str = "shell",
    ) -> str:
        self.actions += 1
        action = f"act-{self.actions:04d}"
        self._add(
            at,
            "submission",
            {
                "action": action,
                "agent": agent,
                "agent_kind": "claude-code",
                "kind": kind,
                "summary": summary,
                "content_hash": f"{self.actions:064x}",
                "verdict": verdict,
                "score": SCORES[level],
                "level": level,
                "rules": rules,
                "policy_hash": "policy-1",
            },
        )
        return action

    def decide(
        self,
        at: float,
        action: str,
        agent: str,
        level: str,
        by: str,
        verdict: str,
        time_on: float,
        status: str,
    ) -> None:
        role = {"alice": "approver", "bob": "senior", "carol": "admin"}.get(by, "approver")
        self._add(
            at,
            "decision",
            {
                "action": action,
                "agent": agent,
                "level": level,
                "by": by,
                "role": role,
                "channel": "local",
                "fingerprint": "",
                "verdict": verdict,
                "reason": "",
                "time_on_action_s": time_on,
                "status": status,
            },
        )

    def resolve(self, at: float, action: str, agent: str, level: str, status: str, waited: float) -> None:
        self._add(
            at,
            "resolution",
            {"action": action, "agent": agent, "status": status, "level": level, "waited_s": waited},
        )

    def held(
        self,
        at: float,
        agent: str,
        level: str,
        summary: str,
        rules: list[str],
        *,
        wait: float | None = None,
        status: str = "approved",
        votes: tuple[tuple[str, str, float], ...] = (),
    ) -> str:
        """A held action; with `wait`, resolved `wait` seconds later after `votes` (by, verdict, time on
        action), the last vote landing at the resolution time and the earlier ones 10 s apart before it."""
        action = self.submit(at, agent, level, summary, "pending", rules)
        if wait is None:
            return action
        end = at + wait
        for i, (by, verdict, time_on) in enumerate(votes):
            last = i == len(votes) - 1
            self.decide(
                end - 10 * (len(votes) - 1 - i),
                action,
                agent,
                level,
                by,
                verdict,
                time_on,
                status if last else "pending",
            )
        self.resolve(end, action, agent, level, status, wait)
        return action

    def other(self, at: float, kind: str, **data: Any) -> None:
        self._add(at, kind, data)

    def write(self, log: AuditLog) -> int:
        for _, _, kind, data in sorted(self.events, key=lambda e: (e[0], e[1])):
            log.record(kind, data)
        return len(self.events)
