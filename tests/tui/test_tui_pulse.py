"""The governance pulse in the TUI: the header gauge from the gate's audit log and the pulse screen."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from pathlib import Path

from conftest import judge_by_payload, wait_until
from textual.widgets import Static

from tui.app import InterlockApp
from tui.audit import AuditLog, Meter
from tui.audit.keys import AuditKey
from tui.gate.client import GateClient
from tui.gate.serve import serve
from tui.gate.service import Gate
from tui.live import LiveClient
from tui.locations import control_socket_path
from tui.store import open_store


async def test_pulse_gauge_and_screen_come_from_the_audit_log(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'gate.db'}")
    audit = AuditLog(store, AuditKey(secret=b"k" * 32, id="test", where="test"), meter=Meter())
    gate = Gate(store, judge=judge_by_payload, audit=audit)
    workdir = Path(tempfile.mkdtemp(prefix="il-pulse-", dir="/tmp"))
    socket = workdir / "s.sock"
    task = asyncio.create_task(serve(gate, socket))
    try:
        while not Path(control_socket_path(socket)).exists():
            assert not task.done(), "the gate did not start"
            await asyncio.sleep(0.01)
        for n in range(3):
            await asyncio.to_thread(lambda n=n: GateClient(socket).submit(
                {"kind": "shell", "command": f"deploy {n}", "agent": {"id": "bot"}}))
        app = InterlockApp(LiveClient(control_socket_path(socket), backoff=(0.05,)))
        async with app.run_test(size=(170, 40)) as pilot:
            await wait_until(pilot, lambda: "held" in app.source.link.pulse, what="the pulse gauge")
            await pilot.press("5")
            await wait_until(pilot, lambda: "Governance report" in _report(app), what="the governance report")
            assert "3 records" in _report(app)  # the three submissions, read back from the audit log
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        store.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _report(app: InterlockApp) -> str:
    try:
        return str(app.screen.query_one("#report", Static).render())
    except Exception:
        return ""
