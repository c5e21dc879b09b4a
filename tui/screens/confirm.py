"""ConfirmDialog: a yes/no question before a consequential step (approving HIGH, bulk decisions)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with True only on an explicit yes (`y` or the button); anything else is no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        #dialog {
            width: 80%; max-width: 100; height: auto; padding: 1 2;
            border: thick $warning; background: $panel;
        }
        #title { text-style: bold; margin-bottom: 1; }
        #buttons { height: auto; margin-top: 1; align-horizontal: right; }
        Button { margin-left: 2; }
    }
    """

    def __init__(self, title: str, body: Content, *, yes: str = "Approve") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.title_text), id="title")
            yield Static(self.body, id="body")
            with Horizontal(id="buttons"):
                yield Button(Content(f"{self.yes} (y)"), variant="warning", id="yes")
                yield Button(Content("Cancel (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
