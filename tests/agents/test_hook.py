"""`interlock hook AGENT` as the agents run it: a subprocess, stdin in, one answer out, against a real gate.

Every outcome an agent can meet is checked byte for byte in each agent's format: allowed, denied, held
then approved, held past the wait (deny naming the action, then the retry goes through exactly once),
expired, gate down, gate silent, stdin that never ends, garbage on stdin.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.agents.conftest import (
    AGENTS,
    INTERLOCK,
    SHELL_FIXTURE,
    Feed,
    by_command,
    judgement,
    payload,
    run_hook,
)
from tests.conftest import GateProcess

USER = pwd.getpwuid(os.getuid()).pw_name
DENY_EXIT = {"claude-code": 2, "codex": 0, "gemini": 0, "cursor": 0}


def expected(agent: str, decision: str, reason: str) -> bytes:
    """The answer each agent documents, written out literally (not via the adapters under test)."""
    r = json.dumps(reason)
    if agent == "claude-code":
        text = (
            '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"DECISION",'
            '"permissionDecisionReason":REASON}}'
        )
    elif agent == "codex" and decision == "allow":
        text = "{}"
    elif agent == "codex":
        text = (
            '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",'
            '"permissionDecisionReason":REASON}}'
        )
    elif agent == "gemini":
        text = '{"decision":"DECISION","reason":REASON}'
    else:
        text = '{"permission":"DECISION","user_message":REASON,"agent_message":REASON}'
    return (text.replace("DECISION", decision).replace("REASON", r) + "\n").encode()


def exit_for(agent: str, decision: str) -> int:
    return DENY_EXIT[agent] if decision == "deny" else 0


def start_hook(agent: str, stdin: bytes, sock: str | Path) -> subprocess.Popen[bytes]:
    hook = subprocess.Popen(
        [*INTERLOCK, "hook", agent, "--socket", str(sock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert hook.stdin is not None
    hook.stdin.write(stdin)
    hook.stdin.close()
    return hook


def finish(hook: subprocess.Popen[bytes]) -> tuple[bytes, int]:
    assert hook.stdout is not None
    out = hook.stdout.read()  # EOF when the hook exits
    return out, hook.wait(timeout=60)


def risk_text(gate: GateProcess, action_id: str) -> str:
    """The gate's stated reasons for an action, as the hook passes them on."""
    with gate.control() as control:
        reasons = control.request("show", id=action_id)["action"]["risk"]["reasons"]
    return "; ".join(r["text"] for r in reasons)


def shell(agent: str, project: Path) -> bytes:
    return payload(agent, SHELL_FIXTURE[agent], project)


def held_reason(action_id: str) -> str:
    return (
        f"Interlock is holding this shell (Interlock action {action_id}) for human review; it was NOT run. "
        "Do not work around it. Tell the user it is waiting for approval in Interlock; once it is approved, "
        "retry exactly the same call and it will run once."
    )


def failure_reason(why: str) -> str:
    return (
        f"Interlock could not check this call ({why}), so it was NOT run (fail closed). "
        "Tell the user; do not try to work around it."
    )


@pytest.mark.parametrize("agent", AGENTS)
def test_allowed_by_policy(agent, judged_gate, project):
    gate = judged_gate(by_command({}, judgement("allowed", "read-only")))
    done = run_hook(agent, shell(agent, project), gate.socket)
    [action] = gate.actions()
    reason = f"Interlock allowed this shell (Interlock action {action.id}): read-only."
    assert (done.stdout, done.returncode) == (expected(agent, "allow", reason), 0)
    assert (action.agent.id, action.agent.kind, action.agent.user) == (f"{agent}@{USER}", agent, USER)
    assert (action.command, action.cwd, action.status) == ("rm -rf build", str(project), "allowed")


