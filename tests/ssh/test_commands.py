"""Non-interactive SSH with the real OpenSSH client: commands, identity from the key, refusals."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import action_json, shell_action
from tests.gate.test_cli import start_submit, wait_for_pending
from tests.ssh.conftest import SSHGate


def test_ls_json_without_a_pty(ssh_gate: SSHGate) -> None:
    with ssh_gate.gate.client() as agent:
        action = agent.submit(shell_action("terraform destroy"))
    done = ssh_gate.ssh("alice", "ls --json")
    assert done.returncode == 0, done.stderr
    assert [a["id"] for a in json.loads(done.stdout)] == [action["id"]]


def test_approval_over_ssh_unblocks_a_waiting_local_submitter(ssh_gate: SSHGate) -> None:
    gate = ssh_gate.gate
    waiting = start_submit(gate, "make release", "--json")
    (held,) = wait_for_pending(gate)
    done = ssh_gate.ssh("alice", f"approve {held['id']} --reason 'checked over ssh' --json")
    assert done.returncode == 0, done.stderr
    out, _ = waiting.communicate(timeout=60)
    assert waiting.returncode == 0
    decision = json.loads(out)["decisions"][0]
    assert (decision["by"], decision["channel"], decision["reason"]) == ("alice", "ssh", "checked over ssh")


def test_reject_and_show_and_exit_codes(ssh_gate: SSHGate) -> None:
    with ssh_gate.gate.client() as agent:
        action = agent.submit(shell_action("kubectl delete ns prod"))
    assert ssh_gate.ssh("alice", f"show {action['id']}").returncode == 0
    assert ssh_gate.ssh("alice", "show no-such-id").returncode == 2
    assert ssh_gate.ssh("alice", f"reject {action['id']}").returncode == 2  # --reason is required
    rejected = ssh_gate.ssh("alice", f"reject {action['id']} --reason 'wrong namespace'")
    assert rejected.returncode == 0, rejected.stderr
    again = ssh_gate.ssh("alice", f"approve {action['id']}")
    assert again.returncode == 1 and "already rejected" in again.stderr


def test_autonomy_and_halt_over_ssh(ssh_gate: SSHGate) -> None:
    done = ssh_gate.ssh("alice", "autonomy bot observe --for 30m --json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["grant"]["by"] == "alice"
    assert ssh_gate.ssh("alice", "halt bot").returncode == 0
    with ssh_gate.gate.client() as agent:
        assert agent.submit(shell_action("ls", agent="bot"))["status"] == "denied"


def test_unknown_key_is_refused(ssh_gate: SSHGate) -> None:
    done = ssh_gate.ssh("mallory", "ls")
    assert done.returncode == 255
    assert "Permission denied (publickey)" in done.stderr


def test_password_login_is_not_offered(ssh_gate: SSHGate) -> None:
    args = ssh_gate.ssh_args("alice", "-o", "PreferredAuthentications=password,keyboard-interactive")
    done = subprocess.run([*args, "ls"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 255
    assert "Permission denied (publickey)" in done.stderr


def test_observer_may_look_but_not_approve(ssh_gate: SSHGate) -> None:
    with ssh_gate.gate.client() as agent:
        action = agent.submit(shell_action("deploy"))
    assert ssh_gate.ssh("olive", "ls").returncode == 0
    done = ssh_gate.ssh("olive", f"approve {action['id']}")
    assert done.returncode == 1
    assert "olive is observer" in done.stderr


def test_agent_key_may_submit_only(ssh_gate: SSHGate) -> None:
    submitted = ssh_gate.ssh("robot", "submit --no-wait --json", stdin=action_json("rm -rf build"))
    assert submitted.returncode == 1  # held, not allowed
    action = json.loads(submitted.stdout)
    assert action["status"] == "pending" and action["agent"]["user"] == "robot"  # identity from the key
    for command in (f"approve {action['id']}", "ls"):
        refused = ssh_gate.ssh("robot", command)
        assert refused.returncode == 1
        assert "is not available to a agent key over SSH" in refused.stderr
    tui = subprocess.run(
        [*ssh_gate.ssh_args("robot", "-tt")],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert tui.returncode == 1
    assert "agent keys may only run `submit` or `wait`" in tui.stdout + tui.stderr


def test_self_approval_over_ssh_is_refused(ssh_gate: SSHGate) -> None:
    with ssh_gate.gate.client() as agent:
        action = agent.submit({**shell_action("deploy"), "agent": {"id": "agent-1", "user": "alice-os"}})
    done = ssh_gate.ssh("alice", f"approve {action['id']}")
    assert done.returncode == 1
    assert "self-approval: alice runs as 'alice-os'" in done.stderr


def test_no_shell_no_exec_no_files_no_forwarding(ssh_gate: SSHGate, tmp_path) -> None:
    for command in ("sh -c id", "exec -- id", "serve", "approvers add x --role admin", "ls --db=/etc/passwd"):
        done = ssh_gate.ssh("bob", command)
        assert done.returncode == 1, command
        assert "not available" in done.stderr, command
    sftp = subprocess.run(
        [
            "sftp",
            "-P",
            str(ssh_gate.port),
            "-i",
            str(ssh_gate.keys / "bob"),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "oncall@127.0.0.1",
        ],
        input="ls\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sftp.returncode != 0
    forward = ssh_gate.ssh("bob", "status", "-o", "ExitOnForwardFailure=yes", "-L", "0:127.0.0.1:22", "-N")
    assert forward.returncode == 255
