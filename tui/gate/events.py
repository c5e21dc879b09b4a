"""The audit records the gate writes, one small function per kind (their fields are issue 8's contract)."""

from __future__ import annotations

from typing import Any

from tui.model import Action, Decision


def submission(action: Action, now: float) -> dict[str, Any]:
    return {
        "action": action.id,
        "agent": action.agent.id,
        "agent_kind": action.agent.kind,
        "kind": action.kind,
        "summary": action.summary,
        "content_hash": action.content_hash,
        "verdict": action.status,
        "score": action.risk.score,
        "level": action.risk.level,
        "rules": [r.rule for r in action.risk.reasons],
        "policy_hash": action.policy_hash,
        "at": now,
    }


def decision(
    action: Action, made: Decision, *, fingerprint: str, first_view: float | None, status: str
) -> dict[str, Any]:
    """Who decided, in which role, over which channel, why, and how long they had it open."""
    return {
        "action": action.id,
        "agent": action.agent.id,
        "level": action.risk.level,
        "by": made.by,
        "role": made.role,
        "channel": made.channel,
        "fingerprint": fingerprint,
        "verdict": made.verdict,
        "reason": made.reason,
        "at": made.at,
        "time_on_action_s": None if first_view is None else round(made.at - first_view, 3),
        "status": status,
    }


def resolution(action: Action) -> dict[str, Any]:
    return {
        "action": action.id,
        "agent": action.agent.id,
        "status": action.status,
        "level": action.risk.level,
        "at": action.resolved_at,
        "waited_s": round((action.resolved_at or 0) - action.created_at, 3),
    }