@pytest.mark.parametrize("agent", AGENTS)
def test_denied_by_policy(agent, judged_gate, project):
    gate = judged_gate(by_command({"rm -rf": judgement("denied", "recursive delete")}, judgement("allowed")))
    done = run_hook(agent, shell(agent, project), gate.socket)
    [action] = gate.actions()
    reason = (
        f"Interlock denied this shell (Interlock action {action.id}): recursive delete. "
        "It was NOT run; do not retry it unchanged."
    )
    assert (done.stdout, done.returncode) == (expected(agent, "deny", reason), DENY_EXIT[agent])


@pytest.mark.parametrize("agent", AGENTS)
def test_held_then_approved_while_the_hook_waits(agent, gate: GateProcess, project):
    feed = Feed(gate.control_socket)
    hook = start_hook(agent, shell(agent, project), gate.socket)
    held = feed.next("pending")
    feed.close()
    with gate.control() as control:
        control.request("decide", id=held["id"], verdict="approve", reason="looks fine")
    out, code = finish(hook)
    reason = (
        f"Interlock allowed this shell (Interlock action {held['id']}) (approved by {USER}: "
        f"looks fine): {risk_text(gate, held['id'])}."
    )
    assert (out, code) == (expected(agent, "allow", reason), 0)


@pytest.mark.parametrize("agent", AGENTS)
def test_held_then_rejected_tells_the_agent_who_and_why(agent, gate: GateProcess, project):
    feed = Feed(gate.control_socket)
    hook = start_hook(agent, shell(agent, project), gate.socket)
    held = feed.next("pending")
    feed.close()
    with gate.control() as control:
        control.request("decide", id=held["id"], verdict="reject", reason="prod data lives there")
    out, code = finish(hook)
    reason = (
        f"Interlock: a reviewer rejected this shell (Interlock action {held['id']}) (rejected by "
        f"{USER}: prod data lives there). It was NOT run; do not retry it unchanged."
    )
    assert (out, code) == (expected(agent, "deny", reason), DENY_EXIT[agent])


@pytest.mark.parametrize("agent", AGENTS)
def test_held_past_the_wait_denies_with_the_id_and_the_retry_runs_once_after_approval(agent, gate, project):
    first = run_hook(agent, shell(agent, project), gate.socket, "--timeout", "3.6")
    with gate.control() as control:
        [held] = control.request("list", status="pending")["actions"]
        assert (first.stdout, first.returncode) == (
            expected(agent, "deny", held_reason(held["id"])),
            DENY_EXIT[agent],
        )
        control.request("decide", id=held["id"], verdict="approve")
    retry = run_hook(agent, shell(agent, project), gate.socket, "--timeout", "3.6")
    with gate.control() as control:
        [allowed] = control.request("list", status="allowed")["actions"]
    reason = (
        f"Interlock allowed this shell (Interlock action {allowed['id']}): {risk_text(gate, allowed['id'])}."
    )
    assert risk_text(gate, allowed["id"]).endswith(f"this exact action was approved as {held['id']}")
    assert (retry.stdout, retry.returncode) == (expected(agent, "allow", reason), 0)
    again = run_hook(agent, shell(agent, project), gate.socket, "--timeout", "3.6")
    assert b"is holding this shell" in again.stdout  # the approval was used up


def test_a_changed_command_does_not_ride_an_approval(gate, project):
    first = run_hook("claude-code", shell("claude-code", project), gate.socket, "--timeout", "3.6")
    action_id = json.loads(first.stdout)["hookSpecificOutput"]["permissionDecisionReason"].split("action ")[
        1
    ][:36]
    with gate.control() as control:
        control.request("decide", id=action_id, verdict="approve")
    changed = shell("claude-code", project).replace(b"rm -rf build", b"rm -rf build /")
    assert (
        b'"permissionDecision":"deny"'
        in run_hook("claude-code", changed, gate.socket, "--timeout", "3.6").stdout
    )


@pytest.mark.parametrize("agent", AGENTS)
def test_expired_while_waiting(agent, gate_factory, project):
    gate = gate_factory(ttl=0.3).start()
    done = run_hook(agent, shell(agent, project), gate.socket, "--timeout", "30")
    with gate.control() as control:
        [action] = control.request("list", status="expired")["actions"]
    reason = (
        f"Interlock: nobody approved this shell (Interlock action {action['id']}) before it expired. "
        "It was NOT run; ask the user before trying again."
    )
    assert (done.stdout, done.returncode) == (expected(agent, "deny", reason), DENY_EXIT[agent])


