"""What the agent is told: a gate outcome (or a failure to get one) as a Verdict with an actionable reason.

Reasons go to the model, so they say what happened, that nothing ran, and what to do next; they never
say how to approve (the agent often runs as the approver's own OS user).
"""

from __future__ import annotations

from tui.agents.base import Verdict
from tui.statuses import GO

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from typing import Any

    from tui.agents.base import Decision

MAX_REASON = 2000  # Claude Code caps hook strings at 10,000 characters; stay well below


def from_action(action: dict[str, Any], *, defer: bool = False) -> Verdict:
    """The verdict for the gate's latest view of our action; anything but allowed/approved refuses."""
    status, action_id = str(action.get("status", "")), str(action.get("id", "?"))
    what = f"{action.get('kind', 'action')} (Interlock action {action_id})"
    if status in GO:
        why = _reasons(action)
        why = f": {why}" if why else ""
        return Verdict("allow", clip(f"Interlock allowed this {what}{_by(action)}{why}."), action_id)
    if status == "pending":
        return Verdict(
            "defer" if defer else "deny",
            clip(
                f"Interlock is holding this {what} for human review; it was NOT run. Do not work "
                "around it. Tell the user it is waiting for approval in Interlock; once it is approved, "
                "retry exactly the same call and it will run once."
            ),
            action_id,
        )
    if status == "denied":
        why = _reasons(action) or "denied by policy"
        return Verdict(
            "deny",
            clip(f"Interlock denied this {what}: {why}. It was NOT run; do not retry it unchanged."),
            action_id,
        )
    if status == "rejected":
        return Verdict(
            "deny",
            clip(
                f"Interlock: a reviewer rejected this {what}{_by(action)}. It was NOT "
                "run; do not retry it unchanged."
            ),
            action_id,
        )
    if status == "expired":
        return Verdict(
            "deny",
            clip(
                f"Interlock: nobody approved this {what} before it expired. It was NOT "
                "run; ask the user before trying again."
            ),
            action_id,
        )
    return Verdict(
        "deny", clip(f"Interlock: this {what} ended as {status or 'unknown'}; it was NOT run."), action_id
    )


def failure(why: str, fallback: Decision = "deny") -> Verdict:
    """Interlock could not decide: refuse (fail closed), or hand over to the agent's prompt if asked to."""
    if fallback == "ask":
        return Verdict("ask", clip(f"Interlock could not decide ({why}); asking you instead."))
    return Verdict(
        "deny",
        clip(
            f"Interlock could not check this call ({why}), so it was NOT run "
            "(fail closed). Tell the user; do not try to work around it."
        ),
    )


def _by(action: dict[str, Any]) -> str:
    decisions = action.get("decisions") or []
    if not decisions:
        return ""
    last = decisions[-1]
    reason = f": {last['reason']}" if last.get("reason") else ""
    verb = {"approve": "approved", "reject": "rejected"}.get(str(last.get("verdict")), "decided")
    return f" ({verb} by {last.get('by', '?')}{reason})"


def _reasons(action: dict[str, Any]) -> str:
    reasons = (action.get("risk") or {}).get("reasons") or []
    return "; ".join(str(r.get("text", "")) for r in reasons if isinstance(r, dict) and r.get("text"))


def clip(text: str) -> str:
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"
