"""CriticalDialog: approving a CRITICAL action takes a typed confirmation phrase and a written reason.

The phrase names this action (its id's random tail), so it cannot be typed from muscle memory for the
wrong one (k9s asked its users for exactly this before destructive commands).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.ui_text import ui_content


class CriticalDialog(ModalScreen[str | None]):
    """Dismisses with the reason once the phrase matches and a reason is written; None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="critical.cancel"),
    ]
    DEFAULT_CSS = """
    CriticalDialog {
        align: center middle;
        #dialog {
            width: 90%; max-width: 110; height: auto; border: thick $error; background: $panel; padding: 1 2;
        }
        #title { text-style: bold; color: $text-error; margin-bottom: 1; }
        #phrase-label, #reason-label { margin-top: 1; }
        #approve { margin-top: 1; }
    }
    """

    def __init__(self, phrase: str, body: Content) -> None:
        super().__init__()
        self.phrase = phrase
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content("Approve a CRITICAL action"), id="title")
            yield Static(self.body, id="body")
            yield Static(
                ui_content("Type ", (self.phrase, "bold reverse"), " to confirm:"), id="phrase-label"
            )
            yield Input(placeholder=self.phrase, id="phrase")
            yield Static(Content("Reason (recorded, and sent to the agent):"), id="reason-label")
            yield Input(placeholder="why this is safe to run", id="reason")
            yield Button(Content("Approve"), variant="error", id="approve", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#phrase", Input).focus()

    @property
    def ready(self) -> bool:
        phrase = self.query_one("#phrase", Input).value.strip()
        return phrase == self.phrase and bool(self.query_one("#reason", Input).value.strip())

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#approve", Button).disabled = not self.ready

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "phrase":
            self.query_one("#reason", Input).focus()
        elif self.ready:
            self._approve()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if self.ready:
            self._approve()

    def _approve(self) -> None:
        self.dismiss(self.query_one("#reason", Input).value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
