"""Interlock for custom agents written in Python: ask the gate before doing something, in code.

    from tui.sdk import ActionDenied, approval, gated

    @gated(kind="sql", describe=lambda table: {"command": f"DROP TABLE {table}"})
    def drop(table: str) -> None: ...            # runs only once the gate allows it

    with approval("shell", command="kubectl delete ns staging"):
        ...                                      # the body runs only if allowed
    async with approval("http", command="POST https://api/deploy"):
        ...

Anything but allowed/approved raises ActionDenied (GateUnavailable when no gate answered: fail closed),
so an unhandled refusal stops the work instead of letting it through. A wait that ends (timeout,
Ctrl-C, task cancellation) withdraws the action, so nobody approves something that will never run.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import os
import socket as _socket
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from tui.agents.verdicts import from_action
from tui.gate.client import GateClient, GateError, GateUnreachable
from tui.locations import socket_path
from tui.statuses import GO

P = ParamSpec("P")
R = TypeVar("R")


class ActionDenied(Exception):
    """The gate did not allow the action; `action` is the gate's record (None if it never got one)."""

    def __init__(self, reason: str, action: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.action = action
        self.status = str(action.get("status", "")) if action else "unreachable"


class GateUnavailable(ActionDenied):
    """No gate answered (or it refused the request): nothing may run."""


def action(kind: str = "other", *, agent: str | None = None, **fields: Any) -> dict[str, Any]:
    """An Action submission from this process: `fields` are Action fields (command, path, diff, payload…)."""
    user = _user()
    who = {
        "id": agent or os.environ.get("INTERLOCK_AGENT_ID") or f"sdk@{user}",
        "kind": "sdk",
        "host": _socket.gethostname(),
        "user": user,
        "session": str(os.getpid()),
    }
    return {"kind": kind, "cwd": os.getcwd(), **fields, "agent": who}


def check(
    submission: dict[str, Any], *, timeout: float | None = None, socket: str | None = None
) -> dict[str, Any]:
    """Submit and wait (blocking); returns the allowed action or raises ActionDenied."""
    try:
        with GateClient(socket_path(socket)) as gate:
            result = gate.submit(submission)
            if result["status"] == "pending":
                try:
                    result = gate.wait(result["id"], timeout)
                except BaseException:
                    gate.cancel(result["id"])
                    raise
                if result["status"] == "pending":
                    result = gate.cancel(result["id"])
    except (GateUnreachable, GateError) as exc:
        raise GateUnavailable(f"Interlock could not check this action ({exc}); it must not run") from None
    return _outcome(result)


async def acheck(
    submission: dict[str, Any], *, timeout: float | None = None, socket: str | None = None
) -> dict[str, Any]:
    """`check` for asyncio code: the event loop keeps running while the gate decides."""
    path = socket_path(socket)
    try:
        reader, writer = await asyncio.open_unix_connection(path)
    except OSError as exc:
        why = f"Interlock gate unreachable at {path} ({exc.strerror or exc}); it must not run"
        raise GateUnavailable(why) from None
    try:
        submitted = asyncio.ensure_future(_call(reader, writer, "submit", action=submission))
        try:
            result = (await asyncio.shield(submitted))["action"]
        except asyncio.CancelledError:
            # cancelled before the gate's answer arrived: let the answer come, so what was held is
            # withdrawn (else it stays pending for a caller that will never run it)
            held = (await submitted)["action"]
            if held["status"] == "pending":
                await _call(reader, writer, "cancel", id=held["id"])
            raise
        if result["status"] == "pending":
            try:
                result = (await _call(reader, writer, "wait", id=result["id"], timeout=timeout))["action"]
            except asyncio.CancelledError:
                await _call(reader, writer, "cancel", id=result["id"])
                raise
            if result["status"] == "pending":
                result = (await _call(reader, writer, "cancel", id=result["id"]))["action"]
    except (OSError, ValueError, KeyError) as exc:
        raise GateUnavailable(f"Interlock gate failed mid-request ({exc}); it must not run") from None
    finally:
        writer.close()
    return _outcome(result)


class approval:  # lower case: used like a function, `with approval(...)`
    """Context manager (sync and async): the body runs only if the gate allows the action."""

    def __init__(
        self,
        kind: str = "other",
        *,
        timeout: float | None = None,
        socket: str | None = None,
        agent: str | None = None,
        **fields: Any,
    ) -> None:
        self.submission = action(kind, agent=agent, **fields)
        self.timeout, self.socket = timeout, socket

    def __enter__(self) -> dict[str, Any]:
        return check(self.submission, timeout=self.timeout, socket=self.socket)

    def __exit__(self, *exc: object) -> None:
        return None

    async def __aenter__(self) -> dict[str, Any]:
        return await acheck(self.submission, timeout=self.timeout, socket=self.socket)

    async def __aexit__(self, *exc: object) -> None:
        return None


def gated(
    kind: str = "other",
    *,
    describe: Callable[..., dict[str, Any]] | None = None,
    timeout: float | None = None,
    socket: str | None = None,
    agent: str | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: each call is submitted first and runs only if allowed (async functions await the gate).

    `describe(*args, **kwargs)` returns the Action fields for one call; by default the function's name
    and its arguments' reprs, so the approver sees what is about to happen.
    """

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        def submission(*args: Any, **kwargs: Any) -> dict[str, Any]:
            fields = describe(*args, **kwargs) if describe else _call_fields(fn, args, kwargs)
            return action(kind, agent=agent, **{"tool": fn.__qualname__, **fields})

        if inspect.iscoroutinefunction(fn):

            async def run_async(*args: Any, **kwargs: Any) -> Any:
                await acheck(submission(*args, **kwargs), timeout=timeout, socket=socket)
                return await fn(*args, **kwargs)

            return functools.wraps(fn)(run_async)  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            check(submission(*args, **kwargs), timeout=timeout, socket=socket)
            return fn(*args, **kwargs)

        return run

    return wrap


def _call_fields(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    return {
        "summary": f"{fn.__qualname__}({shown})"[:200],
        "payload": {"args": [repr(a) for a in args], "kwargs": {k: repr(v) for k, v in kwargs.items()}},
    }


def _outcome(result: dict[str, Any]) -> dict[str, Any]:
    if result.get("status") in GO:
        return result
    raise ActionDenied(from_action(result).reason, result)


async def _call(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, op: str, **fields: Any
) -> dict[str, Any]:
    writer.write(json.dumps({"v": 1, "op": op, "re": op, **fields}).encode() + b"\n")
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("the gate closed the connection")
        reply: dict[str, Any] = json.loads(line)
        if reply.get("re") != op:
            continue
        if not reply.get("ok"):
            error = reply.get("error") or {}
            raise ValueError(f"{error.get('code')}: {error.get('message')}")
        return reply


def _user() -> str:
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())
