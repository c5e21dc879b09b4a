"""HelpScreen: every key that works right now, plus the few rules worth knowing at 3 a.m."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.ui_text import ui_content

RULES = (
    "Queue order: riskiest first, then the longest waiting. Production rows carry a red stripe.",
    "Approve: low/medium at once; HIGH asks to confirm; CRITICAL needs a typed phrase and a reason.",
    "Reject always asks for a reason: the agent is told it.",
    "Bulk: mark low/medium rows with space (M marks every shown one), then a or r.",
    "Filter: words in any order; env:prod, level:high, agent:ID, kind:sql narrow to a field.",
    "A decision is confirmed by the gate or reported as failed; nothing is retried behind your back.",
)


class HelpScreen(ModalScreen[None]):
    """Keys of the screen underneath (taken from its live bindings) and how review works."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #help {
            width: 90%; max-width: 100; height: 80%; border: thick $accent; background: $panel; padding: 1 2;
        }
    }
    """

    def __init__(self, bindings: dict[str, ActiveBinding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        keys: dict[str, list[str]] = {}
        for active in self.bindings.values():  # the focused widget's first, then the screen's, the app's
            binding = active.binding
            if binding.description and active.enabled:
                shown = binding.key_display or self.app.get_key_display(binding)
                keys.setdefault(binding.description, []).append(shown)
        lines = [Content.assemble(("Keys", "bold underline"))]
        for description, displays in keys.items():
            label = ", ".join(dict.fromkeys(displays))
            lines.append(ui_content((f"  {label:>12}  ", "bold $accent"), description))
        lines += [Content(""), Content.assemble(("How review works", "bold underline"))]
        lines += [ui_content("  • ", rule) for rule in RULES]
        with VerticalScroll(id="help"):
            yield Static(Content("\n").join(lines))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
