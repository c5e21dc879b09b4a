"""Loading many rows without stalling the event loop: work in time slices, yielding between them.

A first load sorts 1,000-row runs, then merges them k-way in slices, building the id index and the
tally as it goes (at 100,000 rows, even one extra pass to build an index is an ~80 ms stall on this
class of machine). A reload (after a reconnect) applies only the difference from what is shown.
"""

from __future__ import annotations

import asyncio
import gc
import heapq
import itertools
import time
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from tui.model import Action
from tui.widgets.row_set import Row, Tally

CHUNK = 1000
SLICE_S = 0.03  # work this long, then let everything that is waiting run (keys, frames, the feed)
_row_key = attrgetter("key")


class _Slicer:
    """Yields to the event loop once the current slice of work has run for `SLICE_S`.

    It sleeps a millisecond rather than `sleep(0)`: a zero sleep puts the next slice back in the ready
    queue ahead of timers that fell due meanwhile, so a waiting callback would sit through two or three
    slices; a timed sleep lets everything already due run first, so nothing waits more than one slice.
    """

    def __init__(self) -> None:
        self.since = time.perf_counter()

    async def tick(self) -> None:
        if time.perf_counter() - self.since >= SLICE_S:
            await asyncio.sleep(0.001)
            self.since = time.perf_counter()


def settle_heap() -> None:
    """Move what exists now out of the cyclic GC's reach: a large pending set is long-lived, and every
    full collection would otherwise walk it (a 0.4 s stall at 100,000 actions). Actions and rows hold no
    reference cycles, so refcounting still frees them when they leave."""
    gc.freeze()


async def sorted_rows(
    actions: list[Action],
    key: Callable[[Action], tuple[Any, ...]],
    accepts: Callable[[Action], bool],
    tally: Tally | None,
) -> tuple[list[Row], dict[str, Row]]:
    """The accepted actions as sorted rows, and their index by id (the tally is fed as they are made)."""
    runs: list[list[Row]] = []
    by_id: dict[str, Row] = {}
    slicer = _Slicer()
    for start in range(0, len(actions), CHUNK):
        run = [Row(a, key(a)) for a in actions[start : start + CHUNK] if accepts(a)]
        run.sort(key=_row_key)
        for row in run:
            by_id[row.action.id] = row
            if tally is not None:
                tally.add(row.action)
        runs.append(run)
        settle_heap()
        await slicer.tick()
    merged: list[Row] = []
    rows = heapq.merge(*runs, key=_row_key)
    while piece := list(itertools.islice(rows, CHUNK)):
        merged.extend(piece)
        await slicer.tick()
    settle_heap()
    return merged, by_id


async def top_rows(
    actions: list[Action],
    key: Callable[[Action], tuple[Any, ...]],
    accepts: Callable[[Action], bool],
    count: int,
) -> list[Row]:
    """The first `count` rows of the sorted list, in one pass: a preview to show while the whole list is
    sorted (its top is already exactly right). Keys are computed again by the full load; it is cheap."""
    slicer = _Slicer()
    best: list[tuple[tuple[Any, ...], int, Action]] = []
    for start in range(0, len(actions), CHUNK):
        chunk = actions[start : start + CHUNK]
        best = heapq.nsmallest(
            count, [*best, *((key(a), start + i, a) for i, a in enumerate(chunk) if accepts(a))]
        )
        await slicer.tick()
    return [Row(action, row_key) for row_key, _, action in best]


async def apply_difference(
    by_id: dict[str, Row], actions: list[Action], apply: Callable[[list[Action]], None]
) -> list[str]:
    """Hand `apply` each chunk's new or changed actions (an unchanged one, the same object or an equal
    one, costs a dict lookup); return the ids shown that the snapshot no longer has."""
    fresh: set[str] = set()
    slicer = _Slicer()
    for start in range(0, len(actions), CHUNK):
        chunk = actions[start : start + CHUNK]
        fresh.update(action.id for action in chunk)
        changed = [
            a for a in chunk if (row := by_id.get(a.id)) is None or (row.action is not a and row.action != a)
        ]
        if changed:
            apply(changed)
        await slicer.tick()
    return [action_id for action_id in by_id if action_id not in fresh]
