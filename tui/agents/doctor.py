"""`interlock doctor`: is this machine protected? Gate up, hooks installed, a test action round-trips.

Each check prints one line (`ok`, `--` for not applicable, `FAIL` with what to do). An installed hook is
also run once with an unusable payload: it must answer at once with a deny in its agent's format, which
proves the command in the settings starts and fails closed, without creating an action.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from tui.agents import hook, install
from tui.agents.registry import all_adapters
from tui.gate.client import GateClient, GateError, GateUnreachable
from tui.locations import socket_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.agents.base import Adapter

EXIT_OK, EXIT_FAILED, EXIT_UNREACHABLE = 0, 1, 3
HOOK_CHECK_TIMEOUT_S = 15.0


class Report:
    def __init__(self) -> None:
        self.failed = False

    def line(self, status: str, what: str, detail: str) -> None:
        self.failed |= status == "FAIL"
        sys.stdout.write(f"{status:<4} {what:<36} {detail}\n")


def run(args: argparse.Namespace) -> int:
    report = Report()
    path = socket_path(args.socket)
    reachable = check_gate(report, path)
    installed = [check_hooks(report, adapter) for adapter in all_adapters()]
    if not any(installed):
        report.line("FAIL", "hooks", "no agent has Interlock's hook: run `interlock install AGENT`")
    if not reachable:
        return EXIT_UNREACHABLE
    check_round_trip(report, path)
    return EXIT_FAILED if report.failed else EXIT_OK


def check_gate(report: Report, path: str) -> bool:
    try:
        with GateClient(path) as gate:
            info = gate.request("status")["gate"]
    except (GateUnreachable, GateError) as exc:
        report.line("FAIL", "gate", str(exc))
        return False
    report.line(
        "ok",
        "gate",
        f"{path}: version {info.get('version')}, pid {info.get('pid')}, {info.get('pending')} pending",
    )
    return True


def check_hooks(report: Report, adapter: Adapter) -> bool:
    found = False
    for scope in adapter.install.paths:
        path = install.settings_path(adapter.install, scope)
        what = f"{adapter.name} ({scope})"
        try:
            entries = install.ours(install.load(path), adapter)
        except install.SettingsError as exc:
            report.line("FAIL", what, str(exc))
            continue
        if not entries:
            report.line("--", what, f"not installed in {path}")
            continue
        found = True
        for event, _matcher, handler in entries:
            check_hook_command(report, adapter, f"{what} {event}", str(handler.get("command", "")))
    return found


def check_hook_command(report: Report, adapter: Adapter, what: str, command: str) -> None:
    """Run the installed command on a payload with no event: it must answer exactly as this Interlock
    does (a deny in the agent's format, from the same version), and at once."""
    probe = b"{}"
    event, verdict = hook.decide(adapter, hook.Options(socket="/nonexistent"), 0.0, probe)
    expected, code = adapter.render(event, verdict)
    started = time.monotonic()
    try:
        done = subprocess.run(
            ["/bin/sh", "-c", command],
            input=probe,
            capture_output=True,
            timeout=HOOK_CHECK_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        report.line("FAIL", what, f"hook command did not answer: {exc}")
        return
    took = (time.monotonic() - started) * 1000
    if (done.stdout, done.returncode) != (expected, code):
        got = f"exit {done.returncode}, stdout {done.stdout[:160]!r}"
        report.line(
            "FAIL",
            what,
            f"`{command}` answered {got}, not this Interlock's deny; "
            f"re-run `interlock install {adapter.name}`",
        )
        return
    report.line("ok", what, f"installed; fails closed on a bad payload in {took:.0f} ms")


def check_round_trip(report: Report, path: str) -> None:
    """Submit a harmless action and withdraw it if held: the gate judged, stored and answered."""
    who = hook.agent("other", "doctor")
    action = {
        "kind": "other",
        "tool": "interlock-doctor",
        "summary": "interlock doctor: round-trip check",
        "agent": {**who, "id": "doctor@" + who["user"]},
    }
    started = time.monotonic()
    try:
        with GateClient(path) as gate:
            result = gate.submit(action)
            if result.get("status") == "pending":
                result = gate.cancel(str(result["id"]))
    except (GateUnreachable, GateError) as exc:
        report.line("FAIL", "round trip", str(exc))
        return
    took = (time.monotonic() - started) * 1000
    report.line("ok", "round trip", f"action {result.get('id')}: {result.get('status')} in {took:.0f} ms")
