"""An approval lets exactly that content, from that agent, through exactly once."""

from __future__ import annotations

from tests.conftest import GateProcess, shell_action


def test_resubmitting_approved_content_goes_through_once(gate: GateProcess) -> None:
    with gate.client() as agent, gate.control() as control:
        held = agent.submit(shell_action("git push origin main"))
        control.request("decide", id=held["id"], verdict="approve")
        retry = agent.submit(shell_action("git push origin main"))
        assert retry["status"] == "allowed"
        assert retry["risk"]["reasons"][-1] == {
            "rule": "prior-approval",
            "text": f"this exact action was approved as {held['id']}",
            "contribution": 0,
        }
        assert agent.submit(shell_action("git push origin main"))["status"] == "pending"


def test_approval_does_not_transfer_to_other_content_or_agents(gate: GateProcess) -> None:
    with gate.client() as agent, gate.control() as control:
        held = agent.submit(shell_action("git push origin main"))
        control.request("decide", id=held["id"], verdict="approve")
        assert agent.submit(shell_action("git push --force origin main"))["status"] == "pending"
        assert agent.submit(shell_action("git push origin main", agent="agent-2"))["status"] == "pending"
        assert agent.submit(shell_action("git push origin main", cwd="/elsewhere"))["status"] == "pending"


def test_approval_delivered_to_a_waiter_is_used_up(gate: GateProcess) -> None:
    with gate.client() as agent, gate.control() as control:
        held = agent.submit(shell_action("make deploy"))
        control.request("decide", id=held["id"], verdict="approve")
        assert agent.wait(held["id"], timeout=5)["status"] == "approved"
        assert agent.submit(shell_action("make deploy"))["status"] == "pending"


def test_rejected_or_expired_content_is_not_let_through(gate: GateProcess) -> None:
    with gate.client() as agent, gate.control() as control:
        held = agent.submit(shell_action("rm -rf /srv"))
        control.request("decide", id=held["id"], verdict="reject", reason="no")
        assert agent.submit(shell_action("rm -rf /srv"))["status"] == "pending"


def test_retrying_held_content_returns_the_queued_action(gate: GateProcess) -> None:
    with gate.client() as agent, gate.control() as control:
        first = agent.submit(shell_action("terraform apply"))
        again = agent.submit(shell_action("terraform apply"))
        assert again["id"] == first["id"]
        other_agent = agent.submit(shell_action("terraform apply", agent="agent-2"))
        assert other_agent["id"] != first["id"]
        assert len(control.request("list", status="pending")["actions"]) == 2
