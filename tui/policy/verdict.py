"""From an evaluation and an agent's autonomy to allow / hold / deny (DESIGN.md's autonomy table).

Order matters and is fixed: an explicit deny rule wins over everything; `halt` denies everything; a rule
asking for a human, or a critical level, always holds; `observe` allows only read-only low actions (never
more than `supervised` would); an explicit allow rule lets any other level up to high go; otherwise the
level must be within what the autonomy allows. Unknown autonomy names hold (fail closed).
"""

from __future__ import annotations

from typing import Protocol

from tui.model import Risk

AUTONOMY: dict[str, str | None] = {
    "halt": None, "observe": "low", "supervised": "low", "trusted": "medium", "autonomous": "high",
}
_ORDER = ("low", "medium", "high", "critical")


class Judged(Protocol):
    @property
    def risk(self) -> Risk: ...
    @property
    def rule_verdict(self) -> str | None: ...
    @property
    def needs_human(self) -> bool: ...


def compose(ev: Judged, autonomy: str = "supervised") -> str:
    """`allow`, `hold` or `deny` for `ev` at `autonomy`."""
    if ev.rule_verdict == "deny" or autonomy == "halt":
        return "deny"
    if autonomy not in AUTONOMY or ev.needs_human or ev.risk.level not in _ORDER[:3]:
        return "hold"
    if autonomy == "observe":
        return "allow" if ev.risk.read_only and ev.risk.level == "low" else "hold"
    if ev.rule_verdict == "allow":
        return "allow"
    ceiling = AUTONOMY[autonomy] or "low"
    return "allow" if _ORDER.index(ev.risk.level) <= _ORDER.index(ceiling) else "hold"
