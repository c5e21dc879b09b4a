"""What a TUI connecting to a long queue costs the gate (whose one event loop also serves every agent).

A real gate (`interlock serve`, hold-everything policy) gets N pending actions; then, one at a time, a
control client reads the pending set the old way (`list` pages of 500) and the new way (`subscribe` with
`pending: true`, the set sent with the acknowledgement), first with the gate's encoded copies cold, then
warm. Printed: the gate's CPU time for each (from /proc), and the ratio paging : warm snapshot, measured in
the same run. (A restarted gate encodes the queue it finds while it re-arms expiry timers.)

    .venv/bin/python bench/connect.py [--pending 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.gate import protocol as p  # noqa: E402
from tui.gate.client import GateClient  # noqa: E402
from tui.live import READ_LIMIT  # noqa: E402


def gate_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def paged(control: Path) -> int:
    with GateClient(control, timeout=60) as client:
        before, count = None, 0
        while True:
            fields = {"status": "pending", "limit": 500, **({"before": before} if before else {})}
            page = client.request("list", **fields)["actions"]
            count += len(page)
            if len(page) < 500:
                return count
            before = page[-1]["id"]


def snapshot(control: Path) -> int:
    """As the TUI asks (tui/live.py): its reader takes large frames; the CLI's client caps them at 1 MiB."""

    async def ask() -> int:
        reader, writer = await asyncio.open_unix_connection(str(control), limit=READ_LIMIT)
        writer.write(p.encode({"op": "subscribe", "re": 1, "pending": True}))
        ack = json.loads(await reader.readline())
        writer.close()
        return len(ack["pending"])

    return asyncio.run(ask())


def main(pending: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        env = {
            **os.environ,
            "INTERLOCK_SOCKET": str(tmp / "s.sock"),
            "INTERLOCK_DB": f"sqlite:///{tmp / 'db'}",
            "INTERLOCK_CONFIG_DIR": str(tmp / "config"),
            "XDG_STATE_HOME": str(tmp / "state"),
            "INTERLOCK_KEYRING_FILE": str(tmp / "keyring.cfg"),
        }
        rules = ROOT / "tests" / "data" / "rules-hold"
        gate = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "serve", "--rules", str(rules)], env=env, stderr=subprocess.PIPE, text=True
        )
        assert gate.stderr is not None
        for line in gate.stderr:
            if "listening: submit" in line:
                break
        try:
            with GateClient(tmp / "s.sock", timeout=30) as agent:
                for n in range(pending):
                    agent.submit({"kind": "shell", "command": f"make target-{n}", "agent": {"id": f"bot-{n % 7}"}})
            control = tmp / "s.control.sock"

            def cost(read: object) -> float:
                before = gate_cpu_s(gate.pid)
                assert read(control) == pending  # type: ignore[operator]
                return gate_cpu_s(gate.pid) - before

            cold = cost(snapshot)
            paging = statistics.median(cost(paged) for _ in range(repeat))
            warm = statistics.median(cost(snapshot) for _ in range(repeat))
            print(f"{pending:,} pending: gate CPU per connecting TUI (median of {repeat})")
            print(f"  list pages of 500 (before)         {paging * 1000:7.0f} ms")
            print(f"  subscribe with the set, cold       {cold * 1000:7.0f} ms  (first read of actions no TUI was sent yet)")
            print(f"  subscribe with the set, warm       {warm * 1000:7.0f} ms  ({paging / max(warm, 0.001):.0f}x less)")
        finally:
            gate.terminate()
            gate.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--pending", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    main(args.pending, args.repeat)
