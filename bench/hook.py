"""Whole-process cost of `interlock hook claude-code` on an auto-allowed `git status`, against the cost of
starting the same venv's Python at all (`python -c pass`), measured alternately in the same run.

    .venv/bin/python bench/hook.py [--runs N] [--socket PATH]

Without --socket a gate runs in this process (the real Gate and socket server) with a stand-in judge that
allows `git status`, as the read-only rule of the policy will; with --socket, the hook asks that gate,
which must allow it. The package is byte-compiled first, as installing a wheel does (this environment
may set PYTHONDONTWRITEBYTECODE, which would otherwise make every hook call recompile Interlock).
Target: the hook within 3x of `python -c pass`.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the `tui` package, not bench/tui.py beside this script
VENV_BIN = Path(sys.executable).parent
TARGET = 3.0


def start_gate(workdir: Path) -> Path:
    """The real gate on its own loop thread; its judge allows exactly `git status`, holds the rest."""
    from tui.gate.judge import Judgement, hold_everything
    from tui.gate.protocol import SUBMIT_OPS
    from tui.gate.server import listen
    from tui.gate.service import Gate
    from tui.model import Action, Reason, Requirement, Risk
    from tui.store import open_store

    def judge(action: Action) -> Judgement:
        if action.command != "git status":
            return hold_everything(action)
        risk = Risk(
            score=0, level="low", reasons=(Reason("bench-read-only", "read-only git", 0),), read_only=True
        )
        return Judgement(status="allowed", risk=risk, requirement=Requirement())

    sock = workdir / "submit.sock"
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def serve() -> None:
        gate = Gate(open_store(f"sqlite:///{workdir / 'bench.db'}"), judge=judge)
        await listen(gate, sock, SUBMIT_OPS)

    asyncio.run_coroutine_threadsafe(serve(), loop).result(timeout=30)
    return sock


def timed(argv: list[str], stdin: bytes) -> tuple[float, bytes]:
    started = time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, check=False)
    return time.perf_counter() - started, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--socket", help="an existing gate whose policy allows `git status`")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "tui", quiet=1)
    sock = args.socket or str(start_gate(Path(tempfile.mkdtemp(prefix="il-bench-"))))
    payload = (
        json.dumps(
            {
                "session_id": "bench",
                "transcript_path": "/dev/null",
                "cwd": str(ROOT),
                "permission_mode": "default",
                "hook_event_name": "PreToolUse",
                "tool_name": "Bash",
                "tool_input": {"command": "git status", "description": "Show working tree status"},
                "tool_use_id": "toolu_bench",
            }
        ).encode()
        + b"\n"
    )
    hook = [str(VENV_BIN / "interlock"), "hook", "claude-code", "--socket", sock]
    python = [sys.executable, "-c", "pass"]
    hooks, pythons = [], []
    for i in range(args.runs + 3):  # alternate, so both see the same machine state; first 3 warm up
        took, out = timed(hook, payload)
        if b'"permissionDecision":"allow"' not in out:
            sys.stderr.write(f"hook did not allow `git status`: {out!r}\n")
            return 1
        base, _ = timed(python, b"")
        if i >= 3:
            hooks.append(took)
            pythons.append(base)
    h, p = statistics.median(hooks) * 1000, statistics.median(pythons) * 1000
    print(f"interlock hook claude-code (git status, allowed): median {h:6.1f} ms over {len(hooks)} runs")
    print(f"python -c pass (same venv):                       median {p:6.1f} ms over {len(pythons)} runs")
    print(f"ratio {h / p:.2f}x (target <= {TARGET:.0f}x): {'ok' if h / p <= TARGET else 'OVER TARGET'}")
    os.environ.pop("_", None)
    return 0 if h / p <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
