"""The Python SDK against a real gate: decorator and context manager, sync and async, raising on refusal."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.agents.conftest import Feed, by_command, judgement
from tui.locations import control_socket_path
from tui.sdk import ActionDenied, GateUnavailable, approval, check, gated


@pytest.fixture
def policy_gate(judged_gate):
    """Allows `ls`, denies `rm -rf`, holds everything else (like the policy will)."""
    return judged_gate(
        by_command(
            {"ls": judgement("allowed"), "rm -rf": judgement("denied", "recursive delete")},
            judgement("pending", "needs a human"),
        )
    )


def test_decorator_runs_the_function_only_when_allowed(policy_gate):
    ran = []

    @gated("shell", describe=lambda cmd: {"command": cmd}, socket=str(policy_gate.socket))
    def run(cmd: str) -> str:
        ran.append(cmd)
        return "done"

    assert run("ls -la") == "done"
    with pytest.raises(ActionDenied) as denied:
        run("rm -rf /srv")
    assert ran == ["ls -la"]
    assert denied.value.status == "denied" and "recursive delete" in denied.value.reason


def test_default_description_shows_the_call(policy_gate):
    @gated(socket=str(policy_gate.socket), timeout=0)
    def transfer(amount: int, to: str) -> None:
        raise AssertionError("must not run while held")

    with pytest.raises(ActionDenied) as held:
        transfer(100, to="acme")
    [action] = policy_gate.actions()
    assert action.summary.endswith("transfer(100, to='acme')")
    assert (action.kind, action.agent.kind, held.value.status) == ("other", "sdk", "cancelled")


def test_context_manager_waits_for_a_human(policy_gate):
    feed = Feed(Path(control_socket_path(policy_gate.socket)))
    body_ran = threading.Event()

    def guarded() -> dict:
        with approval("shell", command="make deploy", socket=str(policy_gate.socket)) as allowed:
            body_ran.set()
            return allowed

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(guarded)
        held = feed.next("pending")
        assert not body_ran.is_set()
        with __import__("tui.gate.client", fromlist=["GateClient"]).GateClient(
            control_socket_path(policy_gate.socket)
        ) as control:
            control.request("decide", id=held["id"], verdict="approve")
        assert future.result(timeout=30)["status"] == "approved"
    feed.close()
    assert body_ran.is_set()


def test_unreachable_gate_raises_gate_unavailable(tmp_path):
    with pytest.raises(GateUnavailable), approval("shell", command="ls", socket=str(tmp_path / "none.sock")):
        raise AssertionError("must not run")


async def test_async_decorator_and_context_manager(policy_gate):
    @gated("shell", describe=lambda cmd: {"command": cmd}, socket=str(policy_gate.socket))
    async def run(cmd: str) -> str:
        return cmd

    assert await run("ls") == "ls"
    with pytest.raises(ActionDenied):
        await run("rm -rf /")
    async with approval("shell", command="ls /tmp", socket=str(policy_gate.socket)) as allowed:
        assert allowed["status"] == "allowed"
    with pytest.raises(GateUnavailable):
        async with approval("shell", command="ls", socket="/nonexistent/interlock.sock"):
            raise AssertionError("must not run")


async def test_cancelling_an_async_wait_withdraws_the_action(policy_gate):
    feed = Feed(Path(control_socket_path(policy_gate.socket)))
    task = asyncio.create_task(
        approval("shell", command="make deploy", socket=str(policy_gate.socket)).__aenter__()
    )
    held = await asyncio.to_thread(feed.next, "pending")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    cancelled = await asyncio.to_thread(feed.next, "cancelled")
    feed.close()
    assert cancelled["id"] == held["id"]


def test_check_with_a_timeout_withdraws_what_it_stopped_waiting_for(policy_gate):
    with pytest.raises(ActionDenied) as held:
        check(
            {"kind": "shell", "command": "make deploy", "agent": {"id": "sdk-test"}},
            timeout=0.2,
            socket=str(policy_gate.socket),
        )
    assert held.value.status == "cancelled"
