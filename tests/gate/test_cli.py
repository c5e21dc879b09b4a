"""The scripting commands and their exit codes: 0 go/done, 1 refused, 2 bad input, 3 gate unreachable."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import INTERLOCK, GateProcess, action_json, shell_action


def wait_for_pending(gate: GateProcess, count: int = 1) -> list[dict[str, object]]:
    """Block on the gate's change feed until `count` actions are pending (no sleeps)."""
    with gate.control() as control:
        control.request("subscribe")
        while True:
            pending = control.request("list", status="pending")["actions"]
            if len(pending) >= count:
                return list(pending)
            control._read_frame(control._connect())  # next feed event


def start_submit(gate: GateProcess, command: str, *args: str) -> subprocess.Popen[str]:
    """`interlock submit` in the background, its stdin already complete (a real agent's pipe)."""
    stdin = gate.workdir / f"stdin-{time.monotonic_ns()}.json"
    stdin.write_text(action_json(command))
    with stdin.open() as handle:
        return subprocess.Popen(
            [*INTERLOCK, "submit", *args],
            stdin=handle,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=gate.env,
            text=True,
        )


def test_submit_no_wait_reports_held_and_exits_1(gate: GateProcess) -> None:
    done = gate.cli("submit", "--no-wait", "--json", stdin=action_json("rm -rf /"))
    assert done.returncode == 1
    action = json.loads(done.stdout)
    assert action["status"] == "pending" and action["command"] == "rm -rf /"


def test_submit_waits_until_approved_then_exits_0(gate: GateProcess) -> None:
    waiting = start_submit(gate, "make release", "--json")
    (held,) = wait_for_pending(gate)
    approved = gate.cli("approve", str(held["id"]), "--reason", "ship it")
    assert approved.returncode == 0, approved.stderr
    out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 0
    assert json.loads(out)["decisions"][0]["reason"] == "ship it"
    assert f"held for review: {held['id']}" in err


def test_rejection_reason_reaches_the_waiting_submitter(gate: GateProcess) -> None:
    waiting = start_submit(gate, "drop database")
    (held,) = wait_for_pending(gate)
    assert gate.cli("reject", str(held["id"]), "--reason", "use a migration").returncode == 0
    out, _ = waiting.communicate(timeout=30)
    assert waiting.returncode == 1
    assert out.startswith("rejected") and "use a migration" in out


def test_submit_timeout_leaves_the_action_pending_and_exits_1(gate: GateProcess) -> None:
    done = gate.cli("submit", "--timeout", "0.2", "--json", stdin=action_json("deploy"))
    assert done.returncode == 1
    action = json.loads(done.stdout)
    assert action["status"] == "pending"
    assert gate.cli("wait", action["id"], "--timeout", "0.1").returncode == 1


def test_bad_input_exits_2_with_specific_message(gate: GateProcess) -> None:
    for stdin, message in (
        ("{oops", "stdin is not valid JSON"),
        ("[]", "stdin must hold one Action JSON object"),
        ('{"kind": "shell", "agent": {"id": "a"}}', "a shell action needs 'command' or 'argv'"),
    ):
        done = gate.cli("submit", stdin=stdin)
        assert done.returncode == 2, stdin
        assert message in done.stderr
    assert gate.cli("show", "no-such-id").returncode == 2
    assert gate.cli("reject", "x").returncode == 2  # --reason is required
    assert "the following arguments are required: --reason" in gate.cli("reject", "x").stderr


def test_ls_show_approve_reject_json(gate: GateProcess) -> None:
    with gate.client() as agent:
        first = agent.submit(shell_action("terraform destroy"))
        second = agent.submit(shell_action("helm uninstall web"))
    listed = json.loads(gate.cli("ls", "--json").stdout)
    assert [a["id"] for a in listed] == [second["id"], first["id"]]
    shown = json.loads(gate.cli("show", first["id"], "--json").stdout)
    assert shown["command"] == "terraform destroy" and shown["content_hash"] == first["content_hash"]
    approved = gate.cli("approve", first["id"], "--json")
    assert approved.returncode == 0 and json.loads(approved.stdout)["status"] == "approved"
    again = gate.cli("approve", first["id"])
    assert again.returncode == 1 and "already approved" in again.stderr
    rejected = gate.cli("reject", second["id"], "--reason", "no", "--json")
    assert rejected.returncode == 0 and json.loads(rejected.stdout)["status"] == "rejected"
    assert json.loads(gate.cli("ls", "--json").stdout) == []
    everything = json.loads(gate.cli("ls", "--all", "--json").stdout)
    assert {a["status"] for a in everything} == {"approved", "rejected"}


