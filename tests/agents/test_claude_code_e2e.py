"""The real Claude Code CLI (pinned) with Interlock's hook installed by `interlock install`, driven by a
scripted model API on 127.0.0.1 inside a network namespace that has only loopback.

The model asks for one Bash command; we check what happened on disk and what the model was told back.
The CLI is installed from npm into a cache directory on first use (about 400 MB, ~10 s); the tests skip,
saying why, only where npm or network namespaces are unavailable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.agents.conftest import INTERLOCK, Feed, JudgedGate, by_command, judgement
from tui.locations import control_socket_path

CLAUDE_VERSION = "2.1.332"
DRIVER = Path(__file__).parent / "e2e" / "driver.py"
CACHE = Path(os.environ.get("INTERLOCK_E2E_CACHE") or Path.home() / ".cache" / "interlock-e2e")
pytestmark = pytest.mark.slow


@cache
def claude() -> str:
    """The pinned CLI, installed into the cache on first use."""
    prefix = CACHE / f"claude-code-{CLAUDE_VERSION}"
    binary = prefix / "node_modules" / ".bin" / "claude"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: cannot fetch the real Claude Code CLI for the end-to-end test")
        prefix.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                f"@anthropic-ai/claude-code@{CLAUDE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, f"npm install of Claude Code failed:\n{done.stderr[-3000:]}"
    version = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert version.stdout.startswith(CLAUDE_VERSION), version.stdout + version.stderr
    return str(binary)


@cache
def unshare() -> list[str]:
    """A prefix that runs a command in a new network namespace (as root, or via a user namespace)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed: no network namespace for the end-to-end test")
    for prefix in (["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]):
        if subprocess.run([*prefix, "true"], capture_output=True, timeout=30, check=False).returncode == 0:
            return prefix
    pytest.skip("network namespaces are not available here (unshare --net failed, also via a user namespace)")


class Run:
    """One `claude -p` run: its JSON result and every request it sent to the model."""

    def __init__(self, report: dict[str, Any]) -> None:
        assert report["exit"] == 0, report["stderr"]
        self.result = json.loads(report["stdout"])
        self.requests = report["requests"]

    def tool_results(self) -> list[dict[str, Any]]:
        found = []
        for request in self.requests:
            for message in (request["body"] or {}).get("messages", []):
                content = message.get("content")
                found += (
                    [c for c in content if c.get("type") == "tool_result"]
                    if isinstance(content, list)
                    else []
                )
        return found

    def told(self) -> str:
        """What the model was told about its Bash call (the tool_result it got back)."""
        results = self.tool_results()
        assert results, "the model never got a tool result"
        content = results[-1]["content"]
        return content if isinstance(content, str) else json.dumps(content)


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    home, project, victim = tmp_path / "home", tmp_path / "project", tmp_path / "victim"
    for directory in (home, project, victim):
        directory.mkdir()
    (victim / "precious.txt").write_text("do not delete\n")
    return {"home": home, "project": project, "victim": victim, "root": tmp_path}


def install_hook(world: dict[str, Path], sock: Path) -> None:
    env = {**os.environ, "HOME": str(world["home"])}
    done = subprocess.run(
        [
            *INTERLOCK,
            "install",
            "claude-code",
            "--scope",
            "project",
            "--socket",
            str(sock),
            "--timeout",
            "60",
        ],
        cwd=world["project"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def start_claude(world: dict[str, Path], command: str, mode: str, *args: str) -> subprocess.Popen[str]:
    config = {
        "args": list(args),
        "claude": claude(),
        "home": str(world["home"]),
        "project": str(world["project"]),
        "command": command,
        "mode": mode,
        "timeout": 180,
    }
    return subprocess.Popen(
        [*unshare(), sys.executable, str(DRIVER), json.dumps(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_claude(world: dict[str, Path], command: str, mode: str, *args: str) -> Run:
    out, err = start_claude(world, command, mode, *args).communicate(timeout=300)
    assert out, err
    return Run(json.loads(out))


def policy(world: dict[str, Path]) -> JudgedGate:
    """A stand-in for the policy engine: recursive deletes are denied, everything else allowed."""
    return JudgedGate(
        world["root"],
        by_command(
            {"rm -rf": judgement("denied", "recursive delete (test policy)")},
            judgement("allowed", "harmless (test policy)"),
        ),
    ).start()


def test_denied_rm_rf_leaves_its_victim_and_the_model_gets_the_reason(world):
    claude(), unshare()
    gate = policy(world)
    try:
        install_hook(world, gate.socket)
        run = run_claude(world, f"rm -rf {world['victim']}", "bypassPermissions")
        [action] = gate.actions()
    finally:
        gate.stop()
    assert (world["victim"] / "precious.txt").read_text() == "do not delete\n"
    assert run.tool_results()[-1]["is_error"] is True
    assert run.told() == (
        f"PreToolUse:Bash hook error: Interlock denied this shell (Interlock action {action.id}): "
        "recursive delete (test policy). It was NOT run; do not retry it unchanged."
    )
    assert run.result["permission_denials"][0]["tool_input"]["command"] == f"rm -rf {world['victim']}"
    assert (action.status, action.command, action.agent.kind) == (
        "denied",
        f"rm -rf {world['victim']}",
        "claude-code",
    )


def test_allowed_command_runs(world):
    claude(), unshare()
    gate = policy(world)
    marker = world["root"] / "ran.txt"
    try:
        install_hook(world, gate.socket)
        run = run_claude(world, f"echo ran > {marker}", "default")  # -p default mode alone would refuse it
        [action] = gate.actions()
    finally:
        gate.stop()
    assert marker.read_text() == "ran\n"
    assert action.status == "allowed" and run.tool_results()[-1].get("is_error") is not True
    assert run.result["permission_denials"] == []


def test_with_the_gate_stopped_the_command_does_not_run(world):
    claude(), unshare()
    gate = policy(world)
    install_hook(world, gate.socket)
    gate.stop()
    run = run_claude(world, f"rm -rf {world['victim']}", "bypassPermissions")
    assert (world["victim"] / "precious.txt").exists()
    assert run.told().startswith(
        "PreToolUse:Bash hook error: Interlock could not check this call (interlock gate "
        f"unreachable at {gate.socket}"
    )


def test_held_command_runs_once_a_human_approves_it(world):
    claude(), unshare()
    gate = JudgedGate(world["root"], by_command({}, judgement("pending", "needs review"))).start()
    marker = world["root"] / "deployed.txt"
    try:
        install_hook(world, gate.socket)
        feed = Feed(Path(control_socket_path(gate.socket)))
        proc = start_claude(world, f"echo deployed > {marker}", "default")
        held = feed.next("pending")
        feed.close()
        assert not marker.exists()
        from tui.gate.client import GateClient

        with GateClient(control_socket_path(gate.socket)) as control:
            control.request("decide", id=held["id"], verdict="approve", reason="ship it")
        out, err = proc.communicate(timeout=300)
    finally:
        gate.stop()
    assert out, err
    assert marker.read_text() == "deployed\n"
    assert Run(json.loads(out)).result["permission_denials"] == []


def test_deferred_call_runs_after_approval_when_the_session_resumes(world):
    """`--defer` (opt-in, Claude Code -p): a held call ends the run as tool_deferred instead of a deny;
    once approved, `claude -p --resume` re-asks the hook for the same call, and it runs exactly once."""
    claude(), unshare()
    gate = JudgedGate(world["root"], by_command({}, judgement("pending", "needs review"))).start()
    marker = world["root"] / "deferred.txt"
    try:
        install_hook(world, gate.socket)
        settings = world["project"] / ".claude" / "settings.json"
        data = json.loads(settings.read_text())
        handler = data["hooks"]["PreToolUse"][0]["hooks"][0]
        handler["command"] = handler["command"].replace("--timeout 60", "--timeout 4") + " --defer"
        handler["timeout"] = 4  # the hook stops waiting after ~2 s, and defers
        settings.write_text(json.dumps(data))
        first = run_claude(world, f"echo once >> {marker}", "default")
        assert first.result["stop_reason"] == "tool_deferred" and not marker.exists()
        [held] = [a for a in gate.actions() if a.status == "pending"]
        from tui.gate.client import GateClient

        with GateClient(control_socket_path(gate.socket)) as control:
            control.request("decide", id=held.id, verdict="approve")
        resumed = run_claude(world, "unused", "default", "--resume", first.result["session_id"])
        statuses = sorted(a.status for a in gate.actions())
    finally:
        gate.stop()
    assert marker.read_text() == "once\n"
    assert resumed.result["permission_denials"] == []
    assert statuses == ["allowed", "approved"]
