"""Fixtures for the agent hooks: payload files, the hook as a subprocess, an in-process gate with a
chosen judge (for auto-allow and deny before the policy engine lands), and a feed to see held actions."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.gate.judge import Judge, Judgement
from tui.model import Action, Reason, Requirement, Risk

DATA = Path(__file__).parents[1] / "data" / "hooks"
_BESIDE = Path(sys.executable).parent / "interlock"
INTERLOCK = [str(_BESIDE)] if _BESIDE.exists() else [sys.executable, "-m", "tui.cli"]
AGENTS = ("claude-code", "codex", "gemini", "cursor")
#: One shell payload per agent, and what each agent expects as its answer (exit code; stdout template).
SHELL_FIXTURE = {
    "claude-code": "pretooluse-bash.json",
    "codex": "pretooluse-bash.json",
    "gemini": "beforetool-shell.json",
    "cursor": "before-shell.json",
}


def payload(agent: str, name: str, project: Path) -> bytes:
    text = (DATA / agent / name).read_text()
    return text.replace("<ABS_PROJECT_DIR>", str(project)).encode()


def run_hook(
    agent: str, stdin: bytes, sock: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60.0
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*INTERLOCK, "hook", agent, "--socket", str(sock), *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def judgement(status: str, text: str = "", level: str = "low") -> Judgement:
    reasons = (Reason("test-judge", text, 0),) if text else ()
    return Judgement(
        status=status,
        risk=Risk(score=10, level=level, reasons=reasons, read_only=False),
        requirement=Requirement(),
        message=text,
    )


def by_command(rules: dict[str, Judgement], default: Judgement) -> Judge:
    """A stand-in policy: the first rule whose text occurs in the command (or path) decides."""

    def judge(action: Action) -> Judgement:
        subject = action.command or action.path
        return next((j for needle, j in rules.items() if needle in subject), default)

    return judge


class JudgedGate:
    """The real Gate and socket server, run on a private event loop in a thread, with a chosen judge."""

    def __init__(self, workdir: Path, judge: Judge, ttl: float = 600.0) -> None:
        self.socket = workdir / "g" / "submit.sock"
        self.db = workdir / "interlock.db"
        self.judge, self.ttl = judge, ttl
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.servers: list[asyncio.Server] = []

    def start(self) -> JudgedGate:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(timeout=30)
        return self

    async def _start(self) -> None:
        from tui.gate.protocol import CONTROL_OPS, SUBMIT_OPS
        from tui.gate.server import listen
        from tui.gate.service import Gate
        from tui.locations import control_socket_path
        from tui.store import open_store

        self.store = open_store(f"sqlite:///{self.db}")
        self.gate = Gate(self.store, judge=self.judge, ttl_s=self.ttl)
        self.servers = [
            await listen(self.gate, self.socket, SUBMIT_OPS),
            await listen(self.gate, Path(control_socket_path(self.socket)), CONTROL_OPS),
        ]
        self.gate.start()

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run `fn` on the gate's loop (the store belongs to that thread)."""

        async def wrapped() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result(timeout=30)

    def actions(self) -> list[Action]:
        return list(self.call(lambda: self.store.list_actions(limit=1000)))

    def stop(self) -> None:
        async def _stop() -> None:
            for server in self.servers:
                server.close()
            self.gate.stop()
            self.store.close()

        asyncio.run_coroutine_threadsafe(_stop(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


@pytest.fixture
def judged_gate(tmp_path: Path) -> Iterator[Callable[..., JudgedGate]]:
    started: list[JudgedGate] = []

    def make(judge: Judge, ttl: float = 600.0) -> JudgedGate:
        gate = JudgedGate(tmp_path, judge, ttl).start()
        started.append(gate)
        return gate

    yield make
    for gate in started:
        gate.stop()


class Feed:
    """The gate's change feed on the control socket: lets a test wait for an action to be held."""

    def __init__(self, control: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(str(control))
        self.file = self.sock.makefile("rb")
        self.sock.sendall(b'{"v":1,"op":"subscribe","re":1}\n')
        assert json.loads(self.file.readline())["subscribed"] is True

    def next(self, status: str) -> dict[str, Any]:
        """The next action event with this status (blocks on the socket, bounded by its timeout)."""
        while True:
            event = json.loads(self.file.readline())
            if event.get("event") == "action" and event["action"]["status"] == status:
                return dict(event["action"])

    def close(self) -> None:
        self.file.close()
        self.sock.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project directory with the files the edit fixtures touch."""
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "db.ts").write_text("export const config = {\n  pool: 5,\n};\n")
    (root / "a.py").write_text("x = 1\ny = 1\nz = y\ny = 1\n")
    return root


def env_without_interlock() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("INTERLOCK_", "CLAUDE_CODE_"))}
