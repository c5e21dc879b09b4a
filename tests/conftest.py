"""Shared fixtures: a real gate process on a temporary socket and SQLite store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.gate.client import GateClient
from tui.locations import control_socket_path

INTERLOCK = [sys.executable, "-m", "tui.cli"]
#: Gate-mechanics tests hold every action (a one-rule policy); policy tests pass rules=None for the real pack.
HOLD_RULES = Path(__file__).parent / "data" / "rules-hold"
START_TIMEOUT_S = 15.0


class GateProcess:
    """`interlock serve` as a subprocess; started() returns once it printed that it is listening."""

    def __init__(self, workdir: Path, ttl: float = 600.0, rules: Path | None = HOLD_RULES) -> None:
        self.workdir = workdir
        self.socket = workdir / "gate" / "submit.sock"
        self.control_socket = control_socket_path(self.socket)
        self.db = workdir / "interlock.db"
        self.ttl = ttl
        self.rules = rules
        self.proc: subprocess.Popen[str] | None = None
        self.log: list[str] = []

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "INTERLOCK_SOCKET": str(self.socket),
            "INTERLOCK_DB": f"sqlite:///{self.db}",
            "INTERLOCK_CONFIG_DIR": str(self.workdir / "config"),
            "INTERLOCK_KEYRING_FILE": str(self.workdir / "keyring.cfg"),
        }

    def start(self) -> GateProcess:
        self.proc = subprocess.Popen(
            self.serve_args(),
            env=self.env,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        for line in self.proc.stderr:  # blocks on the gate's own output: an event, not a sleep
            self.log.append(line)
            if "listening" in line:
                return self
        raise AssertionError(f"gate did not start: {''.join(self.log)}")

    def serve_args(self, *extra: str) -> list[str]:
        rules = ["--rules", str(self.rules)] if self.rules else []
        return [*INTERLOCK, "serve", "--ttl", str(self.ttl), *rules, *extra]

    def wait_log(self, *needles: str) -> str:
        """Block on the gate's own log until a line holds one of `needles` (an event, not a sleep)."""
        assert self.proc is not None and self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)
            if any(needle in line for needle in needles):
                return line
        raise AssertionError(f"gate exited before logging {needles}: {''.join(self.log)}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=START_TIMEOUT_S)
        assert self.proc.stderr is not None
        self.log.extend(self.proc.stderr.readlines())
        self.proc = None
        return code

    def kill9(self) -> None:
        self.stop(signal.SIGKILL)

    def client(self) -> GateClient:
        return GateClient(self.socket, timeout=5.0)

    def control(self) -> GateClient:
        return GateClient(self.control_socket, timeout=5.0)

    def cli(self, *args: str, stdin: str = "", timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*INTERLOCK, *args], input=stdin, env=self.env, capture_output=True, text=True, timeout=timeout
        )


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[GateProcess]:
    process = GateProcess(tmp_path).start()
    yield process
    if process.proc is not None:
        process.stop()


@pytest.fixture
def gate_factory(tmp_path: Path) -> Iterator[Any]:
    started: list[GateProcess] = []

    def make(ttl: float = 600.0, rules: Path | None = HOLD_RULES) -> GateProcess:
        process = GateProcess(tmp_path, ttl=ttl, rules=rules)
        started.append(process)
        return process

    yield make
    for process in started:
        if process.proc is not None:
            process.stop(signal.SIGKILL)


def shell_action(command: str, agent: str = "agent-1", **extra: Any) -> dict[str, Any]:
    return {"kind": "shell", "command": command, "agent": {"id": agent, "kind": "claude-code"}, **extra}


def action_json(command: str, **extra: Any) -> str:
    return json.dumps(shell_action(command, **extra))
