"""Gate speed, measured against baselines from the same run (the machine is shared and noisy).

Prints:
  1. median whole-process time of `interlock submit --no-wait` vs `python -c pass` (target <= 3x)
  2. sustained submissions/s with 8 concurrent submitters, each a process on its own connection
     (target >= 1,000/s)
  3. p50/p99 from sending `approve` to the waiting submitter unblocking (target p99 <= 20 ms)

Usage: python bench/submit.py [--runs N] [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tui.gate.client import GateClient  # noqa: E402
from tui.locations import control_socket_path  # noqa: E402

ACTION = {"kind": "shell", "command": "git status", "agent": {"id": "bench", "kind": "exec"}}


def start_gate(workdir: Path) -> tuple[subprocess.Popen[str], Path]:
    sock = workdir / "s.sock"
    env = {**os.environ, "INTERLOCK_SOCKET": str(sock), "INTERLOCK_DB": f"sqlite:///{workdir / 'db.sqlite'}",
           "INTERLOCK_CONFIG_DIR": str(workdir / "config"), "INTERLOCK_KEYRING_FILE": str(workdir / "keyring.cfg")}
    gate = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve"], env=env, stderr=subprocess.PIPE, text=True
    )
    assert gate.stderr is not None
    for line in gate.stderr:
        if "listening" in line:
            break
    threading.Thread(target=gate.stderr.read, daemon=True).start()  # keep the pipe drained
    return gate, sock


def median_ms(cmd: list[str], runs: int, stdin: bytes, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, input=stdin, env=env, stdout=subprocess.DEVNULL, check=False)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def process_time(sock: Path, runs: int) -> None:
    bindir = Path(sys.executable).parent
    interlock = bindir / "interlock"
    env = {**os.environ, "INTERLOCK_SOCKET": str(sock)}
    stdin = json.dumps(ACTION).encode()
    median_ms([str(interlock), "submit", "--no-wait"], 3, stdin, env)  # warm the page cache
    base = median_ms([sys.executable, "-c", "pass"], runs, b"", env)
    submit = median_ms([str(interlock), "submit", "--no-wait"], runs, stdin, env)
    print(
        f"process time: python -c pass {base:.1f} ms | interlock submit --no-wait {submit:.1f} ms "
        f"| ratio {submit / base:.2f}x (target <= 3x)"
    )


def _submitter(sock: str, seconds: float, counts: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    client = GateClient(Path(sock), timeout=10)
    done = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        client.submit(ACTION)
        done += 1
    counts.put(done)


def throughput(sock: Path, seconds: float, workers: int = 8) -> None:
    counts: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    procs = [
        multiprocessing.Process(target=_submitter, args=(str(sock), seconds, counts)) for _ in range(workers)
    ]
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    total = sum(counts.get() for _ in procs)
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join()
    print(
        f"throughput: {total} submissions in {elapsed:.1f} s with {workers} submitters = "
        f"{total / elapsed:,.0f}/s (target >= 1,000/s)"
    )


def approve_latency(sock: Path, rounds: int) -> None:
    agent, waiter_conn = GateClient(sock, timeout=10), GateClient(sock, timeout=10)
    control = GateClient(control_socket_path(sock), timeout=10)
    latencies = []
    for n in range(rounds):
        action = agent.submit({**ACTION, "command": f"deploy --n {n}"})
        unblocked: list[float] = []
        ready = threading.Event()

        def wait(
            action_id: str = action["id"], ready: threading.Event = ready, unblocked: list[float] = unblocked
        ) -> None:
            ready.set()
            waiter_conn.wait(action_id, timeout=30)
            unblocked.append(time.perf_counter())

        thread = threading.Thread(target=wait)
        thread.start()
        ready.wait()
        time.sleep(0.002)  # bench only: let the wait request reach the gate before approving
        sent = time.perf_counter()
        control.request("decide", id=action["id"], verdict="approve")
        thread.join()
        latencies.append((unblocked[0] - sent) * 1000)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"approve -> submitter unblocked: p50 {statistics.median(latencies):.2f} ms, p99 {p99:.2f} ms "
        f"over {rounds} (target p99 <= 20 ms)"
    )


def main() -> None:
    # PYTHONDONTWRITEBYTECODE may be set (it is here): compile once so each run measures start-up, not
    # the compiler, as any normal install (pip compiles wheels) would have it
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tui")], check=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gate, sock = start_gate(Path(tmp))
        try:
            process_time(sock, args.runs)
            throughput(sock, args.seconds)
            approve_latency(sock, 300)
        finally:
            gate.terminate()
            gate.wait()


if __name__ == "__main__":
    main()
