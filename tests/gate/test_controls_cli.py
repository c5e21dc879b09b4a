"""Autonomy, halt, incident and approvers through the real sockets and CLI; identity from SO_PEERCRED."""

from __future__ import annotations

import getpass
import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import INTERLOCK, GateProcess, shell_action
from tests.gate.test_cli import wait_for_pending
from tui.gate.client import GateError

ME = getpass.getuser()


def write_approvers(gate: GateProcess, roles: list[str] | None) -> None:
    config = gate.workdir / "config"
    config.mkdir(exist_ok=True)
    people = [] if roles is None else [{"name": "me", "roles": roles, "users": [ME]}]
    people.append({"name": "someone-else", "roles": ["senior"], "users": ["nobody-else"]})
    (config / "approvers.yaml").write_text(json.dumps({"approvers": people}))


def wait_for_event(gate: GateProcess, kind: str, change) -> dict[str, object]:
    """Subscribe, make the change, and block until the gate announces it (no sleeps)."""
    with gate.control() as control:
        control.request("subscribe")
        change()
        while True:
            event = control._read_frame(control._connect())
            if event.get("event") == kind:
                return event


def test_autonomy_cli_sets_time_boxed_level_and_reports_it(gate: GateProcess) -> None:
    done = gate.cli("autonomy", "bot", "observe", "--for", "30m", "--reason", "noisy", "--json")
    assert done.returncode == 0, done.stderr
    grant = json.loads(done.stdout)["grant"]
    assert grant["level"] == "observe" and grant["reason"] == "noisy" and grant["by"] == ME
    assert 1790 < grant["until"] - grant["set_at"] <= 1800
    shown = gate.cli("autonomy", "bot")
    assert "bot" in shown.stdout and "observe" in shown.stdout and "noisy" in shown.stdout
    assert gate.cli("autonomy", "bot", "observe", "--for", "soon").returncode == 2
    assert gate.cli("autonomy", "bot", "sideways").returncode == 2


def test_halt_cli_rejects_queue_and_denies_new(gate: GateProcess) -> None:
    with gate.client() as agent:
        queued = agent.submit(shell_action("deploy", agent="bot"))
        done = gate.cli("halt", "bot", "--reason", "wrong cluster")
        assert done.returncode == 0 and "1 pending actions rejected" in done.stdout
        assert agent.wait(queued["id"], timeout=5)["status"] == "rejected"
        assert agent.submit(shell_action("ls", agent="bot"))["status"] == "denied"
    assert gate.cli("halt").returncode == 2


def test_incident_start_and_end(gate: GateProcess) -> None:
    started = gate.cli("incident", "start", "--reason", "db down", "--json")
    assert started.returncode == 0 and json.loads(started.stdout)["incident"]["level"] == "halt"
    with gate.client() as agent:
        assert agent.submit(shell_action("ls"))["status"] == "denied"
    status = json.loads(gate.cli("status", "--json").stdout)
    assert status["gate"]["autonomy"]["incident"]["reason"] == "db down"
    assert gate.cli("incident", "end").returncode == 0
    again = gate.cli("incident", "end")
    assert again.returncode == 1 and "no incident is in progress" in again.stderr


def test_unlisted_local_user_and_observer_are_refused(gate: GateProcess) -> None:
    with gate.client() as agent:
        action = agent.submit(shell_action("deploy"))
    write_approvers(gate, None)
    gate.wait_log("approvers reloaded")
    refused = gate.cli("approve", action["id"])
    assert refused.returncode == 1 and f"local user {ME!r} is not in the approvers file" in refused.stderr
    assert gate.cli("ls").returncode == 1
    write_approvers(gate, ["observer"])
    gate.wait_log("approvers reloaded")
    assert gate.cli("ls").returncode == 0
    observer = gate.cli("approve", action["id"])
    assert observer.returncode == 1 and "me is observer; this needs approver or above" in observer.stderr
    wait_for_event(gate, "approvers", lambda: write_approvers(gate, ["approver"]))
    approved = gate.cli("approve", action["id"], "--json")
    assert approved.returncode == 0
    assert json.loads(approved.stdout)["decisions"][0] == {
        **json.loads(approved.stdout)["decisions"][0],
        "by": "me",
        "role": "approver",
        "channel": "local",
    }


def test_broken_approvers_edit_keeps_the_last_good_file(gate: GateProcess) -> None:
    wait_for_event(gate, "approvers", lambda: write_approvers(gate, ["approver"]))
    config = gate.workdir / "config" / "approvers.yaml"
    event = wait_for_event(
        gate, "approvers", lambda: config.write_text("approvers: [{name: x, roles: [king]}]")
    )
    assert event["ok"] is False and "roles must be some of" in str(event["error"])
    status = json.loads(gate.cli("status", "--json").stdout)
    assert status["you"]["name"] == "me" and status["gate"]["single_user"] is False


def test_approvers_cli_add_list_remove(gate: GateProcess, tmp_path: Path) -> None:
    key = tmp_path / "id.pub"
    key.write_text(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@lap\n"
    )
    added = gate.cli("approvers", "add", "alice", "--role", "senior", "--key", str(key), "--user", "alice")
    assert added.returncode == 0, added.stderr
    listed = json.loads(gate.cli("approvers", "list", "--json").stdout)
    assert listed["single_user"] is False
    assert listed["approvers"] == [
        {
            "name": "alice",
            "roles": ["senior"],
            "users": ["alice"],
            "keys": ["SHA256:" + listed["approvers"][0]["keys"][0][7:]],
        }
    ]
    bad = gate.cli("approvers", "add", "eve", "--role", "king")
    assert bad.returncode == 2
    assert "roles must be some of" in bad.stderr
    assert gate.cli("approvers", "remove", "nobody").returncode == 2
    assert gate.cli("approvers", "remove", "alice").returncode == 0
    assert (gate.workdir / "config" / "approvers.yaml.bak").exists()


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.05; done", 42),
        ("trap '' TERM; echo ready; while :; do sleep 0.05; done", -signal.SIGKILL),
    ],
)
def test_halt_stops_an_exec_child_in_flight(gate_factory, script: str, expected: int) -> None:
    gate = gate_factory()
    (gate.workdir / "settings.yaml").write_text("halt_grace_s: 0.5\n")
    gate.proc = subprocess.Popen(
        gate.serve_args("--config", str(gate.workdir / "settings.yaml")),
        env=gate.env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert gate.proc.stderr is not None
    for line in gate.proc.stderr:
        if "listening" in line:
            break
    proc = subprocess.Popen(
        [*INTERLOCK, "exec", "--agent", "bot", "--", "sh", "-c", script],
        env=gate.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    (held,) = wait_for_pending(gate)
    gate.cli("approve", str(held["id"]))
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    assert gate.cli("halt", "bot").returncode == 0
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == expected
    assert "agent bot halted" in err


def test_watch_answers_at_once_for_an_already_halted_agent(gate: GateProcess) -> None:
    gate.cli("halt", "bot")
    with gate.client() as agent:
        reply = agent.request("watch", wait_s=5, agent="bot")
    assert reply["halted"] is True and reply["grace_s"] == 5.0
    wait_for_event(gate, "approvers", lambda: write_approvers(gate, ["observer"]))
    with (
        pytest.raises(GateError, match="me is observer; this needs approver or above"),
        gate.control() as control,
    ):
        control.request("autonomy", agent="bot", level="supervised")
