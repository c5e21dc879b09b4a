"""The Store protocol every backend implements, and the URL that picks one.

Backends are synchronous: SQLite calls are tens of microseconds, so the gate calls them on its event loop
and keeps one writer; a slower backend can be wrapped in a thread without changing this contract.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tui.model import Action, Decision


class StoreError(Exception):
    """The store could not do what was asked; the gate answers hold/deny, never allow."""


class NotFound(StoreError):
    def __init__(self, action_id: str) -> None:
        super().__init__(f"no action with id {action_id}")
        self.action_id = action_id


class Conflict(StoreError):
    """A compare-and-set lost: the action was no longer pending."""

    def __init__(self, action: Action) -> None:
        super().__init__(f"action {action.id} is already {action.status}")
        self.action = action


class AuditConflict(StoreError):
    """Another writer took this audit sequence number first: re-read the head and seal again."""

    def __init__(self, seq: int) -> None:
        super().__init__(f"audit record {seq} already exists")
        self.seq = seq


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit record exactly as stored: the store keeps it, `tui.audit` seals and checks it.

    `data` is JSON text, kept verbatim because the hash covers those bytes; `at` is epoch seconds.
    """

    seq: int
    at: float
    kind: str
    data: str
    prev: str
    hash: str
    mac: str
    key_id: str


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[None]:
        """Group several writes into one atomic commit (nested uses join the outer one)."""

    def insert(self, action: Action) -> None:
        """Persist a new action durably before the submitter is acknowledged."""

    def get(self, action_id: str) -> Action:
        """The action with its decisions; raises NotFound."""

    def list_actions(
        self, *, status: str | None = None, limit: int = 100, before: str | None = None
    ) -> list[Action]:
        """Newest first, optionally one status, paging with `before` (an id)."""

    def pending(self) -> list[Action]:
        """Every pending action, oldest first (expiry timers are rebuilt from this on start)."""

    def pending_ids(self) -> list[str]:
        """The ids of `pending()`, in its order, without building the actions (the gate's snapshot)."""

    def update_pending(
        self, action_id: str, *, at: float, decision: Decision | None = None, status: str | None = None
    ) -> Action:
        """Compare-and-set: record `decision` and/or move to `status` only while the action is pending.

        Raises Conflict (with the current action) when someone else resolved it first, NotFound if absent.
        """

    def claim_approval(self, agent_id: str, content_hash: str, *, since: float, by: str) -> str | None:
        """Atomically take the oldest unused approval of this exact content for this agent, resolved at or
        after `since`; returns its id (now marked used by `by`), or None."""

    def find_pending(self, agent_id: str, content_hash: str) -> Action | None:
        """The oldest pending action of this agent with exactly this content, if any."""

    def consume(self, action_id: str, *, by: str) -> bool:
        """Mark an approved action's approval as used; False if it was used already."""

    def put_grant(self, agent: str, record: dict[str, Any] | None) -> None:
        """Persist (or, with None, remove) an agent's autonomy grant."""

    def grants(self) -> dict[str, dict[str, Any]]:
        """Every persisted autonomy grant, by agent."""

    def put_state(self, key: str, value: dict[str, Any] | None) -> None:
        """Gate-wide state (incident mode); None removes it."""

    def state(self, key: str) -> dict[str, Any] | None: ...

    def record_view(self, action_id: str, who: str, at: float) -> float:
        """Note that `who` opened the action; returns when they first did."""

    # --- audit log (issue 8): append-only; the chain and HMACs are tui.audit's, not the backend's ---

    def append_audit(self, row: AuditRow) -> None:
        """Durably append one sealed record; raises AuditConflict if `row.seq` is already taken."""

    def audit_head(self) -> AuditRow | None:
        """The record with the highest seq (what the next one chains to), or None for an empty log."""

    def audit_rows(
        self,
        *,
        after: int = 0,
        since: float | None = None,
        until: float | None = None,
        limit: int = 1000,
    ) -> list[AuditRow]:
        """Records with seq > `after` (and `since` <= at < `until` when given), by seq, at most `limit`."""

    def close(self) -> None: ...


def open_store(url: str) -> Store:
    """`sqlite:///path`, a bare path, or (with the postgres extra) `postgresql://…`."""
    if url.startswith(("postgres://", "postgresql://")):
        raise StoreError("the PostgreSQL backend is not available yet; use a sqlite:/// URL")
    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if "://" in path:
        raise StoreError(f"unsupported database URL {url!r}: use sqlite:///PATH")
    from tui.store.sqlite import SqliteStore

    return SqliteStore(Path(path))