@pytest.mark.parametrize("agent", AGENTS)
def test_gate_down_denies(agent, tmp_path, project):
    sock = tmp_path / "no-gate.sock"
    done = run_hook(agent, shell(agent, project), sock)
    why = f"interlock gate unreachable at {sock} (No such file or directory); start it with `interlock serve`"
    assert (done.stdout, done.returncode) == (expected(agent, "deny", failure_reason(why)), DENY_EXIT[agent])


NOT_JSON = "unreadable hook payload: stdin is not JSON (Expecting value: line 1 column 1 (char 0))"


@pytest.mark.parametrize("agent", AGENTS)
@pytest.mark.parametrize(
    ("stdin", "why"),
    [
        (b"garbage", NOT_JSON),
        (b"", NOT_JSON),
        (b"[1, 2]", "unreadable hook payload: stdin is not a JSON object"),
        pytest.param(
            b"[" * 50_000 + b"]" * 50_000,
            "unreadable hook payload: stdin is not JSON (nested too deeply)",
            id="deeply-nested",
        ),
        (b'{"tool_name": NaN}', "unreadable hook payload: stdin is not JSON (NaN is not a JSON number)"),
        (
            b'{"tool_name": "Bash"}',
            "unsupported hook payload: field 'hook_event_name' must be a non-empty string",
        ),
        (
            b"\xff\xfe{",
            "unreadable hook payload: stdin is not JSON ('utf-16-le' codec can't decode byte 0x7b in "
            "position 2: truncated data)",
        ),
    ],
)
def test_garbage_on_stdin_denies_without_asking_the_gate(agent, stdin, why, tmp_path):
    done = run_hook(agent, stdin, tmp_path / "unused.sock")
    assert (done.stdout, done.returncode) == (expected(agent, "deny", failure_reason(why)), DENY_EXIT[agent])


@pytest.mark.parametrize(
    ("agent", "stdin"),
    [
        ("claude-code", b'{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":""}}'),
        ("codex", b'{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":""}}'),
        (
            "gemini",
            b'{"hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":""}}',
        ),
        ("cursor", b'{"hook_event_name":"beforeShellExecution","command":""}'),
    ],
)
def test_a_payload_missing_what_would_run_is_denied(agent, stdin, tmp_path):
    done = run_hook(agent, stdin, tmp_path / "unused.sock")
    body = done.stdout.decode()
    assert done.returncode == DENY_EXIT[agent] and '"deny"' in body
    assert (
        "unsupported hook payload: field 'command'" in body or "Bash call without a string 'command'" in body
    )


def test_a_silent_gate_is_answered_before_the_agents_timeout(tmp_path, project):
    sock = tmp_path / "silent.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(sock))
    server.listen(8)  # accepts connections, never answers
    try:
        started = time.monotonic()
        done = run_hook("claude-code", shell("claude-code", project), sock, "--timeout", "5")
        took = time.monotonic() - started
    finally:
        server.close()
    why = f"interlock gate unreachable at {sock} (no answer in time); start it with `interlock serve`"
    assert (done.stdout, done.returncode) == (expected("claude-code", "deny", failure_reason(why)), 2)
    assert took < 5


