"""`interlock demo` end to end in a real pseudo-terminal: the gate and simulated agents start, actions
reach the TUI, `q` quits with 0, and nothing is left behind (processes, temporary directory)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pexpect
import pytest

from tui.demo import scenarios


@pytest.fixture
def short_tmp() -> Path:
    path = Path(tempfile.mkdtemp(prefix="il-demo-", dir="/tmp"))  # socket paths must stay under 108 bytes
    yield path
    shutil.rmtree(path, ignore_errors=True)


def demo_children(workdir: Path) -> list[str]:
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if str(workdir) in line]


@pytest.mark.slow
def test_demo_runs_and_cleans_up(short_tmp: Path) -> None:
    env = {**os.environ, "TMPDIR": str(short_tmp), "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "tui.cli", "demo", "--seed", "7"],
        env=env,
        dimensions=(36, 120),
        timeout=30,
        encoding="utf-8",
        codec_errors="replace",
    )
    try:
        child.expect("PENDING")
        child.expect(["claude-code", "ops-agent"])  # a simulated agent's action reached the queue
        (workdir,) = [p for p in short_tmp.iterdir() if p.name.startswith("interlock-demo-")]
        assert demo_children(workdir), "the gate and the agents run as child processes"
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert not list(short_tmp.iterdir()), "the temporary store, socket and logs are removed"
    assert not demo_children(workdir), "no gate or agent process outlives the demo"


def test_scenarios_are_valid_submissions() -> None:
    import random

    from tui.model import from_submission

    rng = random.Random(1)
    for n in range(200):
        for make in (scenarios.coding_action, scenarios.ops_action):
            from_submission(make(rng))
        from_submission(scenarios.runaway_action(rng, n))
