"""`interlock hook AGENT`: answer one agent hook call, always, in the agent's format, before its timeout.

Agents fail open on a hook that crashes, hangs or prints anything unexpected, so this never does:
stdout is taken over at start (stray prints go to stderr), every error becomes an explicit deny, and an
alarm fires before the agent's own timeout so the answer is ours, not the agent's default. A decision
that outlasts the wait leaves the action pending: the agent is told its id and to retry the same call
after approval, which the gate then lets through once.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from tui.agents import verdicts
from tui.agents.base import BadPayload
from tui.gate import protocol as p
from tui.gate.client import GateClient, GateError, GateUnreachable

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

    from tui.agents.base import Adapter, Call, Decision, Verdict

MAX_STDIN = 8 << 20
CLIENT_SLACK_S = 1.5  # beyond the wait: the client's own round trip and our answer


class OutOfTime(Exception):
    """Our deadline (or a signal from the agent) arrived before the gate decided."""


class Options:
    __slots__ = ("defer", "fallback", "socket", "timeout_s")

    def __init__(
        self, socket: str, timeout_s: float | None = None, fallback: Decision = "deny", defer: bool = False
    ) -> None:
        self.socket = socket
        self.timeout_s = timeout_s  # the agent's hook timeout; None: the agent's default
        self.fallback: Decision = fallback  # when Interlock cannot decide: deny, or ask the local user
        self.defer = defer  # Claude Code -p: park a held call (defer) instead of denying it


def budget(timeout_s: float) -> float:
    """Seconds we may take: the agent's timeout less a margin for its own bookkeeping."""
    margin = min(15.0, max(2.0, timeout_s * 0.05))
    return max(timeout_s - margin, timeout_s / 2)


def main(adapter: Adapter, options: Options) -> int:
    """The whole hook process: returns its exit code after writing exactly one answer to stdout."""
    out = os.dup(1)
    os.dup2(2, 1)  # anything else that writes to stdout now lands on stderr
    deadline = time.monotonic() + budget(options.timeout_s or adapter.default_timeout_s)
    event = adapter.default_event
    try:
        _arm(deadline)
        try:
            event, verdict = decide(adapter, options, deadline, sys.stdin.buffer.read(MAX_STDIN + 1))
        finally:
            _disarm()
    except OutOfTime as exc:
        verdict = verdicts.failure(str(exc), options.fallback)
    except BaseException as exc:  # fail closed on anything, even KeyboardInterrupt
        verdict = verdicts.failure(f"internal error: {type(exc).__name__}: {exc}", options.fallback)
    body, code = adapter.render(event, verdict)
    _write(out, body)
    return code


def decide(adapter: Adapter, options: Options, deadline: float, raw: bytes) -> tuple[str, Verdict]:
    """The event to answer and the verdict for one raw payload; gate failures become refusals."""
    try:
        payload = _payload(raw)
    except BadPayload as exc:
        return adapter.default_event, verdicts.failure(f"unreadable hook payload: {exc}", options.fallback)
    event = payload.get("hook_event_name")
    event = event if isinstance(event, str) and event else adapter.default_event
    try:
        call = adapter.parse(payload)
    except BadPayload as exc:
        return event, verdicts.failure(f"unsupported hook payload: {exc}", options.fallback)
    try:
        action = submit_and_wait(adapter, call, options.socket, deadline)
    except GateUnreachable as exc:
        return call.event, verdicts.failure(str(exc), options.fallback)
    except GateError as exc:
        return call.event, verdicts.failure(f"the gate refused the request: {exc.message}", options.fallback)
    return call.event, verdicts.from_action(action, defer=options.defer and call.can_defer)


def submit_and_wait(adapter: Adapter, call: Call, path: str, deadline: float) -> dict[str, Any]:
    with GateClient(path) as gate:
        action = gate.submit({**call.action, "agent": agent(adapter.name, call.session)})
        remaining = deadline - time.monotonic() - CLIENT_SLACK_S
        if action.get("status") == "pending" and remaining > 0:
            action = gate.wait(str(action["id"]), remaining)
    return action


def agent(kind: str, session: str) -> dict[str, str]:
    """Who is asking: one stable id per agent kind and OS user (autonomy keys on it), unless overridden."""
    import pwd

    try:
        user = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        user = str(os.getuid())
    return {
        "id": os.environ.get("INTERLOCK_AGENT_ID") or f"{kind}@{user}",
        "kind": kind,
        "host": os.uname().nodename,  # = gethostname(), without importing socket.py
        "user": user,
        "session": session,
    }


def _payload(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_STDIN:
        raise BadPayload(f"more than {MAX_STDIN} bytes on stdin")
    try:
        payload = p.loads(raw)
    except ValueError as exc:
        raise BadPayload(f"stdin is not JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise BadPayload("stdin is not a JSON object")
    return payload


def _arm(deadline: float) -> None:
    def expire(signum: int, _frame: FrameType | None) -> None:
        name = "out of time" if signum == signal.SIGALRM else f"stopped by {signal.Signals(signum).name}"
        raise OutOfTime(f"{name} before Interlock decided")

    for signum in (signal.SIGALRM, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, expire)
    signal.setitimer(signal.ITIMER_REAL, max(0.001, deadline - time.monotonic()))


def _disarm() -> None:
    signal.setitimer(signal.ITIMER_REAL, 0)
    for signum in (signal.SIGALRM, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def _write(fd: int, body: bytes) -> None:
    view = memoryview(body)
    while view:
        view = view[os.write(fd, view) :]
    os.close(fd)
