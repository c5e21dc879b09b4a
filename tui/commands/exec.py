"""`interlock exec -- CMD ARGS…`: run CMD once, and only after the gate allows it.

The command starts only after an `allowed`/`approved` answer; any other outcome (refused, expired, gate
unreachable, connection lost mid-wait, Ctrl-C while waiting) means it never starts. Once running, its exit
status passes through: a normal exit code as ours; death by signal N re-raised on ourselves, so callers see
exactly what they would have seen without Interlock. Terminal signals (INT, QUIT) reach the child from
the terminal directly; TERM, HUP, USR1 and USR2 sent to us are forwarded.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading

from tui.commands.common import EXIT_REFUSED, EXIT_USAGE, client, describe, fail, guarded, local_user
from tui.gate.client import GateError, GateUnreachable
from tui.statuses import GO

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType
    from typing import Any

    from tui.gate.client import GateClient

FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2)
EXIT_INTERRUPTED = 130


def run(args: argparse.Namespace) -> int:
    argv = list(args.argv)
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        return fail("exec needs a command after `--`", EXIT_USAGE)
    return guarded(lambda: _gate_then_run(args, argv))


def build_action(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    user = local_user()
    return {
        "kind": "shell",
        "tool": "interlock-exec",
        "argv": argv,
        "cwd": os.getcwd(),
        "agent": {
            "id": args.agent or f"exec@{user}",
            "kind": "exec",
            "host": os.uname().nodename,
            "user": user,
            "session": str(os.getppid()),
        },
        "target": {"environment": args.env},
    }


def _gate_then_run(args: argparse.Namespace, argv: list[str]) -> int:
    with client(args) as gate:
        action = gate.submit(build_action(args, argv))
        if action["status"] == "pending":
            action = _wait_or_cancel(gate, action, args.timeout)
    if action["status"] not in GO:
        sys.stderr.write(f"interlock: not running {argv[0]}: {describe(action)}\n")
        return EXIT_REFUSED
    return _run_child(argv, lambda child: _stop_when_halted(args, action["agent"]["id"], child))


def _wait_or_cancel(gate: GateClient, action: dict[str, Any], timeout: float | None) -> dict[str, Any]:
    """Wait for the verdict; if we stop waiting (timeout, Ctrl-C) withdraw the action so it cannot be
    approved later for a command that will never run."""
    sys.stderr.write(f"interlock: waiting for approval of {action['id']} ({action['risk']['level']})\n")
    sys.stderr.flush()
    try:
        action = gate.wait(action["id"], timeout)
    except KeyboardInterrupt:
        gate.cancel(action["id"])
        raise SystemExit(EXIT_INTERRUPTED) from None
    if action["status"] == "pending":
        return gate.cancel(action["id"])
    return action


def _stop_when_halted(args: argparse.Namespace, agent: str, child: subprocess.Popen[bytes]) -> None:
    """The kill switch stops work in flight: when the agent is halted, SIGTERM, then SIGKILL after the
    gate's grace period. If the gate goes away the child keeps running (nothing new is started)."""
    try:
        with client(args) as gate:
            reply = gate.request("watch", wait_s=None, agent=agent)
    except (GateUnreachable, GateError):
        return
    sys.stderr.write(f"interlock: agent {agent} halted ({reply['why']}); stopping pid {child.pid}\n")
    child.terminate()
    try:
        child.wait(timeout=float(reply["grace_s"]))
    except subprocess.TimeoutExpired:
        child.kill()


def _run_child(argv: list[str], watch: Callable[[subprocess.Popen[bytes]], None]) -> int:
    try:
        child = subprocess.Popen(argv)
    except OSError as exc:
        code = 127 if isinstance(exc, FileNotFoundError) else 126
        return fail(f"cannot run {argv[0]}: {exc.strerror or exc}", code)

    def forward(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    for signum in FORWARDED:
        signal.signal(signum, forward)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal delivers it to the child too
    threading.Thread(target=watch, args=(child,), daemon=True).start()
    code = child.wait()
    if code < 0:  # died by a signal: die the same way
        if -code not in (signal.SIGKILL, signal.SIGSTOP):  # those two cannot be caught anyway
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    return code
