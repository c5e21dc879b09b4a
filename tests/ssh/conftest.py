"""A real gate with its SSH server on 127.0.0.1:0, keys made per test, and the real OpenSSH client."""

from __future__ import annotations

import getpass
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import GateProcess

ROLES = {"alice": ["approver"], "bob": ["senior"], "olive": ["observer"], "robot": ["agent"]}


@dataclass
class SSHGate:
    gate: GateProcess
    port: int
    keys: Path

    def ssh_args(self, who: str, *extra: str) -> list[str]:
        return [
            "ssh",
            "-p",
            str(self.port),
            "-i",
            str(self.keys / who),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            *extra,
            "oncall@127.0.0.1",
        ]

    def ssh(self, who: str, command: str, *extra: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.ssh_args(who, *extra), command], input=stdin, capture_output=True, text=True, timeout=60
        )


def make_keys(folder: Path) -> None:
    folder.mkdir()
    for name in (*ROLES, "mallory"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(folder / name)], check=True
        )


@pytest.fixture
def ssh_gate(tmp_path: Path) -> Iterator[SSHGate]:
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.fail("the OpenSSH client is required (apt-get install openssh-client; .ci/run installs it)")
    keys = tmp_path / "keys"
    make_keys(keys)
    gate = GateProcess(tmp_path)
    config = tmp_path / "config"
    config.mkdir()
    people = [
        {
            "name": name,
            "roles": roles,
            "users": [f"{name}-os"],
            "keys": [(keys / f"{name}.pub").read_text().strip()],
        }
        for name, roles in ROLES.items()
    ]
    people.append(
        {"name": "local-admin", "roles": ["admin"], "users": [getpass.getuser()]}
    )  # the test's own OS user
    (config / "approvers.yaml").write_text(json.dumps({"approvers": people}))
    gate.proc = subprocess.Popen(
        gate.serve_args("--ssh", "127.0.0.1:0"),
        env={**gate.env, "XDG_STATE_HOME": str(tmp_path / "state")},
        stderr=subprocess.PIPE,
        text=True,
    )
    port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", gate.wait_log("ssh: listening")).group(1))
    gate.wait_log("listening: submit")
    yield SSHGate(gate, port, keys)
    if gate.proc is not None:
        gate.stop()
