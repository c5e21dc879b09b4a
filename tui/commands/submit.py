"""`interlock submit` (Action JSON on stdin) and `interlock wait ID`."""

from __future__ import annotations

import argparse
import sys

from tui.commands.common import (
    EXIT_USAGE,
    client,
    describe,
    emit_json,
    exit_code,
    fail,
    guarded,
)
from tui.gate import protocol as p

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from typing import Any

    from tui.gate.client import GateClient


def run(args: argparse.Namespace) -> int:
    if args.command == "wait":
        return guarded(lambda: _wait(args))
    try:
        action = p.loads(sys.stdin.buffer.read())
    except ValueError as exc:
        return fail(f"stdin is not valid JSON: {exc}", EXIT_USAGE)
    if not isinstance(action, dict):
        return fail("stdin must hold one Action JSON object", EXIT_USAGE)
    return guarded(lambda: _submit(args, action))


def _submit(args: argparse.Namespace, data: dict[str, Any]) -> int:
    with client(args) as gate:
        action = gate.submit(data)
        if action["status"] == "pending" and not args.no_wait:
            action = _await(gate, action, args.timeout)
    return _report(args, action)


def _wait(args: argparse.Namespace) -> int:
    with client(args) as gate:
        return _report(args, gate.wait(args.id, args.timeout))


def _await(gate: GateClient, action: dict[str, Any], timeout: float | None) -> dict[str, Any]:
    sys.stderr.write(
        f"interlock: held for review: {action['id']} (resume with `interlock wait {action['id']}`)\n"
    )
    sys.stderr.flush()
    return gate.wait(action["id"], timeout)


def _report(args: argparse.Namespace, action: dict[str, Any]) -> int:
    if args.json:
        emit_json(action)
    else:
        sys.stdout.write(describe(action) + "\n")
    return exit_code(action)
