"""`interlock audit verify|export|tail` and `interlock report`, run as the real command."""

from __future__ import annotations

import csv
import io
import json
import os
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.audit.synthetic import Script
from tui.audit import AuditLog

INTERLOCK = [sys.executable, "-m", "tui.cli"]


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*INTERLOCK, *args],
        env=os.environ.copy() | {"INTERLOCK_DB": f"sqlite:///{db}"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def recent(log: AuditLog, hours_ago: float = 1.0) -> float:
    """Two held actions an hour ago: one approved by bob 2 s after opening it, one rejected by carol."""
    start = time.time() - hours_ago * 3600
    s = Script()
    s.submit(start, "coder", "low", "ls", "allowed", ["read-only"])
    s.held(
        start + 10, "coder", "high", "deploy web", ["prod-deploy"], wait=30, votes=(("bob", "approve", 2.0),)
    )
    s.held(
        start + 20,
        "coder",
        "high",
        "deploy db",
        ["prod-deploy"],
        wait=90,
        status="rejected",
        votes=(("carol", "reject", 60.0),),
    )
    s.write(log)
    return start


def test_verify_ok_then_tampered(log: AuditLog, db_path: Path) -> None:
    recent(log)
    done = cli(db_path, "audit", "verify")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("ok: 7 records intact, head ")
    with sqlite3.connect(db_path, isolation_level=None) as db:
        db.execute("UPDATE audit_log SET data = replace(data, 'carol', 'mallory') WHERE kind = 'decision'")
    db.close()
    done = cli(db_path, "audit", "verify")
    assert done.returncode == 1
    first, second = done.stdout.splitlines()
    assert first.startswith("TAMPERED: record 6 (decision at ")
    assert first.endswith("): edited: its content no longer matches its hash")
    assert second == "  records 1-5 before it are intact"


def test_verify_a_destroyed_log_fails(log: AuditLog, db_path: Path) -> None:
    recent(log)
    with sqlite3.connect(db_path, isolation_level=None) as db:
        db.execute("DROP TABLE audit_log")
    db.close()
    done = cli(db_path, "audit", "verify")
    assert done.returncode == 1
    assert "no such table: audit_log" in done.stderr and "cannot be verified" in done.stderr


def test_verify_usage_errors_exit_2(tmp_path: Path, db_path: Path, log: AuditLog) -> None:
    missing = cli(tmp_path / "nope.db", "audit", "verify")
    assert missing.returncode == 2
    assert "no store at" in missing.stderr
    assert not (tmp_path / "nope.db").exists()  # a typo must not create an empty, "intact" log
    assert cli(db_path, "audit").returncode == 2  # no subcommand
    assert cli(db_path, "audit", "export", "--since", "last tuesday").returncode == 2


def test_verify_an_empty_log_without_a_key(db_path: Path, store) -> None:
    done = cli(db_path, "audit", "verify")
    assert (done.returncode, done.stdout) == (0, "ok: the audit log is empty\n")


def test_verify_records_without_their_key_fails(log: AuditLog, db_path: Path, keyring_file: Path) -> None:
    recent(log)
    keyring_file.unlink()
    done = cli(db_path, "audit", "verify")
    assert done.returncode == 1
    assert "no audit key in keyring file" in done.stderr and "cannot be authenticated" in done.stderr


def test_export_jsonl_and_csv(log: AuditLog, db_path: Path) -> None:
    recent(log)
    lines = cli(db_path, "audit", "export").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["seq"] for r in records] == list(range(1, 8))
    assert records[0]["kind"] == "submission" and records[0]["data"]["summary"] == "ls"
    assert records[0]["at"].endswith("Z")
    assert set(records[0]) == {"seq", "at", "ts", "kind", "data", "prev", "hash", "mac", "key_id"}
    assert records[1]["prev"] == records[0]["hash"]
    table = list(csv.DictReader(io.StringIO(cli(db_path, "audit", "export", "--format", "csv").stdout)))
    assert len(table) == 7
    assert json.loads(table[3]["data"])["by"] == "bob"


def test_export_window(log: AuditLog, db_path: Path) -> None:
    start = recent(log, hours_ago=3)
    recent(log, hours_ago=1)
    assert len(cli(db_path, "audit", "export", "--since", "2h").stdout.splitlines()) == 7
    assert len(cli(db_path, "audit", "export", "--until", "2h").stdout.splitlines()) == 7
    iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start + 15))
    since_iso = cli(db_path, "audit", "export", "--since", iso, "--until", "2h").stdout.splitlines()
    assert [json.loads(line)["data"]["summary"] for line in since_iso[:1]] == ["deploy db"]


def test_tail_prints_the_newest_records_with_agent_text_made_visible(log: AuditLog, db_path: Path) -> None:
    recent(log)
    log.record("submission", {"action": "x", "agent": "evil\x1b[2J", "verdict": "allowed", "at": time.time()})
    done = cli(db_path, "audit", "tail", "-n", "2", "--no-follow")
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split()[:1] == ["7"] and "resolution" in lines[0]
    assert "agent=evil\\x1b[2J" in lines[1]
    assert "\x1b" not in done.stdout


def test_tail_follows_new_records(log: AuditLog, db_path: Path) -> None:
    recent(log)
    proc = subprocess.Popen(
        [*INTERLOCK, "audit", "--db", f"sqlite:///{db_path}", "tail", "-n", "1"],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout is not None
    try:
        assert " resolution " in _line(proc)
        log.record("autonomy", {"agent": "coder", "grant": {"level": "halt"}, "at": time.time()})
        followed = _line(proc)
        assert followed.split()[0] == "8" and "autonomy" in followed and "agent=coder" in followed
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _line(proc: subprocess.Popen[str]) -> str:
    """The next line the process prints: waits on its output (an event), with a generous cap."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 20)
    assert ready, "tail printed nothing"
    return proc.stdout.readline()


def test_report_json(log: AuditLog, db_path: Path) -> None:
    recent(log)
    done = cli(db_path, "report", "--since", "1d", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["lag"]["held"] == 2 and data["lag"]["decided"] == 2
    assert data["lag"]["bucket_s"] == 3600  # 24 buckets over a day
    assert data["outcomes"]["high"]["rejection_rate"] == 0.5
    assert data["rubber_stamp"]["fast"] == 1 and data["rubber_stamp"]["approvals"] == 1
    assert data["agents"][0] == {
        "agent": "coder",
        "submitted": 3,
        "allowed": 1,
        "held": 2,
        "denied": 0,
        "auto_share": 0.3333,
    }
    assert data["rules"]["top"][0] == {"rule": "prod-deploy", "fired": 2}


def test_report_text(log: AuditLog, db_path: Path) -> None:
    recent(log)
    done = cli(db_path, "report")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Governance report ")
    assert "(7d00h, 7 records)" in done.stdout.splitlines()[0]
    assert "one character per 6h00m" in done.stdout


@pytest.mark.parametrize("since", ["0h", "-1d", "soon"])
def test_report_bad_window_exits_2(db_path: Path, store, since: str) -> None:
    assert cli(db_path, "report", "--since", since).returncode == 2
