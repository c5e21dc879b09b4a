"""`interlock autonomy`, `halt` and `incident`: turning agents down (or up) live, from a shell."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tui.commands.common import EXIT_OK, EXIT_USAGE, client, emit_json, fail, guarded
from tui.statuses import MAX_SECONDS

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """`90`, `90s`, `30m`, `2h`, `1d` → seconds; anything else is a clear error."""
    unit = text[-1:] if text[-1:] in UNITS else "s"
    number = text[:-1] if text[-1:] in UNITS else text
    try:
        value = float(number) * UNITS[unit]
    except ValueError:
        raise ValueError(f"duration {text!r} is not like 90s, 30m, 2h or 1d") from None
    if not 0 < value <= MAX_SECONDS:  # False for NaN; inf and 1e300 are not time boxes either
        raise ValueError(f"duration {text!r} must be positive and at most a year")
    return value


def run(args: argparse.Namespace) -> int:
    return guarded(lambda: _COMMANDS[args.command](args))


def _autonomy(args: argparse.Namespace) -> int:
    fields: dict[str, Any] = {}
    if args.level:
        try:
            for_s = None if args.for_ is None else parse_duration(args.for_)  # '' is an error, not forever
        except ValueError as exc:
            return fail(str(exc), EXIT_USAGE)
        fields = {"agent": args.agent, "level": args.level, "reason": args.reason, "for_s": for_s}
    elif args.for_ is not None or args.reason:
        return fail(
            "--for and --reason go with a LEVEL: interlock autonomy AGENT LEVEL --for 30m", EXIT_USAGE
        )
    with client(args, control=True) as gate:
        reply = gate.request("autonomy", **fields)
    if args.json:
        emit_json({k: v for k, v in reply.items() if k in ("grant", "autonomy")})
    else:
        sys.stdout.write(_describe(reply["autonomy"], args.agent))
    return EXIT_OK


def _describe(state: dict[str, Any], agent: str | None) -> str:
    lines = [f"default {state['default']}"]
    if state["incident"]:
        incident = state["incident"]
        lines.append(
            f"INCIDENT MODE: every agent at most {incident['level']} ({incident['reason']}, "
            f"by {incident['by']})"
        )
    for name, grant in state["grants"].items():
        if agent and name != agent:
            continue
        until = f" until {grant['until']:.0f}" if grant["until"] else ""
        lines.append(
            f"{name:<24} {grant['level']:<10} by {grant['by']} ({grant['source']}){until}"
            f"{': ' + grant['reason'] if grant['reason'] else ''}"
        )
    if agent and agent not in state["grants"]:
        lines.append(f"{agent:<24} {state['default']:<10} (default)")
    from tui.safe_text import visible

    return "".join(visible(line) + "\n" for line in lines)


def _halt(args: argparse.Namespace) -> int:
    if bool(args.agent) == bool(args.all):
        return fail("halt takes an AGENT or --all", EXIT_USAGE)
    with client(args, control=True) as gate:
        reply = gate.request("halt", agent=args.agent or "", all=args.all, reason=args.reason)
    if args.json:
        emit_json(reply)
    else:
        who = "every agent (incident mode)" if args.all else args.agent
        sys.stdout.write(f"halted {who}; {reply['rejected']} pending actions rejected\n")
    return EXIT_OK


def _incident(args: argparse.Namespace) -> int:
    fields = {"action": args.action, "reason": args.reason}
    if args.level:
        fields["level"] = args.level
    with client(args, control=True) as gate:
        reply = gate.request("incident", **fields)
    if args.json:
        emit_json(reply)
    elif args.action == "start":
        incident = reply["incident"]
        sys.stdout.write(
            f"incident mode: every agent at most {incident['level']}; "
            f"{reply['rejected']} pending actions rejected\n"
        )
    else:
        sys.stdout.write("incident mode ended; agents are back at their own levels\n")
    return EXIT_OK


_COMMANDS = {"autonomy": _autonomy, "halt": _halt, "incident": _incident}
