"""Turning agents down from the TUI: throttle (`t`), halt (`h`) and incident mode (`I`).

The gate enforces who may do what (raising autonomy and ending an incident need a senior); this only
asks, sends, and reports the gate's answer — confirmed, refused with its reason, or not sent.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui.live import GateRefused, GateUnavailable, Unconfirmed
from tui.screens.confirm import ConfirmDialog
from tui.screens.decisions import toast
from tui.screens.host import host
from tui.screens.reason import ReasonDialog
from tui.screens.throttle import Throttle, ThrottleDialog
from tui.ui_text import ui_text


class AgentControls:
    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen

    def throttle(self, agent: str) -> None:
        self.screen.run_worker(self._throttle(agent), group="control")

    def halt(self, agent: str) -> None:
        body = Content.assemble(
            "New actions of ",
            ui_text(agent),
            " are denied, its queue is rejected and its `interlock exec` children are stopped.",
        )
        self.screen.app.push_screen(
            ReasonDialog("Halt this agent?", body, placeholder="reason (recorded)"),
            lambda reason: (
                self._send("halt", f"{agent} halted", agent=agent, reason=reason) if reason else None
            ),
        )

    def incident(self) -> None:
        self.screen.run_worker(self._incident(), group="control")

    async def _throttle(self, agent: str) -> None:
        current = await self._call("autonomy", "Autonomy unknown")
        if current is None:
            return
        state = current["autonomy"]
        grant = state["grants"].get(agent)
        level = grant["level"] if grant else state["default"]

        def chosen(choice: Throttle | None) -> None:
            if choice is not None:
                boxed = f" for {choice.for_s:g} s" if choice.for_s else ""
                self._send(
                    "autonomy",
                    f"{agent} set to {choice.level}{boxed}",
                    agent=agent,
                    level=choice.level,
                    for_s=choice.for_s,
                    reason=choice.reason,
                )

        self.screen.app.push_screen(ThrottleDialog(agent, level), chosen)

    async def _incident(self) -> None:
        current = await self._call("autonomy", "Autonomy unknown")
        if current is None:
            return
        if current["autonomy"]["incident"] is None:
            body = Content("Every agent is clamped at once and every pending action is rejected.")
            self.screen.app.push_screen(
                ReasonDialog("Start incident mode?", body, placeholder="what is happening (recorded)"),
                lambda reason: (
                    self._send("incident", "incident mode started", action="start", reason=reason)
                    if reason
                    else None
                ),
            )
        else:
            body = Content("Agents go back to their own levels. Ending an incident needs a senior.")
            self.screen.app.push_screen(
                ConfirmDialog("End incident mode?", body),
                lambda yes: self._send("incident", "incident mode ended", action="end") if yes else None,
            )

    def _send(self, op: str, done: str, **fields: Any) -> None:
        async def work() -> None:
            reply = await self._call(op, f"Not done: {op}", **fields)
            if reply is not None:
                rejected = reply.get("rejected")
                extra = f"; {rejected} pending action(s) rejected" if rejected else ""
                self._toast(done + extra, "Confirmed by the gate", "information")

        self.screen.run_worker(work(), group="control")

    async def _call(self, op: str, title: str, **fields: Any) -> dict[str, Any] | None:
        try:
            return await host(self.screen).source.control(op, **fields)
        except GateRefused as exc:
            self._toast(exc.message, f"{title}: the gate refused", "error")
        except GateUnavailable as exc:
            self._toast(f"{exc}. Nothing was changed.", f"{title}: not sent", "error")
        except Unconfirmed as exc:
            self._toast(f"{exc}. It may or may not have been applied.", f"{title}: not confirmed", "warning")
        return None

    def _toast(self, message: str, title: str, severity: SeverityLevel) -> None:
        toast(self.screen, message, title, severity)
