"""Tampering done the way an attacker with file access would: SQL straight into the SQLite file.

Each case edits, deletes, inserts or reorders rows with the sqlite3 module (no Interlock code), then
`verify` must fail and name the first bad record. An attacker here knows the hash algorithm (they can
recompute hashes and relink the chain) but not the HMAC key, which lives in the keyring.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.audit.synthetic import Script
from tui.audit import AuditKey, AuditLog, verify
from tui.audit.chain import body, digest
from tui.audit.keys import key_id
from tui.store.sqlite import SqliteStore

T0 = 1_800_000_000.0
RECORDS = 12


def build(log: AuditLog) -> None:
    """Twelve records: four held actions, each submitted, decided and resolved."""
    script = Script()
    for i, who in enumerate(("alice", "bob", "alice", "carol")):
        script.held(
            T0 + 100 * i,
            "coder",
            "medium",
            f"deploy {i}",
            ["prod-deploy"],
            wait=30,
            votes=((who, "approve", 20.0),),
        )
    assert script.write(log) == RECORDS


Columns = tuple[int, float, str, str, str, str, str, str]


def rows(db: sqlite3.Connection) -> dict[int, Columns]:
    return {r[0]: r for r in db.execute("SELECT seq, at, kind, data, prev, hash, mac, key_id FROM audit_log")}


def rehash_from(db: sqlite3.Connection, first: int) -> None:
    """What an attacker without the key can do: recompute every hash and link from `first` on."""
    by_seq = rows(db)
    prev = by_seq[first - 1][5] if first > 1 else "0" * 64
    for seq in sorted(s for s in by_seq if s >= first):
        _, at, kind, data, *_ = by_seq[seq]
        new = digest(body(seq, at, kind, prev, data))
        db.execute("UPDATE audit_log SET prev = ?, hash = ? WHERE seq = ?", (prev, new, seq))
        prev = new


def edit_data(db: sqlite3.Connection) -> None:
    """Record 5 is bob's approval of the second action: make it a rejection."""
    db.execute("UPDATE audit_log SET data = replace(data, '\"approve\"', '\"reject\"') WHERE seq = 5")
    assert '"reject"' in db.execute("SELECT data FROM audit_log WHERE seq = 5").fetchone()[0]


