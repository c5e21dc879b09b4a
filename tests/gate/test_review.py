"""Review requirements are enforced by the gate, each refusal naming exactly what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gate.inprocess import make_world, who
from tui.gate.review import RefusedDecision, missing


async def test_low_risk_is_allowed_at_supervised(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    assert world.submit("ls risk=low").status == "allowed"
    assert world.submit("deploy risk=medium").status == "pending"


async def test_observer_may_not_decide(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    action = world.submit("deploy risk=medium")
    with pytest.raises(
        RefusedDecision, match="olive is observer: only an approver, senior or admin may decide"
    ):
        world.gate.decide(action.id, "approve", who("olive"))


async def test_role_refusal_names_the_role(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    action = world.submit("drop table risk=high")
    with pytest.raises(
        RefusedDecision, match="a high action needs a senior among its approvers; alice is approver"
    ):
        world.gate.decide(action.id, "approve", who("alice"))
    assert world.gate.decide(action.id, "approve", who("bob")).status == "approved"


async def test_critical_needs_quorum_reason_senior_and_review_time(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    action = world.submit("terraform destroy risk=critical")
    gate = world.gate
    with pytest.raises(RefusedDecision, match="a critical action needs a written reason to approve"):
        gate.decide(action.id, "approve", who("alice"))
    with pytest.raises(
        RefusedDecision, match="alice opened it 0 s ago; a critical action needs 30 s on the diff"
    ):
        gate.decide(action.id, "approve", who("alice"), reason="checked the plan")
    world.clock.advance(31)
    partial = gate.decide(action.id, "approve", who("alice"), reason="checked the plan")
    assert partial.status == "pending"
    assert missing(partial) == "1 of 2 approvals, needs senior"
    with pytest.raises(RefusedDecision, match="alice has already approved"):
        gate.decide(action.id, "approve", who("alice"), reason="again")
    gate.view(action.id, who("bob"))
    world.clock.advance(10)
    with pytest.raises(RefusedDecision, match="bob opened it 10 s ago"):
        gate.decide(action.id, "approve", who("bob"), reason="ok")
    world.clock.advance(20)
    done = gate.decide(action.id, "approve", who("bob"), reason="plan reviewed with alice")
    assert done.status == "approved"
    assert [(d.by, d.role) for d in done.decisions] == [("alice", "approver"), ("bob", "senior")]
    assert missing(done) == ""


async def test_two_approvers_without_a_senior_cannot_complete_the_quorum(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    action = world.submit("terraform destroy risk=critical")
    world.clock.advance(60)
    world.gate.view(action.id, who("alice"))
    world.gate.view(action.id, who("carol"))
    world.clock.advance(60)
    world.gate.decide(action.id, "approve", who("alice"), reason="r")
    # carol is admin (outranks senior), so she completes it
    assert world.gate.decide(action.id, "approve", who("carol"), reason="r").status == "approved"


async def test_never_opened_is_named(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    action = world.submit("terraform destroy risk=critical")
    # decide() records the first view itself, so a decision right away has 0 s on the diff
    with pytest.raises(RefusedDecision, match="opened it 0 s ago"):
        world.gate.decide(action.id, "approve", who("bob"), reason="r")


async def test_self_approval_is_refused_unless_allowed(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    action = world.submit("deploy risk=medium", user="alice")
    with pytest.raises(RefusedDecision, match="self-approval: alice runs as 'alice'"):
        world.gate.decide(action.id, "approve", who("alice"))
    assert world.gate.decide(action.id, "reject", who("alice"), reason="no").status == "rejected"
    relaxed = make_world(tmp_path, allow_self_approval=True)
    own = relaxed.submit("deploy risk=medium", user="alice")
    assert relaxed.gate.decide(own.id, "approve", who("alice")).status == "approved"


async def test_single_user_mode_lets_the_local_user_approve_their_agents(tmp_path: Path) -> None:
    world = make_world(tmp_path, multi_user=False)
    action = world.submit("deploy risk=high", user="root")
    me = world.gate.approvers.for_local_user("root")
    assert me is not None and me.role == "admin"
    assert world.gate.decide(action.id, "approve", me).status == "approved"


async def test_any_qualified_reject_rejects_and_needs_a_reason(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    action = world.submit("terraform destroy risk=critical")
    with pytest.raises(RefusedDecision, match="a rejection needs a reason"):
        world.gate.decide(action.id, "reject", who("alice"))
    rejected = world.gate.decide(action.id, "reject", who("alice"), reason="not in a freeze")
    assert rejected.status == "rejected" and rejected.decisions[-1].reason == "not in a freeze"


async def test_single_user_mode_can_approve_a_critical_alone_with_reason_and_time(tmp_path: Path) -> None:
    world = make_world(tmp_path, multi_user=False)
    me = world.gate.approvers.for_local_user("root")
    assert me is not None
    action = world.submit("terraform destroy risk=critical", user="root")
    with pytest.raises(RefusedDecision, match="needs a written reason"):
        world.gate.decide(action.id, "approve", me)
    world.gate.view(action.id, me)
    world.clock.advance(31)
    assert world.gate.decide(action.id, "approve", me, reason="planned teardown").status == "approved"
