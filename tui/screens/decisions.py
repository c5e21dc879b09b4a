"""How a verdict travels from a key press to the gate and back to the person who pressed it.

Friction scales with risk: low/medium go at once (unless the policy wants a reason), HIGH asks for a yes,
CRITICAL needs a typed phrase and a reason; rejections always carry a reason for the agent. Every
decision ends in a toast that says what the gate answered: confirmed, refused (and why), or not sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer

from tui.live import GateRefused, GateUnavailable, Unconfirmed
from tui.model import Action
from tui.screens.confirm import ConfirmDialog
from tui.screens.critical import CriticalDialog
from tui.screens.host import host
from tui.screens.reason import ReasonDialog
from tui.ui_text import ui_content, ui_plain, ui_text
from tui.widgets.cells import BULK_LEVELS, badge, short_id
from tui.widgets.detail_text import LEVEL_STYLE

PREVIEW_LINES = 8
VIEW_AFTER_S = 0.4
VERB = {"approve": "approved", "reject": "rejected"}


def preview(action: Action) -> Content:
    """What the dialog shows: level, agent, environment, and the command's first lines (the rest counted)."""
    lines = (action.command or action.path or action.summary).splitlines() or [""]
    more = len(lines) - PREVIEW_LINES
    head = ui_content(
        (f" {badge(action.risk.level)} ", LEVEL_STYLE.get(action.risk.level, "")),
        f" {action.risk.score}/100 · {action.agent.id} · {action.environment or 'no env'}",
    )
    shown = [ui_text(line, "bold") for line in lines[:PREVIEW_LINES]]
    rest = (
        [Content.styled(f"… {more} more lines: read them in the detail pane", "$warning")] if more > 0 else []
    )
    return Content("\n").join([head, *shown, *rest])


