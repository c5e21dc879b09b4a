"""The demo's child processes: `interlock serve` on a temporary store, and the simulated agents.

Started with the running interpreter (so the demo works from a venv without PATH set up), logging to
files in the demo directory (the terminal belongs to the TUI), and stopped on exit: SIGTERM, then
SIGKILL after a grace period.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from tui.locations import control_socket_path

START_TIMEOUT_S = 15.0
STOP_GRACE_S = 5.0
DEMO_TTL_S = 900


class DemoProcesses:
    """Context manager: the gate and the agents run inside the `with` block."""

    def __init__(self, workdir: Path, socket: Path, seed: int | None) -> None:
        self.workdir, self.socket, self.seed = workdir, socket, seed
        self.children: list[subprocess.Popen[bytes]] = []
        self.started = False
        # the demo's own config and audit key: never the user's approvers, settings or keyring
        self.private_env = {
            "INTERLOCK_CONFIG_DIR": str(workdir / "config"),
            "INTERLOCK_KEYRING_FILE": str(workdir / "audit-keyring.cfg"),
        }

    def __enter__(self) -> DemoProcesses:
        gate = self._spawn(
            "gate",
            [
                "-m",
                "tui.cli",
                "serve",
                "--socket",
                str(self.socket),
                "--db",
                f"sqlite:///{self.workdir / 'demo.db'}",
                "--ttl",
                str(DEMO_TTL_S),
            ],
        )
        self.started = self._wait_for_gate(gate)
        if self.started:
            seed = [] if self.seed is None else ["--seed", str(self.seed)]
            self._spawn("agents", ["-m", "tui.demo.agents", "--socket", str(self.socket), *seed])
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for child in reversed(self.children):  # agents first, then the gate
            stop(child)

    def gate_log(self) -> str:
        path = self.workdir / "gate.log"
        return path.read_text(errors="replace") if path.exists() else "(no log)"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        with open(self.workdir / f"{name}.log", "wb") as log:
            child = subprocess.Popen(
                [sys.executable, *args],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **self.private_env},
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509  (spawned before any thread starts)
            )
        self.children.append(child)
        return child

    def _wait_for_gate(self, gate: subprocess.Popen[bytes]) -> bool:
        control = Path(control_socket_path(self.socket))
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if gate.poll() is not None:
                return False
            if control.exists() and self.socket.exists():
                return True
            time.sleep(0.05)
        return False


def _die_with_parent() -> None:
    """Linux: the kernel sends the child SIGTERM if the demo dies without cleaning up (even SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def stop(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM, wait, then SIGKILL: a demo must not leave processes behind."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
