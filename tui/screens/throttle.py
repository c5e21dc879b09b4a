"""ThrottleDialog: pick an agent's autonomy level, an optional time box and a reason.

Dismisses with a `Throttle` (the gate still decides whether this person may set it), or None on Escape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.commands.autonomy import parse_duration
from tui.statuses import AUTONOMY_LEVELS
from tui.ui_text import ui_text

MEANING = {
    "halt": "nothing: every action denied (kill switch)",
    "observe": "read-only actions only",
    "supervised": "low risk without a human (default)",
    "trusted": "up to medium without a human",
    "autonomous": "up to high without a human (critical always needs one)",
}


@dataclass(frozen=True, slots=True)
class Throttle:
    level: str
    for_s: float | None
    reason: str


class ThrottleDialog(ModalScreen[Throttle | None]):
    """Level from the list (Enter), then an optional duration and a reason (Enter sends)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="throttle.cancel")]
    DEFAULT_CSS = """
    ThrottleDialog {
        align: center middle;
        #dialog { width: 80%; max-width: 90; height: auto; border: thick $warning; background: $panel;
                  padding: 1 2; }
        #title { text-style: bold; margin-bottom: 1; }
        OptionList { height: auto; max-height: 7; margin-bottom: 1; }
        #hint { color: $text-muted; margin-top: 1; }
        #hint.-error { color: $error; text-style: bold; }
    }
    """

    def __init__(self, agent: str, current: str) -> None:
        super().__init__()
        self.agent = agent
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Content.assemble("Autonomy of ", ui_text(self.agent), f" (now {self.current})")
            yield Static(title, id="title")
            yield OptionList(
                *(Option(Content(f"{lvl:<11} {MEANING[lvl]}"), id=lvl) for lvl in AUTONOMY_LEVELS)
            )
            yield Input(placeholder="for how long: 30m, 2h (empty: until changed)", id="for")
            yield Input(placeholder="reason (recorded, shown to the team)", id="reason")
            yield Static(Content("Enter to continue · Esc to cancel"), id="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = AUTONOMY_LEVELS.index(self.current) if self.current in AUTONOMY_LEVELS else 2
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#for", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "for":
            self.query_one("#reason", Input).focus()
            return
        options = self.query_one(OptionList)
        level = AUTONOMY_LEVELS[options.highlighted or 0]
        text = self.query_one("#for", Input).value.strip()
        try:
            for_s = parse_duration(text) if text else None
        except ValueError as exc:
            self._error(str(exc))
            return
        self.dismiss(Throttle(level, for_s, event.value.strip()))

    def _error(self, message: str) -> None:
        hint = self.query_one("#hint", Static)
        hint.update(Content(message))
        hint.add_class("-error")

    def action_cancel(self) -> None:
        self.dismiss(None)
