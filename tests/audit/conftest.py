"""Audit fixtures: a real SQLite store, and a key in a per-test keyring file (never the user's keyring)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.audit import AuditKey, AuditLog, load_key
from tui.store.sqlite import SqliteStore


@pytest.fixture(autouse=True)
def keyring_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every audit test keeps its key in its own 0600 file; nothing reaches a real keyring."""
    path = tmp_path / "keys" / "keyring.cfg"
    monkeypatch.setenv("INTERLOCK_KEYRING_FILE", str(path))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "interlock.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[SqliteStore]:
    opened = SqliteStore(db_path)
    yield opened
    opened.close()


@pytest.fixture
def key() -> AuditKey:
    return load_key(create=True)


@pytest.fixture
def log(store: SqliteStore, key: AuditKey) -> AuditLog:
    return AuditLog(store, key)
