"""`interlock exec` runs its command once, only after it is allowed; every other outcome fails closed."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.conftest import INTERLOCK, GateProcess
from tests.gate.test_cli import wait_for_pending


def start_exec(gate: GateProcess, *argv: str, env_name: str = "") -> subprocess.Popen[str]:
    extra = ["--env", env_name] if env_name else []
    return subprocess.Popen(
        [*INTERLOCK, "exec", *extra, "--", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=gate.env,
        text=True,
    )


def test_approved_command_runs_once_and_passes_its_exit_code(gate: GateProcess, tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    proc = start_exec(gate, "sh", "-c", f"echo ran >> {log}; exit 7", env_name="staging")
    (held,) = wait_for_pending(gate)
    assert held["target"] == {"environment": "staging", "resource": ""}
    assert held["agent"]["kind"] == "exec" and held["argv"][0] == "sh"
    assert not log.exists()  # nothing ran while held
    gate.cli("approve", str(held["id"]))
    proc.communicate(timeout=30)
    assert proc.returncode == 7
    assert log.read_text() == "ran\n"


def test_rejected_command_never_runs(gate: GateProcess, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    proc = start_exec(gate, "rm", "-rf", str(victim))
    (held,) = wait_for_pending(gate)
    gate.cli("reject", str(held["id"]), "--reason", "keep it")
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert victim.is_dir()
    assert "keep it" in err


def test_no_gate_means_the_command_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    done = subprocess.run(
        [*INTERLOCK, "exec", "--socket", str(tmp_path / "absent.sock"), "--", "touch", str(marker)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 3
    assert not marker.exists()


def test_gate_killed_mid_wait_means_the_command_never_runs(gate: GateProcess, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    proc = start_exec(gate, "touch", str(marker))
    wait_for_pending(gate)
    gate.kill9()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 3
    assert "closed the connection" in err
    assert not marker.exists()


def test_expired_action_never_runs(gate_factory, tmp_path: Path) -> None:
    gate = gate_factory(ttl=0.3).start()
    marker = tmp_path / "ran"
    proc = start_exec(gate, "touch", str(marker))
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert "expired" in err
    assert not marker.exists()


def test_exec_timeout_cancels_the_action(gate: GateProcess, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    done = subprocess.run(
        [*INTERLOCK, "exec", "--timeout", "0.2", "--", "touch", str(marker)],
        env=gate.env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert "cancelled" in done.stderr
    assert not marker.exists()
    (action,) = gate.control().request("list", status="cancelled")["actions"]
    assert action["argv"] == ["touch", str(marker)]


def test_child_killed_by_signal_kills_exec_the_same_way(gate: GateProcess) -> None:
    proc = start_exec(gate, "sh", "-c", "kill -TERM $$")
    (held,) = wait_for_pending(gate)
    gate.cli("approve", str(held["id"]))
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGTERM


def test_sigterm_to_exec_is_forwarded_to_the_child(gate: GateProcess) -> None:
    script = "trap 'echo got-term; exit 42' TERM; echo ready; while :; do sleep 0.05; done"
    proc = start_exec(gate, "sh", "-c", script)
    (held,) = wait_for_pending(gate)
    gate.cli("approve", str(held["id"]))
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"  # the child is running and has its trap set
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 42
    assert out == "got-term\n"


def test_missing_command_after_approval_exits_127(gate: GateProcess) -> None:
    proc = start_exec(gate, "definitely-not-a-command-xyz")
    (held,) = wait_for_pending(gate)
    gate.cli("approve", str(held["id"]))
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 127
    assert "cannot run definitely-not-a-command-xyz" in err


def test_exec_without_command_is_bad_usage(gate: GateProcess) -> None:
    done = gate.cli("exec", "--")
    assert done.returncode == 2 and "exec needs a command" in done.stderr
