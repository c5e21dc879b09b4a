"""The gate's wire protocol: versioned, newline-delimited JSON over a Unix socket.

Standard library only (the client side runs inside agent hooks). One JSON object per line, both ways.

Request:   {"v": 1, "op": "submit", "re": 7, ...op fields}      `re` is the caller's tag, echoed back.
Reply:     {"v": 1, "re": 7, "ok": true, ...result}  or  {"v": 1, "re": 7, "ok": false,
           "error": {"code": "bad_request", "message": "field 'id' must be a string"}}
Event:     {"v": 1, "event": "action", "action": {...}}   pushed to connections that subscribed.

Ops on the submit socket (agents): status, submit, wait, cancel, watch (answers when the agent is halted).
Ops on the control socket (approvers): status, list, show, wait, decide, subscribe, autonomy, halt,
incident, pulse, report. The control socket's caller is identified by SO_PEERCRED and the approvers
file, or by `hello` with a session token the gate issued to an SSH session (its subprocesses act for
its key).
`subscribe` with `"pending": true` answers with the whole pending set in the reply (`pending`, oldest
first); that reply may be larger than MAX_FRAME, which bounds requests, so a client asking for it reads
with a larger limit (tui/live.py).
A frame longer than MAX_FRAME is refused and that connection closed: the stream cannot be trusted after it.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from typing import Any

VERSION = 1
MAX_FRAME = 1 << 20  # 1 MiB, newline included

SUBMIT_OPS = frozenset({"hello", "status", "submit", "wait", "cancel", "watch"})
CONTROL_OPS = frozenset(
    {
        "hello",
        "status",
        "list",
        "show",
        "wait",
        "decide",
        "subscribe",
        "autonomy",
        "halt",
        "incident",
        "pulse",
        "report",
    }
)

# Error codes: stable strings clients may branch on.
BAD_JSON = "bad_json"
BAD_REQUEST = "bad_request"
UNKNOWN_OP = "unknown_op"
UNSUPPORTED_VERSION = "unsupported_version"
FRAME_TOO_LARGE = "frame_too_large"
NOT_FOUND = "not_found"
CONFLICT = "conflict"
FORBIDDEN = "forbidden"
INVALID_ACTION = "invalid_action"
INTERNAL = "internal"
FEED_OVERFLOW = "feed_overflow"


class ProtocolError(Exception):
    """A request the gate refuses; carries the stable code and a message a person can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def encode(message: dict[str, Any]) -> bytes:
    """One frame: compact JSON, no raw newlines inside (json escapes them), one trailing newline."""
    return json.dumps({"v": VERSION, **message}, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def encode_with(message: dict[str, Any], key: str, encoded: list[str]) -> bytes:
    """`encode(message)` with `key` set to a list of items that are already compact JSON (each one an
    object without raw newlines), spliced in rather than parsed and encoded again."""
    head = encode(message)[:-2]  # without the closing brace and newline
    return b"".join((head, f',"{key}":['.encode(), ",".join(encoded).encode(), b"]}\n"))


def _not_json(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def loads(data: bytes | str) -> Any:
    """JSON from an agent or client, strictly: Python's decoder also takes `NaN`, `Infinity` and numbers
    that overflow to infinity, which nothing else reads back, and dies of RecursionError on deep nesting.
    Each of those is a ValueError here, with what was wrong, like any other malformed JSON."""
    try:
        return json.loads(data, parse_constant=_not_json, parse_float=_finite)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def lone_surrogate(value: object, where: str = "") -> str | None:
    """Where `value` holds a string with a lone UTF-16 surrogate (`"\\ud800"` is valid JSON but not valid
    Unicode: it cannot be stored, sent or shown), as `field.path (U+D800)`; None when there is none."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"{where or 'the text'} (U+{ord(value[exc.start]):04X})"
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = lone_surrogate(item, f"{where}.{key}" if where else str(key))
        if found is not None:
            return found
    return None


def decode(line: bytes) -> dict[str, Any]:
    """Parse one request frame, refusing anything that is not a versioned JSON object."""
    try:
        message = loads(line)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors too
        raise ProtocolError(BAD_JSON, f"frame is not valid JSON: {exc}") from None
    if not isinstance(message, dict):
        raise ProtocolError(BAD_REQUEST, "frame must be a JSON object")
    if (b"\\ud" in line or b"\\uD" in line) and (found := lone_surrogate(message)):
        raise ProtocolError(BAD_JSON, f"frame holds a lone UTF-16 surrogate in {found}: not valid Unicode")
    version = message.get("v", VERSION)
    if type(version) is not int or version != VERSION:  # True and 1.0 equal 1 in Python; not on the wire
        raise ProtocolError(
            UNSUPPORTED_VERSION, f"protocol version {version!r} not supported (gate speaks 1)"
        )
    if not isinstance(message.get("op"), str):
        raise ProtocolError(BAD_REQUEST, "frame needs a string 'op'")
    return message


def error_reply(tag: object, code: str, message: str) -> dict[str, Any]:
    return {"re": tag, "ok": False, "error": {"code": code, "message": message}}
