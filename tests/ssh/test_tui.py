"""Interactive SSH sessions: the TUI for the key's approver, through an asyncssh client + pyte screen and
through the real OpenSSH client under tmux."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable

import asyncssh
import pyte
import pytest

from tests.conftest import action_json
from tests.gate.test_cli import start_submit, wait_for_pending
from tests.ssh.conftest import SSHGate

DEADLINE_S = 30.0


class Screen:
    """An asyncssh PTY session rendered into a pyte terminal model."""

    def __init__(self, process: asyncssh.SSHClientProcess[bytes], cols: int, rows: int) -> None:
        self.process = process
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def until(self, condition: Callable[[str], bool]) -> str:
        """Read output until the screen satisfies `condition` (bounded: fails after DEADLINE_S)."""
        import asyncio

        deadline = time.monotonic() + DEADLINE_S
        while not condition(self.text):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"screen never matched; it shows:\n{self.text}")
            try:
                data = await asyncio.wait_for(self.process.stdout.read(65536), remaining)
            except TimeoutError:
                continue
            if not data:
                raise AssertionError(f"session ended; last screen:\n{self.text}")
            self.stream.feed(data)
        return self.text


async def test_tui_over_ssh_renders_for_the_key_and_relays_out_on_resize(ssh_gate: SSHGate) -> None:
    with ssh_gate.gate.client() as agent:
        agent.submit(json.loads(action_json("terraform destroy")))
    async with asyncssh.connect(
        "127.0.0.1",
        ssh_gate.port,
        username="oncall",
        known_hosts=None,
        client_keys=[str(ssh_gate.keys / "bob")],
        agent_path=None,
    ) as conn:
        process = await conn.create_process(term_type="xterm-256color", term_size=(100, 30), encoding=None)
        screen = Screen(process, 100, 30)
        text = await screen.until(lambda t: "terraform destroy" in t and "bob" in t)
        assert "SINGLE-USER" not in text  # the approvers file is in force
        process.change_terminal_size(140, 40)
        screen.screen.resize(40, 140)
        await screen.until(lambda t: any(len(line.rstrip()) > 100 for line in t.splitlines()[:3]))
        process.stdin.write(b"q")
        await process.wait_closed()
        assert process.exit_status == 0


async def test_closing_the_connection_ends_the_tui_process(ssh_gate: SSHGate) -> None:
    before = _tui_children()
    async with asyncssh.connect(
        "127.0.0.1",
        ssh_gate.port,
        username="oncall",
        known_hosts=None,
        client_keys=[str(ssh_gate.keys / "alice")],
        agent_path=None,
    ) as conn:
        process = await conn.create_process(term_type="xterm", term_size=(80, 24), encoding=None)
        await Screen(process, 80, 24).until(lambda t: "INTERLOCK" in t)
        assert len(_tui_children()) == len(before) + 1
    deadline = time.monotonic() + DEADLINE_S
    while len(_tui_children()) > len(before):  # reaped by the gate: SIGHUP, then TERM, then KILL
        assert time.monotonic() < deadline, "the session's TUI process outlived its connection"
        time.sleep(0.05)


def _tui_children() -> list[str]:
    done = subprocess.run(["pgrep", "-f", r"tui\.ssh\.(child|zygote)"], capture_output=True, text=True)
    return done.stdout.split()


def test_real_ssh_client_approves_in_the_tui_and_unblocks_a_local_submitter(ssh_gate: SSHGate) -> None:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is required to drive `ssh -t` (apt-get install tmux; .ci/run installs it)")
    gate = ssh_gate.gate
    waiting = start_submit(gate, "make release", "--json")
    wait_for_pending(gate)
    session = f"interlock-test-{ssh_gate.port}"
    command = " ".join(ssh_gate.ssh_args("bob", "-tt"))
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "110", "-y", "32", command], check=True)
    try:
        _tmux_until(session, lambda t: "make release" in t and "bob" in t)
        subprocess.run(["tmux", "send-keys", "-t", session, "a"], check=True)
        out, _ = waiting.communicate(timeout=60)
        decision = json.loads(out)["decisions"][0]
        assert (decision["by"], decision["channel"]) == ("bob", "ssh")
        assert waiting.returncode == 0
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def _tmux_until(session: str, condition: Callable[[str], bool]) -> str:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        text = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
        ).stdout
        if condition(text):
            return text
        assert time.monotonic() < deadline, f"tmux pane never matched; it shows:\n{text}"
        time.sleep(0.05)
