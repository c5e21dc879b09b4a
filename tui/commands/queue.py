"""Scripting the queue from a shell: `interlock ls`, `show`, `approve`, `reject`, `status`.

These use the control socket: the gate identifies the caller from the socket's peer credentials.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from tui.commands.common import EXIT_OK, client, describe, emit_json, exit_code, guarded
from tui.model import Action
from tui.safe_text import visible


def run(args: argparse.Namespace) -> int:
    return guarded(lambda: _COMMANDS[args.command](args))


def _ls(args: argparse.Namespace) -> int:
    status = None if args.all else args.status
    with client(args, control=True) as gate:
        actions = gate.request("list", status=status, limit=args.limit)["actions"]
    if args.json:
        emit_json(actions)
        return EXIT_OK
    for action in actions:
        risk = action["risk"]
        line = (
            f"{action['id']}  {action['status']:<9} {risk['level']:<8} {age(action):>4}  "
            f"{action['agent']['id']:<16} {action['summary']}"
        )
        sys.stdout.write(visible(line) + "\n")
    if not actions:
        sys.stdout.write(f"no {status or ''} actions\n".replace("  ", " "))
    return EXIT_OK


def age(action: dict[str, Any]) -> str:
    from tui.model import parse_iso

    seconds = max(0.0, time.time() - (parse_iso(action["created_at"]) or 0.0))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def _show(args: argparse.Namespace) -> int:
    with client(args, control=True) as gate:
        action = gate.request("show", id=args.id)["action"]
    if args.json:
        emit_json(action)
    else:
        sys.stdout.write(_details(action))
    return EXIT_OK


def _details(action: dict[str, Any]) -> str:
    risk, agent = action["risk"], action["agent"]
    env = Action.from_json(action).environment_label or "-"
    lines = [
        describe(action),
        f"agent    {agent['id']} ({agent['kind']}) {agent['user']}@{agent['host']}",
        f"session  {agent['session']}",
        f"kind     {action['kind']}  tool {action['tool']}  env {env}",
        f"cwd      {action['cwd']}",
        f"command  {action['command']}" if action["command"] else f"path     {action['path']}",
        f"risk     {risk['score']} {risk['level']}{'  read-only' if risk['read_only'] else ''}",
        *(f"  {r['rule']}: {r['text']} (+{r['contribution']})" for r in risk["reasons"]),
        f"review   {_review(action)}",
        *(
            f"  {d['verdict']} by {d['by']} ({d['role']}, {d['channel']}): {d['reason']}"
            for d in action["decisions"]
        ),
        f"hash     {action['content_hash']}",
        f"expires  {action['expires_at'] or '-'}",
    ]
    out = "\n".join(visible(line) for line in lines) + "\n"
    if action["diff"]:
        out += visible(action["diff"], keep_newlines=True).rstrip("\n") + "\n"
    return out


def _review(action: dict[str, Any]) -> str:
    """The requirement, and what is still missing while pending ("1 of 2 approvals, needs senior")."""
    from tui.gate.review import missing
    from tui.model import Action

    need = action["requirement"]
    text = f"{need['approvals']} approval(s), role {need['role']}"
    text += ", written reason" if need["reason_required"] else ""
    text += f", {need['min_review_s']:g} s on the diff" if need["min_review_s"] else ""
    still = missing(Action.from_json(action)) if action["status"] == "pending" else ""
    return f"{text}; so far: {still}" if still else text


def _decide(args: argparse.Namespace) -> int:
    verdict = "approve" if args.command == "approve" else "reject"
    with client(args, control=True) as gate:
        action = gate.request("decide", id=args.id, verdict=verdict, reason=args.reason)["action"]
    if args.json:
        emit_json(action)
    else:
        sys.stdout.write(describe(action) + "\n")
    if verdict == "reject":
        return EXIT_OK if action["status"] == "rejected" else exit_code(action)
    return EXIT_OK if action["status"] in ("approved", "pending") else exit_code(action)


def _status(args: argparse.Namespace) -> int:
    with client(args, control=True) as gate:
        reply = gate.request("status")
    if args.json:
        emit_json({"gate": reply["gate"], "you": reply["you"]})
    else:
        info = reply["gate"]
        sys.stdout.write(
            f"gate up (pid {info['pid']}, version {info['version']}): {info['pending']} pending, "
            f"{info['subscribers']} watching; you are {reply['you']['name']}\n"
        )
    return EXIT_OK


_COMMANDS = {"ls": _ls, "show": _show, "approve": _decide, "reject": _decide, "status": _status}
