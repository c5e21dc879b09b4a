"""ListHeader: the column titles above an ActionList, laid out by the same column set as its rows."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from tui.widgets.columns import Columns


class ListHeader(Widget):
    """One line of column titles; re-laid out on resize so it always lines up with the rows."""

    DEFAULT_CSS = """
    ListHeader {
        height: 1;
        background: $panel;
        color: $text-muted;
        text-style: bold;
    }
    """

    def __init__(self, columns: Columns, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns

    def render(self) -> Content:
        return self.columns.header(self.size.width)
