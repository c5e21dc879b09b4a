"""Benchmark the on-call TUI headlessly (`App.run_test`), with the full ANSI output path running.

    .venv/bin/python bench/tui.py [--quick]

Actions are fed in-process through `tui.demo.memory.MemorySource`, not through the gate's socket, so the
numbers are the UI's own cost (the socket client's JSON decoding is measured separately, last). A
driver that keeps no output (but is not headless, so every frame is encoded) timestamps each write:
  * first frame: from `run_test` start to the first frame with queue rows on it;
  * key→repaint: from posting a key event (as the terminal driver would) to the next frame written
    after the cursor moved;
  * event-loop stall: the longest gap a 5 ms ticker sees while 100,000 actions load and keys are pressed;
  * arrival→row: from pushing an action into the source to the first frame written once it is a row;
  * RSS: the process's resident set once 100,000 pending actions (as the client keeps them) are loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events
from textual.drivers.headless_driver import HeadlessDriver

from tui.app import InterlockApp
from tui.demo.memory import MemorySource
from tui.model import Action, from_submission
from tui.widgets.action_list import ActionList
from tui.widgets.detail import ActionDetail
from tui.widgets.diff_view import DiffView

SIZE = (160, 48)
KEYS = ("down", "down", "down", "pagedown", "up", "pagedown", "down", "pageup", "end", "home")
LEVELS = ("low", "medium", "medium", "high", "critical")


class FrameClock(HeadlessDriver):
    """Encodes every frame (not headless) and notes when each write happens; keeps no bytes."""

    on_write: Callable[[float], None] | None = None

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        if FrameClock.on_write is not None:
            FrameClock.on_write(time.perf_counter())

    def flush(self) -> None:
        pass


def make_actions(n: int, seed: int = 7) -> list[Action]:
    """Varied actions, built the way the client builds them (from the gate's JSON), risk filled in."""
    rng, now = random.Random(seed), time.time()
    agents, envs, levels = [f"agent-{i:02d}" for i in range(40)], ("prod", "staging", "dev"), LEVELS
    out = []
    for i in range(n):
        data = {"kind": "shell", "command": f"kubectl rollout restart deploy/api-{i} -n payments-{i % 17}",
                "agent": {"id": rng.choice(agents), "kind": "claude-code", "host": "ci-3", "user": "svc"},
                "target": {"environment": rng.choice(envs), "resource": f"deploy/api-{i}"}}  # fmt: skip
        wire, level = (
            from_submission(data, now=now - rng.uniform(0, 500), ttl_s=900).to_json(),
            rng.choice(levels),
        )
        reasons = [{"rule": "bench", "text": f"bench level {level}", "contribution": 10}]
        wire["risk"] = {"score": rng.randint(5, 99), "level": level, "reasons": reasons}
        out.append(Action.from_json(wire))
    return out


def diff_of(lines: int) -> str:
    body = [
        f"{'+-'[i % 2] if i % 3 else ' '}    value_{i} = compute(total_{i}, rate={i % 13})"
        for i in range(lines)
    ]
    return f"--- a/big.py\n+++ b/big.py\n@@ -1,{lines} +1,{lines} @@\n" + "\n".join(body) + "\n"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def wait_for(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark condition not met")
        await asyncio.sleep(0.005)


def queue(app: InterlockApp) -> ActionList:
    return app.screen.query_one("#queue", ActionList)


def loading_started(app: InterlockApp) -> bool:
    try:
        return queue(app).is_mounted
    except Exception:
        return False


def _has_rows(app: InterlockApp) -> bool:
    try:
        return queue(app).count > 0
    except Exception:
        return False


async def quiet(app: InterlockApp, for_s: float = 0.06, limit_s: float = 1.0) -> None:
    """Wait until no frame has been written for `for_s` (the app is idle), at most `limit_s`."""
    last = [time.perf_counter()]
    previous = FrameClock.on_write

    def note(at: float) -> None:
        last[0] = at
        if previous is not None:
            previous(at)

    FrameClock.on_write = note
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() - last[0] < for_s and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    FrameClock.on_write = None


async def key_latencies(app: InterlockApp, presses: int) -> tuple[list[float], list[float]]:
    """Post keys as the terminal driver does, one at a time once the app is idle (a person pressing
    keys). Each is timed to the first frame written after the cursor moved, and to the first frame with
    the detail pane showing the new selection."""
    to_row: list[float] = []
    to_detail: list[float] = []
    detail, rows = app.screen.query_one(ActionDetail), queue(app)
    for i in range(presses):
        moved, start, before = asyncio.Event(), time.perf_counter(), (rows.cursor, round(rows.scroll_y))

        def seen(at: float, moved: asyncio.Event = moved, start: float = start, before: Any = before) -> None:
            if not moved.is_set() and (rows.cursor, round(rows.scroll_y)) != before:
                to_row.append((at - start) * 1000)
                moved.set()
            elif moved.is_set() and detail.action is rows.selected and len(to_detail) < len(to_row):
                to_detail.append((at - start) * 1000)

        FrameClock.on_write = seen
        app.post_message(events.Key(KEYS[i % len(KEYS)], None))
        with contextlib.suppress(TimeoutError):  # no move (already at an end): not a repaint to time
            await asyncio.wait_for(moved.wait(), 2.0)
        await quiet(app)
        FrameClock.on_write = None
    return to_row, to_detail


async def held_key(app: InterlockApp, presses: int) -> list[float]:
    """`down` held: a key every 33 ms (terminal key repeat) without waiting; key k is on screen once a
    frame shows the cursor k+1 rows down. A slow frame delays every key behind it."""
    rows = queue(app)
    base, posted, shown = rows.cursor, [], []

    def seen(at: float) -> None:
        while len(shown) < min(rows.cursor - base, len(posted)):
            shown.append((at - posted[len(shown)]) * 1000)

    FrameClock.on_write = seen
    start = time.perf_counter()
    for i in range(presses):
        await asyncio.sleep(max(0.0, start + i / 30 - time.perf_counter()))
        posted.append(time.perf_counter())
        app.post_message(events.Key("down", None))
    with contextlib.suppress(TimeoutError):
        await wait_for(lambda: len(shown) == len(posted), timeout=5)
    FrameClock.on_write = None
    return shown


@dataclass
class Run:
    first_frame_s: float = 0.0
    loaded_s: float = 0.0
    startup_stall_ms: float = 0.0
    stall_ms: float = 0.0
    keys: list[float] = field(default_factory=list)
    details: list[float] = field(default_factory=list)
    held: list[float] = field(default_factory=list)
    rss_mb: float = 0.0


async def pending_run(n: int, presses: int) -> Run:
    """Start the app on `n` pending actions; time the first frame, the load, keys; watch for stalls.

    Stalls are split at the queue screen's first frame (still empty; its rows are loading): before it,
    Textual starts up (CSS, compose, first layout: the same with 0 pending); after it, everything the
    number of actions can make worse (loading rows, the first frame with rows, keys, repaints)."""
    run = Run()
    app = InterlockApp(MemorySource(make_actions(n)))
    app.driver_class = FrameClock
    first: list[float] = []
    painted: list[float] = []
    ticking = True

    async def ticker() -> None:
        while ticking:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            gap = (time.perf_counter() - before - 0.005) * 1000
            if painted:
                run.stall_ms = max(run.stall_ms, gap)
            else:
                run.startup_stall_ms = max(run.startup_stall_ms, gap)

    tick = asyncio.create_task(ticker())
    start = time.perf_counter()

    def on_write(at: float) -> None:
        if not painted and loading_started(app):
            painted.append(at)
        if not first and _has_rows(app):
            first.append(at)

    FrameClock.on_write = on_write
    async with app.run_test(size=SIZE, headless=False):
        await wait_for(lambda: bool(first))
        run.first_frame_s = first[0] - start
        await wait_for(lambda: queue(app).count == n)
        run.loaded_s = time.perf_counter() - start
        await quiet(app)
        run.keys, run.details = await key_latencies(app, presses)
        queue(app).move_to(0)
        await quiet(app)
        run.held = await held_key(app, presses // 2)
        run.rss_mb = rss_mb()
    ticking = False
    await tick
    return run


async def arrivals(per_s: int, seconds: float, base: int) -> tuple[list[float], int]:
    source = MemorySource(make_actions(base, seed=1))
    fresh = make_actions(int(per_s * seconds), seed=2)
    app = InterlockApp(source)
    app.driver_class = FrameClock
    pushed: dict[str, float] = {}
    latencies: list[float] = []

    def on_frame(at: float) -> None:
        rows = queue(app).rows.by_id
        for action_id in [i for i in pushed if i in rows]:
            latencies.append((at - pushed.pop(action_id)) * 1000)

    async with app.run_test(size=SIZE, headless=False):
        await wait_for(lambda: _has_rows(app) and queue(app).count == base)
        FrameClock.on_write = on_frame
        start = time.perf_counter()
        for i, action in enumerate(fresh):
            await asyncio.sleep(max(0.0, start + i / per_s - time.perf_counter()))
            pushed[action.id] = time.perf_counter()
            source.push([action])
        await wait_for(lambda: not pushed, timeout=10)
        FrameClock.on_write = None
    return latencies, len(fresh)


async def big_diff(lines: int) -> tuple[float, float]:
    """The cursor moves from an action without a diff onto one with a 5,000-line diff."""
    plain, other = make_actions(2, seed=3)
    with_diff = replace(other, diff=diff_of(lines), risk=plain.risk, created_at=plain.created_at + 1)
    app = InterlockApp(MemorySource([plain, with_diff]))
    app.driver_class = FrameClock
    async with app.run_test(size=SIZE, headless=False):
        await wait_for(lambda: _has_rows(app) and queue(app).count == 2)
        await asyncio.sleep(0.3)
        view = app.screen.query_one(DiffView)
        done = asyncio.Event()
        shown: list[float] = []

        def on_frame(at: float) -> None:
            if not done.is_set() and view.line_count == lines + 3 and view.display:
                shown.append(at)
                done.set()

        FrameClock.on_write = on_frame
        start = time.perf_counter()
        app.post_message(events.Key("down", None))
        await asyncio.wait_for(done.wait(), 10)
        FrameClock.on_write = None
        set_start = time.perf_counter()
        view.set_diff(with_diff.diff)
        set_cost = time.perf_counter() - set_start
    return (shown[0] - start) * 1000, set_cost * 1000


def decode_cost(n: int) -> float:
    """For reference: what the socket client spends turning the gate's JSON into actions (per 1,000)."""
    import json

    page = json.dumps({"actions": [a.to_json() for a in make_actions(1000, seed=5)]})
    start = time.perf_counter()
    for _ in range(max(1, n // 1000)):
        [Action.from_json(item) for item in json.loads(page)["actions"]]
    return (time.perf_counter() - start) / max(1, n // 1000) * 1000


def verdict(value: float, limit: float) -> str:
    return "ok" if value <= limit else "OVER"


async def main(quick: bool) -> int:
    seconds = 10.0 if quick else 60.0
    out: list[tuple[str, float, float, str]] = []
    small = await pending_run(10_000, 120)
    out.append(("10,000 pending: first frame", small.first_frame_s * 1000, 500, "ms"))
    out.append(("10,000 pending: key→repaint p95", p(small.keys, 0.95), 50, "ms"))
    big = await pending_run(100_000, 120)
    out.append(("100,000 pending: longest event-loop stall", big.stall_ms, 100, "ms"))
    out.append(("100,000 pending: key→repaint p95", p(big.keys, 0.95), 50, "ms"))
    out.append(("100,000 pending: RSS", big.rss_mb, 250, "MB"))
    lat, count = await arrivals(100, seconds, 1_000)
    out.append((f"100 actions/s for {seconds:g} s: arrival→row p99 ({len(lat)}/{count} rows)", p(lat, 0.99), 50,
                "ms"))  # fmt: skip
    diff_first, diff_set = await big_diff(5_000)
    out.append(("5,000-line diff: key→first frame", diff_first, 150, "ms"))
    for label, value, limit, unit in out:
        print(f"{label:<62} {value:9.1f} {unit:<2}  (target ≤ {limit:g} {unit})  {verdict(value, limit)}")
    print("details:")
    for name, run in (("10,000", small), ("100,000", big)):
        print(
            f"  {name:>7} pending: key→repaint median {statistics.median(run.keys):.1f} ms, "
            f"key→detail pane p95 {p(run.details, 0.95):.1f} ms, held key (30/s) p95 {p(run.held, 0.95):.1f} ms, "
            f"all rows loaded {run.loaded_s:.2f} s, Textual start-up stall {run.startup_stall_ms:.0f} ms"
        )
    print(
        f"  arrivals: median {statistics.median(lat):.1f} ms; 5,000-line diff: set_diff {diff_set:.1f} ms; "
        f"socket client (not above): decoding 1,000 actions {decode_cost(5_000):.1f} ms"
    )
    return 0 if all(value <= limit for _, value, limit, _ in out) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="run the arrival test for 10 s instead of 60 s")
    raise SystemExit(asyncio.run(main(parser.parse_args().quick)))
