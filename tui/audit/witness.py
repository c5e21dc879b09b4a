"""The action queue as a witness for the end of the audit log.

A hash chain shows every change except one: deleting the newest records leaves a shorter chain that is
still perfect. But each action the gate stores also gets a `submission` record, and each held action
that ends gets a `resolution` record, so the newest actions in the store say which records must exist.
Checking the last few is enough to catch a cut tail; it costs nothing when writing. It is a witness,
not a proof (someone who also deletes those actions is not caught, and neither is a cut that removes
only records of other kinds), which is why `audit verify` prints the head for anchoring elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.audit.events import loads
from tui.model import iso
from tui.store.base import AuditRow, Store

WITNESSES = 50
#: Statuses an action reaches only by being held and then resolved (each gets a `resolution` record).
RESOLVED = frozenset({"approved", "rejected", "expired", "cancelled"})


@dataclass(slots=True)
class Witness:
    expected: dict[str, tuple[float, tuple[str, ...]]]
    """Action id -> (created_at, record kinds it must have)."""
    since: float
    seen: set[tuple[str, str]] = field(default_factory=set)
    first_at: float | None = None

    def note(self, row: AuditRow) -> None:
        """Called for every genuine record, in order."""
        if self.first_at is None:
            self.first_at = float(row.at)
        if row.kind in ("submission", "resolution") and row.at >= self.since:
            data = loads(row.data) or {}
            self.seen.add((row.kind, str(data.get("action"))))

    def missing(self) -> str | None:
        """What the log lacks, newest action first; None if nothing."""
        if self.first_at is None:
            return None
        for action, (created, kinds) in self.expected.items():
            if created < self.first_at:
                continue  # stored before the audit log began
            for kind in kinds:
                if (kind, action) not in self.seen:
                    return (
                        f"missing: no {kind} record for action {action} of {iso(created)}; the newest records"
                        " were deleted, or the gate stopped between storing that action and recording it"
                    )
        return None


def witness(store: Store, count: int = WITNESSES) -> Witness:
    actions = store.list_actions(limit=count)
    expected: dict[str, tuple[float, tuple[str, ...]]] = {
        a.id: (a.created_at, ("submission", "resolution") if a.status in RESOLVED else ("submission",))
        for a in actions
    }
    since = min((a.created_at for a in actions), default=0.0)
    return Witness(expected, since)
