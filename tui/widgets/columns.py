"""Column sets for the action lists: how one action becomes one line of segments.

A column set knows its sort key, which actions belong (pending vs resolved), whether its cells tick with
the clock, the header line, and the row. Agent text goes through `ui_plain` (visible escapes) and into
`Segment`s, which are never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.content import Content

from tui.model import Action
from tui.ui_text import ui_plain
from tui.widgets.cells import (
    URGENT_S,
    age,
    badge,
    history_key,
    is_production,
    last_decision,
    queue_key,
    short_environment,
    time_left,
)

Palette = Mapping[str, Style]


class Columns(Protocol):
    ticking: bool

    def clock_text(self, action: Action, now: float) -> tuple[str, ...]:
        """The cells that depend on the clock: a row repaints on a tick only when these change."""
        ...

    def key(self, action: Action) -> tuple[Any, ...]: ...

    def accepts(self, action: Action) -> bool: ...

    def header(self, width: int) -> Content: ...

    def row(
        self, action: Action, width: int, now: float, palette: Palette, marked: bool
    ) -> list[Segment]: ...


def fit(text: str, width: int) -> str:
    """Exactly `width` cells: padded, or cut with a visible ellipsis (the detail pane shows all)."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _widths(width: int, fixed: int) -> tuple[int, int, int]:
    agent = max(10, min(22, width // 7))
    env = 8 if width >= 100 else 5
    return agent, env, max(8, width - fixed - agent - env - 2)


def _lead(prod: bool, marked: bool, palette: Palette) -> list[Segment]:
    """Two cells: a red stripe for production, then the bulk-selection mark."""
    return [
        Segment("▌" if prod else " ", palette["prod-stripe"] if prod else None),
        Segment("●" if marked else " ", palette["marked"] if marked else None),
    ]


class QueueColumns:
    """Pending actions: level, score, waiting for, expires in, agent, environment, summary.

    Below 90 cells the WAIT column goes (the header shows the oldest wait) so the summary keeps room.
    """

    ticking = True

    def key(self, action: Action) -> tuple[Any, ...]:
        return queue_key(action)

    def accepts(self, action: Action) -> bool:
        return action.status == "pending"

    def clock_text(self, action: Action, now: float) -> tuple[str, ...]:
        return age(now - action.created_at), time_left(action.expires_at, now)

    @staticmethod
    def _layout(width: int) -> tuple[bool, int, int, int]:
        wait = width >= 90
        agent, env, summary = _widths(width, 2 + 6 + 5 + (7 if wait else 0) + 8)
        return wait, agent, env, summary

    def header(self, width: int) -> Content:
        wait, agent, env, _ = self._layout(width)
        text = (
            f"  {'LEVEL':<6}{'RISK':>4} "
            + (f"{'WAIT':>6} " if wait else "")
            + f"{'EXPIRES':>7} {'AGENT':<{agent}} {'ENV':<{env}} SUMMARY"
        )
        return Content(fit(text, width))

    def row(
        self, action: Action, width: int, now: float, palette: Palette, marked: bool = False
    ) -> list[Segment]:
        wait, agent_w, env_w, summary_w = self._layout(width)
        level, env = action.risk.level, short_environment(action)
        prod = is_production(action)
        waited, left_text = self.clock_text(action, now)
        urgent = (action.expires_at or now) - now < URGENT_S
        return [
            *_lead(prod, marked, palette),
            Segment(f" {badge(level):<4} ", palette.get(level, palette["medium"])),
            Segment(f"{action.risk.score:>4} "),
            Segment(f"{waited:>6} " if wait else "", palette["dim"]),
            Segment(f"{left_text:>7} ", palette["warn"] if urgent else None),
            Segment(fit(ui_plain(action.agent.id), agent_w) + " "),
            Segment(fit(ui_plain(env or "-"), env_w), palette["prod"] if prod else palette["dim"]),
            Segment(" "),
            Segment(fit(ui_plain(action.summary), summary_w)),
        ]


class HistoryColumns:
    """Resolved actions: when, outcome, level, agent, environment, who decided and why, summary."""

    ticking = True
    OUTCOME: ClassVar[dict[str, str]] = {
        "approved": "good",
        "allowed": "good",
        "rejected": "bad",
        "denied": "bad",
    }

    def key(self, action: Action) -> tuple[Any, ...]:
        return history_key(action)

    def accepts(self, action: Action) -> bool:
        return action.status != "pending"

    def clock_text(self, action: Action, now: float) -> tuple[str, ...]:
        return (age(now - (action.resolved_at or action.created_at)),)

    def header(self, width: int) -> Content:
        agent, env, rest = _widths(width, 2 + 8 + 10 + 6)
        who = max(6, min(12, rest // 4))
        text = (
            f"  {'AGO':>7} {'OUTCOME':<9} {'LEVEL':<6}{'AGENT':<{agent}} {'ENV':<{env}} "
            f"{'BY':<{who}} REASON · SUMMARY"
        )
        return Content(fit(text, width))

    def row(
        self, action: Action, width: int, now: float, palette: Palette, marked: bool = False
    ) -> list[Segment]:
        agent_w, env_w, rest = _widths(width, 2 + 8 + 10 + 6)
        who_w = max(6, min(12, rest // 4))
        by, why = last_decision(action)
        level, prod = action.risk.level, is_production(action)
        tail = f"{why} · {action.summary}" if why else action.summary
        return [
            *_lead(prod, marked, palette),
            Segment(f"{self.clock_text(action, now)[0]:>7} ", palette["dim"]),
            Segment(f"{action.status:<9} ", palette.get(self.OUTCOME.get(action.status, "dim"))),
            Segment(f" {badge(level):<4} ", palette.get(level, palette["medium"])),
            Segment(fit(ui_plain(action.agent.id), agent_w) + " "),
            Segment(
                fit(ui_plain(short_environment(action) or "-"), env_w) + " ",
                palette["prod"] if prod else palette["dim"],
            ),
            Segment(fit(ui_plain(by or "-"), who_w) + " "),
            Segment(fit(ui_plain(tail), max(4, rest - who_w - 1))),
        ]
