"""Throttle, halt and incident mode from the TUI, against a real gate: the next verdict changes."""

from __future__ import annotations

from conftest import LiveGate, wait_until
from test_tui_decisions import app_for, rows, toasts

from tui.screens.reason import ReasonDialog
from tui.screens.throttle import ThrottleDialog


async def test_throttle_changes_the_agents_next_verdict(live_gate: LiveGate) -> None:
    await live_gate.submit("make migrate", agent="bot")
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: rows(app) == ["make migrate"], what="the held action")
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, ThrottleDialog), what="the throttle dialog")
        await pilot.press("up", "up", "enter")  # supervised -> observe -> halt
        await pilot.press("3", "0", "m", "enter")  # a 30-minute time box
        await pilot.press(*"runaway loop", "enter")
        await wait_until(pilot, lambda: any("bot set to halt" in t for t in toasts(app)), what="confirmation")
        await wait_until(pilot, lambda: rows(app) == [], what="the halted agent's queue to be rejected")
        await pilot.press("3")  # the agents roster shows the new level, who set it and the time box
        await wait_until(pilot, lambda: "halt (" in _roster(app), what="the roster to show the halt")
        assert "bot" in _roster(app) and "left" in _roster(app)
    grant = live_gate.gate.autonomy.grants["bot"]
    assert (grant.level, grant.reason, grant.until is not None) == ("halt", "runaway loop", True)
    after = await live_gate.submit("make migrate again", agent="bot")
    assert after["status"] == "denied"
    other = await live_gate.submit("make migrate", agent="other-bot")
    assert other["status"] == "pending"


async def test_halt_and_incident_from_the_queue(live_gate: LiveGate) -> None:
    await live_gate.submit("terraform apply", agent="ops")
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: rows(app) == ["terraform apply"], what="the held action")
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, ReasonDialog), what="the halt dialog")
        await pilot.press(*"wrong account", "enter")
        await wait_until(pilot, lambda: any("ops halted" in t for t in toasts(app)), what="halt confirmed")
        assert (await live_gate.submit("ls", agent="ops"))["status"] == "denied"
        await pilot.press("I")
        await wait_until(pilot, lambda: isinstance(app.screen, ReasonDialog), what="the incident dialog")
        await pilot.press(*"db outage", "enter")
        started = lambda: any("incident mode started" in t for t in toasts(app))  # noqa: E731
        await wait_until(pilot, started, what="incident mode confirmed")
    assert live_gate.gate.autonomy.incident is not None
    assert (await live_gate.submit("ls", agent="anyone"))["status"] == "denied"


def _roster(app) -> str:
    from textual.widgets import DataTable

    try:
        table = app.screen.query_one(DataTable)
    except Exception:
        return ""
    return "\n".join(" ".join(str(cell) for cell in table.get_row_at(n)) for n in range(table.row_count))


async def test_breaker_trip_rings_the_bell_and_says_who(live_gate: LiveGate) -> None:
    import asyncio

    from tui.gate.client import GateClient

    app = app_for(live_gate)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.source.link.up, what="the connection")
        for n in range(3):  # three rejections in the window trip the default breaker
            action = await live_gate.submit(f"retry-forever {n}", agent="loop-bot")

            def reject(action_id: str = action["id"]) -> None:
                with GateClient(live_gate.control) as control:
                    control.request("decide", id=action_id, verdict="reject", reason="stop looping")

            await asyncio.to_thread(reject)
        tripped = "Circuit breaker tripped: loop-bot clamped to observe"
        await wait_until(pilot, lambda: any(tripped in t for t in toasts(app)), what="the breaker toast")
