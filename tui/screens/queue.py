"""QueueScreen: the main screen: every pending action, riskiest and oldest first, with its details.

Side by side on wide terminals, stacked on narrow ones. Rows arrive live; the selection stays on its
action. `a`/`r` decide the selected action, or every marked one (low/medium only) when rows are marked.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.screen import Screen
from textual.widgets import Input

from tui.live import Changed, Link, Snapshot
from tui.model import Action
from tui.screens.controls import AgentControls
from tui.screens.decisions import Decider
from tui.screens.detail import DetailScreen
from tui.screens.host import follow, host, show_link
from tui.widgets.action_list import ActionList
from tui.widgets.app_bar import AppBar
from tui.widgets.cells import BULK_LEVELS
from tui.widgets.columns import QueueColumns
from tui.widgets.detail import ActionDetail
from tui.widgets.filter_bar import FilterBar
from tui.widgets.key_bar import KeyBar
from tui.widgets.link_banner import LinkBanner
from tui.widgets.list_header import ListHeader
from tui.widgets.queue_stats import QueueStats
from tui.widgets.queue_tally import QueueTally


class QueueScreen(Screen[None]):
    """The pending queue, its header counts, and the selected action's details."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve", "Approve", id="queue.approve"),
        Binding("r", "reject", "Reject", id="queue.reject"),
        Binding("space", "mark", "Mark", id="queue.mark"),
        Binding("M", "mark_all", "Mark shown", show=False, id="queue.mark-all"),
        Binding("slash", "filter", "Filter", id="queue.filter"),
        Binding("t", "throttle", "Throttle agent", id="queue.throttle"),
        Binding("h", "halt", "Halt agent", id="queue.halt"),
        Binding("I", "incident", "Incident", id="queue.incident"),
        Binding("escape", "unmark", "Unmark all", show=False, id="queue.unmark"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]  # noqa: RUF012  (Textual's own declaration)
    DEFAULT_CSS = """
    QueueScreen {
        #main { height: 1fr; }
        &.-wide #main { layout: horizontal; }
        &.-wide #list-pane { width: 58%; border-right: vkey $primary 40%; }
        &.-wide ActionDetail { width: 42%; }
        &.-narrow #main { layout: vertical; }
        &.-narrow #list-pane { height: 45%; border-bottom: hkey $primary 40%; }
        &.-narrow ActionDetail { height: 55%; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.tally = QueueTally()
        self.columns = QueueColumns()
        self.decider = Decider(self)
        self.controls = AgentControls(self)
        self._detail_due = False
        self._loaded = 0

    def compose(self) -> ComposeResult:
        clock = host(self).clock
        yield AppBar("queue")
        yield LinkBanner()
        yield QueueStats(self.tally, clock=clock)
        with Container(id="main"):
            with Vertical(id="list-pane"):
                yield ListHeader(self.columns)
                yield ActionList(self.columns, clock=clock, tally=self.tally, id="queue")
            yield ActionDetail(clock=clock)
        yield FilterBar(id="filter")
        yield KeyBar()

    def on_mount(self) -> None:
        live = follow(self, self._on_link, self._on_actions)
        self._loaded = live.source.snapshots  # the mirror as of now; older snapshot events are skipped
        if self._loaded:
            self.query_one(ActionList).load(live.source.pending())
        self.query_one(ActionList).focus()

    @property
    def actions_list(self) -> ActionList:
        return self.query_one("#queue", ActionList)

    # --- live data ----------------------------------------------------------------------------------

    def _on_actions(self, event: Snapshot | Changed) -> None:
        if isinstance(event, Snapshot):
            if event.seq > self._loaded:
                self._loaded = event.seq
                self.actions_list.load(event.actions)
        else:
            self.actions_list.upsert(event.actions)
        if event.actions:
            self.query_one(QueueStats).policy = event.actions[-1].policy_hash

    def _on_link(self, link: Link) -> None:
        show_link(self, link)
        self.query_one(QueueStats).link = link

    def on_action_list_highlighted(self, event: ActionList.Highlighted) -> None:
        """The list repaints first; the detail pane follows right after that frame, for the latest
        selection only (holding a key down does not queue one detail render per row passed)."""
        if not self._detail_due:
            self._detail_due = True
            self.call_after_refresh(self._show_selected)

    def _show_selected(self) -> None:
        self._detail_due = False
        action = self.actions_list.selected
        self.query_one(ActionDetail).show(action, self.tally.agents.get(action.agent.id) if action else None)
        self.decider.opened(action)

    def on_action_list_updated(self, event: ActionList.Updated) -> None:
        stats, rows = self.query_one(QueueStats), self.actions_list.rows
        stats.shown, stats.marked = len(rows), len(rows.marks)
        stats.refresh()

    def on_action_list_opened(self, event: ActionList.Opened) -> None:
        self.app.push_screen(DetailScreen(event.action, self.decider, tally=self.tally))

    # --- filter -------------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterBar):
            self.actions_list.set_filter(event.value)
            self.query_one(QueueStats).filter_text = event.value

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.actions_list.focus()

    # --- decisions ----------------------------------------------------------------------------------

    def _target(self) -> Action | None:
        action = self.actions_list.selected
        if action is None:
            self.notify("Nothing is selected.", severity="warning", markup=False)
        return action

    def action_approve(self) -> None:
        marked = self.actions_list.rows.marked()
        if marked:
            self.decider.bulk(marked, "approve")
        elif (action := self._target()) is not None:
            self.decider.approve(action)

    def action_reject(self) -> None:
        marked = self.actions_list.rows.marked()
        if marked:
            self.decider.bulk(marked, "reject")
        elif (action := self._target()) is not None:
            self.decider.reject(action)

    def action_throttle(self) -> None:
        if (action := self.actions_list.selected) is not None:
            self.controls.throttle(action.agent.id)

    def action_halt(self) -> None:
        if (action := self.actions_list.selected) is not None:
            self.controls.halt(action.agent.id)

    def action_incident(self) -> None:
        self.controls.incident()

    def action_mark(self) -> None:
        action = self.actions_list.selected
        if action is not None and action.risk.level not in BULK_LEVELS:
            self.notify(
                f"Only low and medium actions can be marked for a bulk decision; this one is "
                f"{action.risk.level}: review it on its own.",
                severity="warning",
                markup=False,
            )
            return
        if self.actions_list.toggle_mark() is not None:
            self.actions_list.action_move(1)

    def action_mark_all(self) -> None:
        rows = self.actions_list.rows
        self.actions_list.set_marks(r.action.id for r in rows.view if r.action.risk.level in BULK_LEVELS)

    def action_unmark(self) -> None:
        self.actions_list.set_marks(())
