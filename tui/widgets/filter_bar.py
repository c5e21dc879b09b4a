"""FilterBar: the `/` search line under the queue; the list follows as you type."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """Words must all match (any order, any case); `env:prod`, `level:high`, `agent:ID`, `kind:sql` narrow
    to a field. Enter keeps the filter and returns to the list; Escape clears it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear filter", id="filter.clear"),
    ]
    DEFAULT_CSS = """
    FilterBar {
        dock: bottom;
        display: none;
        border: tall $accent;
        &.-open { display: block; }
    }
    """

    class Closed(Message):
        """The filter bar gave focus back to the list (the filter text stays applied unless cleared)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder="filter: words, env:prod, level:high, agent:ID …  (Enter keep · Esc clear)",
            id=id,
            select_on_focus=False,
        )

    def open(self) -> None:
        self.add_class("-open")
        self.focus()

    def action_clear(self) -> None:
        self.value = ""
        self._close()

    async def action_submit(self) -> None:
        self._close()

    def _close(self) -> None:
        if not self.value:
            self.remove_class("-open")
        self.post_message(self.Closed())
