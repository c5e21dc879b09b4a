"""The pending set `subscribe` sends with its acknowledgement: always the store's, never a stale copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import GateProcess, shell_action
from tests.gate.inprocess import make_world, who
from tui.gate import protocol as p
from tui.gate.service import Gate


def sent(gate: Gate) -> list[dict[str, Any]]:
    return [json.loads(item) for item in gate.snapshot.encoded(gate.store)]


async def test_a_partial_approval_reaches_the_next_snapshot(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    gate = world.gate
    first = world.submit("drop it risk=critical")
    second = world.submit("another risk=medium")
    assert [a["id"] for a in sent(gate)] == [first.id, second.id], "oldest first"
    gate.view(first.id, who("bob"))
    gate.view(first.id, who("carol"))
    world.clock.advance(31)
    gate.decide(first.id, "approve", who("bob"), reason="checked the plan")
    (entry,) = [a for a in sent(gate) if a["id"] == first.id]
    assert [d["by"] for d in entry["decisions"]] == ["bob"], "one of two approvals, still pending"
    gate.decide(first.id, "approve", who("carol"), reason="agreed")
    assert [a["id"] for a in sent(gate)] == [second.id], "approved: no longer pending"
    assert sent(gate) == [a.to_json() for a in gate.store.pending()]
    gate.stop()


async def test_a_long_queue_is_read_in_bulk_once_then_served_from_memory(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    gate = world.gate
    actions = [world.submit(f"job {n} risk=medium") for n in range(200)]
    reads: list[str] = []
    pending, get = gate.store.pending, gate.store.get
    gate.store.pending = lambda: reads.append("bulk") or pending()  # type: ignore[method-assign]
    gate.store.get = lambda action_id: reads.append("one") or get(action_id)  # type: ignore[method-assign]
    assert [a["id"] for a in sent(gate)] == [a.id for a in actions]
    assert reads == ["bulk"]
    world.submit("one more risk=medium")
    assert len(sent(gate)) == 201 and reads == ["bulk", "one"], "only what changed is read again"
    gate.stop()


def test_subscribe_acknowledges_with_the_pending_set(gate: GateProcess) -> None:
    with gate.client() as agent:
        held = [agent.submit(shell_action(f"make step-{n}"))["id"] for n in range(3)]
    with gate.control() as tui:
        ack = tui.request("subscribe", pending=True)
        assert [a["id"] for a in ack["pending"]] == held
        assert ack["pending"][0] == tui.request("show", id=held[0])["action"]
    with gate.control() as plain:
        assert "pending" not in plain.request("subscribe"), "only when asked for"


def test_splice_is_the_same_json_as_encoding_it_whole() -> None:
    items = [{"id": "a", "command": 'echo "x\\ny"'}, {"id": "b", "n": 1}]
    encoded = [json.dumps(item, separators=(",", ":")) for item in items]
    frame = p.encode_with({"re": 7, "ok": True}, "pending", encoded)
    assert frame.endswith(b"\n") and frame.count(b"\n") == 1
    assert json.loads(frame) == json.loads(p.encode({"re": 7, "ok": True, "pending": items}))


async def test_a_restarted_gate_has_the_queue_it_found_ready_to_send(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    held = [world.submit(f"job {n} risk=medium").id for n in range(5)]
    world.gate.stop()
    restarted = Gate(world.gate.store, judge=world.gate.judge, clock=world.clock)
    assert len(restarted.snapshot) == 0
    assert restarted.start() == 5
    assert len(restarted.snapshot) == 5, "encoded while expiry timers were re-armed"
    assert [a["id"] for a in sent(restarted)] == held
    restarted.stop()


def test_status_names_who_is_watching(gate: GateProcess) -> None:
    import getpass

    with gate.control() as first, gate.control() as second:
        first.request("subscribe")
        second.request("subscribe")
        with gate.control() as asker:
            status = asker.request("status")["gate"]
    me = getpass.getuser()
    assert status["subscribers"] == 2 and status["watchers"] == [me, me]
