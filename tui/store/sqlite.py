"""SQLite backend: WAL, a busy timeout, numbered migrations, compare-and-set decisions.

`synchronous=NORMAL` in WAL mode survives a killed gate process (the commit is in the WAL before the
submitter is acknowledged); only a power loss can drop the last transactions, which is the usual trade.
Each Store instance owns one connection; several instances (threads or processes) may share a file.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from tui.model import Action, Decision
from tui.store.base import Conflict, NotFound, StoreError

_MUTABLE = ("status", "decisions", "resolved_at")


class SqliteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=10.0, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open SQLite store {path}: {exc}") from exc

    # --- schema -----------------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self._write():
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at REAL)"
            )
            done = {row[0] for row in self._db.execute("SELECT version FROM schema_migrations")}
            folder = resources.files("tui.store.migrations") / "sqlite"
            for script in sorted(folder.iterdir(), key=lambda p: p.name):
                version = int(script.name.split("_", 1)[0])
                if script.name.endswith(".sql") and version not in done:
                    sql = "\n".join(
                        line for line in script.read_text().splitlines() if not line.lstrip().startswith("--")
                    )
                    for statement in sql.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, time.time()))

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One IMMEDIATE transaction: takes the write lock up front so compare-and-set cannot interleave."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- Store protocol ---------------------------------------------------------------------------

    def insert(self, action: Action) -> None:
        record = action.to_json()
        for key in _MUTABLE:
            record.pop(key)
        try:
            with self._write():
                self._db.execute(
                    "INSERT INTO actions (id, created_at, status, agent_id, level, content_hash, expires_at,"
                    " resolved_at, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        action.id,
                        action.created_at,
                        action.status,
                        action.agent.id,
                        action.risk.level,
                        action.content_hash,
                        action.expires_at,
                        action.resolved_at,
                        json.dumps(record, ensure_ascii=False),
                    ),
                )
                self._insert_decisions(action.id, action.decisions, 0)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot store action {action.id}: {exc}") from exc

    def get(self, action_id: str) -> Action:
        rows = self._select("WHERE id = ?", (action_id,))
        if not rows:
            raise NotFound(action_id)
        return rows[0]

    def list_actions(
        self, *, status: str | None = None, limit: int = 100, before: str | None = None
    ) -> list[Action]:
        clauses, params = [], []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if before is not None:
            clauses.append("seq < (SELECT seq FROM actions WHERE id = ?)")
            params.append(before)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self._select(f"{where} ORDER BY seq DESC LIMIT ?", (*params, limit))

    def pending(self) -> list[Action]:
        return self._select("WHERE status = 'pending' ORDER BY seq", ())

    def update_pending(
        self, action_id: str, *, at: float, decision: Decision | None = None, status: str | None = None
    ) -> Action:
        try:
            with self._write():
                current = self.get(action_id)
                if current.status != "pending":
                    raise Conflict(current)
                decisions = current.decisions
                if decision is not None:
                    self._insert_decisions(action_id, (decision,), len(decisions))
                    decisions = (*decisions, decision)
                updated = replace(current, decisions=decisions)
                if status is not None:
                    updated = updated.with_status(status, at)
                    self._db.execute(
                        "UPDATE actions SET status = ?, resolved_at = ? WHERE id = ? AND status = 'pending'",
                        (status, at, action_id),
                    )
                return updated
        except sqlite3.Error as exc:
            raise StoreError(f"cannot update action {action_id}: {exc}") from exc

    def claim_approval(self, agent_id: str, content_hash: str, *, since: float, by: str) -> str | None:
        query = (
            "SELECT id FROM actions WHERE agent_id = ? AND content_hash = ? AND status = 'approved'"
            " AND consumed_by IS NULL AND resolved_at >= ? ORDER BY seq LIMIT 1"
        )
        params = (agent_id, content_hash, since)
        try:
            if self._db.execute(query, params).fetchone() is None:
                return None  # the common case: no write lock taken on every submission
            with self._write():
                row = self._db.execute(query, params).fetchone()
                if row is None:
                    return None
                self._db.execute("UPDATE actions SET consumed_by = ? WHERE id = ?", (by, row[0]))
                return str(row[0])
        except sqlite3.Error as exc:
            raise StoreError(f"cannot claim approval: {exc}") from exc

    def find_pending(self, agent_id: str, content_hash: str) -> Action | None:
        found = self._select(
            "WHERE agent_id = ? AND content_hash = ? AND status = 'pending' ORDER BY seq LIMIT 1",
            (agent_id, content_hash),
        )
        return found[0] if found else None

    def consume(self, action_id: str, *, by: str) -> bool:
        try:
            cursor = self._db.execute(
                "UPDATE actions SET consumed_by = ?"
                " WHERE id = ? AND status = 'approved' AND consumed_by IS NULL",
                (by, action_id),
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot consume approval of {action_id}: {exc}") from exc
        return cursor.rowcount == 1

    def put_grant(self, agent: str, record: dict[str, Any] | None) -> None:
        self._put("autonomy", "agent", "record", agent, record)

    def grants(self) -> dict[str, dict[str, Any]]:
        rows = self._db.execute("SELECT agent, record FROM autonomy").fetchall()
        return {agent: json.loads(record) for agent, record in rows}

    def put_state(self, key: str, value: dict[str, Any] | None) -> None:
        self._put("gate_state", "key", "value", key, value)

    def state(self, key: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT value FROM gate_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def record_view(self, action_id: str, who: str, at: float) -> float:
        try:
            with self._write():
                self._db.execute("INSERT OR IGNORE INTO views VALUES (?, ?, ?)", (action_id, who, at))
                row = self._db.execute(
                    "SELECT first_at FROM views WHERE action_id = ? AND who = ?", (action_id, who)
                ).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot record view of {action_id}: {exc}") from exc
        return float(row[0])

    def close(self) -> None:
        self._db.close()

    def _put(self, table: str, key_column: str, value_column: str, key: str, value: object) -> None:
        """Upsert or delete one JSON value in a two-column table (names are ours, never input)."""
        try:
            with self._write():
                if value is None:
                    self._db.execute(f"DELETE FROM {table} WHERE {key_column} = ?", (key,))
                else:
                    self._db.execute(
                        f"INSERT INTO {table} ({key_column}, {value_column}) VALUES (?, ?) ON CONFLICT"
                        f" ({key_column}) DO UPDATE SET {value_column} = excluded.{value_column}",
                        (key, json.dumps(value)),
                    )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write {table} {key}: {exc}") from exc

    # --- helpers ----------------------------------------------------------------------------------

    def _insert_decisions(self, action_id: str, decisions: tuple[Decision, ...], start: int) -> None:
        self._db.executemany(
            "INSERT INTO decisions (action_id, n, by, verdict, role, channel, at, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (action_id, start + i, d.by, d.verdict, d.role, d.channel, d.at, d.reason)
                for i, d in enumerate(decisions)
            ],
        )

    def _select(self, tail: str, params: tuple[object, ...]) -> list[Action]:
        rows = self._db.execute(
            f"SELECT id, status, resolved_at, record FROM actions {tail}", params
        ).fetchall()
        decisions = self._decisions([row[0] for row in rows])
        actions = []
        for action_id, status, resolved_at, record in rows:
            base = Action.from_json(json.loads(record))
            actions.append(
                replace(base, status=status, resolved_at=resolved_at, decisions=decisions.get(action_id, ()))
            )
        return actions

    def _decisions(self, ids: list[str]) -> dict[str, tuple[Decision, ...]]:
        found: dict[str, list[Decision]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT action_id, by, verdict, role, channel, at, reason FROM decisions"
                f" WHERE action_id IN ({marks}) ORDER BY action_id, n",
                chunk,
            ):
                found.setdefault(row[0], []).append(Decision(*row[1:]))
        return {key: tuple(value) for key, value in found.items()}