class Decider:
    """Runs the approval and rejection flows for one screen (dialogs, then a worker per decision)."""

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        self.in_flight: set[str] = set()
        self.viewed: set[str] = set()
        self._view_timer: Timer | None = None

    def opened(self, action: Action | None) -> None:
        """Tell the gate, once per action, that this approver has it open: a policy's minimum review time
        counts from here. Debounced, so scrolling past a row does not count as reading it."""
        if self._view_timer is not None:
            self._view_timer.stop()
        if action is not None and action.status == "pending" and action.id not in self.viewed:
            self._view_timer = self.screen.set_timer(VIEW_AFTER_S, lambda: self._view(action.id))

    def _view(self, action_id: str) -> None:
        self.viewed.add(action_id)
        self.screen.run_worker(self._show(action_id), group="view")

    async def _show(self, action_id: str) -> None:
        try:
            await host(self.screen).source.show(action_id)
        except (GateRefused, GateUnavailable, Unconfirmed):
            self.viewed.discard(action_id)  # not recorded: try again next time it is selected

    def approve(self, action: Action) -> None:
        level, body = action.risk.level, preview(action)
        if level == "critical":
            phrase = f"approve {short_id(action.id)}"
            self._ask(CriticalDialog(phrase, body), lambda reason: self._send(action, "approve", reason))
        elif level == "high":
            self._ask(
                ConfirmDialog("Approve this HIGH-risk action?", body),
                lambda yes: self._approve_with_reason(action) if yes else None,
            )
        else:
            self._approve_with_reason(action)

    def reject(self, action: Action) -> None:
        self._ask(
            ReasonDialog("Reject: the reason is sent back to the agent", preview(action)),
            lambda reason: self._send(action, "reject", reason),
        )

    def bulk(self, actions: list[Action], verdict: str) -> None:
        """Decide every marked action the same way; only low and medium may be decided in bulk."""
        risky = [a for a in actions if a.risk.level not in BULK_LEVELS]
        if risky:
            self._toast(
                f"{len(risky)} marked action(s) are high or critical: review those one by one.",
                "Bulk decision refused",
                "error",
            )
            return
        levels = Counter(a.risk.level for a in actions)
        lines = [ui_content(", ".join(f"{n} {level}" for level, n in levels.most_common()))]
        lines += [ui_text(a.summary) for a in actions[:PREVIEW_LINES]]
        if len(actions) > PREVIEW_LINES:
            lines.append(Content(f"… and {len(actions) - PREVIEW_LINES} more"))
        body = Content("\n").join(lines)
        if verdict == "approve":
            self._ask(
                ConfirmDialog(f"Approve {len(actions)} marked actions?", body, yes="Approve all"),
                lambda yes: self._run_bulk(actions, "approve", "") if yes else None,
            )
        else:
            self._ask(
                ReasonDialog(f"Reject {len(actions)} marked actions (one reason for all)", body),
                lambda reason: self._run_bulk(actions, "reject", reason),
            )

    # --- internals ----------------------------------------------------------------------------------

    def _ask(self, dialog: Any, then: Callable[[Any], object]) -> None:
        def done(answer: Any) -> None:
            if answer is not None and answer is not False:
                then(answer)

        self.screen.app.push_screen(dialog, done)

    def _approve_with_reason(self, action: Action) -> None:
        if not action.requirement.reason_required:
            self._send(action, "approve", "")
            return
        self._ask(
            ReasonDialog(
                "The policy wants a reason for this approval",
                preview(action),
                placeholder="reason (recorded with your approval)",
            ),
            lambda reason: self._send(action, "approve", reason),
        )

    def _send(self, action: Action, verdict: str, reason: str) -> None:
        if action.id in self.in_flight:
            self._toast("A decision on this action is already on its way.", "Wait", "warning")
            return
        self.in_flight.add(action.id)
        self.screen.run_worker(self._decide(action, verdict, reason), group="decide")

    async def _decide(self, action: Action, verdict: str, reason: str) -> None:
        try:
            result = await self._call(action, verdict, reason)
        finally:
            self.in_flight.discard(action.id)
        if result is not None:
            self._confirmed(result, verdict)

    async def _call(self, action: Action, verdict: str, reason: str) -> Action | None:
        """The gate's answer, or None after telling the user exactly why there is none."""
        verb = VERB[verdict]
        try:
            return await host(self.screen).source.decide(action, verdict, reason)
        except GateRefused as exc:
            self._toast(refusal(exc), f"Not {verb}: the gate refused", "error")
        except GateUnavailable as exc:
            self._toast(
                f"{exc}. Nothing was recorded; try again once it is back.", f"Not {verb}: not sent", "error"
            )
        except Unconfirmed as exc:
            self._toast(
                f"{exc}. The decision may or may not have been recorded: check the action once the "
                "gate is back.",
                f"Not confirmed ({verb}?)",
                "warning",
            )
        return None

    def _confirmed(self, result: Action, verdict: str) -> None:
        if result.status == "pending":
            got = sum(1 for d in result.decisions if d.verdict == "approve")
            self._toast(
                f"{got} of {result.requirement.approvals} approvals: {result.summary}",
                "Approval recorded; still waiting",
                "information",
            )
        else:
            self._toast(
                result.summary, f"{result.status.capitalize()} (confirmed by the gate)", "information"
            )

    async def _bulk(self, actions: list[Action], verdict: str, reason: str) -> None:
        done, failed = 0, []
        for action in actions:
            try:
                await host(self.screen).source.decide(action, verdict, reason)
                done += 1
            except (GateRefused, GateUnavailable, Unconfirmed) as exc:
                failed.append(str(exc))
        if failed:
            self._toast(
                f"{done} {VERB[verdict]}, {len(failed)} failed; first failure: {failed[0]}",
                "Bulk decision partly failed",
                "error",
            )
        else:
            self._toast(f"{done} actions {VERB[verdict]}.", "Bulk decision confirmed", "information")

    def _run_bulk(self, actions: list[Action], verdict: str, reason: str) -> None:
        self.screen.run_worker(self._bulk(actions, verdict, reason), group="decide")

    def _toast(self, message: str, title: str, severity: SeverityLevel) -> None:
        toast(self.screen, message, title, severity)


def toast(screen: Screen[Any], message: str, title: str, severity: SeverityLevel) -> None:
    """The gate's answer to an on-call action, shown plainly (agent text inside: never markup)."""
    screen.notify(
        ui_plain(message),
        title=ui_plain(title),
        severity=severity,
        markup=False,
        timeout=8 if severity == "error" else 5,
    )


def refusal(exc: GateRefused) -> str:
    """The gate's message, plus who got there first when it was a conflict."""
    text = exc.message
    if exc.code == "conflict" and exc.action is not None and exc.action.decisions:
        last = exc.action.decisions[-1]
        text += f" ({last.verdict} by {last.by}{': ' + last.reason if last.reason else ''})"
    return text
