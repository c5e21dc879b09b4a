"""ReasonDialog: ask for the reason that goes back to the agent (rejections, approvals that need one)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class ReasonDialog(ModalScreen[str | None]):
    """Dismisses with the reason on Enter (refusing an empty one), or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reason.cancel"),
    ]
    DEFAULT_CSS = """
    ReasonDialog {
        align: center middle;
        #dialog {
            width: 80%; max-width: 100; height: auto; border: thick $accent; background: $panel; padding: 1 2;
        }
        #title { text-style: bold; margin-bottom: 1; }
        #hint { color: $text-muted; margin-top: 1; }
        #hint.-error { color: $error; text-style: bold; }
    }
    """

    def __init__(self, title: str, body: Content, *, placeholder: str = "reason (sent to the agent)") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.title_text), id="title")
            yield Static(self.body, id="body")
            yield Input(placeholder=self.placeholder, id="reason")
            yield Static(Content("Enter to send · Esc to cancel"), id="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            hint = self.query_one("#hint", Static)
            hint.update(Content("A reason is required: the agent is told why."))
            hint.add_class("-error")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
