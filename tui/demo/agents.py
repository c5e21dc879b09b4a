"""The demo's simulated agents, run as their own process: `python -m tui.demo.agents --socket PATH`.

A coding agent doing routine work with occasional risky edits, an ops agent on staging and prod, and a
runaway cleanup agent that bursts deletions as fast as it can. Like real agents they submit through the
gate's submit socket and (except the runaway, which fires and forgets) block until they get a verdict.
"""

from __future__ import annotations

import argparse
import random
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.demo import scenarios
from tui.gate.client import GateClient, GateError, GateUnreachable

WAIT_S = 90.0
RUNAWAY_BURST = 120
RUNAWAY_PER_S = 8.0


class SimulatedAgent(threading.Thread):
    """Submits one action after another until stopped; waits for each verdict when `blocking`."""

    def __init__(
        self,
        socket: Path,
        make: Callable[[int], dict[str, Any]],
        pause: Callable[[int], float],
        stop: threading.Event,
        *,
        blocking: bool,
    ) -> None:
        super().__init__(daemon=True)
        self.socket, self.make, self.pause, self.stop_event, self.blocking = (
            socket,
            make,
            pause,
            stop,
            blocking,
        )

    def run(self) -> None:
        n = 0
        while not self.stop_event.wait(self.pause(n)):
            try:
                with GateClient(self.socket) as gate:
                    action = gate.submit(self.make(n))
                    if self.blocking and action["status"] == "pending":
                        gate.wait(action["id"], WAIT_S)
            except (GateUnreachable, GateError, OSError):
                self.stop_event.wait(1.0)
            n += 1


def agents(socket: Path, seed: int | None, stop: threading.Event) -> list[SimulatedAgent]:
    rng = random.Random(seed)
    coder_rng, ops_rng, loop_rng = (random.Random(rng.random()) for _ in range(3))

    def runaway_pause(n: int) -> float:
        if n % RUNAWAY_BURST == 0:
            return 25.0 if n == 0 else 60.0  # start after the others; rest between bursts
        return 1.0 / RUNAWAY_PER_S

    return [
        SimulatedAgent(
            socket,
            lambda n: scenarios.coding_action(coder_rng),
            lambda n: 0.5 if n == 0 else coder_rng.uniform(2.0, 7.0),
            stop,
            blocking=True,
        ),
        SimulatedAgent(
            socket,
            lambda n: scenarios.ops_action(ops_rng),
            lambda n: 1.5 if n == 0 else ops_rng.uniform(4.0, 12.0),
            stop,
            blocking=True,
        ),
        SimulatedAgent(
            socket, lambda n: scenarios.runaway_action(loop_rng, n), runaway_pause, stop, blocking=False
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.demo.agents")
    parser.add_argument("--socket", required=True, type=Path, help="the gate's submit socket")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    for agent in agents(args.socket, args.seed, stop):
        agent.start()
    stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
