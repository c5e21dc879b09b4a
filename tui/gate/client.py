"""Blocking client for the gate's sockets: what `interlock submit/exec/ls/...` and agent hooks use.

Standard library only and import-light: it runs on every agent tool call. Every failure to reach or hear
from the gate raises GateUnreachable (exit 3) so callers fail closed: nothing runs.
"""

from __future__ import annotations

import _socket  # the C module: socket.py adds selectors, array and enum conversions, ~5 ms per hook call
import json
import os

from tui.gate import protocol as p

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:  # typing and pathlib cost milliseconds on every agent tool call
    from typing import Any

CONNECT_TIMEOUT_S = 1.0


class GateUnreachable(Exception):
    """No gate answered; the message names the socket and how to start one."""


class GateError(Exception):
    """The gate answered with an error; `code` is the protocol's stable error code."""

    def __init__(self, reply: dict[str, Any]) -> None:
        error = reply.get("error") or {}
        self.code: str = str(error.get("code", p.INTERNAL))
        self.message: str = str(error.get("message", "unknown error"))
        self.reply = reply
        super().__init__(f"{self.code}: {self.message}")


class GateClient:
    def __init__(self, path: str | os.PathLike[str], *, timeout: float = CONNECT_TIMEOUT_S) -> None:
        self.path = path
        self.timeout = timeout
        self._sock: _socket.socket | None = None
        self._buffer = b""
        self._tag = 0

    def __enter__(self) -> GateClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _unreachable(self, why: str) -> GateUnreachable:
        return GateUnreachable(
            f"interlock gate unreachable at {self.path} ({why}); start it with `interlock serve`"
        )

    def _connect(self) -> _socket.socket:
        if self._sock is None:
            sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(str(self.path))
            except (OSError, ValueError) as exc:
                sock.close()
                raise self._unreachable(getattr(exc, "strerror", None) or str(exc)) from None
            self._sock = sock
            token = os.environ.get("INTERLOCK_SESSION_TOKEN")
            if token:  # an SSH session's subprocess: act for the key that logged in, not our OS user
                self.request("hello", token=token)
        return self._sock

    def request(self, op: str, *, wait_s: float | None = 0.0, **fields: Any) -> dict[str, Any]:
        """Send one request and return its reply; `wait_s` is how long the gate may legitimately take
        beyond the normal timeout (None: forever, for waits without a deadline)."""
        sock = self._connect()
        self._tag += 1
        tag = self._tag
        try:
            frame = p.encode({"op": op, "re": tag, **fields})
        except UnicodeEncodeError:  # a lone surrogate from JSON (`"\ud800"`): say where, send nothing
            found = p.lone_surrogate(fields) or "the request"
            message = f"lone UTF-16 surrogate in {found}: not valid Unicode"
            raise GateError(p.error_reply(None, p.BAD_JSON, message)) from None
        try:
            sock.sendall(frame)
            sock.settimeout(None if wait_s is None else self.timeout + wait_s)
            while True:
                reply = self._read_frame(sock)
                if reply.get("re") == tag or (reply.get("re") is None and reply.get("ok") is False):
                    break  # ours, or an error the gate could not tag (our frame was unreadable to it)
        except TimeoutError:
            self.close()
            raise self._unreachable("no answer in time") from None
        except (ConnectionResetError, BrokenPipeError):  # the gate died mid-request: same as EOF
            self.close()
            raise self._unreachable("the gate closed the connection") from None
        except OSError as exc:
            self.close()
            raise self._unreachable(exc.strerror or str(exc)) from None
        if not reply.get("ok"):
            raise GateError(reply)
        return reply

    def _read_frame(self, sock: _socket.socket) -> dict[str, Any]:
        while b"\n" not in self._buffer:
            chunk = sock.recv(65536)
            if not chunk:
                self.close()
                raise self._unreachable("the gate closed the connection")
            self._buffer += chunk
            if len(self._buffer) > p.MAX_FRAME and b"\n" not in self._buffer:
                raise self._unreachable("reply frame too large")
        line, _, self._buffer = self._buffer.partition(b"\n")
        message = json.loads(line)
        if not isinstance(message, dict):
            raise self._unreachable("malformed reply")
        return message

    # --- conveniences -------------------------------------------------------------------------------

    def submit(self, action: dict[str, Any]) -> dict[str, Any]:
        return dict(self.request("submit", action=action)["action"])

    def wait(self, action_id: str, timeout: float | None) -> dict[str, Any]:
        return dict(self.request("wait", wait_s=timeout, id=action_id, timeout=timeout)["action"])

    def cancel(self, action_id: str) -> dict[str, Any]:
        return dict(self.request("cancel", id=action_id)["action"])
