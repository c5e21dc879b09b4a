"""RecentScreen: the base of the screens that summarise recent actions in a table (agents, policy).

It reads the pending set and the gate's latest 1,000 actions, keeps absorbing the live feed, and redraws
its table at most once a second. Tables hold Rich `Text` cells built by `ui_rich`, never `str` cells
(DataTable parses `str` cells as markup).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.live import Changed, GateUnavailable, Link, Snapshot, Unconfirmed
from tui.model import Action
from tui.screens.host import follow, host, show_link
from tui.ui_text import ui_content
from tui.widgets.app_bar import AppBar
from tui.widgets.key_bar import KeyBar
from tui.widgets.link_banner import LinkBanner

RECENT = 1000


class RecentScreen(Screen[None]):
    """Subclasses set `TAB`, `NOTE` and `COLUMNS`, and implement `absorb` and `table_rows`."""

    TAB: ClassVar[str] = ""
    NOTE: ClassVar[str] = ""
    COLUMNS: ClassVar[tuple[str, ...]] = ()
    DEFAULT_CSS = """
    RecentScreen {
        #recent-note { padding: 0 1; color: $text-muted; background: $boost; }
        DataTable { height: 1fr; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.dirty = True
        self.problem = ""
        self.link: Link | None = None

    def compose(self) -> ComposeResult:
        yield AppBar(self.TAB)
        yield LinkBanner()
        yield Static(id="recent-note")
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        live = follow(self, self._on_link, self._on_actions)
        self.query_one(DataTable).add_columns(*self.COLUMNS)
        self._absorb_all(live.source.pending())
        self.run_worker(self._load(), group="recent")
        self.set_interval(1.0, self._redraw)
        self._redraw()

    async def _load(self) -> None:
        try:
            self._absorb_all(await host(self).source.list(status=None, limit=RECENT))
            self.problem = ""
        except (GateUnavailable, Unconfirmed) as exc:
            self.problem = f"could not read recent actions: {exc}"
        self.dirty = True
        self._redraw()

    def _on_actions(self, event: Snapshot | Changed) -> None:
        self._absorb_all(event.actions)
        if isinstance(event, Snapshot):
            self.run_worker(self._load(), group="recent")

    def _on_link(self, link: Link) -> None:
        self.link = link
        show_link(self, link)
        self.dirty = True

    def _absorb_all(self, actions: Iterable[Action]) -> None:
        for action in actions:
            self.absorb(action)
        self.dirty = True

    def _redraw(self) -> None:
        if not self.dirty:
            return
        self.dirty = False
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in self.table_rows(host(self).clock()):
            table.add_row(*row)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        note: list[str | tuple[str, str]] = [self.NOTE]
        if self.problem:
            note += ["  ", (self.problem, "bold $error")]
        self.query_one("#recent-note", Static).update(ui_content(*note))

    def absorb(self, action: Action) -> None:
        raise NotImplementedError

    def table_rows(self, now: float) -> list[tuple[Text, ...]]:
        raise NotImplementedError
