"""The gate goes away and comes back (`interlock serve` as a real process, killed with SIGKILL): the TUI
says it is disconnected, refuses to pretend a decision was sent, and reconnects by itself."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import wait_until

from tui.app import InterlockApp
from tui.live import LiveClient
from tui.widgets.action_list import ActionList
from tui.widgets.link_banner import LinkBanner


def submit(process: Any, command: str) -> dict[str, Any]:
    with process.client() as client:
        return dict(client.submit({"kind": "shell", "command": command, "agent": {"id": "reconnect-agent"}}))


async def test_disconnect_banner_then_automatic_reconnect(gate_factory: Any) -> None:
    gate = gate_factory().start()
    first = await asyncio.to_thread(submit, gate, "echo before the crash")
    app = InterlockApp(LiveClient(gate.control_socket, backoff=(0.05, 0.2)))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        queue = app.screen.query_one("#queue", ActionList)
        banner = app.screen.query_one(LinkBanner)
        await wait_until(pilot, lambda: queue.count == 1, what="the first action")
        assert not banner.has_class("-down")

        await asyncio.to_thread(gate.kill9)
        await wait_until(pilot, lambda: banner.has_class("-down"), what="the disconnected banner")
        assert "DISCONNECTED" in str(banner.render())
        assert queue.count == 1, "what was pending stays on screen, marked stale by the banner"
        await pilot.press("a")
        await wait_until(
            pilot, lambda: any("not sent" in n.title for n in app._notifications), what="'not sent' toast"
        )

        await asyncio.to_thread(gate.start)
        await wait_until(pilot, lambda: not banner.has_class("-down"), timeout=20, what="reconnection")
        second = await asyncio.to_thread(submit, gate, "echo after the restart")
        await wait_until(pilot, lambda: queue.count == 2, what="the new action, live after reconnecting")
        assert {row.action.id for row in queue.rows.view} == {first["id"], second["id"]}

        queue.move_to(0)
        await pilot.press("a")
        await wait_until(pilot, lambda: queue.count == 1, what="an approval over the new connection")
    gate.stop()
