"""`interlock tui` (and bare `interlock`) and `interlock demo`: start the on-call console.

The TUI attaches to the gate's control socket (beside the submit socket) and keeps retrying if the gate
is not there yet: it shows that it is disconnected rather than refusing to start.
"""

from __future__ import annotations

import argparse

from tui.locations import control_socket_path, socket_path


def run(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from tui.demo import run_demo

        return run_demo(seed=getattr(args, "seed", None))
    return run_tui(getattr(args, "socket", None))


def run_tui(socket: str | None) -> int:
    from tui.app import InterlockApp
    from tui.live import LiveClient

    InterlockApp(LiveClient(control_socket_path(socket_path(socket)))).run()
    return 0
