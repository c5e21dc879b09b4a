"""A real Gate (in process, injected clock) writing through AuditLog: what it records, and that the
metrics read those records exactly as they read the synthetic ones."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.gate.inprocess import PEOPLE, Clock, risk_judge, who
from tui.audit import AuditKey, AuditLog, metrics, open_audit_log, pulse_from_store, verify
from tui.config import Settings
from tui.gate import controls
from tui.gate.approvers import _indexed
from tui.gate.service import Gate
from tui.store.sqlite import SqliteStore


class World:
    def __init__(self, store: SqliteStore) -> None:
        self.clock = Clock()
        self.audit = open_audit_log(store, clock=self.clock)
        self.gate = Gate(
            store,
            judge=risk_judge,
            settings=Settings(),
            approvers=_indexed(PEOPLE, "test"),
            clock=self.clock,
            audit=self.audit,
        )
        self.n = 0

    def submit(self, level: str, agent: str = "bot") -> str:
        self.n += 1
        action = self.gate.submit(
            {"kind": "shell", "command": f"job {self.n} risk={level}", "agent": {"id": agent}}
        )
        return action.id

    def records(self) -> list[tuple[str, dict[str, object]]]:
        return [(r.kind, json.loads(r.data)) for r in self.gate.store.audit_rows()]


@pytest.fixture
def world(store: SqliteStore) -> World:
    return World(store)


async def test_every_gate_event_becomes_a_record(world: World) -> None:
    gate, t0 = world.gate, world.clock.now
    allowed = world.submit("low")
    held = world.submit("medium")
    gate.view(held, who("alice"))
    world.clock.advance(20)
    gate.decide(held, "approve", who("alice"))
    controls.set_level(gate, "bot", "observe", who("alice"), reason="too eager")
    assert [kind for kind, _ in world.records()] == [
        "submission",
        "submission",
        "resolution",
        "decision",
        "autonomy",
    ]
    kinds = dict(reversed(world.records()))  # first record of each kind
    assert kinds["submission"]["action"] == allowed
    assert kinds["submission"]["verdict"] == "allowed"
    assert kinds["submission"]["rules"] == ["test-risk"]
    assert kinds["submission"]["policy_hash"] == "test-policy"
    assert kinds["decision"] == {
        "action": held,
        "agent": "bot",
        "level": "medium",
        "by": "alice",
        "role": "approver",
        "channel": "local",
        "fingerprint": "",
        "verdict": "approve",
        "reason": "",
        "at": t0 + 20,
        "time_on_action_s": 20.0,
        "status": "approved",
    }
    assert kinds["resolution"]["waited_s"] == 20.0
    assert kinds["autonomy"]["agent"] == "bot"
    assert [r.at for r in gate.store.audit_rows()] == [t0, t0, t0 + 20, t0 + 20, t0 + 20]  # the gate's clock


async def test_metrics_from_a_gate_written_log(world: World) -> None:
    """bob stamps a high action 1 s after opening it; a critical one gets 31 s from two people; one
    medium action waits out its TTL; a halt rejects what the agent still had queued."""
    gate, clock, t0 = world.gate, world.clock, world.clock.now
    world.submit("low", agent="lister")
    fast = world.submit("high")
    gate.view(fast, who("bob"))
    clock.advance(1)
    gate.decide(fast, "approve", who("bob"))
    careful = world.submit("critical", agent="migrator")
    for person in ("carol", "bob"):
        gate.view(careful, who(person))
    clock.advance(31)
    gate.decide(careful, "approve", who("carol"), reason="plan checked")
    gate.decide(careful, "approve", who("bob"), reason="agreed")
    stale = world.submit("medium")
    clock.advance(gate.ttl_s)
    gate._expire(stale)  # what the expiry timer does when the TTL passes; the clock is ours
    world.submit("medium", agent="runaway")
    controls.halt(gate, "runaway", who("alice"), reason="stop")
    report = metrics.from_store(gate.store, since=t0, until=clock.now + 1)

    assert {o.level: (o.approved, o.rejected, o.expired) for o in report.outcomes} == {
        "medium": (0, 1, 1),
        "high": (1, 0, 0),
        "critical": (1, 0, 0),
        "all": (2, 1, 1),
    }
    assert {t.level: t.max for t in report.timing} == {"medium": 0.0, "high": 1.0, "critical": 31.0}
    bob = next(a for a in report.approvers if a.by == "bob")
    assert (bob.reviewed, bob.rubber_stamped) == (2, 1)
    assert report.rubber_stamp_rate == 1 / 3  # bob's 1 s approval, out of bob's two and carol's one
    assert {a.agent: a.auto_share for a in report.agents} == {
        "bot": 0.0,
        "lister": 1.0,
        "migrator": 0.0,
        "runaway": 0.0,
    }
    assert report.lag.held == 4 and report.lag.decided == 3 and report.lag.expired == 1
    assert verify(gate.store, world.audit.key).ok
    gate.stop()


async def test_the_gates_meter_matches_the_pulse_read_from_the_store(world: World) -> None:
    gate, clock = world.gate, world.clock
    first = world.submit("medium")
    clock.advance(90)
    world.submit("medium")
    gate.decide(first, "approve", who("alice"))
    world.submit("high")
    clock.advance(30)
    assert world.audit.meter is not None
    live = world.audit.meter.snapshot(clock.now)
    assert live == pulse_from_store(gate.store, now=clock.now)
    assert (live.pending, live.oldest_wait_s) == (2, 30.0)
    gate.stop()


async def test_a_restarted_gate_primes_its_meter_with_what_is_still_pending(store: SqliteStore) -> None:
    world = World(store)
    old = world.submit("medium")
    world.clock.advance(3 * 3600)  # long before the pulse window
    again = World(store)
    again.clock.now = world.clock.now
    primed = open_audit_log(store, clock=again.clock)
    assert primed.meter is not None
    pulse = primed.meter.snapshot(again.clock.now)
    assert (pulse.pending, pulse.oldest_wait_s) == (1, 3 * 3600.0)
    assert store.get(old).status == "pending"
    world.gate.stop()


async def test_deleting_the_newest_records_is_witnessed_by_the_action_queue(
    world: World, db_path: Path
) -> None:
    """A cut tail leaves a perfect shorter chain; the stored actions say which records must exist."""
    gate = world.gate
    world.submit("low")
    held = world.submit("medium")
    world.clock.advance(5)
    gate.decide(held, "approve", who("alice"))
    head = world.records()
    assert [k for k, _ in head] == ["submission", "submission", "resolution", "decision"]
    with sqlite3.connect(db_path, isolation_level=None) as db:
        db.execute("DELETE FROM audit_log WHERE seq >= 3")  # the approval's records
    db.close()
    problem = verify(gate.store, world.audit.key).problem
    assert problem is not None
    assert problem.seq == 3
    assert f"no resolution record for action {held}" in problem.why
    with sqlite3.connect(db_path, isolation_level=None) as db:
        db.execute("DELETE FROM audit_log WHERE seq >= 2")
    db.close()
    problem = verify(gate.store, world.audit.key).problem
    assert problem is not None and problem.seq == 2
    assert f"no submission record for action {held}" in problem.why
    gate.stop()


async def test_actions_stored_before_the_log_began_are_not_missing(store: SqliteStore, key: AuditKey) -> None:
    clock = Clock()
    unaudited = Gate(store, judge=risk_judge, clock=clock)
    unaudited.submit({"kind": "shell", "command": "ls risk=low", "agent": {"id": "old"}})
    clock.advance(60)
    audited = Gate(store, judge=risk_judge, clock=clock, audit=AuditLog(store, key))
    audited.submit({"kind": "shell", "command": "ls -l risk=low", "agent": {"id": "new"}})
    assert verify(store, key).ok
