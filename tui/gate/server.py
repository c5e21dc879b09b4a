"""The gate's two Unix sockets: one for agents (submit), one for approvers (control).

Each connection reads newline-delimited JSON requests and answers each with exactly one reply frame;
`wait` and `subscribe` run as tasks so one connection can keep asking while it waits. A bad frame gets a
specific error and the connection keeps serving; only an oversized frame closes it (the stream is lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pwd
import socket
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tui.gate import protocol as p
from tui.gate.service import Gate, Identity, RefusedDecision
from tui.model import InvalidAction
from tui.store import Conflict, NotFound, StoreError

log = logging.getLogger("interlock.gate")

MAX_LIST = 1000


class Connection:
    """One client: serialises writes and tracks what it submitted (it may cancel only those)."""

    def __init__(self, gate: Gate, writer: asyncio.StreamWriter, ops: frozenset[str], who: Identity) -> None:
        self.gate = gate
        self.writer = writer
        self.ops = ops
        self.who = who
        self.submitted: set[str] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        async with self._lock:
            self.writer.write(p.encode(message))
            await self.writer.drain()

    async def serve(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                try:
                    line = await reader.readuntil(b"\n")
                except asyncio.IncompleteReadError as exc:
                    if exc.partial.strip():
                        await self.send(p.error_reply(None, p.BAD_JSON, "frame ended without a newline"))
                    return
                except asyncio.LimitOverrunError:
                    await self.send(
                        p.error_reply(
                            None, p.FRAME_TOO_LARGE, f"frame exceeds {p.MAX_FRAME} bytes; closing connection"
                        )
                    )
                    return
                if line.strip():
                    await self.handle(line)
        except (ConnectionError, BrokenPipeError):
            return
        finally:
            for task in self.tasks:
                task.cancel()
            with contextlib.suppress(Exception):
                self.writer.close()

    async def handle(self, line: bytes) -> None:
        tag: object = None
        try:
            message = p.decode(line)
            tag = message.get("re")
            op = message["op"]
            if op not in self.ops:
                known = ", ".join(sorted(self.ops))
                raise p.ProtocolError(p.UNKNOWN_OP, f"unknown op {op!r} on this socket (ops: {known})")
            if op in ("wait", "subscribe"):
                task = asyncio.create_task(self._guarded(tag, OPS[op](self, message)))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
                return
            result = await OPS[op](self, message)
            await self.send({"re": tag, "ok": True, **result})
        except Exception as exc:  # every failure becomes a reply; the gate keeps serving
            await self.send(_error_for(tag, exc))

    async def _guarded(self, tag: object, work: Awaitable[dict[str, Any]]) -> None:
        try:
            result = await work
            await self.send({"re": tag, "ok": True, **result})
        except asyncio.CancelledError:
            raise
        except (ConnectionError, BrokenPipeError):
            return
        except Exception as exc:
            with contextlib.suppress(ConnectionError, BrokenPipeError):
                await self.send(_error_for(tag, exc))


def _error_for(tag: object, exc: Exception) -> dict[str, Any]:
    if isinstance(exc, p.ProtocolError):
        return p.error_reply(tag, exc.code, exc.message)
    if isinstance(exc, InvalidAction):
        return p.error_reply(tag, p.INVALID_ACTION, str(exc))
    if isinstance(exc, NotFound):
        return p.error_reply(tag, p.NOT_FOUND, str(exc))
    if isinstance(exc, Conflict):
        return {**p.error_reply(tag, p.CONFLICT, str(exc)), "action": exc.action.to_json()}
    if isinstance(exc, RefusedDecision):
        return p.error_reply(tag, p.FORBIDDEN, str(exc))
    if isinstance(exc, StoreError):
        log.error("store error: %s", exc)
        return p.error_reply(tag, p.INTERNAL, f"store error (nothing was allowed): {exc}")
    log.exception("internal error")
    return p.error_reply(
        tag, p.INTERNAL, f"internal error (nothing was allowed): {type(exc).__name__}: {exc}"
    )


# --- field readers: one specific error per bad field ------------------------------------------------


def _str(message: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = message.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise p.ProtocolError(p.BAD_REQUEST, f"field {name!r} must be a non-empty string")
    return value


def _number(message: dict[str, Any], name: str, default: float | None) -> float | None:
    value = message.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise p.ProtocolError(p.BAD_REQUEST, f"field {name!r} must be a non-negative number")
    return float(value)


# --- ops --------------------------------------------------------------------------------------------


async def op_status(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    from tui import __version__

    return {
        "gate": {"version": __version__, "pid": os.getpid(), **conn.gate.status()},
        "you": {"name": conn.who.name, "channel": conn.who.channel, "role": conn.who.role},
    }


async def op_submit(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    if "action" not in message:
        raise p.ProtocolError(p.BAD_REQUEST, "submit needs an 'action' object")
    action = conn.gate.submit(message["action"])
    conn.submitted.add(action.id)
    return {"action": action.to_json()}


async def op_wait(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    action = await conn.gate.wait(_str(message, "id"), _number(message, "timeout", None))
    return {"action": action.to_json()}


async def op_cancel(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    action_id = _str(message, "id")
    if action_id not in conn.submitted:
        raise p.ProtocolError(p.FORBIDDEN, f"action {action_id} was not submitted on this connection")
    return {"action": conn.gate.cancel(action_id).to_json()}


async def op_show(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    return {"action": conn.gate.show(_str(message, "id")).to_json()}


async def op_list(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    limit = _number(message, "limit", 100) or 0
    if limit > MAX_LIST:
        raise p.ProtocolError(p.BAD_REQUEST, f"field 'limit' may be at most {MAX_LIST}")
    actions = conn.gate.list_actions(
        status=_str(message, "status", required=False) or None,
        limit=int(limit),
        before=_str(message, "before", required=False) or None,
    )
    return {"actions": [a.to_json() for a in actions]}


async def op_decide(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    action = conn.gate.decide(
        _str(message, "id"),
        _str(message, "verdict"),
        conn.who,
        reason=_str(message, "reason", required=False),
        content_hash=_str(message, "content_hash", required=False),
    )
    return {"action": action.to_json()}


async def op_subscribe(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """Acknowledge, then stream events until the client goes away or falls too far behind."""
    sub = conn.gate.feed.subscribe()
    try:
        await conn.send({"re": message.get("re"), "ok": True, "subscribed": True})
        while True:
            await conn.send(await sub.queue.get())
            if sub.overflowed.is_set() and sub.queue.empty():
                raise p.ProtocolError(p.FEED_OVERFLOW, "subscriber fell too far behind; resubscribe")
    finally:
        conn.gate.feed.unsubscribe(sub)


Op = Callable[[Connection, dict[str, Any]], Awaitable[dict[str, Any]]]
OPS: dict[str, Op] = {
    "status": op_status,
    "submit": op_submit,
    "wait": op_wait,
    "cancel": op_cancel,
    "show": op_show,
    "list": op_list,
    "decide": op_decide,
    "subscribe": op_subscribe,
}


# --- listening --------------------------------------------------------------------------------------


def peer_identity(writer: asyncio.StreamWriter) -> Identity:
    """The local peer's OS user, from SO_PEERCRED: the kernel says who connected, not the client."""
    sock: socket.socket = writer.get_extra_info("socket")
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = f"uid:{uid}"
    return Identity(name=name, channel="local")


async def listen(gate: Gate, path: Path, ops: frozenset[str]) -> asyncio.Server:
    """Bind one socket (0600, in a 0700 directory), refusing to steal one a live gate is serving."""
    prepare_socket_path(path)

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await Connection(gate, writer, ops, peer_identity(writer)).serve(reader)

    old = os.umask(0o177)
    try:
        return await asyncio.start_unix_server(on_connect, path=str(path), limit=p.MAX_FRAME)
    finally:
        os.umask(old)


class GateAlreadyRunning(Exception):
    pass


def prepare_socket_path(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        return
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except OSError:
        path.unlink()  # stale: no gate behind it
    else:
        raise GateAlreadyRunning(f"a gate is already serving {path}")
    finally:
        probe.close()
