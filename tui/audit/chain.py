"""Sealing audit records: the exact bytes that are hashed, the chain link and the HMAC.

The writer (`AuditLog`) and the checker (`audit verify`) both go through `body`, so they cannot disagree
about what was authenticated. The hash covers the record's position (`seq`), time, kind, the previous
record's hash and the data text byte for byte; the HMAC over that hash needs the key from keyring, so
someone who can write the database can recompute hashes but not MACs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from json.encoder import encode_basestring_ascii as _quote
from typing import Any

from tui.store.base import AuditRow

#: What the first record chains to.
GENESIS = "0" * 64


# Built once: json.dumps with any non-default argument builds a new encoder on every call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
_HEADER = json.JSONEncoder(ensure_ascii=True, default=repr)


def canonical(data: dict[str, Any]) -> str:
    """Sorted, compact, ASCII-only JSON: one text per value, safe to store whatever the agent sent.

    Any value JSON cannot express is stored as its str(): an odd field must not stop the gate.
    """
    return _ENCODER.encode(data)


def body(seq: object, at: object, kind: object, prev: object, data: object) -> bytes:
    """The authenticated bytes: the JSON array `[seq, at, kind, prev]`, a newline, the data text.

    Takes `object` because verify feeds it whatever the database returns: a tampered column of the
    wrong type must hash differently, not crash the checker.
    """
    return f"{_header(seq, at, kind, prev)}\n{data}".encode("utf-8", "surrogatepass")


def _header(seq: object, at: object, kind: object, prev: object) -> str:
    """Exactly what the JSON encoder writes, built directly for the usual types (a third of the cost
    of sealing a record was the encoder's set-up); anything else goes through the encoder itself."""
    if (
        type(seq) is int
        and type(at) is float
        and math.isfinite(at)
        and type(kind) is str
        and type(prev) is str
    ):
        return f"[{seq}, {at!r}, {_quote(kind)}, {_quote(prev)}]"
    return _HEADER.encode([seq, at, kind, prev])


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def mac(secret: bytes, record_hash: str) -> str:
    return hmac.digest(secret, record_hash.encode("ascii", "replace"), "sha256").hex()


def seal(seq: int, at: float, kind: str, data: str, prev: str, *, secret: bytes, key_id: str) -> AuditRow:
    """A new record following `prev`, hashed and authenticated."""
    record_hash = digest(body(seq, at, kind, prev, data))
    return AuditRow(seq, at, kind, data, prev, record_hash, mac(secret, record_hash), key_id)


def authentic(row: AuditRow, secret: bytes) -> bool:
    """Does the stored MAC match the stored hash under this key (constant-time compare)?"""
    if not isinstance(row.mac, str):
        return False
    expected = mac(secret, str(row.hash)).encode()
    return hmac.compare_digest(expected, row.mac.encode("utf-8", "surrogatepass"))


def hashes_to_itself(row: AuditRow) -> bool:
    return digest(body(row.seq, row.at, row.kind, row.prev, row.data)) == row.hash
