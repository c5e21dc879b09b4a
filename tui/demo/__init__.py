"""`interlock demo`: a gate on a temporary SQLite store, simulated agents, and the TUI attached to it.

Everything lives in one temporary directory (socket, store, logs) and is removed on exit, whichever way
the TUI ends; the gate and the agents are child processes that are stopped before the directory goes.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from tui.demo.processes import DemoProcesses


def _exit_soon(app: Any) -> None:
    """From a signal handler (main thread, inside the running loop): ask the app to exit cleanly."""
    try:
        asyncio.get_running_loop().call_soon_threadsafe(app.exit)
    except RuntimeError:
        raise SystemExit(1) from None


def run_demo(seed: int | None = None) -> int:
    from tui.app import InterlockApp
    from tui.live import LiveClient
    from tui.locations import control_socket_path

    workdir = Path(tempfile.mkdtemp(prefix="interlock-demo-"))
    socket = workdir / "gate" / "submit.sock"
    try:
        with DemoProcesses(workdir, socket, seed) as demo:
            if not demo.started:
                sys.stderr.write(f"interlock demo: the gate did not start:\n{demo.gate_log()}\n")
                return 3
            app = InterlockApp(LiveClient(control_socket_path(socket)))
            for signum in (signal.SIGHUP, signal.SIGTERM):  # a closed terminal still cleans up
                signal.signal(signum, lambda *_: _exit_soon(app))
            app.run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0
