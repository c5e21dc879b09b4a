"""DetailScreen: one action full-screen (Enter on a row), kept up to date while it is open."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui.live import Changed, Link, Snapshot
from tui.model import Action
from tui.screens.decisions import Decider
from tui.screens.host import follow, host, show_link
from tui.widgets.app_bar import AppBar
from tui.widgets.detail import ActionDetail
from tui.widgets.key_bar import KeyBar
from tui.widgets.link_banner import LinkBanner
from tui.widgets.queue_tally import QueueTally


class DetailScreen(Screen[None]):
    """Everything about one action; approve and reject work here while it is pending."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", "Approve", id="detail.approve"),
        Binding("r", "reject", "Reject", id="detail.reject"),
        Binding("escape", "app.pop_screen", "Back", id="detail.back"),
    ]

    def __init__(
        self,
        action: Action,
        decider: Decider | None = None,
        *,
        tally: QueueTally | None = None,
        tab: str = "queue",
    ) -> None:
        super().__init__()
        self.action_shown = action
        self.decider = decider
        self.tally = tally
        self.tab = tab

    def compose(self) -> ComposeResult:
        yield AppBar(self.tab)
        yield LinkBanner()
        yield ActionDetail(clock=host(self).clock)
        yield KeyBar()

    def on_mount(self) -> None:
        follow(self, self._on_link, self._on_actions)
        self._show(self.action_shown)
        self.query_one("#detail-body").focus()  # arrows scroll the text; tab moves to the diff

    def _show(self, action: Action) -> None:
        self.action_shown = action
        agent = self.tally.agents.get(action.agent.id) if self.tally is not None else None
        self.query_one(ActionDetail).show(action, agent)
        if self.decider is not None:
            self.decider.opened(action)
        self.refresh_bindings()

    def _on_actions(self, event: Snapshot | Changed) -> None:
        for action in event.actions:
            if action.id == self.action_shown.id:
                self._show(action)

    def _on_link(self, link: Link) -> None:
        show_link(self, link)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "reject"):
            return self.decider is not None and self.action_shown.status == "pending"
        return True

    def action_approve(self) -> None:
        if self.decider is not None:
            self.decider.approve(self.action_shown)

    def action_reject(self) -> None:
        if self.decider is not None:
            self.decider.reject(self.action_shown)
