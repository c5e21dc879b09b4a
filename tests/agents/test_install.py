"""`interlock install/uninstall`: merge idempotently, keep everything else, back up, print the change;
and `interlock doctor` checks the whole path on a real gate."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.agents.conftest import INTERLOCK
from tests.conftest import GateProcess


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    (tmp_path / "proj").mkdir()
    return tmp_path


def cli(home: Path, *args: str, socket: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INTERLOCK_SOCKET"}
    env["HOME"] = str(home / "home")
    if socket:
        env["INTERLOCK_SOCKET"] = socket
    return subprocess.run(
        [*INTERLOCK, *args],
        cwd=home / "proj",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def hook_command(agent: str, timeout: str = "3600") -> str:
    return (
        f"{INTERLOCK[0]} hook {agent} --timeout {timeout}"
        if len(INTERLOCK) == 1
        else (f"{INTERLOCK[0]} -m tui.cli hook {agent} --timeout {timeout}")
    )


def test_install_into_a_new_claude_settings_file(home):
    done = cli(home, "install", "claude-code", "--scope", "project")
    path = home / "proj" / ".claude" / "settings.json"
    assert done.returncode == 0, done.stderr
    assert json.loads(path.read_text()) == {
        "hooks": {
            "PreToolUse": [
                {
                    "matcher": "Bash|PowerShell|Edit|MultiEdit|Write|NotebookEdit|WebFetch|mcp__.*",
                    "hooks": [
                        {
                            "type": "command",
                            "command": hook_command("claude-code"),
                            "timeout": 3600,
                            "statusMessage": "Waiting for Interlock",
                            "onFailure": "block",
                        }
                    ],
                }
            ]
        }
    }
    assert f"claude-code hook installed in {path} (scope project)" in done.stdout
    assert '+            "onFailure": "block"\n' in done.stdout and "backed up" not in done.stdout


def test_install_keeps_other_hooks_and_settings_backs_up_and_is_idempotent(home):
    path = home / "home" / ".claude" / "settings.json"
    path.parent.mkdir()
    original = {
        "model": "opus",
        "permissions": {"allow": ["Bash(git status)"]},
        "hooks": {
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "/usr/bin/audit-log"}]}
            ],
            "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
        },
    }
    path.write_text(json.dumps(original, indent=4))
    first = cli(home, "install", "claude-code")
    data = json.loads(path.read_text())
    assert (data["model"], data["permissions"], data["hooks"]["Stop"]) == (
        "opus",
        original["permissions"],
        original["hooks"]["Stop"],
    )
    assert data["hooks"]["PreToolUse"][0] == original["hooks"]["PreToolUse"][0]
    assert data["hooks"]["PreToolUse"][1]["hooks"][0]["command"] == hook_command("claude-code")
    [backup] = path.parent.glob("settings.json.interlock-*.bak")
    assert json.loads(backup.read_text()) == original and "backed up to" in first.stdout
    after_first = path.read_bytes()
    second = cli(home, "install", "claude-code")
    assert "already installed" in second.stdout and path.read_bytes() == after_first
    assert len(list(path.parent.glob("*.bak"))) == 1
    removed = cli(home, "uninstall", "claude-code")
    assert removed.returncode == 0 and json.loads(path.read_text()) == original
    assert "not installed" in cli(home, "uninstall", "claude-code").stdout


def test_reinstalling_with_another_timeout_replaces_rather_than_duplicates(home):
    cli(home, "install", "codex", "--scope", "project")
    cli(home, "install", "codex", "--scope", "project", "--timeout", "120")
    data = json.loads((home / "proj" / ".codex" / "hooks.json").read_text())
    [group] = data["hooks"]["PreToolUse"]
    assert group["hooks"] == [
        {
            "type": "command",
            "command": hook_command("codex", "120"),
            "timeout": 120,
            "statusMessage": "Waiting for Interlock",
        }
    ]


def test_codex_install_tells_the_user_to_trust_the_hook(home):
    assert "open /hooks in Codex and trust" in cli(home, "install", "codex").stdout


def test_gemini_timeout_is_in_milliseconds(home):
    cli(home, "install", "gemini", "--scope", "project", "--timeout", "90")
    data = json.loads((home / "proj" / ".gemini" / "settings.json").read_text())
    [group] = data["hooks"]["BeforeTool"]
    assert group["hooks"][0] == {
        "type": "command",
        "command": hook_command("gemini", "90"),
        "timeout": 90000,
        "name": "interlock",
    }


def test_cursor_gets_flat_fail_closed_handlers_and_a_version(home):
    cli(home, "install", "cursor")
    data = json.loads((home / "home" / ".cursor" / "hooks.json").read_text())
    handler = {"command": hook_command("cursor"), "timeout": 3600, "failClosed": True}
    assert data == {
        "version": 1,
        "hooks": {
            "beforeShellExecution": [handler],
            "beforeMCPExecution": [handler],
            "preToolUse": [{**handler, "matcher": "Write|Edit|StrReplace|Delete"}],
        },
    }
    assert "already installed" in cli(home, "install", "cursor").stdout


def test_a_file_that_is_not_plain_json_is_left_alone(home):
    path = home / "proj" / ".gemini" / "settings.json"
    path.parent.mkdir()
    path.write_text('{\n  // a comment\n  "theme": "dark"\n}\n')
    done = cli(home, "install", "gemini", "--scope", "project")
    assert done.returncode == 2 and "not plain JSON" in done.stderr and "nothing was changed" in done.stderr
    assert path.read_text() == '{\n  // a comment\n  "theme": "dark"\n}\n'


def test_unsupported_scope_is_a_usage_error(home):
    done = cli(home, "install", "codex", "--scope", "local")
    assert done.returncode == 2 and "scope 'local' is not supported" in done.stderr


def test_socket_given_at_install_is_written_into_the_command(home):
    cli(home, "install", "claude-code", "--scope", "project", "--socket", "/run/il/submit.sock")
    data = json.loads((home / "proj" / ".claude" / "settings.json").read_text())
    assert data["hooks"]["PreToolUse"][0]["hooks"][0]["command"].endswith("--socket /run/il/submit.sock")


def test_doctor_passes_with_a_gate_and_an_installed_hook(home, gate: GateProcess):
    cli(home, "install", "claude-code", "--scope", "project")
    done = cli(home, "doctor", socket=str(gate.socket))
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout
    assert any(line.startswith("ok   gate") for line in lines)
    assert any(
        line.startswith("ok   claude-code (project) PreToolUse") and "fails closed" in line for line in lines
    )
    assert any(line.startswith("ok   round trip") and ": cancelled in" in line for line in lines)
    with gate.control() as control:
        [action] = control.request("list", status="cancelled")["actions"]
    assert action["tool"] == "interlock-doctor"


def test_doctor_fails_without_hooks_and_without_a_gate(home, tmp_path):
    no_hooks = cli(home, "doctor", socket=str(tmp_path / "none.sock"))
    assert no_hooks.returncode == 3
    assert "FAIL gate" in no_hooks.stdout and "no agent has Interlock's hook" in no_hooks.stdout


def test_doctor_flags_a_hook_command_that_does_not_fail_closed(home, gate: GateProcess):
    path = home / "proj" / ".claude" / "settings.json"
    path.parent.mkdir()
    broken = {
        "hooks": {
            "PreToolUse": [{"hooks": [{"type": "command", "command": "true interlock hook claude-code"}]}]
        }
    }
    path.write_text(json.dumps(broken))
    done = cli(home, "doctor", socket=str(gate.socket))
    assert done.returncode == 1
    assert (
        "FAIL claude-code (project) PreToolUse" in done.stdout and "re-run `interlock install" in done.stdout
    )
