"""PulseScreen: is review keeping pace with the agents? The gate's governance report, from its audit log.

Arrivals of held actions against decisions, time to decision by level, expiry and rubber-stamp rates,
load per approver, rules that fire most and never. `r` refreshes; the window is the last 24 hours.
Agent and rule names inside the report are agent-influenced text, so it is shown through ui_text.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tui.live import GateRefused, GateUnavailable, Link, Unconfirmed
from tui.screens.host import follow, host, show_link
from tui.ui_text import ui_text
from tui.widgets.app_bar import AppBar
from tui.widgets.key_bar import KeyBar

WINDOW_S = 24 * 3600.0


class PulseScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "refresh", "Refresh", id="pulse.refresh")]
    DEFAULT_CSS = """
    PulseScreen {
        #report { padding: 1 2; }
    }
    """

    def compose(self) -> ComposeResult:
        yield AppBar("pulse")
        with VerticalScroll():
            yield Static(Content("loading the governance report…"), id="report")
        yield KeyBar()

    def on_mount(self) -> None:
        follow(self, self._on_link)
        self.action_refresh()

    def _on_link(self, link: Link) -> None:
        show_link(self, link)

    def action_refresh(self) -> None:
        self.run_worker(self._load(), group="pulse", exclusive=True)

    async def _load(self) -> None:
        report = self.query_one("#report", Static)
        try:
            reply = await host(self).source.control("report", since_s=WINDOW_S)
        except (GateRefused, GateUnavailable, Unconfirmed) as exc:
            report.update(Content(f"No report: {exc}"))
            return
        report.update(ui_text(str(reply["report"].get("text", "")), multiline=True))
