"""The change feed: every new or changed action is pushed to each subscriber, in order.

A subscriber that falls more than `depth` events behind is cut off rather than buffered without bound;
it is told so and resubscribes (re-reading the queue), so a stuck TUI cannot exhaust the gate's memory.
"""

from __future__ import annotations

import asyncio
from typing import Any


class Subscription:
    def __init__(self, depth: int, who: str = "") -> None:
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=depth)
        self.overflowed = asyncio.Event()
        self.who = who  # the approver watching (status names them: who else is looking at the queue)


class Feed:
    def __init__(self, depth: int = 50_000) -> None:
        self._depth = depth
        self._subscribers: set[Subscription] = set()

    def subscribe(self, who: str = "") -> Subscription:
        sub = Subscription(self._depth, who)
        self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)

    def publish(self, event: dict[str, Any]) -> None:
        for sub in list(self._subscribers):
            try:
                sub.queue.put_nowait(event)
            except asyncio.QueueFull:
                self._subscribers.discard(sub)
                sub.overflowed.set()

    def watchers(self) -> list[str]:
        """Who is subscribed, by name, sorted (a name twice: two sessions of one person)."""
        return sorted(sub.who for sub in self._subscribers if sub.who)

    def __len__(self) -> int:
        return len(self._subscribers)
