"""QueueStats: the queue's header line: counts by level, the oldest wait, policy, filter and marks."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.live import Link
from tui.timefmt import duration
from tui.ui_text import ui_content
from tui.widgets.detail_text import LEVEL_STYLE
from tui.widgets.queue_tally import QueueTally

LEVELS = ("critical", "high", "medium", "low")


class QueueStats(Widget):
    """Re-rendered when the queue changes and once a second (the oldest wait keeps growing)."""

    DEFAULT_CSS = """
    QueueStats {
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    """

    shown: reactive[int] = reactive(0)
    """Rows the filter lets through."""
    filter_text: reactive[str] = reactive("")
    """The active filter, if any."""
    marked: reactive[int] = reactive(0)
    """Rows marked for a bulk decision."""
    policy: reactive[str] = reactive("")
    """The policy hash the newest action was judged with ('' when no policy is loaded)."""
    link: reactive[Link | None] = reactive(None)
    """The gate connection; its status names the loaded policy (and any load error) when the gate says."""

    def __init__(
        self, tally: QueueTally, *, clock: Callable[[], float] = time.time, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.tally = tally
        self.clock = clock

    def on_mount(self) -> None:
        self.set_interval(1.0, self.refresh)

    def render(self) -> Content:
        tally = self.tally
        parts: list[str | Content | tuple[str, str]] = [
            ("PENDING ", "bold"),
            (f"{tally.total:,}", "bold"),
            "  ",
        ]
        for level in LEVELS:
            count = tally.levels.get(level, 0)
            parts += [(f" {count:,} {level} ", LEVEL_STYLE[level] if count else "$text-muted"), " "]
        oldest = tally.oldest()
        if oldest is not None:
            parts += [" oldest ", (duration(self.clock() - oldest), "bold")]
        parts += self._policy()
        if self.filter_text:
            parts += ["  ", ("filter ", "bold $accent"), self.filter_text, f" ({self.shown:,} shown)"]
        if self.marked:
            parts += ["  ", (f"{self.marked:,} marked", "bold $accent")]
        return ui_content(*parts)

    def _policy(self) -> list[str | Content | tuple[str, str]]:
        link = self.link
        if link is not None and link.policy_error:
            return ["  ", (f"policy error: {link.policy_error}", "bold $error")]
        current = link.policy if link is not None and link.policy is not None else self.policy
        return [f"  policy {current[:12] or 'none loaded'}"]
