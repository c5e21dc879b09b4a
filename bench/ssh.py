"""SSH session cost on this machine, with a real gate and asyncssh clients (pyte as the terminal).

Prints:
  1. connect-to-first-frame p50/p95 of a new session while 20 sessions are open (target p95 <= 300 ms),
     beside the baseline of starting the same TUI process without SSH (measured in the same run)
  2. time until all of 20 sessions connecting at once show a frame (target <= 3 s)
  3. memory per session (PSS of each session's TUI process; target <= 30 MB)
  4. CPU used by the gate and all session processes while 20 sessions sit idle for 5 s

Usage: python bench/ssh.py [--open 20] [--probes 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncssh
import pyte

ROOT = Path(__file__).resolve().parent.parent
FRAME = "INTERLOCK"  # the app bar's first word: the first frame is on screen


def start_gate(tmp: Path) -> tuple[subprocess.Popen[str], int, Path, dict[str, str]]:
    key = asyncssh.generate_private_key("ssh-ed25519")
    (tmp / "key").write_bytes(key.export_private_key())
    config = tmp / "config"
    config.mkdir()
    pub = key.export_public_key().decode().strip()
    (config / "approvers.yaml").write_text(
        json.dumps(
            {
                "approvers": [
                    {"name": "bench", "roles": ["senior"], "keys": [pub]},
                    {"name": "local", "roles": ["admin"], "users": [os.environ.get("USER", "root")]},
                ]
            }
        )
    )
    env = {
        **os.environ,
        "INTERLOCK_SOCKET": str(tmp / "s.sock"),
        "INTERLOCK_DB": f"sqlite:///{tmp / 'db'}",
        "INTERLOCK_CONFIG_DIR": str(config),
        "XDG_STATE_HOME": str(tmp / "state"),
        "INTERLOCK_KEYRING_FILE": str(tmp / "keyring.cfg"),
    }
    gate = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--ssh", "127.0.0.1:0"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert gate.stderr is not None
    port = 0
    for line in gate.stderr:
        if found := re.search(r"ssh: listening on 127\.0\.0\.1:(\d+)", line):
            port = int(found.group(1))
        if "listening: submit" in line:
            break
    return gate, port, tmp / "key", env


async def session(
    port: int, key: Path
) -> tuple[float, asyncssh.SSHClientConnection, asyncssh.SSHClientProcess[bytes]]:
    """Open one session; return seconds until the first frame is on the (pyte) screen."""
    started = time.perf_counter()
    conn = await asyncssh.connect(
        "127.0.0.1", port, username="oncall", known_hosts=None, client_keys=[str(key)], agent_path=None
    )
    process = await conn.create_process(term_type="xterm-256color", term_size=(100, 30), encoding=None)
    screen = pyte.Screen(100, 30)
    stream = pyte.ByteStream(screen)
    while FRAME not in "\n".join(screen.display):
        data = await asyncio.wait_for(process.stdout.read(65536), 30)
        if not data:
            raise RuntimeError("session closed before its first frame")
        stream.feed(data)
    asyncio.get_running_loop().create_task(_drain(process))
    return time.perf_counter() - started, conn, process


async def _drain(process: asyncssh.SSHClientProcess[bytes]) -> None:
    while await process.stdout.read(65536):
        pass


def baseline_ms(env: dict[str, str], runs: int) -> float:
    """The same TUI started directly in a PTY (no SSH): what a plain process start costs."""
    import pty

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.execve(
                sys.executable, [sys.executable, "-m", "tui.cli", "tui"], {**env, "TERM": "xterm-256color"}
            )
        screen = pyte.Screen(100, 30)
        stream = pyte.ByteStream(screen)
        while FRAME not in "\n".join(screen.display):
            stream.feed(os.read(fd, 65536))
        times.append((time.perf_counter() - started) * 1000)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return statistics.median(times)


def pss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return int(re.search(r"^Pss:\s+(\d+) kB", text, re.M).group(1)) / 1024  # type: ignore[union-attr]


def session_pids(gate_pid: int) -> list[int]:
    """Session processes: forks of the gate's zygote (or fresh `tui.ssh.child` interpreters)."""

    def kids(pid: int) -> list[int]:
        done = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
        return [int(p) for p in done.stdout.split()]

    found = []
    for child in kids(gate_pid):
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        found += (
            kids(child) if b"tui.ssh.zygote" in cmdline else [child] if b"tui.ssh.child" in cmdline else []
        )
    return found


def cpu_s(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def _until_gone(gate_pid: int) -> None:
    """Wait for closed sessions' processes to end, so the burst below is measured on its own."""
    for _ in range(100):
        if not session_pids(gate_pid):
            return
        await asyncio.sleep(0.1)


async def main(open_count: int, probes: int) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tui")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        gate, port, key, env = start_gate(Path(tmp))
        try:
            base = baseline_ms(env, 5)
            held = [await session(port, key) for _ in range(open_count)]
            firsts = []
            for _ in range(probes):
                seconds, conn, process = await session(port, key)
                firsts.append(seconds * 1000)
                process.stdin.write(b"q")
                conn.close()
            firsts.sort()
            p95 = firsts[max(0, int(len(firsts) * 0.95) - 1)]
            print(
                f"new session first frame with {open_count} open: p50 {statistics.median(firsts):.0f} ms, "
                f"p95 {p95:.0f} ms (target p95 <= 300 ms); plain TUI process start (no SSH) {base:.0f} ms"
            )
            pids = session_pids(gate.pid)
            pss = [pss_mb(pid) for pid in pids]
            print(
                f"memory: {len(pids)} session processes, PSS median {statistics.median(pss):.1f} MB, "
                f"max {max(pss):.1f} MB (target <= 30 MB)"
            )
            watched = [gate.pid, *pids]
            before = cpu_s(watched)
            await asyncio.sleep(5)
            print(
                f"idle CPU over 5 s with {len(pids)} sessions: {cpu_s(watched) - before:.2f} CPU-s in total"
            )
            for _, conn, _ in held:
                conn.close()
            await _until_gone(gate.pid)
            gate_before, client_before = cpu_s([gate.pid]), time.process_time()
            started = time.perf_counter()
            burst = await asyncio.gather(*(session(port, key) for _ in range(open_count)))
            wall = time.perf_counter() - started
            sessions_cpu = cpu_s(session_pids(gate.pid))
            print(
                f"{open_count} sessions connecting at once: all framed in {wall:.2f} s "
                f"(target <= 3 s); slowest {max(s for s, _, _ in burst):.2f} s; CPU-s meanwhile: "
                f"gate {cpu_s([gate.pid]) - gate_before:.2f}, sessions {sessions_cpu:.2f}, "
                f"this client {time.process_time() - client_before:.2f}"
            )
            for _, conn, _ in burst:
                conn.close()
        finally:
            gate.terminate()
            gate.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=20)
    parser.add_argument("--probes", type=int, default=15)
    args = parser.parse_args()
    asyncio.run(main(args.open, args.probes))
