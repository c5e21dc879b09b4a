"""The verdict pipeline's seam: whatever judges an action returns a Judgement.

Until a policy is loaded the gate holds everything (`hold_everything`): never allowed by default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui.model import Action, Reason, Requirement, Risk


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
