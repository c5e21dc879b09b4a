"""Live autonomy: levels, time boxes, persistence, rate limits, breakers and incident mode (no sleeps)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gate.inprocess import make_world, who
from tui.gate import controls
from tui.gate.review import RefusedDecision
from tui.gate.service import Gate


async def test_lowering_is_live_and_raising_needs_a_senior(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    assert world.submit("ls risk=low").status == "allowed"
    controls.set_level(world.gate, "bot", "observe", who("alice"), reason="acting up")
    held = world.submit("ls risk=low")
    assert held.status == "pending" and held.risk.reasons[-1].rule == "autonomy"
    assert world.submit("cat x risk=low read-only").status == "allowed"
    with pytest.raises(
        RefusedDecision, match="raising bot from observe to trusted needs a senior; alice is approver"
    ):
        controls.set_level(world.gate, "bot", "trusted", who("alice"))
    controls.set_level(world.gate, "bot", "trusted", who("bob"))
    assert world.submit("deploy risk=medium").status == "allowed"


async def test_time_boxed_grant_reverts(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    controls.set_level(world.gate, "bot", "trusted", who("bob"))
    grant, _ = controls.set_level(world.gate, "bot", "observe", who("alice"), for_s=1800)
    assert grant.until == world.clock.now + 1800 and grant.revert_to == "trusted"
    assert world.gate.autonomy.level("bot", world.clock.now)[0] == "observe"
    world.clock.advance(1801)
    assert world.gate.autonomy.level("bot", world.clock.now)[0] == "trusted"  # lapsed, even before the timer
    world.gate._lapse("bot")  # the timer's callback: persists and announces the revert
    assert world.gate.store.grants()["bot"]["level"] == "trusted"


async def test_autonomy_persists_across_restart(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    controls.set_level(world.gate, "bot", "halt", who("alice"), reason="runaway")
    controls.start_incident(world.gate, who("alice"), reason="db outage", level="observe")
    reborn = Gate(world.gate.store, settings=world.gate.settings, clock=world.clock)
    assert reborn.autonomy.level("bot", world.clock.now)[0] == "halt"
    assert reborn.autonomy.incident is not None and reborn.autonomy.incident.reason == "db outage"


async def test_halt_denies_new_actions_and_rejects_pending(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    queued = world.submit("deploy risk=medium")
    other = world.submit("deploy risk=medium", agent="other-bot")
    grant, rejected = controls.halt(world.gate, "bot", who("alice"), reason="wrong cluster")
    assert rejected == 1 and grant.level == "halt"
    assert world.gate.show(queued.id).status == "rejected"
    assert "agent halted by alice: wrong cluster" in world.gate.show(queued.id).decisions[-1].reason
    assert world.gate.show(other.id).status == "pending"
    denied = world.submit("ls risk=low")
    assert denied.status == "denied" and denied.risk.reasons[-1].rule == "autonomy-halt"


async def test_approving_a_halted_agents_action_is_refused(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    action = world.submit("deploy risk=medium")
    world.gate.autonomy.grant("bot", "halt", by="x", reason="", now=world.clock.now, for_s=None)
    with pytest.raises(RefusedDecision, match="agent bot is halted"):
        world.gate.decide(action.id, "approve", who("bob"))


async def test_rate_limit_holds_instead_of_dropping(tmp_path: Path) -> None:
    world = make_world(tmp_path, rate_per_min=3)
    statuses = [world.submit(f"ls {n} risk=low").status for n in range(5)]
    assert statuses == ["allowed", "allowed", "allowed", "pending", "pending"]
    assert world.submitted[-1].risk.reasons[-1].rule == "rate-limit"
    world.clock.advance(61)
    assert world.submit("ls again risk=low").status == "allowed"
    assert len(world.gate.store.list_actions(limit=100)) == 6  # nothing dropped


async def test_breaker_trips_on_rejections_and_only_a_human_releases(tmp_path: Path) -> None:
    world = make_world(tmp_path, breaker_rejections=3, breaker_window_s=600)
    for n in range(3):
        action = world.submit(f"deploy {n} risk=medium")
        world.gate.decide(action.id, "reject", who("alice"), reason="bad")
        world.clock.advance(60)
    level, why = world.gate.autonomy.level("bot", world.clock.now)
    assert level == "observe" and why == "set by interlock"
    grant = world.gate.autonomy.grants["bot"]
    assert grant.source == "breaker" and grant.reason == "circuit breaker: 3 rejections within 10 min"
    assert world.submit("ls risk=low").status == "pending"
    world.clock.advance(3600)
    assert world.gate.autonomy.level("bot", world.clock.now)[0] == "observe"  # no time heals it
    controls.set_level(world.gate, "bot", "supervised", who("bob"), reason="fixed prompt")
    assert world.submit("ls risk=low").status == "allowed"


async def test_rejections_spread_beyond_the_window_do_not_trip(tmp_path: Path) -> None:
    world = make_world(tmp_path, breaker_rejections=3, breaker_window_s=600)
    for n in range(4):
        action = world.submit(f"deploy {n} risk=medium")
        world.gate.decide(action.id, "reject", who("alice"), reason="bad")
        world.clock.advance(301)
    assert world.gate.autonomy.level("bot", world.clock.now)[0] == "supervised"


async def test_breaker_trips_on_critical_actions(tmp_path: Path) -> None:
    world = make_world(tmp_path, breaker_criticals=2)
    world.submit("rm -rf / risk=critical")
    assert world.gate.autonomy.level("bot", world.clock.now)[0] == "supervised"
    world.submit("dd of=/dev/sda risk=critical")
    assert world.gate.autonomy.level("bot", world.clock.now)[0] == "observe"


async def test_incident_mode_clamps_everyone_and_needs_a_senior_to_end(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    controls.set_level(world.gate, "trusted-bot", "trusted", who("bob"))
    pending = [world.submit("deploy risk=medium"), world.submit("migrate risk=high", agent="trusted-bot")]
    incident, rejected = controls.start_incident(world.gate, who("alice"), reason="prod down")
    assert rejected == 2 and incident.level == "halt"
    assert all(world.gate.show(a.id).status == "rejected" for a in pending)
    assert world.submit("ls risk=low", agent="trusted-bot").status == "denied"
    with pytest.raises(RefusedDecision, match="ending incident mode needs a senior; alice is approver"):
        controls.end_incident(world.gate, who("alice"))
    controls.end_incident(world.gate, who("bob"))
    assert world.submit("deploy risk=medium", agent="trusted-bot").status == "allowed"
    with pytest.raises(RefusedDecision, match="no incident is in progress"):
        controls.end_incident(world.gate, who("bob"))


async def test_observe_incident_allows_reads_only(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    controls.start_incident(world.gate, who("alice"), reason="investigating", level="observe")
    assert world.submit("cat log risk=low read-only").status == "allowed"
    assert world.submit("touch x risk=low").status == "pending"
