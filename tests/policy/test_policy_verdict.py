"""DESIGN.md's autonomy table, as `compose` implements it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tui.model import Risk
from tui.policy.verdict import compose


@dataclass
class Ev:
    risk: Risk
    rule_verdict: str | None = None
    needs_human: bool = False


def ev(level: str, read_only: bool = False, **kw: object) -> Ev:
    return Ev(Risk(score=0, level=level, read_only=read_only), **kw)  # type: ignore[arg-type]


TABLE = {
    # level: (observe, supervised, trusted, autonomous) for a non-read-only action
    "low": ("hold", "allow", "allow", "allow"),
    "medium": ("hold", "hold", "allow", "allow"),
    "high": ("hold", "hold", "hold", "allow"),
    "critical": ("hold", "hold", "hold", "hold"),
}


@pytest.mark.parametrize("level", list(TABLE))
def test_autonomy_table(level: str) -> None:
    got = tuple(compose(ev(level), a) for a in ("observe", "supervised", "trusted", "autonomous"))
    assert got == TABLE[level]
    assert compose(ev(level), "halt") == "deny"


def test_observe_allows_read_only_low_only() -> None:
    assert compose(ev("low", read_only=True), "observe") == "allow"
    assert compose(ev("medium", read_only=True), "observe") == "hold"


def test_deny_rule_wins_and_allow_rule_never_passes_critical_or_a_human() -> None:
    assert compose(ev("low", rule_verdict="deny"), "autonomous") == "deny"
    assert compose(ev("high", rule_verdict="allow"), "supervised") == "allow"
    assert compose(ev("critical", rule_verdict="allow"), "autonomous") == "hold"
    assert compose(ev("low", rule_verdict="allow", needs_human=True), "autonomous") == "hold"
    assert compose(ev("medium", rule_verdict="allow"), "observe") == "hold"


def test_needs_human_holds_at_every_level_and_unknown_autonomy_holds() -> None:
    assert compose(ev("low", needs_human=True), "autonomous") == "hold"
    assert compose(ev("low"), "yolo") == "hold"
