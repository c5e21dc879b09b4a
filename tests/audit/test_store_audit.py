"""The store's audit methods: append-only by seq, the head, and windows by seq and time."""

from __future__ import annotations

import pytest

from tui.audit import AuditLog
from tui.store.base import AuditConflict, AuditRow
from tui.store.sqlite import SqliteStore


def row(seq: int, at: float) -> AuditRow:
    return AuditRow(seq, at, "note", "{}", "p", "h", "m", "k")


def test_a_taken_seq_is_a_conflict_not_an_overwrite(store: SqliteStore) -> None:
    store.append_audit(row(1, 10.0))
    with pytest.raises(AuditConflict, match="audit record 1 already exists"):
        store.append_audit(row(1, 11.0))
    assert store.audit_rows() == [row(1, 10.0)]


def test_head_and_windows(store: SqliteStore) -> None:
    assert store.audit_head() is None
    for seq in range(1, 8):
        store.append_audit(row(seq, 100.0 + 10 * seq))
    assert store.audit_head() == row(7, 170.0)
    assert [r.seq for r in store.audit_rows(after=3)] == [4, 5, 6, 7]
    assert [r.seq for r in store.audit_rows(since=130.0, until=160.0)] == [3, 4, 5]  # until is exclusive
    assert [r.seq for r in store.audit_rows(after=1, limit=2)] == [2, 3]


@pytest.mark.parametrize("count", [1, 2, 7, 100])
def test_time_windows_without_an_index(store: SqliteStore, count: int) -> None:
    for seq in range(1, count + 1):
        store.append_audit(row(seq, 1000.0 * seq))
    for since in (0.0, 999.0, 1000.0, 1500.0, 1000.0 * count, 1000.0 * count + 1):
        expected = [s for s in range(1, count + 1) if 1000.0 * s >= since]
        assert [r.seq for r in store.audit_rows(since=since)] == expected
        assert [r.seq for r in store.audit_rows(until=since)] == [
            s for s in range(1, count + 1) if s not in expected
        ]


def test_time_windows_survive_gaps_and_a_clock_stepping_back(store: SqliteStore) -> None:
    times = {1: 100.0, 2: 200.0, 4: 400.0, 5: 390.0, 6: 600.0, 9: 900.0}  # 5 was written after a step back
    for seq, at in times.items():
        store.append_audit(row(seq, at))
    assert [r.seq for r in store.audit_rows(since=395.0)] == [4, 6, 9]
    assert [r.seq for r in store.audit_rows(since=390.0, until=600.0)] == [4, 5]
    assert [r.seq for r in store.audit_rows(since=150.0, after=4, limit=1)] == [5]


def test_the_log_survives_reopening_and_continues_the_chain(db_path, key) -> None:
    first = SqliteStore(db_path)
    AuditLog(first, key).record("note", {"n": 1})
    first.close()
    again = SqliteStore(db_path)
    AuditLog(again, key).record("note", {"n": 2})
    one, two = again.audit_rows()
    assert (two.seq, two.prev) == (2, one.hash)
    again.close()


def test_any_kind_and_any_value_is_recorded(log: AuditLog) -> None:
    """Kinds the gate will add later, values JSON cannot express, agent text of any sort."""
    log.record(
        "ssh_login", {"who": "bob", "at": 5.0, "when": object.__new__(object), "text": "\x1b[2J\u202e\ud800"}
    )
    [stored] = log.store.audit_rows()
    assert stored.kind == "ssh_login"
    assert stored.at == 5.0
    assert stored.data.isascii()
    assert "\\u001b[2J\\u202e\\ud800" in stored.data
