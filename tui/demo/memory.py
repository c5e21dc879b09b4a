"""MemorySource: the TUI's `Source` with no socket and no store, fed straight from Python.

The benchmark feeds it so that what it measures is the UI, not JSON over a socket; snapshot tests feed
it fixed actions (fixed ids and clock) so screenshots are deterministic. Decisions resolve at once.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from typing import Any

from tui.gate import protocol as p
from tui.live import Changed, Event, GateRefused, Link, LinkChanged, Snapshot, batches
from tui.model import Action, Decision


class MemorySource:
    """An in-process source with no socket: the bench and snapshot tests feed actions straight in."""

    def __init__(
        self, actions: Iterable[Action] = (), *, you: str = "oncall", history: Iterable[Action] = ()
    ) -> None:
        self.link = Link(up=True, socket="(in-process)", you=you, watching=1)
        self._pending = {action.id: action for action in actions}
        self._history = list(history)
        self._out: asyncio.Queue[Event] = asyncio.Queue()
        self.snapshots = 1

    def pending(self) -> builtins.list[Action]:
        return list(self._pending.values())

    def push(self, actions: Iterable[Action]) -> None:
        batch = list(actions)
        for action in batch:
            if action.status == "pending":
                self._pending[action.id] = action
            else:
                self._pending.pop(action.id, None)
                self._history.append(action)
        self._out.put_nowait(Changed(batch))

    def set_link(self, link: Link) -> None:
        self.link = link
        self._out.put_nowait(LinkChanged(link))

    async def events(self) -> AsyncIterator[builtins.list[Event]]:
        yield [LinkChanged(self.link), Snapshot(self.pending(), self.snapshots)]
        async for batch in batches(self._out):
            yield batch

    async def decide(self, action: Action, verdict: str, reason: str) -> Action:
        current = self._pending.get(action.id)
        if current is None:
            raise GateRefused(p.NOT_FOUND, f"action {action.id} is not pending")
        decision = Decision(by=self.link.you, verdict=verdict, reason=reason)
        done = replace(
            current,
            status="approved" if verdict == "approve" else "rejected",
            decisions=(*current.decisions, decision),
        )
        self.push([done])
        return done

    async def control(self, op: str, **fields: Any) -> dict[str, Any]:
        raise GateRefused(p.UNKNOWN_OP, f"{op} needs a gate; this view has none")

    async def show(self, action_id: str) -> Action:
        for action in (*self._pending.values(), *self._history):
            if action.id == action_id:
                return action
        raise GateRefused(p.NOT_FOUND, f"no action with id {action_id}")

    async def list(
        self, *, status: str | None, limit: int, before: str | None = None
    ) -> builtins.list[Action]:
        every = sorted([*self._history, *self._pending.values()], key=lambda a: a.id, reverse=True)
        if before is not None:
            every = [a for a in every if a.id < before]
        return [a for a in every if status is None or a.status == status][:limit]
