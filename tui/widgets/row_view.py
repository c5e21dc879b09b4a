"""RowView: the cursor, scrolling and repainting half of a virtual list (Line API) over a RowSet.

The cursor follows its row, not its index: after rows join or leave, the selected action stays selected
and rows that landed above the viewport do not move what is on screen. Only the lines from the first
changed row down are repainted, and the virtual height changes without a screen-wide layout pass.
Subclasses render the lines and say what to announce (`_rows_changed`, `_cursor_moved`, `_opened`).
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.reactive import var
from textual.scroll_view import ScrollView

from tui.widgets.row_set import Row, RowSet


class RowView(ScrollView):
    """A scrollable view of `rows.view` with a cursor that stays on its row."""

    count: var[int] = var(0)
    """How many rows the view shows (after the filter); a `var`, since repainting every line because
    the count changed would undo the partial refreshes."""

    def __init__(self, rows: RowSet, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows = rows
        self.cursor = 0
        self._selected: Row | None = None
        self._scrollbar_due = False

    def _rows_changed(self, selection_changed: bool) -> None:
        """Rows joined, left or were filtered."""

    def _cursor_moved(self) -> None:
        """The cursor moved to another row."""

    def _opened(self) -> None:
        """The row under the cursor was double-clicked."""

    def _keep_place(self) -> _Anchor:
        return _Anchor(self)

    def _set_height(self, rows: int) -> None:
        """Resize the virtual canvas. Only the scrollbar depends on it, so unless the scrollbar appears or
        disappears, skip the screen-wide layout pass a `virtual_size` assignment costs (~20 ms at 160x48,
        paid on every arrival otherwise); Textual's own layout code updates scrolling the same way."""
        size = Size(self.size.width, rows)
        height = self.scrollable_content_region.height
        if self.is_mounted and height and (self.virtual_size.height > height) == (rows > height):
            self.set_reactive(RowView.virtual_size, size)
            if self.scroll_y > max(0, rows - height):
                self._scroll_update(size)
            elif not self._scrollbar_due:  # the thumb follows within 0.2 s, not on every arrival
                self._scrollbar_due = True
                self.set_timer(0.2, self._sync_scrollbar)
        else:
            self.virtual_size = size

    def _sync_scrollbar(self) -> None:
        self._scrollbar_due = False
        self._scroll_update(self.virtual_size)

    def _after_change(self, top: tuple[object, ...] | None, selected_key: tuple[object, ...] | None) -> None:
        view = self.rows.view
        self._set_height(len(view))
        self.count = len(view)
        previous = self._selected
        if selected_key is not None and view:
            current = self.rows.by_id.get(previous.action.id) if previous is not None else None
            index = self.rows.index_of(current.key if current is not None else selected_key)
            self.cursor = min(index, len(view) - 1)
        self.cursor = max(0, min(self.cursor, len(view) - 1))
        self._selected = view[self.cursor] if view else None
        scroll_y = round(self.scroll_y)
        if top is not None:
            self.scroll_to(y=self.rows.index_of(top), animate=False, immediate=True)
        if not self._keep_cursor_visible() and round(self.scroll_y) == scroll_y:
            # Only lines from the first changed row down moved; cached strips stay valid (keyed by row).
            bottom = scroll_y + self.scrollable_content_region.height
            if self.rows.touched < bottom:
                first = max(self.rows.touched, scroll_y)
                self.refresh_lines(first, bottom - first)
        self.rows.touched = len(view)
        self._rows_changed(self._selected is not previous)

    def move_to(self, index: int) -> None:
        view = self.rows.view
        if not view:
            return
        index = max(0, min(index, len(view) - 1))
        if index == self.cursor and self._selected is view[index]:
            return
        old, self.cursor = self.cursor, index
        self._selected = view[index]
        if not self._keep_cursor_visible():
            self.refresh_line(old)
            self.refresh_line(index)
        self._cursor_moved()

    def _keep_cursor_visible(self) -> bool:
        top, height = round(self.scroll_y), max(1, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
            return True
        if self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)
            return True
        return False

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(1, self.scrollable_content_region.height - 1))

    def action_jump(self, where: int) -> None:
        self.move_to(len(self.rows.view) - 1 if where < 0 else where)

    def on_click(self, event: events.Click) -> None:
        self.move_to(round(self.scroll_y) + event.y)
        if event.chain == 2:
            self._opened()


class _Anchor:
    """Remember what is on top of the viewport and what is selected; restore both after a change."""

    def __init__(self, owner: RowView) -> None:
        self.owner = owner

    def __enter__(self) -> None:
        owner, view = self.owner, self.owner.rows.view
        top = round(owner.scroll_y)
        self.top = view[top].key if 0 < top < len(view) else None
        self.selected = owner._selected.key if owner._selected is not None else None

    def __exit__(self, *exc: object) -> None:
        self.owner._after_change(self.top, self.selected)