def edit_time(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET at = at - 3600 WHERE seq = 5")


def edit_kind(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET kind = 'note' WHERE seq = 5")


def edit_time_to_text(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET at = 'yesterday' WHERE seq = 5")


def edit_and_rehash(db: sqlite3.Connection) -> None:
    edit_data(db)
    rehash_from(db, 5)


def edit_key_id(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET key_id = 'deadbeefdeadbeef' WHERE seq = 5")


def delete_middle(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM audit_log WHERE seq = 5")


def delete_range(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM audit_log WHERE seq BETWEEN 5 AND 7")


def delete_and_renumber(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM audit_log WHERE seq = 5")
    for seq in range(6, RECORDS + 1):
        db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq - 1, seq))


def delete_renumber_rehash(db: sqlite3.Connection) -> None:
    delete_and_renumber(db)
    rehash_from(db, 5)


def insert_forged_in_middle(db: sqlite3.Connection) -> None:
    for seq in range(RECORDS, 4, -1):  # make room at 5, highest first so no key collides
        db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq + 1, seq))
    _, at, *_ = rows(db)[4]
    db.execute(
        "INSERT INTO audit_log VALUES (5, ?, 'decision', '{\"by\":\"mallory\"}', '', '', ?, ?)",
        (at, "0" * 64, rows(db)[4][7]),
    )
    rehash_from(db, 5)


def insert_replayed_copy(db: sqlite3.Connection) -> None:
    _, at, kind, data, prev, hash_, mac, kid = rows(db)[5]
    db.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (RECORDS + 1, at, kind, data, prev, hash_, mac, kid),
    )


def append_forged(db: sqlite3.Connection) -> None:
    last = rows(db)[RECORDS]
    data = '{"action":"act-9999","by":"mallory","verdict":"approve"}'
    new = digest(body(RECORDS + 1, last[1] + 1, "decision", last[5], data))
    db.execute(
        "INSERT INTO audit_log VALUES (?, ?, 'decision', ?, ?, ?, ?, ?)",
        (RECORDS + 1, last[1] + 1, data, last[5], new, "f" * 64, last[7]),
    )


def swap_contents(db: sqlite3.Connection) -> None:
    """Records 5 and 6 trade places: every column moves except the position (seq)."""
    a, b = rows(db)[5], rows(db)[6]
    for seq, (_, *rest) in ((5, b), (6, a)):
        db.execute(
            "UPDATE audit_log SET at=?, kind=?, data=?, prev=?, hash=?, mac=?, key_id=? WHERE seq=?",
            (*rest, seq),
        )


def swap_positions(db: sqlite3.Connection) -> None:
    """Records 5 and 6 trade sequence numbers (a reorder by renumbering)."""
    db.execute("UPDATE audit_log SET seq = -1 WHERE seq = 5")
    db.execute("UPDATE audit_log SET seq = 5 WHERE seq = 6")
    db.execute("UPDATE audit_log SET seq = 6 WHERE seq = -1")


def move_first_to_end(db: sqlite3.Connection) -> None:
    db.execute("UPDATE audit_log SET seq = ? WHERE seq = 1", (RECORDS + 1,))


def delete_first(db: sqlite3.Connection) -> None:
    db.execute("DELETE FROM audit_log WHERE seq = 1")


CASES: list[tuple[Callable[[sqlite3.Connection], None], int, str]] = [
    (edit_data, 5, "edited: its content no longer matches its hash"),
    (edit_time, 5, "edited"),
    (edit_kind, 5, "edited"),
    (edit_time_to_text, 5, "edited"),
    (edit_and_rehash, 5, "HMAC does not match"),
    (edit_key_id, 5, "sealed with key deadbeefdeadbeef"),
    (delete_middle, 5, "missing (record 5 deleted): the next record present is 6"),
    (delete_range, 5, "missing (records 5-7 deleted): the next record present is 8"),
    (delete_first, 1, "missing (record 1 deleted)"),
    (delete_and_renumber, 5, "does not follow record 4"),
    (delete_renumber_rehash, 5, "HMAC does not match"),
    (insert_forged_in_middle, 5, "HMAC does not match"),
    (insert_replayed_copy, RECORDS + 1, "does not follow record 12"),
    (append_forged, RECORDS + 1, "HMAC does not match"),
    (swap_contents, 5, "does not follow record 4"),
    (swap_positions, 5, "does not follow record 4"),
    (move_first_to_end, 1, "missing (record 1 deleted)"),
]


@pytest.mark.parametrize(("tamper", "seq", "why"), CASES, ids=[c[0].__name__ for c in CASES])
def test_tampering_is_found_and_the_first_bad_record_named(
    tamper: Callable[[sqlite3.Connection], None],
    seq: int,
    why: str,
    log: AuditLog,
    key: AuditKey,
    db_path: Path,
) -> None:
    build(log)
    assert verify(log.store, key).ok
    with sqlite3.connect(db_path, isolation_level=None) as db:
        tamper(db)
    db.close()
    verdict = verify(log.store, key)
    assert not verdict.ok
    assert verdict.problem is not None
    assert verdict.problem.seq == seq
    assert why in verdict.problem.why
    assert verdict.records == seq - 1  # everything before it checked and found genuine
    assert verdict.problem.describe().startswith(f"record {seq}")


def test_an_untouched_log_verifies(log: AuditLog, key: AuditKey) -> None:
    build(log)
    verdict = verify(log.store, key)
    assert verdict.ok
    assert verdict.records == RECORDS
    assert verdict.head_seq == RECORDS


def test_the_problem_names_the_record_kind_and_time(log: AuditLog, key: AuditKey, db_path: Path) -> None:
    build(log)
    with sqlite3.connect(db_path, isolation_level=None) as db:
        edit_data(db)
    db.close()
    problem = verify(log.store, key).problem
    assert problem is not None
    kind = rows(sqlite3.connect(db_path))[5][2]
    assert problem.describe().startswith(f"record 5 ({kind} at 2027-01-15T08:0")


def test_another_key_cannot_vouch_for_the_log(log: AuditLog) -> None:
    build(log)
    other = AuditKey(b"\x01" * 32, key_id(b"\x01" * 32), "test")
    problem = verify(log.store, other).problem
    assert problem is not None
    assert problem.seq == 1
    assert "not the audit key in test" in problem.why


def test_a_forger_with_the_right_key_id_but_not_the_key_is_caught(log: AuditLog, key: AuditKey) -> None:
    build(log)
    forger = AuditKey(b"\x02" * 32, key.id, "stolen id")  # claims the real key's id, holds another secret
    problem = verify(log.store, forger).problem
    assert problem is not None
    assert (problem.seq, "HMAC does not match" in problem.why) == (1, True)


def test_verify_reads_the_log_a_page_at_a_time(log: AuditLog, key: AuditKey, db_path: Path) -> None:
    build(log)
    assert verify(log.store, key, page=5).records == RECORDS
    with sqlite3.connect(db_path, isolation_level=None) as db:
        delete_middle(db)  # record 5 sits at a page boundary
    db.close()
    problem = verify(log.store, key, page=4).problem
    assert problem is not None and problem.seq == 5


def test_two_writers_on_one_store_keep_one_chain(db_path: Path, key: AuditKey) -> None:
    """Two gates sharing a store race on seq; the loser re-reads the head and chains after it."""
    first, second = SqliteStore(db_path), SqliteStore(db_path)
    a, b = AuditLog(first, key), AuditLog(second, key)
    for i in range(10):
        (a if i % 3 else b).record("note", {"i": i, "at": T0 + i})
    assert verify(first, key).records == 10
    assert [r.seq for r in first.audit_rows()] == list(range(1, 11))
    first.close()
    second.close()
