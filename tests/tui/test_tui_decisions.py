"""Deciding from the TUI against a real gate: the waiting agent hears the verdict, friction matches risk,
and every refusal from the gate is a clear message, never a crash."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from conftest import LiveGate, wait_until
from textual.widgets import Button, Input

from tui.app import InterlockApp
from tui.live import LiveClient
from tui.screens.confirm import ConfirmDialog
from tui.screens.critical import CriticalDialog
from tui.screens.decisions import refusal
from tui.screens.reason import ReasonDialog
from tui.widgets.action_list import ActionList
from tui.widgets.cells import short_id


def app_for(gate: LiveGate) -> InterlockApp:
    return InterlockApp(LiveClient(gate.control, backoff=(0.05, 0.1)))


def rows(app: InterlockApp) -> list[str]:
    return [row.action.command for row in app.screen.query_one("#queue", ActionList).rows.view]


def toasts(app: InterlockApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def submit_and_wait(gate: LiveGate, command: str) -> asyncio.subprocess.Process:
    """`interlock submit` as an agent would run it: blocks until the gate decides."""
    data = {
        "kind": "shell",
        "command": command,
        "agent": {"id": "waiting-agent"},
        "payload": {"level": "medium"},
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tui.cli",
        "submit",
        "--json",
        "--socket",
        str(gate.socket),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ},
    )
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(data).encode())
    proc.stdin.close()
    return proc


async def test_approval_unblocks_a_waiting_submit(live_gate: LiveGate) -> None:
    proc = await submit_and_wait(live_gate, "make deploy-docs")
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(
            pilot, lambda: rows(app) == ["make deploy-docs"], what="the held action in the queue"
        )
        assert proc.returncode is None, "the agent must still be waiting"
        await pilot.press("a")
        out, err = await asyncio.wait_for(proc.communicate(), 20)
        await wait_until(pilot, lambda: rows(app) == [], what="the approved action to leave the queue")
        await wait_until(pilot, lambda: any("confirmed by the gate" in t for t in toasts(app)), what="toast")
    assert proc.returncode == 0, err.decode()
    assert json.loads(out)["status"] == "approved"


async def test_rejection_reason_reaches_the_agent(live_gate: LiveGate) -> None:
    proc = await submit_and_wait(live_gate, "rm -rf ./build")
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: rows(app) == ["rm -rf ./build"], what="the held action")
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, ReasonDialog), what="the reason dialog")
        await pilot.press("enter")  # empty: refused, dialog stays
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press(*"use make clean, build is shared", "enter")
        out, _ = await asyncio.wait_for(proc.communicate(), 20)
    action = json.loads(out)
    assert proc.returncode == 1
    assert action["status"] == "rejected"
    assert action["decisions"][-1]["reason"] == "use make clean, build is shared"


async def test_high_asks_for_confirmation(live_gate: LiveGate) -> None:
    held = await live_gate.submit("terraform apply", level="high")
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: rows(app) == ["terraform apply"], what="the held action")
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the confirmation")
        await pilot.press("n")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialog), what="dialog closed")
        assert live_gate.gate.show(held["id"]).status == "pending", "cancelled means nothing was sent"
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: live_gate.gate.show(held["id"]).status == "approved", what="approval")


async def test_critical_needs_the_phrase_and_a_reason(live_gate: LiveGate) -> None:
    held = await live_gate.submit("kubectl delete namespace payments", level="critical", env="prod")
    app = app_for(live_gate)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_until(pilot, lambda: len(rows(app)) == 1, what="the held action")
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, CriticalDialog), what="the critical dialog")
        dialog = app.screen
        approve = dialog.query_one("#approve", Button)
        await pilot.press(*"approve", "enter", *"looks fine", "enter")  # wrong phrase
        assert isinstance(app.screen, CriticalDialog) and approve.disabled
        dialog.query_one("#phrase", Input).value = f"approve {short_id(held['id'])}"
        dialog.query_one("#reason", Input).value = ""
        await pilot.pause()
        assert approve.disabled, "a reason is required too"
        dialog.query_one("#reason", Input).focus()
        await pilot.press(*"namespace is empty, confirmed with owner", "enter")
        await wait_until(pilot, lambda: live_gate.gate.show(held["id"]).status == "approved", what="approval")
    decision = live_gate.gate.show(held["id"]).decisions[-1]
    assert decision.reason == "namespace is empty, confirmed with owner"


async def test_bulk_is_limited_to_low_and_medium(live_gate: LiveGate) -> None:
    first = await live_gate.submit("npm test", agent="bulk")
    second = await live_gate.submit("npm run lint", agent="bulk")
    high = await live_gate.submit("git push --force", level="high", agent="bulk")
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(rows(app)) == 3, what="three held actions")
        assert rows(app)[0] == "git push --force", "riskiest first"
        await pilot.press("space")  # the high one: refused
        await wait_until(pilot, lambda: any("Only low and medium" in t for t in toasts(app)), what="refusal")
        queue = app.screen.query_one("#queue", ActionList)
        assert not queue.rows.marks
        await pilot.press("M")  # mark every shown low/medium
        assert queue.rows.marks == {first["id"], second["id"]}
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="bulk confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: rows(app) == ["git push --force"], what="both approved")
    assert live_gate.gate.show(high["id"]).status == "pending"


async def test_gate_refusals_are_messages_not_crashes(live_gate: LiveGate) -> None:
    await live_gate.submit("psql -c 'drop table t'", payload={"min_review": 300})
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: len(rows(app)) == 1, what="the held action")
        await pilot.press("a")  # the policy wants 5 minutes on it: the gate says no
        await wait_until(
            pilot, lambda: any("the gate refused" in t for t in toasts(app)), what="refusal toast"
        )
        assert app.is_running and len(rows(app)) == 1
        stale = app.screen.query_one("#queue", ActionList).selected
        assert stale is not None
        live_gate.gate.decide(
            stale.id,
            "reject",
            live_gate.gate.approvers.for_local_user("someone-else") or _identity(),
            reason="beaten to it",
        )
        app.screen.decider._send(stale, "approve", "")  # the stale copy the screen still had
        await wait_until(
            pilot, lambda: any("already rejected" in t for t in toasts(app)), what="conflict toast"
        )
        assert any("beaten to it" in t for t in toasts(app)), "a conflict says who decided and why"
        assert app.is_running


def _identity():
    from tui.gate.approvers import Identity

    return Identity(name="someone-else")


def test_dialog_preview_keeps_lines_and_escapes_agent_text() -> None:
    from conftest import fixed_action

    from tui.screens.decisions import preview

    action = fixed_action(2, command="line one\nline \x1b[2J two" + "\nmore" * 10, level="critical")
    text = preview(action).plain.split("\n")
    assert text[1:3] == ["line one", "line \\x1b[2J two"], "newlines kept, escapes visible"
    assert text[-1] == "… 4 more lines: read them in the detail pane", "nothing dropped silently"


def test_refusal_text_names_who_won_a_conflict() -> None:
    from conftest import fixed_action

    from tui.live import GateRefused
    from tui.model import Decision

    won = fixed_action(1, status="rejected", decisions=(Decision(by="bob", verdict="reject", reason="no"),))
    text = refusal(GateRefused("conflict", "action x is already rejected", won))
    assert text == "action x is already rejected (reject by bob: no)"
