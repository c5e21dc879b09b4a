"""One SSH session, as a short pipeline of one-job steps: identify → authorise → mode → log → run.

Each step is a small function so each can be tested alone; `handle` only strings them together and
turns a refusal into a message on stderr and exit status 1 (the same code as the local CLI's refusals).
"""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass

import asyncssh

from tui.gate.approvers import Identity
from tui.gate.service import Gate
from tui.ssh import commands, pty_session
from tui.ssh.auth import GateSSHServer
from tui.ssh.spawn import Zygote

log = logging.getLogger("interlock.ssh")

CLIENT_ENV = frozenset({"COLORTERM", "LANG", "LC_ALL"})
_SAFE_VALUE = re.compile(r"[A-Za-z0-9._@-]{1,64}")


class Refused(Exception):
    pass


@dataclass
class Sessions:
    """How many sessions are open, against the configured maximum; and the fork server, if up."""

    limit: int
    open: int = 0
    zygote: Zygote | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    who: Identity
    mode: str  # "tui" or "command"
    words: tuple[str, ...] = ()


def identify(process: asyncssh.SSHServerProcess[bytes]) -> Identity:
    owner = process.get_extra_info("connection").get_owner()
    if not isinstance(owner, GateSSHServer) or owner.identity is None:
        raise Refused("no authenticated identity on this connection")
    return owner.identity


def authorise(who: Identity, sessions: Sessions) -> None:
    if sessions.open >= sessions.limit:
        raise Refused(f"too many sessions open ({sessions.limit}); try again shortly")
    if who.role != "agent" and not who.has("observer"):
        raise Refused(f"{who.name} has no role that may use this gate")


def choose_mode(process: asyncssh.SSHServerProcess[bytes], who: Identity) -> Plan:
    if process.command is not None:
        try:
            return Plan(who, "command", tuple(commands.parse(process.command, who.role)))
        except commands.Refused as exc:
            raise Refused(str(exc)) from None
    if who.role == "agent":
        raise Refused("agent keys may only run `submit` or `wait`; no interactive session")
    if process.term_type is None:
        raise Refused("interlock needs a terminal (ssh -t) or a command (ls, show, approve, ...)")
    return Plan(who, "tui")


def child_env(gate_socket: str, token: str, process: asyncssh.SSHServerProcess[bytes]) -> dict[str, str]:
    """An allow-listed environment: nothing the client sent except a few harmless, well-formed values
    (a client's PYTHONPATH or LD_PRELOAD would be code execution as the gate's user)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "LANG": "C.UTF-8",
        "INTERLOCK_SOCKET": gate_socket,
        "INTERLOCK_SESSION_TOKEN": token,
        "TERM": process.term_type or "dumb",
    }
    for key in ("INTERLOCK_CONFIG_DIR", "XDG_RUNTIME_DIR", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        if key in os.environ:
            env[key] = os.environ[key]
    for key, value in process.env.items():
        if str(key) in CLIENT_ENV and _SAFE_VALUE.fullmatch(str(value)):
            env[str(key)] = str(value)
    return env


def record(gate: Gate, plan: Plan, peer: str) -> None:
    detail = " ".join(plan.words) if plan.mode == "command" else "tui"
    log.info("ssh: %s (%s) runs %s", plan.who.name, plan.who.fingerprint, detail)
    gate.audit.record(
        "ssh_session",
        {
            "name": plan.who.name,
            "role": plan.who.role,
            "fingerprint": plan.who.fingerprint,
            "peer": peer,
            "mode": plan.mode,
            "command": list(plan.words),
            "at": time.time(),
        },
    )


async def handle(
    process: asyncssh.SSHServerProcess[bytes], gate: Gate, gate_socket: str, sessions: Sessions
) -> None:
    """The whole pipeline for one session; always ends with an exit status sent to the client."""
    token = ""
    counted = False
    code = 1
    try:
        who = identify(process)
        authorise(who, sessions)
        plan = choose_mode(process, who)
        peer = str((process.get_extra_info("peername") or ("?",))[0])
        record(gate, plan, peer)
        sessions.open += 1
        counted = True
        token = gate.open_session(who)
        env = child_env(gate_socket, token, process)
        if plan.mode == "command":
            code = await commands.run(process, list(plan.words), env)
        else:
            code = await pty_session.run(process, env, gate.settings.ssh_idle_timeout_s, sessions.zygote)
    except Refused as exc:
        process.stderr.write(f"interlock: {exc}\n".encode())
    except Exception:
        log.exception("ssh session failed")
        process.stderr.write(b"interlock: internal error; nothing was decided\n")
    finally:
        if counted:
            sessions.open -= 1
        gate.close_session(token)
        process.exit(code)  # unconditionally: is_closing() is already true after EOF (reference §2.4.3)
