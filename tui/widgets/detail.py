"""ActionDetail: everything about one action a reviewer needs, in the order they need it.

Title (level, score, kind, environment, status, countdown), the exact command in a box (wrapped, never
cut), hidden-character warnings, every reason behind the score, the review requirement and approvals so
far, the agent's context, the payload; then the diff in its own scrollable line viewer. Both parts are
Line-API views, so changing the selection or ticking the countdown repaints them without a layout pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from tui.model import Action
from tui.widgets import detail_text as text
from tui.widgets.cells import is_production
from tui.widgets.detail_body import Boxed, DetailBody, Section
from tui.widgets.diff_view import DiffView
from tui.widgets.queue_tally import AgentTally


class ActionDetail(Vertical):
    """The selected action in full; `show()` it, `None` shows an empty state."""

    DEFAULT_CSS = """
    ActionDetail {
        background: $surface;
        DetailBody { height: 1fr; }
        DetailBody.-with-diff { height: auto; max-height: 55%; }
        DiffView { border-top: solid $primary 50%; border-title-color: $text-muted; }
        #detail-empty { color: $text-muted; padding: 1 2; }
    }
    """

    action: reactive[Action | None] = reactive(None, init=False, always_update=True)
    """The action shown."""
    single_user: reactive[bool] = reactive(False, init=False)
    """From the gate's link: in single-user mode the quorum shown is the one the gate applies (one)."""

    def __init__(
        self, *, clock: Callable[[], float] = time.time, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.clock = clock
        self.tally: AgentTally | None = None
        self._diff_of: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content("Nothing selected."), id="detail-empty")
        yield DetailBody(id="detail-body")
        yield DiffView(id="detail-diff")

    def on_mount(self) -> None:
        self._empty(True)
        self.set_interval(1.0, self._tick)

    def show(self, action: Action | None, tally: AgentTally | None = None) -> None:
        self.tally = tally
        self.action = action

    def sections(self, action: Action, now: float) -> list[Section]:
        """The body, top to bottom; hidden-character warnings come right under the command."""
        command = Boxed("command" if action.command else "file", text.command(action), is_production(action))
        found: list[Section | None] = [
            text.title(action, now),
            command,
            text.warnings(action),
            text.risk(action),
            text.review(action, now, single_user=self.single_user),
            text.agent(action, self.tally, now),
            text.payload(action),
        ]
        return [section for section in found if section is not None]

    def watch_action(self, action: Action | None) -> None:
        self._empty(action is None)
        if action is None:
            return
        self.query_one(DetailBody).show(self.sections(action, self.clock()))
        self._show_diff(action)

    def _empty(self, empty: bool) -> None:
        """Show or hide parts through `display` on each child: restyling one node, never the pane."""
        self.query_one("#detail-empty").display = empty
        self.query_one(DetailBody).display = not empty
        if empty:
            self.query_one(DiffView).display = False

    def _show_diff(self, action: Action) -> None:
        has_diff = bool(action.diff)
        body, view = self.query_one(DetailBody), self.query_one(DiffView)
        if view.display != has_diff:  # only a change of shape costs a layout
            body.set_class(has_diff, "-with-diff")
            view.display = has_diff
        if action.diff != self._diff_of:
            self._diff_of = action.diff
            view.set_diff(action.diff)
            view.border_title = f"diff · {view.line_count:,} lines"

    def watch_single_user(self) -> None:
        self._tick()

    def _tick(self) -> None:
        """Countdowns and ages move every second: a repaint of the body, keeping its scroll position."""
        if self.action is not None:
            self.query_one(DetailBody).show(self.sections(self.action, self.clock()), keep_scroll=True)
