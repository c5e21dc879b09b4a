"""What the on-call may do to agents, with the role each needs (enforced here, never by a client).

Turning an agent's autonomy down needs an approver; turning it up (including releasing a breaker) needs
a senior, as does ending incident mode: a stop is cheap to apply and deliberate to lift.
"""

from __future__ import annotations

from tui.gate.approvers import Identity
from tui.gate.autonomy import RANK, Grant, Incident
from tui.gate.review import RefusedDecision
from tui.gate.service import Gate


def set_level(
    gate: Gate, agent: str, level: str, who: Identity, *, reason: str = "", for_s: float | None = None
) -> tuple[Grant, int]:
    """Change one agent's autonomy; returns the grant and how many pending actions a halt rejected."""
    if not agent:
        raise RefusedDecision("name an agent id")
    if level not in RANK:
        raise RefusedDecision(f"autonomy level must be one of {', '.join(RANK)}; got {level!r}")
    now = gate.clock()
    current, _ = gate.autonomy.level(agent, now)
    needed = "senior" if RANK[level] > RANK[current] else "approver"
    if not who.has(needed):
        raise RefusedDecision(
            f"raising {agent} from {current} to {level} needs a {needed}; {who.name} is {who.role}"
        )
    grant = gate.autonomy.grant(agent, level, by=who.name, reason=reason, now=now, for_s=for_s)
    gate.apply_grant(grant, agent)
    rejected = 0
    if level == "halt":  # a stopped agent's queue goes with it, however it was stopped
        rejected = gate.reject_pending(
            agent, who, f"agent halted by {who.name}: {reason or 'no reason given'}"
        )
    return grant, rejected


def halt(gate: Gate, agent: str, who: Identity, *, reason: str = "") -> tuple[Grant, int]:
    """Stop one agent: new actions denied, its pending actions rejected, its exec children killed."""
    return set_level(gate, agent, "halt", who, reason=reason or "halted by on-call")


def start_incident(
    gate: Gate, who: Identity, *, reason: str, level: str | None = None
) -> tuple[Incident, int]:
    """Clamp every agent at once and reject everything pending."""
    if not who.has("approver"):
        raise RefusedDecision(f"starting incident mode needs an approver; {who.name} is {who.role}")
    level = level or gate.settings.incident_level
    if level not in ("halt", "observe"):
        raise RefusedDecision(f"incident mode clamps to halt or observe, not {level!r}")
    incident = Incident(level, who.name, reason or "incident declared", gate.clock())
    gate.apply_incident(incident)
    rejected = gate.reject_pending(None, who, f"incident mode ({incident.reason}), declared by {who.name}")
    return incident, rejected


def end_incident(gate: Gate, who: Identity) -> None:
    if gate.autonomy.incident is None:
        raise RefusedDecision("no incident is in progress")
    if not who.has("senior"):
        raise RefusedDecision(f"ending incident mode needs a senior; {who.name} is {who.role}")
    gate.apply_incident(None)
