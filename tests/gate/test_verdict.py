"""The verdict function, table-driven over autonomy level x risk x rule verdict x requirement."""

from __future__ import annotations

import itertools

import pytest

from tui.gate.judge import Judgement, compose, overlay
from tui.model import Requirement, Risk

LEVELS = ("halt", "observe", "supervised", "trusted", "autonomous")
RISKS = ("low", "medium", "high", "critical")
#: The highest risk each autonomy level takes without a human (DESIGN.md), written out independently.
CEILING = {"halt": None, "observe": "low", "supervised": "low", "trusted": "medium", "autonomous": "high"}


def expected(
    level: str, risk: str, read_only: bool, rule: str | None, needs_human: bool, over_rate: bool
) -> str:
    """DESIGN.md's rules, restated independently of the code under test."""
    if rule == "deny" or level == "halt":
        return "denied"
    if needs_human or risk == "critical":
        return "pending"
    if level == "observe":
        ok = read_only and risk == "low"  # reads only, and never looser than supervised
    elif rule == "allow":
        ok = True  # an explicit allow rule lets anything up to high through
    else:
        ok = RISKS.index(risk) <= RISKS.index(CEILING[level] or "low")
    if not ok:
        return "pending"
    return "pending" if over_rate else "allowed"


CASES = list(
    itertools.product(LEVELS, RISKS, (True, False), (None, "allow", "deny"), (False, True), (False, True))
)


@pytest.mark.parametrize(("level", "risk", "read_only", "rule", "needs_human", "over_rate"), CASES)
def test_compose_table(
    level: str, risk: str, read_only: bool, rule: str | None, needs_human: bool, over_rate: bool
) -> None:
    status, reason = compose(
        Risk(level=risk, read_only=read_only), rule, needs_human, level, "why", over_rate=over_rate
    )
    assert status == expected(level, risk, read_only, rule, needs_human, over_rate)
    if status == "denied" and rule != "deny":
        assert reason is not None and reason.rule == "autonomy-halt" and "a human stopped it" in reason.text


def test_critical_is_never_allowed_at_any_level_even_by_an_allow_rule() -> None:
    for level, rule in itertools.product(LEVELS, (None, "allow")):
        status, _ = compose(Risk(level="critical", read_only=True), rule, False, level, "", over_rate=False)
        assert status != "allowed", (level, rule)


def test_rate_limit_holds_with_a_reason_instead_of_dropping() -> None:
    status, reason = compose(Risk(level="low"), None, False, "supervised", "", over_rate=True)
    assert status == "pending"
    assert reason is not None and reason.rule == "rate-limit"


def test_overlay_clamps_a_custom_judges_allow_to_the_agents_autonomy() -> None:
    allowed = Judgement("allowed", Risk(score=60, level="high"), Requirement())
    held = overlay(allowed, "supervised", "default", over_rate=False)
    assert held.status == "pending"
    assert held.risk.reasons[-1].rule == "autonomy"
    assert overlay(allowed, "autonomous", "set by bob", over_rate=False).status == "allowed"
    denied = overlay(allowed, "halt", "set by bob", over_rate=False)
    assert (
        denied.status == "denied"
        and denied.message == "denied: this agent is halted (set by bob): a human stopped it"
    )
