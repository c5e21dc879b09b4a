"""Fixtures for the TUI: a real gate served in-process (with a test judge that sets the risk level from
the payload), helpers to submit through its socket without blocking the event loop, fixed actions for
deterministic screens, and a driver that captures every byte the app would send to a terminal."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot

from tui.gate.client import GateClient
from tui.gate.judge import Judgement
from tui.gate.serve import serve
from tui.gate.service import Gate
from tui.locations import control_socket_path
from tui.model import Action, Agent, Decision, Reason, Requirement, Risk, Target
from tui.store import open_store

SCORES = {"low": 15, "medium": 45, "high": 75, "critical": 95}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """NO_COLOR changes every snapshot; a user's config must not leak into the gate under test."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("INTERLOCK_CONFIG_DIR", str(tmp_path / "config"))


def judge_by_payload(action: Action) -> Judgement:
    """Hold everything, at the level named by `payload.level` (default medium), so tests can make any
    level without depending on the policy pack; `payload.reason`/`payload.min_review` set requirements."""
    payload = action.payload if isinstance(action.payload, dict) else {}
    level = str(payload.get("level", "medium"))
    reasons = (Reason("test-level", f"the test asked for {level}", SCORES[level]),)
    need = Requirement(
        approvals=int(payload.get("approvals", 1)),
        reason_required=bool(payload.get("reason")),
        min_review_s=float(payload.get("min_review", 0)),
    )
    return Judgement("pending", Risk(SCORES[level], level, reasons), need, policy_hash="f00d" * 16)


@dataclass
class LiveGate:
    gate: Gate
    socket: Path

    @property
    def control(self) -> Path:
        return Path(control_socket_path(self.socket))

    async def submit(
        self, command: str, *, level: str = "medium", agent: str = "agent-1", env: str = "dev", **extra: Any
    ) -> dict[str, Any]:
        payload = {"level": level, **extra.pop("payload", {})}
        data = {
            "kind": "shell",
            "command": command,
            "agent": {"id": agent, "kind": "claude-code"},
            "target": {"environment": env},
            "payload": payload,
            **extra,
        }
        return await asyncio.to_thread(_submit, self.socket, data)


def _submit(socket: Path, data: dict[str, Any]) -> dict[str, Any]:
    with GateClient(socket, timeout=5.0) as client:
        return client.submit(data)


@pytest.fixture
async def live_gate(tmp_path: Path) -> AsyncIterator[LiveGate]:
    """The real gate (`tui.gate.serve.serve`) on a short socket path, in this test's event loop."""
    workdir = Path(tempfile.mkdtemp(prefix="il-tui-", dir="/tmp"))
    store = open_store(f"sqlite:///{tmp_path / 'gate.db'}")
    gate = Gate(store, judge=judge_by_payload, ttl_s=600)
    socket = workdir / "submit.sock"
    task = asyncio.create_task(serve(gate, socket))
    handle = LiveGate(gate, socket)
    for _ in range(500):
        if handle.control.exists() or task.done():
            break
        await asyncio.sleep(0.01)
    assert handle.control.exists(), "the in-process gate did not start listening"
    yield handle
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    store.close()
    shutil.rmtree(workdir, ignore_errors=True)


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 10.0, what: str = "condition"
) -> None:
    """Poll with `pilot.pause()` until `condition()` holds; fail with `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await pilot.pause(0.02)


class CaptureDriver(HeadlessDriver):
    """Runs the app's full output path (ANSI generation) and keeps the bytes instead of a terminal."""

    captured: ClassVar[list[str]] = []
    opened_urls: ClassVar[list[str]] = []

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        CaptureDriver.captured.append(data)

    def flush(self) -> None:
        pass

    def open_url(self, url: str, new_tab: bool = True) -> None:
        CaptureDriver.opened_urls.append(url)


# --- fixed actions (snapshots, unit tests) ----------------------------------------------------------

NOW = 1_800_000_000.0


def fixed_action(
    n: int,
    *,
    level: str = "medium",
    summary: str = "",
    command: str | None = None,
    env: str = "dev",
    agent: str = "agent-1",
    age: float = 60.0,
    status: str = "pending",
    diff: str = "",
    decisions: tuple[Decision, ...] = (),
    **extra: Any,
) -> Action:
    command = f"echo step {n}" if command is None else command
    created = NOW - age
    return Action(
        id=f"0190a1b2-c3d4-7e5f-8a9b-{n:012x}",
        created_at=created,
        agent=Agent(id=agent, kind="claude-code", host="dev-laptop", user="dev", session="s-1"),
        kind=extra.pop("kind", "shell"),
        tool=extra.pop("tool", "Bash"),
        summary=summary or command,
        command=command,
        cwd=extra.pop("cwd", "/home/dev/shop"),
        target=Target(environment=env, resource=extra.pop("resource", "")),
        diff=diff,
        content_hash=f"{n:064x}",
        risk=extra.pop("risk", None)
        or Risk(SCORES[level], level, (Reason("test-level", f"fixture level {level}", SCORES[level]),)),
        requirement=extra.pop("requirement", Requirement()),
        status=status,
        decisions=decisions,
        expires_at=None if status != "pending" else created + 600,
        policy_hash="f00d" * 16,
        resolved_at=None if status == "pending" else created + 30,
        **extra,
    )
