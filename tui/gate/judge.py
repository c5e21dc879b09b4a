"""Verdict composition: policy evaluation + the agent's autonomy level + throttles → allow, hold or deny.

One small function decides (`compose`), in this order:
  1. an explicit `deny` rule → denied (wins over everything);
  2. the agent is at `halt` → denied, telling the agent a human stopped it;
  3. allowed only if the risk level is within the agent's level (`observe`: read-only only; `critical`
     never) and no rule requires a human; otherwise held with the requirement attached;
  4. an allowed action over the agent's rate budget → held with reason "rate limit" (never dropped).
Without a policy every action is held (`hold_everything`): never allowed by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tui.model import Action, Reason, Requirement, Risk

if TYPE_CHECKING:
    from tui.policy import Policy


@dataclass(frozen=True, slots=True)
class Judgement:
    status: str  # "pending" (held), "allowed" or "denied"
    risk: Risk
    requirement: Requirement
    policy_hash: str = ""
    message: str = ""  # what the agent is told when denied or held


Judge = Callable[[Action], Judgement]

NO_POLICY = Reason("no-policy", "no policy engine is loaded: every action is held for a human", 0)


def hold_everything(action: Action) -> Judgement:
    return Judgement(
        status="pending",
        risk=Risk(score=50, level="medium", reasons=(NO_POLICY,), read_only=False),
        requirement=Requirement(),
        message="held for human review (no policy loaded)",
    )


@dataclass(frozen=True, slots=True)
class _Judged:
    risk: Risk
    rule_verdict: str | None
    needs_human: bool


def compose(
    risk: Risk, rule_verdict: str | None, needs_human: bool, autonomy: str, why: str, *, over_rate: bool
) -> tuple[str, Reason | None]:
    """The verdict (`allowed`, `pending` = held, `denied`) and the reason the gate adds, if any.

    The autonomy table itself is the policy's (`tui.policy.verdict.compose`, one definition); the gate
    adds why in words, and the rate limit, which only the gate can know.
    """
    from tui.policy.verdict import compose as table

    verdict = table(_Judged(risk, rule_verdict, needs_human), autonomy)
    if verdict == "deny":
        if rule_verdict == "deny":
            return "denied", None
        return "denied", Reason("autonomy-halt", f"this agent is halted ({why}): a human stopped it", 0)
    if verdict == "hold":
        if needs_human or rule_verdict == "deny":
            return "pending", None  # a rule asked for a human; its reason is already listed
        if autonomy == "observe" and not risk.read_only:
            return "pending", Reason("autonomy", f"this agent may only read ({why}); this action writes", 0)
        return "pending", Reason(
            "autonomy", f"{risk.level} risk needs a human at {autonomy} autonomy ({why})", 0
        )
    if over_rate:
        return "pending", Reason(
            "rate-limit", "rate limit: this agent is over its actions-per-minute budget", 0
        )
    return "allowed", None


_MESSAGES = {"denied": "denied", "pending": "held for human review", "allowed": "allowed"}


def judge_with_policy(
    policy: Policy, action: Action, autonomy: str, why: str, *, over_rate: bool
) -> Judgement:
    evaluation = policy.evaluate(action)
    risk = replace(evaluation.risk, environment=evaluation.environment)
    base = Judgement("pending", risk, evaluation.requirement, policy.hash)
    return _apply(base, evaluation.rule_verdict, evaluation.needs_human, autonomy, why, over_rate=over_rate)


def overlay(base: Judgement, autonomy: str, why: str, *, over_rate: bool) -> Judgement:
    """Apply live autonomy and throttles to a verdict from elsewhere (a custom judge, no policy)."""
    rule_verdict = "deny" if base.status == "denied" else None  # its "allowed" is not a rule's: clamp it
    return _apply(base, rule_verdict, base.status == "pending", autonomy, why, over_rate=over_rate)


def _apply(
    base: Judgement, rule_verdict: str | None, needs_human: bool, autonomy: str, why: str, *, over_rate: bool
) -> Judgement:
    status, reason = compose(base.risk, rule_verdict, needs_human, autonomy, why, over_rate=over_rate)
    risk = base.risk if reason is None else replace(base.risk, reasons=(*base.risk.reasons, reason))
    message = base.message if status == base.status and base.message else _MESSAGES[status]
    if status == "denied" and reason is None and not base.message:
        message = "denied by policy"
    if reason is not None:
        message = f"{_MESSAGES[status]}: {reason.text}"
    return replace(base, status=status, risk=risk, message=message)
