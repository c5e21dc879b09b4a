"""InterlockApp: wiring only. A gate source in, screens as modes, the live feed out to them as signals.

The feed runs in one worker; each batch is published on `actions_changed` / `link_changed`, which every
mounted screen subscribes to. New HIGH/CRITICAL actions ring the bell and raise a toast. Links are never
opened on the host running the app (over SSH that is the gatehost): they are shown instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal

from tui.live import BreakerTripped, Changed, Link, LinkChanged, Snapshot, Source
from tui.model import Action
from tui.screens.agents import AgentsScreen
from tui.screens.help import HelpScreen
from tui.screens.history import HistoryScreen
from tui.screens.policy import PolicyScreen
from tui.screens.pulse import PulseScreen
from tui.screens.queue import QueueScreen
from tui.ui_text import ui_plain
from tui.widgets.alerts import AlertPolicy


class InterlockApp(App[None]):
    """The on-call console for one gate."""

    TITLE = "Interlock"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "switch_mode('queue')", "Queue", show=False, id="app.queue"),
        Binding("2", "switch_mode('history')", "History", show=False, id="app.history"),
        Binding("3", "switch_mode('agents')", "Agents", show=False, id="app.agents"),
        Binding("4", "switch_mode('policy')", "Policy", show=False, id="app.policy"),
        Binding("5", "switch_mode('pulse')", "Pulse", show=False, id="app.pulse"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {
        "queue": QueueScreen,
        "history": HistoryScreen,
        "agents": AgentsScreen,
        "policy": PolicyScreen,
        "pulse": PulseScreen,
    }

    def __init__(self, source: Source, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.source = source
        self.clock = clock
        self.actions_changed: Signal[Snapshot | Changed] = Signal(self, "actions-changed")
        self.link_changed: Signal[Link] = Signal(self, "link-changed")
        self.alerts = AlertPolicy()
        self._alert_timer = False
        self._lagging = False

    def on_mount(self) -> None:
        self.switch_mode("queue")
        self.run_worker(self._follow(), name="gate-feed", exclusive=True, group="feed")

    async def _follow(self) -> None:
        async for batch in self.source.events():
            for event in batch:
                if isinstance(event, LinkChanged):
                    self._lag_alert(event.link)
                    self.link_changed.publish(event.link)
                elif isinstance(event, BreakerTripped):
                    self.bell()
                    self.notify(
                        ui_plain(
                            f"{event.agent} clamped to {event.level}: {event.reason}. Only a "
                            "human can release it (t on one of its actions)."
                        ),
                        title="Circuit breaker tripped",
                        severity="error",
                        markup=False,
                        timeout=15,
                    )
                else:
                    self.actions_changed.publish(event)
                    if isinstance(event, Changed):
                        self._alert(event.actions)

    def _alert(self, actions: Iterable[Action]) -> None:
        alert = self.alerts.note(actions, self.clock())
        if alert is None:
            if self.alerts.due and not self._alert_timer:
                self._alert_timer = True
                self.set_timer(self.alerts.quiet_s, self._alert_later)
            return
        self.bell()
        self.notify(
            ui_plain(alert.message),
            title=ui_plain(alert.title),
            severity=alert.severity,
            markup=False,
            timeout=8,
        )

    def _lag_alert(self, link: Link) -> None:
        """Bell and toast once when held arrivals start outpacing decisions (the governance-lag alert)."""
        if link.lagging and not self._lagging:
            self.bell()
            self.notify(
                ui_plain(link.pulse),
                title="Governance lag: held actions arrive faster than decisions",
                severity="warning",
                markup=False,
                timeout=10,
            )
        self._lagging = link.lagging

    def _alert_later(self) -> None:
        self._alert_timer = False
        self._alert(())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.active_bindings))

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Never launch a browser here (over SSH this process runs on the gatehost): show the link."""
        self.notify(ui_plain(url), title="Link (not opened)", markup=False)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers the current screen's keys; no screenshot command (it writes on this host)."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if active.node is screen and binding.description and active.enabled:
                yield SystemCommand(
                    binding.description,
                    f"key: {key}",
                    lambda action=binding.action, node=screen: self.call_later(node.run_action, action),
                )
