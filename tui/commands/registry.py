"""Every subcommand's arguments, in one place: this file is the command-line contract of DESIGN.md.

Each subcommand names the module whose `run(args) -> int` executes it; nothing is imported until chosen.
"""

from __future__ import annotations

import argparse

from tui.statuses import AUTONOMY_LEVELS, MAX_SECONDS


def seconds(text: str) -> float:
    """A number of seconds for --timeout/--ttl: finite, not negative, at most a year. `nan`, `inf` and
    1e300 reached the socket and the clock as tracebacks, leaving the action held (found by probing)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= MAX_SECONDS:  # False for NaN too
        raise argparse.ArgumentTypeError(f"{text!r} must be between 0 and {MAX_SECONDS:.0f} seconds")
    return value


TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from typing import Any

    Subparsers = Any  # argparse's _SubParsersAction is private


def _client(sub: argparse.ArgumentParser, *, json_flag: bool = True) -> argparse.ArgumentParser:
    sub.add_argument(
        "--socket", help="the gate's submit socket (default: INTERLOCK_SOCKET or the runtime dir)"
    )
    if json_flag:
        sub.add_argument("--json", action="store_true", help="print JSON instead of text")
    return sub


def _add(subparsers: Subparsers, name: str, module: str, help_text: str) -> argparse.ArgumentParser:
    sub: argparse.ArgumentParser = subparsers.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(module=module)
    return sub


def register(subparsers: Subparsers, only: str | None = None) -> None:
    """Add every subcommand, or only the group holding `only` (building all costs ~15 ms per hook call)."""
    known = any(only in names for names, _ in _GROUPS)
    for names, adder in _GROUPS:
        if not known or only in names:
            adder(subparsers)


def _register_serve(subparsers: Subparsers) -> None:
    serve = _add(subparsers, "serve", "tui.gate.serve", "run the gate: sockets, store, expiry")
    serve.add_argument("--db", help="store URL (sqlite:///PATH); default INTERLOCK_DB or the state dir")
    serve.add_argument("--socket", help="submit socket path; the control socket sits beside it")
    serve.add_argument("--config", help="settings file (default: settings.yaml in the config dir)")
    serve.add_argument(
        "--rules",
        action="append",
        metavar="DIR",
        help="rules directory (repeatable; default: the shipped pack + user rules)",
    )
    serve.add_argument(
        "--ssh", metavar="[HOST:]PORT", help="serve remote approvals over SSH (loopback by default)"
    )
    serve.add_argument(
        "--ttl", type=seconds, default=None, help="seconds a held action waits before it expires"
    )


def _register_submit(subparsers: Subparsers) -> None:
    submit = _client(
        _add(
            subparsers,
            "submit",
            "tui.commands.submit",
            "submit Action JSON from stdin and wait for the verdict",
        )
    )
    submit.add_argument("--no-wait", action="store_true", help="return the verdict at once, even if held")
    submit.add_argument("--timeout", type=seconds, default=None, help="stop waiting after S seconds")

    wait = _client(_add(subparsers, "wait", "tui.commands.submit", "resume waiting for a held action"))
    wait.add_argument("id")
    wait.add_argument("--timeout", type=seconds, default=None, help="stop waiting after S seconds")


def _register_exec(subparsers: Subparsers) -> None:
    exec_ = _client(
        _add(subparsers, "exec", "tui.commands.exec", "run a command once the gate allows it"),
        json_flag=False,
    )
    exec_.add_argument("--env", default="", help="the environment the command touches (dev, staging, prod)")
    exec_.add_argument("--agent", default="", help="agent id to submit as (default: exec@USER)")
    exec_.add_argument("--timeout", type=seconds, default=None, help="give up (and cancel) after S seconds")
    exec_.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD ARGS")


def _register_queue(subparsers: Subparsers) -> None:
    ls = _client(_add(subparsers, "ls", "tui.commands.queue", "list actions (pending by default)"))
    ls.add_argument("--status", default="pending", help="pending, approved, rejected, expired, allowed, ...")
    ls.add_argument("--all", action="store_true", help="every status")
    ls.add_argument("--limit", type=int, default=100)

    show = _client(_add(subparsers, "show", "tui.commands.queue", "show one action in full"))
    show.add_argument("id")

    approve = _client(_add(subparsers, "approve", "tui.commands.queue", "approve a held action"))
    approve.add_argument("id")
    approve.add_argument("--reason", default="")

    reject = _client(_add(subparsers, "reject", "tui.commands.queue", "reject a held action"))
    reject.add_argument("id")
    reject.add_argument("--reason", required=True, help="sent back to the agent")

    _client(_add(subparsers, "status", "tui.commands.queue", "is the gate up, and what does it hold"))


def _register_rules(subparsers: Subparsers) -> None:
    rules = _add(subparsers, "rules", "tui.policy.cli", "check, test and explain the policy")
    sub = rules.add_subparsers(
        dest="rules_command", metavar="SUBCOMMAND", required=True, parser_class=type(rules)
    )
    for name, text in (
        ("check", "validate rule files (file:line errors)"),
        ("test", "run every rule's examples"),
    ):
        one = sub.add_parser(name, help=text, description=text)
        one.add_argument("dir", nargs="?", help="rules directory (default: the shipped pack + user rules)")
    explain = sub.add_parser(
        "explain",
        help="show the verdict for a command and why",
        description="score, level, verdict and every contributing rule; reads the "
        "command after `--`, or Action JSON (one object or JSON lines) on stdin",
    )
    explain.add_argument("--env", default="", help="target environment")
    explain.add_argument("--kind", default="shell", help="action kind (shell, sql, http, file_edit, ...)")
    explain.add_argument("--autonomy", default="supervised", help="agent autonomy level to judge at")
    explain.add_argument("--rules", dest="dir", default=None, help="rules directory")
    explain.add_argument("--json", action="store_true")
    explain.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD")


def _register_tui(subparsers: Subparsers) -> None:
    tui = _add(subparsers, "tui", "tui.launch", "the on-call TUI, attached to the running gate")
    tui.add_argument("--socket", help="the gate's submit socket; the control socket beside it is used")
    demo = _add(subparsers, "demo", "tui.launch", "gate + simulated agents + TUI on a temporary store")
    demo.add_argument("--seed", type=int, default=None, help="make the simulated agents repeatable")


def _register_agents(subparsers: Subparsers) -> None:
    hook = _client(
        _add(subparsers, "hook", "tui.agents.cli", "answer one agent hook call (stdin → stdout)"),
        json_flag=False,
    )
    hook.add_argument("agent", help="claude-code, codex, gemini or cursor")
    hook.add_argument(
        "--timeout",
        type=seconds,
        default=None,
        help="the agent's hook timeout in seconds; the answer comes a margin before it",
    )
    hook.add_argument(
        "--fallback",
        default="deny",
        choices=("deny", "ask"),
        help="answer when Interlock cannot decide: deny, or ask the local user (where the agent can)",
    )
    hook.add_argument(
        "--defer",
        action="store_true",
        help="Claude Code -p: defer a still-held call (resume the session after approval)",
    )
    install = _client(
        _add(subparsers, "install", "tui.agents.cli", "add Interlock's hook to an agent's settings"),
        json_flag=False,
    )
    install.add_argument("agent")
    install.add_argument("--scope", default="user", choices=("user", "project", "local"))
    install.add_argument(
        "--timeout",
        type=seconds,
        default=3600.0,
        help="seconds the agent lets the hook wait for a decision (default 3600)",
    )
    uninstall = _add(subparsers, "uninstall", "tui.agents.cli", "remove Interlock's hook from an agent")
    uninstall.add_argument("agent")
    uninstall.add_argument("--scope", default="user", choices=("user", "project", "local"))
    _client(_add(subparsers, "doctor", "tui.agents.cli", "check the gate, the hooks and a round trip"))


def _register_autonomy(subparsers: Subparsers) -> None:
    autonomy = _client(
        _add(subparsers, "autonomy", "tui.commands.autonomy", "show or set agents' autonomy levels, live")
    )
    autonomy.add_argument("agent", nargs="?", help="agent id (omit: every grant)")
    autonomy.add_argument("level", nargs="?", choices=AUTONOMY_LEVELS)
    autonomy.add_argument("--for", dest="for_", metavar="D", help="time box, e.g. 30m or 2h; then revert")
    autonomy.add_argument("--reason", default="")
    halt = _client(
        _add(
            subparsers,
            "halt",
            "tui.commands.autonomy",
            "stop an agent now: deny its actions, reject its queue, kill its exec children",
        )
    )
    halt.add_argument("agent", nargs="?")
    halt.add_argument("--all", action="store_true", help="every agent (incident mode at halt)")
    halt.add_argument("--reason", default="")
    incident = _client(
        _add(
            subparsers,
            "incident",
            "tui.commands.autonomy",
            "clamp every agent at once (start), or lift it (end; needs a senior)",
        )
    )
    incident.add_argument("action", choices=("start", "end"))
    incident.add_argument("--level", choices=("halt", "observe"), help="default: the incident_level setting")
    incident.add_argument("--reason", default="")


def _register_approvers(subparsers: Subparsers) -> None:
    approvers = _add(subparsers, "approvers", "tui.commands.approvers", "who may decide, with which roles")
    sub = approvers.add_subparsers(
        dest="approvers_command",
        metavar="SUBCOMMAND",
        required=True,
        parser_class=type(approvers),
        prog="interlock approvers",
    )
    listing = sub.add_parser("list", help="list approvers and their roles")
    listing.add_argument("--json", action="store_true")
    add = sub.add_parser("add", help="add (or update) an approver")
    add.add_argument("name")
    add.add_argument(
        "--role",
        dest="roles",
        action="append",
        required=True,
        help="observer, approver, senior, admin or agent (repeatable)",
    )
    add.add_argument(
        "--key",
        dest="keys",
        action="append",
        default=[],
        metavar="PUBKEY_FILE",
        help="an OpenSSH public key file (repeatable)",
    )
    add.add_argument("--user", dest="users", action="append", default=[], help="a local OS user (repeatable)")
    remove = sub.add_parser("remove", help="remove an approver")
    remove.add_argument("name")


def _register_audit(subparsers: Subparsers) -> None:
    audit = _add(
        subparsers, "audit", "tui.commands.audit", "verify, export or follow the tamper-evident audit log"
    )
    audit.add_argument("--db", help="store URL (default: INTERLOCK_DB or the state dir)")
    sub = audit.add_subparsers(
        dest="audit_command",
        metavar="SUBCOMMAND",
        required=True,
        parser_class=type(audit),
        prog="interlock audit",
    )
    sub.add_parser("verify", help="check the hash chain and HMACs; name the first bad record")
    export = sub.add_parser("export", help="write records as JSON lines or CSV")
    export.add_argument("--since", help="e.g. 7d, 24h, or an ISO-8601 time")
    export.add_argument("--until", help="e.g. 1h, or an ISO-8601 time")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    tail = sub.add_parser("tail", help="print the newest records, then follow")
    tail.add_argument("-n", type=int, default=20, help="how many to show first")
    tail.add_argument("--no-follow", action="store_true")
    report = _add(subparsers, "report", "tui.commands.audit", "governance pulse: is review keeping pace?")
    report.add_argument("--db", help="store URL (default: INTERLOCK_DB or the state dir)")
    report.add_argument("--since", default="7d", help="window, e.g. 7d or 24h")
    report.add_argument("--json", action="store_true")


_GROUPS = (
    (("serve",), _register_serve),
    (("submit", "wait"), _register_submit),
    (("exec",), _register_exec),
    (("ls", "show", "approve", "reject", "status"), _register_queue),
    (("rules",), _register_rules),
    (("tui", "demo"), _register_tui),
    (("hook", "install", "uninstall", "doctor"), _register_agents),
    (("autonomy", "halt", "incident"), _register_autonomy),
    (("approvers",), _register_approvers),
    (("audit", "report"), _register_audit),
)
