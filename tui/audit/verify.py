"""`audit verify`: walk the chain from the first record and name the first one that is not genuine.

Each record must carry the next sequence number, link to the previous record's hash, hash to itself,
and carry a valid HMAC under the audit key. That catches an edited record (its hash), an edited record
with a recomputed hash (its HMAC), a deleted one (a gap in seq, or a broken link if the rest were
renumbered), an inserted one (no valid HMAC) and a reordered one (seq and link both move). Deleting the
newest records leaves no successor to notice; the newest stored actions witness that (witness.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.audit.chain import GENESIS, authentic, hashes_to_itself
from tui.audit.keys import AuditKey
from tui.audit.witness import witness
from tui.model import iso
from tui.store.base import AuditRow, Store

PAGE = 5000


@dataclass(frozen=True, slots=True)
class Problem:
    """The first bad record: `seq` is the record that is wrong, or the first one missing."""

    seq: int
    why: str
    kind: str = ""
    at: float | None = None

    def describe(self) -> str:
        where = f"record {self.seq}"
        if self.kind:
            when = f" at {iso(self.at)}" if self.at is not None else ""
            where += f" ({self.kind}{when})"
        return f"{where}: {self.why}"


@dataclass(frozen=True, slots=True)
class Verdict:
    records: int
    """How many records were checked and found genuine (all of them when `ok`)."""
    head_seq: int
    head_hash: str
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(store: Store, key: AuditKey, *, page: int = PAGE) -> Verdict:
    """Check the whole log in seq order, a page at a time; stop at the first bad record."""
    expected, prev, count = 1, GENESIS, 0
    seen = witness(store)
    while rows := store.audit_rows(after=expected - 1, limit=page):
        for row in rows:
            problem = diagnose(row, expected, prev, key)
            if problem is not None:
                return Verdict(count, expected - 1, prev, problem)
            seen.note(row)
            count, expected, prev = count + 1, row.seq + 1, row.hash
    missing = seen.missing()
    return Verdict(count, expected - 1, prev, None if missing is None else Problem(expected, missing))


def diagnose(row: AuditRow, expected: int, prev: str, key: AuditKey) -> Problem | None:
    """Why `row`, found where record `expected` should be, is not genuine; None if it is."""
    if row.seq != expected:
        why = f"missing ({_span(expected, row.seq - 1)} deleted): the next record present is {row.seq}"
        return Problem(expected, why)
    kind, at = _printable(row)
    linked, intact = row.prev == prev, hashes_to_itself(row)
    before = f"record {expected - 1}" if expected > 1 else "the start of the log"
    if not intact and linked:
        return Problem(row.seq, "edited: its content no longer matches its hash", kind, at)
    if not linked:
        tail = "" if intact else " and does not match its hash"
        why = f"does not follow {before}{tail}: records were inserted, deleted or reordered here"
        return Problem(row.seq, why, kind, at)
    if row.key_id != key.id:
        why = f"sealed with key {row.key_id!s:.16}, not the audit key in {key.where} ({key.id})"
        return Problem(row.seq, why, kind, at)
    if not authentic(row, key.secret):
        return Problem(row.seq, "HMAC does not match: rewritten or forged without the audit key", kind, at)
    return None


def _span(first: int, last: int) -> str:
    return f"record {first}" if first == last else f"records {first}-{last}"


def _printable(row: AuditRow) -> tuple[str, float | None]:
    """The kind and time to name the record by, even when a tampered column holds the wrong type."""
    at = row.at if isinstance(row.at, int | float) and not isinstance(row.at, bool) else None
    return str(row.kind)[:40], at
