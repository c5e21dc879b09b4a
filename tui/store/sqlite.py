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
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from tui.model import Action, Decision
from tui.store.base import AuditConflict, AuditRow, Conflict, NotFound, StoreError

_MUTABLE = ("status", "decisions", "resolved_at")
#: How far back a gate's clock may step before a time-window read of the audit log could miss a record.
AUDIT_CLOCK_SLACK_S = 600.0


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
        """One IMMEDIATE transaction: takes the write lock up front so compare-and-set cannot interleave.
        Inside `transaction()` it joins the open one: a change and its audit records commit together."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- Store protocol ---------------------------------------------------------------------------

    def transaction(self) -> AbstractContextManager[None]:
        return self._write()

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

    def pending_ids(self) -> list[str]:
        rows = self._db.execute("SELECT id FROM actions WHERE status = 'pending' ORDER BY seq").fetchall()
        return [row[0] for row in rows]

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

    # --- audit log ---------------------------------------------------------------------------------

    def append_audit(self, row: AuditRow) -> None:
        """One autocommit INSERT (no read first): the writer's cached head makes this the whole cost."""
        try:
            self._db.execute(
                "INSERT INTO audit_log (seq, at, kind, data, prev, hash, mac, key_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (row.seq, row.at, row.kind, row.data, row.prev, row.hash, row.mac, row.key_id),
            )
        except sqlite3.IntegrityError as exc:
            raise AuditConflict(row.seq) from exc
        except sqlite3.Error as exc:
            raise StoreError(f"cannot append audit record {row.seq}: {exc}") from exc

    def audit_head(self) -> AuditRow | None:
        rows = self._audit_select("ORDER BY seq DESC LIMIT 1", ())
        return rows[0] if rows else None

    def audit_rows(
        self,
        *,
        after: int = 0,
        since: float | None = None,
        until: float | None = None,
        limit: int = 1000,
    ) -> list[AuditRow]:
        clauses: list[str] = ["seq > ?"]
        params: list[object] = [after]
        if since is not None:
            params[0] = max(after, self._audit_seq_from(since - AUDIT_CLOCK_SLACK_S) - 1)
            clauses.append("at >= ?")
            params.append(since)
        if until is not None:
            clauses.append("seq < ? AND at < ?")
            params.extend((self._audit_seq_from(until + AUDIT_CLOCK_SLACK_S), until))
        return self._audit_select(f"WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?", (*params, limit))

    def _audit_seq_from(self, at: float) -> int:
        """The first seq whose time is `at` or later (one past the last if none), by binary search.

        No index on time: it was a second page write per record. Records are appended in time order,
        so seq order is time order up to clock steps; callers widen by AUDIT_CLOCK_SLACK_S and filter
        on the exact time, so only a clock stepping back further than that could hide a record.
        """
        low, high = self._db.execute("SELECT min(seq), max(seq) + 1 FROM audit_log").fetchone()
        if low is None:
            return 0
        while low < high:
            middle = (low + high) // 2
            seq, when = self._db.execute(
                "SELECT seq, at FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT 1", (middle,)
            ).fetchone()
            if isinstance(when, int | float) and when >= at:
                high = middle
            else:
                low = seq + 1
        return int(low)

    def _audit_select(self, tail: str, params: tuple[object, ...]) -> list[AuditRow]:
        try:
            rows = self._db.execute(
                f"SELECT seq, at, kind, data, prev, hash, mac, key_id FROM audit_log {tail}", params
            ).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read the audit log: {exc}") from exc
        return [AuditRow(*row) for row in rows]

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
