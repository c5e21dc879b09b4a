"""The pending set as a TUI receives it on connect, encoded once per action and kept until it changes.

Why: with 10,000 actions pending, each connecting TUI cost the gate ~0.5 s of its one event loop (read
from the store, rebuild, re-encode, page by page), and ten approvers connecting at once stalled submissions
and decisions for ~5 s, in exactly the incident where the queue is that long. Now the store is read once
per action; every later snapshot is the ids query plus a join. The gate drops an action's entry on every
change it publishes (`forget`), so an entry is never older than the action it stands for.
"""

from __future__ import annotations

import json

from tui.model import Action
from tui.store import Store

BULK = 64  # more missing than this: one read of the whole pending set beats one read per action


class PendingSnapshot:
    def __init__(self) -> None:
        self._encoded: dict[str, str] = {}

    def forget(self, action_id: str) -> None:
        self._encoded.pop(action_id, None)

    def remember(self, action: Action) -> None:
        """Keep a pending action's encoded form (the gate does this for the queue it finds at start)."""
        if action.status == "pending":
            self._encoded[action.id] = json.dumps(action.to_json(), separators=(",", ":"), ensure_ascii=False)

    def encoded(self, store: Store) -> list[str]:
        """Every pending action as compact JSON, oldest first (the order of `Store.pending`)."""
        ids = store.pending_ids()
        missing = [action_id for action_id in ids if action_id not in self._encoded]
        if missing:
            found = store.pending() if len(missing) > BULK else [store.get(i) for i in missing]
            for action in found:
                if action.id not in self._encoded:
                    self.remember(action)
        return [self._encoded[action_id] for action_id in ids if action_id in self._encoded]

    def __len__(self) -> int:
        return len(self._encoded)
