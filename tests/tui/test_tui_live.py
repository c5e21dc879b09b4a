"""LiveClient against the real gate: snapshot then changes, honest failures, resync after overflow."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import LiveGate

from tui.gate.feed import Feed
from tui.live import Changed, Event, GateRefused, GateUnavailable, LinkChanged, LiveClient, Snapshot, coalesce


class Feed_:
    """The client's event batches, one event at a time (events of a batch are not lost between calls)."""

    def __init__(self, client: LiveClient) -> None:
        self.batches: AsyncIterator[list[Event]] = client.events()
        self.buffer: list[Event] = []

    async def next_of(self, kind: type, timeout: float = 10.0) -> Event:
        async def find() -> Event:
            while True:
                while self.buffer:
                    event = self.buffer.pop(0)
                    if isinstance(event, kind):
                        return event
                self.buffer.extend(await anext(self.batches))

        return await asyncio.wait_for(find(), timeout)

    async def aclose(self) -> None:
        await self.batches.aclose()  # type: ignore[attr-defined]


def action(n: int, agent: str = "a") -> dict[str, object]:
    return {"kind": "shell", "command": f"echo {n}", "agent": {"id": agent}, "payload": {"level": "medium"}}


async def test_snapshot_then_changes_and_decisions(live_gate: LiveGate) -> None:
    first = await live_gate.submit("echo first")
    client = LiveClient(live_gate.control)
    events = Feed_(client)
    link = await events.next_of(LinkChanged)
    assert isinstance(link, LinkChanged) and link.link.up and link.link.you
    snapshot = await events.next_of(Snapshot)
    assert isinstance(snapshot, Snapshot) and [a.id for a in snapshot.actions] == [first["id"]]
    second = await live_gate.submit("echo second")
    changed = await events.next_of(Changed)
    assert isinstance(changed, Changed) and changed.actions[-1].id == second["id"]
    assert {a.id for a in client.pending()} == {first["id"], second["id"]}
    decided = await client.decide(snapshot.actions[0], "approve", "")
    assert decided.status == "approved"
    with pytest.raises(GateRefused) as refused:
        await client.decide(snapshot.actions[0], "approve", "")
    assert refused.value.code == "conflict" and refused.value.action is not None
    with pytest.raises(GateRefused, match="reason"):
        await client.decide(changed.actions[-1], "reject", "")
    await events.aclose()


async def test_requests_fail_at_once_when_not_connected(tmp_path: Path) -> None:
    client = LiveClient(tmp_path / "nothing.control.sock", backoff=(0.05,))
    events = Feed_(client)
    down = await events.next_of(LinkChanged)
    assert isinstance(down, LinkChanged) and not down.link.up and down.link.retry_in == 0.05
    with pytest.raises(GateUnavailable):
        await client.list(status=None, limit=10)
    await events.aclose()


async def test_a_feed_overflow_resyncs_from_a_fresh_snapshot(live_gate: LiveGate) -> None:
    live_gate.gate.feed = Feed(depth=2)
    client = LiveClient(live_gate.control, backoff=(0.05,))
    events = Feed_(client)
    await events.next_of(Snapshot)
    for n in range(10):  # synchronously: the subscriber cannot keep up and is cut off
        live_gate.gate.submit(action(n))
    resync = await events.next_of(Snapshot)
    assert isinstance(resync, Snapshot) and len(resync.actions) == 10
    await events.aclose()


def test_coalesce_merges_runs_of_changes() -> None:
    merged = coalesce([Changed([]), Changed([]), Snapshot([]), Changed([])])
    assert [type(e).__name__ for e in merged] == ["Changed", "Snapshot", "Changed"]