@pytest.mark.parametrize("agent", AGENTS)
def test_stdin_that_never_ends_is_answered_before_the_timeout(agent, tmp_path):
    hook = subprocess.Popen(
        [*INTERLOCK, "hook", agent, "--socket", str(tmp_path / "s"), "--timeout", "4"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    started = time.monotonic()
    out, _ = _communicate_keeping_stdin_open(hook, 4)
    assert time.monotonic() - started < 4
    assert out == expected(agent, "deny", failure_reason("out of time before Interlock decided"))
    assert hook.returncode == DENY_EXIT[agent]


def _communicate_keeping_stdin_open(hook: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, bytes]:
    assert hook.stdout is not None and hook.stderr is not None
    hook.stdin.write(b'{"hook_event_name": "Pre')  # a partial payload, and the pipe stays open
    hook.stdin.flush()
    out = hook.stdout.read()  # EOF when the hook exits: bounded by the hook's own deadline
    hook.wait(timeout=timeout)
    hook.stdin.close()
    return out, hook.stderr.read()


def test_fallback_ask_hands_back_to_the_agents_prompt_where_it_has_one(tmp_path, project):
    sock = tmp_path / "none.sock"
    why = f"interlock gate unreachable at {sock} (No such file or directory); start it with `interlock serve`"
    done = run_hook("claude-code", shell("claude-code", project), sock, "--fallback", "ask")
    assert (done.stdout, done.returncode) == (
        expected("claude-code", "ask", f"Interlock could not decide ({why}); asking you instead."),
        0,
    )
    codex = run_hook("codex", shell("codex", project), sock, "--fallback", "ask")
    assert b'"permissionDecision":"deny"' in codex.stdout  # Codex has no ask: still closed


def test_defer_only_when_claude_code_runs_headless(gate, project):
    headless = {**os.environ, "CLAUDE_CODE_ENTRYPOINT": "sdk-cli"}
    deferred = run_hook(
        "claude-code", shell("claude-code", project), gate.socket, "--timeout", "3.6", "--defer", env=headless
    )
    assert b'"permissionDecision":"defer"' in deferred.stdout and deferred.returncode == 0
    interactive = {**os.environ, "CLAUDE_CODE_ENTRYPOINT": "cli"}
    denied = run_hook(
        "claude-code",
        shell("claude-code", project),
        gate.socket,
        "--timeout",
        "3.6",
        "--defer",
        env=interactive,
    )
    assert b'"permissionDecision":"deny"' in denied.stdout and denied.returncode == 2


@pytest.mark.parametrize(
    ("agent", "name"),
    [("claude-code", "permissionrequest-bash.json"), ("codex", "permissionrequest-bash.json")],
)
def test_permission_request_answers_with_a_behavior(agent, name, judged_gate, project):
    gate = judged_gate(by_command({}, judgement("allowed")))
    done = run_hook(agent, payload(agent, name, project), gate.socket)
    assert (done.stdout, done.returncode) == (
        b'{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}\n',
        0,
    )


def test_unknown_agent_is_a_usage_error(tmp_path):
    done = run_hook("vim", b"{}", tmp_path / "s")
    assert done.returncode == 2 and done.stdout == b"" and b"unknown agent 'vim'" in done.stderr


@pytest.mark.parametrize(
    ("agent", "name"), [("claude-code", "pretooluse-edit.json"), ("gemini", "beforetool-replace.json")]
)
def test_an_edit_reaches_the_gate_with_its_diff_and_the_file_is_untouched(agent, name, judged_gate, project):
    gate = judged_gate(by_command({}, judgement("denied", "config change")))
    before = (project / "src" / "db.ts").read_text()
    done = run_hook(agent, payload(agent, name, project), gate.socket)
    [action] = gate.actions()
    assert (action.kind, action.path, action.status) == ("file_edit", f"{project}/src/db.ts", "denied")
    assert "-  pool: 5,\n+  pool: 50,\n" in action.diff
    assert b'"deny"' in done.stdout and (project / "src" / "db.ts").read_text() == before


def test_a_lone_surrogate_in_the_tool_input_is_denied_naming_the_field(gate: GateProcess, project):
    """`"\\ud800"` is valid JSON but not Unicode: the hook cannot send it, so it denies and says where."""
    stdin = (
        b'{"session_id":"s","cwd":"/tmp","hook_event_name":"PreToolUse","tool_name":"Bash",'
        b'"tool_input":{"command":"rm -rf / \\ud800"}}'
    )
    done = run_hook("claude-code", stdin, gate.socket)
    body = done.stdout.decode()
    assert done.returncode == 2 and '"deny"' in body
    assert "lone UTF-16 surrogate in action.command (U+D800)" in body and "NOT run" in body
