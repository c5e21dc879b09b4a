"""Review rigour, enforced by the gate (never by a UI): who may decide, and when an action is decided.

Rules, from DESIGN.md: any qualified reject rejects (with a reason, sent to the agent); an action is
approved once `requirement.approvals` distinct people approved and at least one of them holds
`requirement.role`; a reason when the requirement asks for one; each approver must have had the action
open for `min_review_s`; nobody approves an action their own OS user's agent submitted.
Every refusal says exactly what is missing. In single-user mode (no approvers file) the quorum is one:
there is only one person; the reason, review time and role still apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.gate.approvers import ROLE_RANK, Identity
from tui.model import Action


class RefusedDecision(Exception):
    """A decision the gate will not record; the message names what is missing or wrong."""


@dataclass(frozen=True, slots=True)
class ReviewContext:
    now: float
    first_viewed_at: float | None  # when this approver first opened the action, if ever
    single_user: bool  # no approvers file: the one local user approves its own agents (labelled)
    allow_self_approval: bool = False


def check(action: Action, verdict: str, who: Identity, reason: str, ctx: ReviewContext) -> str | None:
    """Validate one decision; return the status it resolves the action to, or None if still pending."""
    if verdict not in ("approve", "reject"):
        raise RefusedDecision(f"verdict must be 'approve' or 'reject', got {verdict!r}")
    if not who.has("approver"):
        raise RefusedDecision(f"{who.name} is {who.role}: only an approver, senior or admin may decide")
    if verdict == "reject":
        if not reason.strip():
            raise RefusedDecision("a rejection needs a reason: it is sent back to the agent")
        return "rejected"
    _check_approval(action, who, reason, ctx)
    approvals = 1 + sum(1 for d in action.decisions if d.verdict == "approve")
    return "approved" if approvals >= quorum(action, ctx) else None  # role: checked above


def quorum(action: Action, ctx: ReviewContext) -> int:
    """Distinct approvers needed. Single-user mode has exactly one person, so a quorum above one would
    make critical actions impossible to approve: it is one, and every screen says single-user mode."""
    return 1 if ctx.single_user else action.requirement.approvals


def _check_approval(action: Action, who: Identity, reason: str, ctx: ReviewContext) -> None:
    need = action.requirement
    if any(d.by == who.name and d.verdict == "approve" for d in action.decisions):
        raise RefusedDecision(f"{who.name} has already approved action {action.id}; it needs another person")
    if not ctx.single_user and not ctx.allow_self_approval and action.agent.user in who.users:
        raise RefusedDecision(
            f"self-approval: {who.name} runs as {action.agent.user!r}, the user whose agent submitted this; "
            "another approver must decide"
        )
    if need.reason_required and not reason.strip():
        raise RefusedDecision(f"a {action.risk.level} action needs a written reason to approve")
    if need.min_review_s > 0:
        seen = 0.0 if ctx.first_viewed_at is None else ctx.now - ctx.first_viewed_at
        if seen < need.min_review_s:
            opened = "never opened it" if ctx.first_viewed_at is None else f"opened it {seen:.0f} s ago"
            raise RefusedDecision(
                f"minimum review time: {who.name} {opened}; a {action.risk.level} action needs "
                f"{need.min_review_s:.0f} s on the diff before approval"
            )
    approvers = {d.by for d in action.decisions if d.verdict == "approve"} | {who.name}
    roles = {d.role for d in action.decisions if d.verdict == "approve"} | {who.role}
    if len(approvers) >= quorum(action, ctx) and not any(ROLE_RANK[r] >= ROLE_RANK[need.role] for r in roles):
        raise RefusedDecision(
            f"a {action.risk.level} action needs a {need.role} among its approvers; {who.name} is {who.role}"
        )


def missing(action: Action) -> str:
    """What the approvals so far still lack, for people: '1 of 2 approvals, needs senior' or ''."""
    need = action.requirement
    approvals = [d for d in action.decisions if d.verdict == "approve"]
    roles = {d.role for d in approvals}
    has_role = any(ROLE_RANK.get(r, -1) >= ROLE_RANK[need.role] for r in roles)
    parts = []
    if len(approvals) < need.approvals:
        parts.append(f"{len(approvals)} of {need.approvals} approvals")
    if not has_role:
        parts.append(f"needs {need.role}")
    return ", ".join(parts)
