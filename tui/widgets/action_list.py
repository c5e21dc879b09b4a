"""ActionList: a Line-API virtual list of actions (`ScrollView` + `render_line`).

Only visible lines are ever rendered, so 100,000 rows cost what 40 do. The cursor follows its action,
not its index: when rows arrive or leave, the selected action stays selected and rows that land above
the viewport do not move what is on screen. Loads run in chunks (row_loading.py), so even 100,000 rows
never stall the event loop for long; an arrival repaints only the lines that moved.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.message import Message
from textual.strip import Strip

from tui.model import Action
from tui.widgets.columns import Columns
from tui.widgets.row_loading import apply_difference, sorted_rows, top_rows
from tui.widgets.row_set import Row, RowSet, Tally
from tui.widgets.row_view import RowView

PREVIEW_OVER, PREVIEW_ROWS = 2000, 200  # above this many rows, show the top 200 while the rest sort
_LEVELS = ("critical", "high", "medium", "low")
_PALETTE = ("cursor", "marked", *_LEVELS, "prod", "prod-stripe", "dim", "warn", "good", "bad")


class ActionList(RowView, can_focus=True):
    """A sorted, filterable list of actions with a cursor and (optionally) marks for bulk decisions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False, id="list.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="list.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="list.page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="list.page-down"),
        Binding("home", "jump(0)", "First", show=False, id="list.first"),
        Binding("end", "jump(-1)", "Last", show=False, id="list.last"),
        Binding("enter", "open", "Open", id="list.open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"action-list--{name}" for name in _PALETTE}
    DEFAULT_CSS = """
    ActionList {
        background: $surface;
        overflow-x: hidden;
        scrollbar-size-vertical: 0;
        & > .action-list--cursor { background: $secondary 30%; }
        &:focus > .action-list--cursor { background: $secondary 60%; text-style: bold; }
        & > .action-list--marked { color: $accent; text-style: bold; }
        & > .action-list--critical { background: $error; color: $text; text-style: bold; }
        & > .action-list--high { background: $warning; color: black; text-style: bold; }
        & > .action-list--medium { background: $primary 40%; color: $text; }
        & > .action-list--low { background: $success 30%; color: $text-muted; }
        & > .action-list--prod { color: $error; text-style: bold reverse; }
        & > .action-list--prod-stripe { color: $error; }
        & > .action-list--dim { color: $text-muted; }
        & > .action-list--warn { color: $warning; text-style: bold; }
        & > .action-list--good { color: $success; }
        & > .action-list--bad { color: $error; }
    }
    """

    class Highlighted(Message):
        """The selected action changed (another row, or the same action updated)."""

        def __init__(self, action_list: ActionList, action: Action | None) -> None:
            super().__init__()
            self.action_list = action_list
            self.action = action

        @property
        def control(self) -> ActionList:
            return self.action_list

    class Opened(Message):
        """The user asked for the selected action's details."""

        def __init__(self, action: Action) -> None:
            super().__init__()
            self.action = action

    class Updated(Message):
        """Rows joined, left or were filtered: headers and counts should refresh."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ActionList.Updated)

    def __init__(
        self,
        columns: Columns,
        *,
        clock: Callable[[], float] = time.time,
        tally: Tally | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(RowSet(columns.key, columns.accepts, tally), id=id, classes=classes)
        self.columns = columns
        self.clock = clock
        self._loading: list[Iterable[Action]] | None = None
        self._cache: LRUCache[tuple[object, ...], tuple[Row, Strip]] = LRUCache(1024)
        self._styles: dict[str, Style] | None = None

    def on_mount(self) -> None:
        if self.columns.ticking:
            self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        """Repaint the visible rows whose clock cells (age, countdown) now read differently."""
        top, now, width = round(self.scroll_y), self.clock(), self.scrollable_content_region.width
        view = self.rows.view
        for index in range(top, min(len(view), top + self.scrollable_content_region.height)):
            if self._line_key(view[index], index, width, now) not in self._cache:
                self.refresh_line(index)

    # --- data in ------------------------------------------------------------------------------------

    @property
    def selected(self) -> Action | None:
        return self._selected.action if self._selected is not None else None

    def _rows_changed(self, selection_changed: bool) -> None:
        self.post_message(self.Updated())
        if selection_changed:
            self.post_message(self.Highlighted(self, self.selected))

    def _cursor_moved(self) -> None:
        self.post_message(self.Highlighted(self, self.selected))

    def load(self, actions: list[Action]) -> None:
        """Replace every row (a snapshot), keeping the selection if its action is still there."""
        self._loading = []
        self.run_worker(self._load(actions), exclusive=True, group="load")

    async def _load(self, actions: list[Action]) -> None:
        """A first load, or the difference from what is shown (a reconnect), then what arrived meanwhile;
        in chunks, yielding to the event loop between them, so 100,000 rows never stall the screen."""
        if self.rows.by_id:
            await self._reload(actions)
        else:
            await self._first_load(actions)
        deferred, self._loading = self._loading or [], None
        for batch in deferred:
            self.upsert(batch)

    async def _first_load(self, actions: list[Action]) -> None:
        """Many rows: show the top of the list first (exact, found in one pass), then the whole list."""
        key, accepts = self.columns.key, self.columns.accepts
        if len(actions) > PREVIEW_OVER:
            preview = await top_rows(actions, key, accepts, PREVIEW_ROWS)
            with self._keep_place():
                self.rows.adopt(preview, {row.action.id: row for row in preview})
        rows, by_id = await sorted_rows(actions, key, accepts, self.rows.tally)
        with self._keep_place():
            self.rows.adopt(rows, by_id)

    async def _reload(self, actions: list[Action]) -> None:
        def apply(changed: list[Action]) -> None:
            with self._keep_place():
                self.rows.upsert(changed)

        gone = await apply_difference(self.rows.by_id, actions, apply)
        if gone:
            with self._keep_place():
                self.rows.discard(gone)

    def upsert(self, actions: Iterable[Action]) -> None:
        """Apply new or changed actions (those no longer accepted leave the list)."""
        if self._loading is not None:
            self._loading.append(list(actions))
            return
        with self._keep_place():
            self.rows.upsert(actions)

    def set_filter(self, text: str) -> None:
        with self._keep_place():
            self.rows.set_filter(text)

    # --- rendering ----------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._styles = None

    def _palette(self) -> dict[str, Style]:
        """Component styles and the base style, resolved once per style change (not once per line)."""
        if self._styles is None:
            self._styles = {name: self.get_component_rich_style(f"action-list--{name}") for name in _PALETTE}
            self._styles["base"] = self.rich_style
        return self._styles

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        view = self.rows.view
        palette = self._palette()
        if index >= len(view):
            return Strip.blank(width, palette["base"])
        row = view[index]
        now = self.clock()
        marked = row.action.id in self.rows.marks
        key = self._line_key(row, index, width, now)
        cached = self._cache.get(key)
        if cached is not None and cached[0] is row:  # the entry holds its row, so ids cannot be reused
            return cached[1]
        segments = self.columns.row(row.action, width, now, palette, marked)
        style = palette["base"] + palette["cursor"] if index == self.cursor else palette["base"]
        strip = Strip(Segment.apply_style(segments, style)).adjust_cell_length(width, style)
        self._cache[key] = (row, strip)
        return strip

    def _line_key(self, row: Row, index: int, width: int, now: float) -> tuple[object, ...]:
        clock = self.columns.clock_text(row.action, now) if self.columns.ticking else ()
        return (id(row), width, index == self.cursor, row.action.id in self.rows.marks, clock)

    # --- keys and mouse -----------------------------------------------------------------------------

    def action_open(self) -> None:
        if self.selected is not None:
            self.post_message(self.Opened(self.selected))

    def _opened(self) -> None:
        self.action_open()

    def toggle_mark(self) -> bool | None:
        """Mark or unmark the selected row; returns the new state (None: nothing selected)."""
        if self._selected is None:
            return None
        state = self.rows.toggle_mark(self._selected.action.id)
        self.refresh_line(self.cursor)
        self.post_message(self.Updated())
        return state

    def set_marks(self, ids: Iterable[str]) -> None:
        self.rows.marks = set(ids) & self.rows.by_id.keys()
        self._cache.clear()
        self.refresh()
        self.post_message(self.Updated())
