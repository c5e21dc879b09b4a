"""What every client command shares: connecting, exit codes, and printing agent text safely."""

from __future__ import annotations

import argparse
import json
import os
import sys

from tui.gate.client import GateClient, GateError, GateUnreachable
from tui.locations import control_socket_path, socket_path
from tui.safe_text import visible
from tui.statuses import GO

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:  # the submit path is timed: no typing/collections imports at run time
    from collections.abc import Callable
    from typing import Any

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3

#: Gate error codes that mean "bad input from you" (exit 2); the rest are refusals (exit 1).
_USAGE_CODES = frozenset(
    {
        "bad_json",
        "bad_request",
        "unknown_op",
        "invalid_action",
        "not_found",
        "unsupported_version",
        "frame_too_large",
    }
)


def client(args: argparse.Namespace, *, control: bool = False) -> GateClient:
    path = socket_path(args.socket)
    return GateClient(control_socket_path(path) if control else path)


def exit_code(action: dict[str, Any]) -> int:
    """0 only when the action may go ahead; held, refused, expired or cancelled is 1 (fail closed)."""
    return EXIT_OK if action.get("status") in GO else EXIT_REFUSED


def guarded(work: Callable[[], int]) -> int:
    """Run a client command, turning gate failures into the contract's exit codes and one-line errors."""
    try:
        return work()
    except GateUnreachable as exc:
        return fail(str(exc), EXIT_UNREACHABLE)
    except GateError as exc:
        return fail(exc.message, EXIT_USAGE if exc.code in _USAGE_CODES else EXIT_REFUSED)


def fail(message: str, code: int) -> int:
    sys.stderr.write(f"interlock: {visible(message)}\n")
    return code


def emit_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=True) + "\n")


def describe(action: dict[str, Any]) -> str:
    """One line for people: status, id, level and why; agent text made visible, never raw."""
    risk = action.get("risk") or {}
    line = f"{action['status']:<9} {action['id']}  {risk.get('level', '?')}/{risk.get('score', '?')}"
    decisions = action.get("decisions") or []
    if decisions:
        last = decisions[-1]
        line += f"  {last['verdict']} by {last['by']}"
        if last.get("reason"):
            line += f": {last['reason']}"
    elif action["status"] == "pending":
        line += f"  held: {action.get('summary', '')}"
    return visible(line)


def local_user() -> str:
    """The OS user name of this process, for agent records."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())
