"""HistoryScreen: resolved actions, most recent first: who decided, when and why; filterable.

The first page comes from the gate's `list`; older pages load as the cursor reaches the end; actions
resolved while the screen is open arrive live from the feed.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.live import Changed, GateUnavailable, Link, Snapshot, Unconfirmed
from tui.screens.detail import DetailScreen
from tui.screens.host import follow, host, show_link
from tui.ui_text import ui_content
from tui.widgets.action_list import ActionList
from tui.widgets.app_bar import AppBar
from tui.widgets.columns import HistoryColumns
from tui.widgets.filter_bar import FilterBar
from tui.widgets.key_bar import KeyBar
from tui.widgets.link_banner import LinkBanner
from tui.widgets.list_header import ListHeader

PAGE = 500


class HistoryScreen(Screen[None]):
    """Resolved actions (approved, rejected, expired, allowed, denied, cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="history.filter"),
        Binding("L", "more", "Load older", id="history.more"),
    ]
    DEFAULT_CSS = """
    HistoryScreen #history-stats { height: 1; background: $boost; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.columns = HistoryColumns()
        self.oldest: str | None = None
        self.exhausted = False
        self._paging = False
        self.problem = ""

    def compose(self) -> ComposeResult:
        yield AppBar("history")
        yield LinkBanner()
        yield Static(id="history-stats")
        yield ListHeader(self.columns)
        yield ActionList(self.columns, clock=host(self).clock, id="history")
        yield FilterBar(id="filter")
        yield KeyBar()

    def on_mount(self) -> None:
        follow(self, self._on_link, self._on_actions)
        self.query_one(ActionList).focus()
        self.action_more()

    @property
    def actions_list(self) -> ActionList:
        return self.query_one("#history", ActionList)

    def _on_actions(self, event: Snapshot | Changed) -> None:
        if isinstance(event, Changed):
            self.actions_list.upsert(event.actions)
        else:  # reconnected: pick up what was resolved meanwhile
            self.run_worker(self._page(newest=True), group="history-newest")

    def _on_link(self, link: Link) -> None:
        show_link(self, link)

    def action_more(self) -> None:
        if not self._paging and not self.exhausted:
            self._paging = True
            self.run_worker(self._page(), group="history-page")

    async def _page(self, *, newest: bool = False) -> None:
        """One page older than what is loaded (or the newest page, after a reconnect)."""
        try:
            page = await host(self).source.list(
                status=None, limit=PAGE, before=None if newest else self.oldest
            )
        except (GateUnavailable, Unconfirmed) as exc:
            self.problem = f"could not load history: {exc}"
        else:
            self.problem = ""
            if page and (not newest or self.oldest is None):
                self.oldest = page[-1].id
                self.exhausted = len(page) < PAGE
            self.actions_list.upsert(page)
        finally:
            if not newest:
                self._paging = False
        self._stats()

    def on_action_list_updated(self, event: ActionList.Updated) -> None:
        self._stats()

    def on_action_list_highlighted(self, event: ActionList.Highlighted) -> None:
        rows = self.actions_list
        if rows.count and rows.cursor >= rows.count - 1 and not self.exhausted:
            self.action_more()

    def on_action_list_opened(self, event: ActionList.Opened) -> None:
        self.app.push_screen(DetailScreen(event.action, tab="history"))

    def _stats(self) -> None:
        rows = self.actions_list.rows
        parts: list[str | tuple[str, str]] = [
            ("RESOLVED ", "bold"),
            (f"{len(rows.rows):,}", "bold"),
            " loaded" if not self.exhausted else " (all)",
        ]
        if rows.terms:
            parts += ["  ", ("filter ", "bold $accent"), " ".join(rows.terms), f" ({len(rows):,} shown)"]
        if not self.exhausted:
            parts.append("  · L or the end of the list loads older")
        if self.problem:
            parts += ["  ", (self.problem, "bold $error")]
        self.query_one("#history-stats", Static).update(ui_content(*parts))

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterBar):
            self.actions_list.set_filter(event.value)

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.actions_list.focus()