def test_human_output_never_passes_agent_control_characters(gate: GateProcess) -> None:
    with gate.client() as agent:
        action = agent.submit(shell_action("echo \x1b]0;PWNED\x07 \u202egnp.exe\n[/]"))
    for args in (("ls",), ("show", action["id"])):
        out = gate.cli(*args).stdout
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
        assert "\\x1b]0;PWNED\\x07" in out and "<U+202E>" in out


def test_status_names_the_caller(gate: GateProcess) -> None:
    done = gate.cli("status", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["you"]["channel"] == "local"


def test_gate_unreachable_exits_3_fast_naming_socket(tmp_path: Path) -> None:
    env_socket = tmp_path / "none.sock"
    marker = tmp_path / "ran"
    for args, stdin in (
        (["submit"], action_json("ls")),
        (["ls"], ""),
        (["approve", "x"], ""),
        (["exec", "--socket", str(env_socket), "--", "touch", str(marker)], ""),
    ):
        started = time.monotonic()
        done = subprocess.run(
            [*INTERLOCK, *args[:1], "--socket", str(env_socket), *args[1:]],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 3, args
        assert "unreachable" in done.stderr and "interlock serve" in done.stderr
        assert str(tmp_path) in done.stderr
        assert time.monotonic() - started < 5  # process start included; the client itself gives up in 1 s
    assert not marker.exists()


def test_hung_gate_is_treated_as_unreachable_within_a_second(tmp_path: Path) -> None:
    """A socket that accepts but never answers (a wedged gate) must not hang the agent."""
    import socket

    path = tmp_path / "hung.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen()
    try:
        from tui.gate.client import GateClient, GateUnreachable

        started = time.monotonic()
        try:
            GateClient(path).submit(shell_action("ls"))
        except GateUnreachable as exc:
            assert "no answer in time" in str(exc)
        else:
            raise AssertionError("a hung gate was treated as an answer")
        assert time.monotonic() - started < 1.5
    finally:
        listener.close()


def test_show_says_what_the_review_still_needs(gate: GateProcess) -> None:
    with gate.client() as agent:
        action = agent.submit(shell_action("terraform destroy"))
    text = gate.cli("show", action["id"]).stdout
    assert "review   1 approval(s), role approver; so far: 0 of 1 approvals, needs approver" in text
    gate.cli("approve", action["id"], "--reason", "planned")
    text = gate.cli("show", action["id"]).stdout
    assert "review   1 approval(s), role approver\n" in text
    assert "  approve by " in text and "planned" in text


@pytest.mark.parametrize("value", ["nan", "inf", "1e300", "-1", "abc"])
@pytest.mark.parametrize("command", [["submit"], ["exec", "--agent", "t"]])
def test_timeouts_that_are_not_a_sane_number_of_seconds_are_usage_errors(
    gate: GateProcess, command: list[str], value: str
) -> None:
    """Found by probing: nan/inf/1e300 became tracebacks (exit 1) after the action was already held."""
    tail = ["--", "touch", "never"] if command[0] == "exec" else []
    done = gate.cli(*command, "--timeout", value, *tail, stdin=action_json("terraform apply"))
    assert done.returncode == 2 and "argument --timeout" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(gate.cli("ls", "--json").stdout) == [], "nothing was submitted"


@pytest.mark.parametrize("value", ["", "inf", "nan", "1e300s", "0"])
def test_a_time_box_that_is_not_a_duration_is_refused(gate: GateProcess, value: str) -> None:
    done = gate.cli("autonomy", "bot", "trusted", "--for", value)
    assert done.returncode == 2 and "duration" in done.stderr, done.stderr
    assert "bot" not in gate.cli("autonomy").stdout, "no grant was made"
