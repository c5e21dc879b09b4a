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
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from tui.gate import protocol as p
from tui.gate.approvers import Identity
from tui.gate.ops import OPS, STREAMING
from tui.gate.review import RefusedDecision
from tui.gate.service import Gate
from tui.model import InvalidAction
from tui.store import Conflict, NotFound, StoreError

log = logging.getLogger("interlock.gate")


class Connection:
    """One client: serialises writes and tracks what it submitted (it may cancel only those)."""

    def __init__(self, gate: Gate, writer: asyncio.StreamWriter, ops: frozenset[str], user: str) -> None:
        self.gate = gate
        self.writer = writer
        self.ops = ops
        self.user = user  # from SO_PEERCRED: the kernel says who connected, not the client
        self.bound: Identity | None = None  # set by `hello` with a session token (SSH sessions)
        self.submitted: set[str] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()

    def identity(self, role: str = "observer") -> Identity:
        """The peer as the approvers file knows it (looked up per request: reloads apply at once),
        refused unless it holds at least `role`."""
        who = self.bound or self.gate.approvers.for_local_user(self.user)
        if who is None:
            raise p.ProtocolError(p.FORBIDDEN, f"local user {self.user!r} is not in the approvers file")
        if not who.has(role):
            raise p.ProtocolError(p.FORBIDDEN, f"{who.name} is {who.role}; this needs {role} or above")
        return who

    async def send(self, message: dict[str, Any]) -> None:
        await self.send_raw(p.encode(message))

    async def send_raw(self, frame: bytes) -> None:
        """One frame already encoded (see `protocol.encode_with`)."""
        async with self._lock:
            self.writer.write(frame)
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
            if op in STREAMING:
                task = asyncio.create_task(self._guarded(tag, OPS[op](self, message)))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
                return
            result = await OPS[op](self, message)
            await self.send({"re": tag, "ok": True, **result})
        except (ConnectionError, BrokenPipeError):
            raise  # the client went away: nobody to answer, and not an internal error (serve() ends it)
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


# --- listening --------------------------------------------------------------------------------------


def peer_user(writer: asyncio.StreamWriter) -> str:
    """The local peer's OS user, from SO_PEERCRED: the kernel says who connected, not the client."""
    sock: socket.socket = writer.get_extra_info("socket")
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid:{uid}"


async def listen(gate: Gate, path: Path, ops: frozenset[str]) -> asyncio.Server:
    """Bind one socket (0600, in a 0700 directory), refusing to steal one a live gate is serving."""
    prepare_socket_path(path)

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await Connection(gate, writer, ops, peer_user(writer)).serve(reader)

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
