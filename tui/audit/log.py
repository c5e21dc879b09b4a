"""The gate's Auditor: every event becomes a sealed record, chained to the one before it.

A record is written before the gate answers the caller (the gate calls `record` inline), so an
acknowledged action always has its record; a store error propagates and the gate fails closed. The cost
is one INSERT: the head (last seq and hash) is cached, not read per record. Two gates sharing a store
race on `seq`, a primary key: the loser gets AuditConflict, re-reads the head and seals again, so the
chain never forks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from tui.audit.chain import GENESIS, canonical, seal
from tui.audit.keys import AuditKey, load_key
from tui.audit.pulse import Meter, prime
from tui.store.base import AuditConflict, Store, StoreError

_RETRIES = 16


class AuditLog:
    """Implements the gate's `Auditor` protocol: `record(kind, data)`; any kind is accepted.

    `meter`, when given, sees every record written, so the pulse costs no query (pulse.py).
    """

    def __init__(
        self,
        store: Store,
        key: AuditKey,
        *,
        clock: Callable[[], float] = time.time,
        meter: Meter | None = None,
    ) -> None:
        self.store = store
        self.key = key
        self.meter = meter
        self._clock = clock
        self._head: tuple[int, str] | None = None

    def record(self, kind: str, data: dict[str, Any]) -> None:
        """Append one event. Its time is `data["at"]` when the caller gave one (the gate's clock)."""
        at = _when(data, self._clock)
        text = canonical(data)
        for _ in range(_RETRIES):
            seq, prev = self._next()
            row = seal(seq, at, kind, text, prev, secret=self.key.secret, key_id=self.key.id)
            try:
                self.store.append_audit(row)
            except AuditConflict:
                self._head = None  # another writer appended: chain to its record instead
                continue
            self._head = (row.seq, row.hash)
            if self.meter is not None:
                self.meter.observe(kind, data, at)
            return
        raise StoreError(f"could not append to the audit log: {_RETRIES} writers raced ahead of us")

    def forget(self) -> None:
        """The transaction holding our last records rolled back: chain to what the store really has."""
        self._head = None

    def _next(self) -> tuple[int, str]:
        """The next seq and the hash it chains to (read from the store once, then kept)."""
        if self._head is None:
            head = self.store.audit_head()
            self._head = (0, GENESIS) if head is None else (head.seq, head.hash)
        seq, prev = self._head
        return seq + 1, prev


def open_audit_log(store: Store, *, clock: Callable[[], float] = time.time) -> AuditLog:
    """The log for `interlock serve`: key from keyring (created on first use), a primed pulse meter.

    Raises KeyUnavailable with a message to show as is (no keyring backend and no fallback, a key file
    others can read, ...): the gate should refuse to start rather than run unaudited.
    """
    key = load_key(create=True)
    return AuditLog(store, key, clock=clock, meter=prime(Meter(), store, clock()))


def _when(data: dict[str, Any], clock: Callable[[], float]) -> float:
    at = data.get("at")
    if isinstance(at, int | float) and not isinstance(at, bool) and math.isfinite(at):
        return float(at)
    return float(clock())
