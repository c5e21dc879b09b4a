"""The TUI's line to the gate: requests with replies, and the live change feed, on the control socket.

One connection carries both: `subscribe` asks for the pending queue with its acknowledgement (taken in the
same step, so nothing is missed; a queue too large for one reply is read page by page, events meanwhile
held, then applied). When the gate goes away the client says why
and when it retries (a `Link` that is down) and reconnects with backoff. Nothing is queued for later:
while disconnected a request fails at once; a decision is confirmed by the gate or raised as a failure.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import json
import os
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from tui.gate import protocol as p
from tui.model import Action

BACKOFF_S = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0)
PAGE = 500
READ_LIMIT = 1 << 28  # replies from the gate are trusted; a `list` page with diffs can be large
REQUEST_TIMEOUT_S, STATUS_EVERY_S = 15.0, 10.0


@dataclass(frozen=True, slots=True)
class Link:
    """The connection to the gate (up, or down with why and when it retries) and the gate's status."""

    up: bool
    socket: str
    you: str = ""
    detail: str = ""
    retry_in: float = 0.0
    attempt: int = 0
    watching: int = 0
    watchers: tuple[str, ...] = ()  # the approvers subscribed, by name (you among them)
    single_user: bool = False
    policy: str | None = None  # the loaded policy's hash; '' none loaded; None: the gate does not say
    policy_error: str = ""
    pulse: str = ""  # the audit pulse gauge: held arrivals vs decisions per minute, oldest wait, lag
    lagging: bool = False  # held arrivals have outpaced decisions for a sustained window
    autonomy: dict[str, Any] | None = None  # the gate's autonomy snapshot: default, grants, incident
    policy_files: tuple[str, ...] = ()  # the rule files the gate loaded
    policy_rules: int = 0
    policy_loaded_at: float | None = None  # when the policy in force was loaded (start or last reload)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every pending action, after a (re)connect: replaces what the queue showed. `seq` counts the
    snapshots, so a screen that already loaded the mirror (`Source.pending()`) can skip this one."""

    actions: list[Action]
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Changed:
    """Actions that are new or changed since the last event, oldest change first."""

    actions: list[Action]


@dataclass(frozen=True, slots=True)
class LinkChanged:
    link: Link


@dataclass(frozen=True, slots=True)
class BreakerTripped:
    """A circuit breaker clamped an agent by itself: the on-call must hear about it at once."""

    agent: str
    level: str
    reason: str


Event = Snapshot | Changed | LinkChanged | BreakerTripped


class GateUnavailable(Exception):
    """Not connected: the request was not sent, so nothing was recorded."""


class Unconfirmed(Exception):
    """The request was sent, but the connection dropped (or timed out) before the gate answered."""


class GateRefused(Exception):
    """The gate answered with an error: `code` is the protocol's stable code (conflict, forbidden, ...)."""

    def __init__(self, code: str, message: str, action: Action | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.action = action


class Source(Protocol):
    """What the TUI needs from a gate: the live pending set, its changes, reads and decisions."""

    link: Link
    snapshots: int  # how many snapshots `pending()` reflects

    def pending(self) -> builtins.list[Action]: ...

    def events(self) -> AsyncIterator[builtins.list[Event]]: ...

    async def decide(self, action: Action, verdict: str, reason: str) -> Action: ...

    async def show(self, action_id: str) -> Action: ...

    async def control(self, op: str, **fields: Any) -> dict[str, Any]: ...

    async def list(
        self, *, status: str | None, limit: int, before: str | None = None
    ) -> builtins.list[Action]: ...


def coalesce(events: Iterable[Event]) -> list[Event]:
    """Merge runs of `Changed` so a burst of arrivals reaches the UI as one batch."""
    merged: list[Event] = []
    for event in events:
        last = merged[-1] if merged else None
        if isinstance(event, Changed) and isinstance(last, Changed):
            merged[-1] = Changed([*last.actions, *event.actions])
        else:
            merged.append(event)
    return merged


async def batches(queue: asyncio.Queue[Event]) -> AsyncIterator[list[Event]]:
    while True:
        batch = [await queue.get()]
        while not queue.empty():
            batch.append(queue.get_nowait())
        yield coalesce(batch)


class LiveClient:
    """The control-socket client: keeps a mirror of the pending set and streams its changes."""

    def __init__(self, path: str | Path, *, backoff: tuple[float, ...] = BACKOFF_S) -> None:
        self.path = Path(path)
        self._refreshes: set[asyncio.Task[None]] = set()
        self.backoff = backoff
        self.link = Link(up=False, socket=str(path), detail="connecting")
        self._pending: dict[str, Action] = {}
        self._out: asyncio.Queue[Event] = asyncio.Queue()
        self._writer: asyncio.StreamWriter | None = None
        self._futures: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._tag = 0
        self._held: builtins.list[Action] | None = None
        self.snapshots = 0

    def pending(self) -> builtins.list[Action]:
        return list(self._pending.values())

    async def events(self) -> AsyncIterator[builtins.list[Event]]:
        """Connect, keep reconnecting, and yield batches of events until the consumer stops."""
        runner = asyncio.create_task(self._run())
        try:
            async for batch in batches(self._out):
                yield batch
        finally:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner

    async def request(self, op: str, **fields: Any) -> dict[str, Any]:
        writer = self._writer
        if writer is None:
            raise GateUnavailable(f"not connected to the gate ({self.link.detail or 'connecting'})")
        self._tag += 1
        tag = self._tag
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._futures[tag] = future
        try:
            writer.write(p.encode({"op": op, "re": tag, **fields}))
            await writer.drain()
            reply = await asyncio.wait_for(future, REQUEST_TIMEOUT_S)
        except (ConnectionError, TimeoutError) as exc:
            raise Unconfirmed(f"no answer from the gate ({type(exc).__name__})") from None
        finally:
            self._futures.pop(tag, None)
        if not reply.get("ok"):
            error, found = reply.get("error") or {}, reply.get("action")
            winner = Action.from_json(found) if isinstance(found, dict) else None
            raise GateRefused(
                str(error.get("code", p.INTERNAL)), str(error.get("message", "refused")), winner
            )
        return reply

    async def decide(self, action: Action, verdict: str, reason: str) -> Action:
        """Record a verdict bound to the content the approver saw; raises unless the gate confirms."""
        reply = await self.request(
            "decide", id=action.id, verdict=verdict, reason=reason, content_hash=action.content_hash
        )
        return Action.from_json(reply["action"])

    async def control(self, op: str, **fields: Any) -> dict[str, Any]:
        """Autonomy, halt, incident: the gate checks this approver's role and answers or refuses."""
        return await self.request(op, **fields)

    async def show(self, action_id: str) -> Action:
        """Fetch one action; the gate notes that this approver opened it (minimum review time)."""
        return Action.from_json((await self.request("show", id=action_id))["action"])

    async def list(
        self, *, status: str | None, limit: int, before: str | None = None
    ) -> builtins.list[Action]:
        fields = {"limit": limit, "status": status, "before": before}
        reply = await self.request("list", **{k: v for k, v in fields.items() if v})
        return [Action.from_json(item) for item in reply["actions"]]

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                await self._session()
                detail = "the gate closed the connection"
            except Exception as exc:  # whatever broke the session, say so in the banner and retry
                detail = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}"
            attempt = 1 if self.link.up else attempt + 1
            delay = self.backoff[min(attempt, len(self.backoff)) - 1]
            down = Link(up=False, socket=str(self.path), you=self.link.you, detail=detail, retry_in=delay)
            self._set_link(replace(down, attempt=attempt))
            await asyncio.sleep(delay)

    async def _session(self) -> None:
        reader, writer = await asyncio.open_unix_connection(str(self.path), limit=READ_LIMIT)
        self._writer = writer
        listener = asyncio.create_task(self._read(reader))
        try:
            token = os.environ.get("INTERLOCK_SESSION_TOKEN")
            if token:  # an SSH session's TUI acts for the key that logged in, not for the gate's OS user
                await self.request("hello", token=token)
            self._held = []
            ack = await self.request("subscribe", pending=True)
            status = await self.request("status")
            listed = ack.get("pending")
            if isinstance(listed, builtins.list):
                actions = [Action.from_json(item) for item in listed]
            else:
                actions = await self._all_pending()
            self._pending = {action.id: action for action in actions}
            self.snapshots += 1
            self._set_link(await self._with_pulse(self._link_from(status)))
            self._out.put_nowait(Snapshot(actions, self.snapshots))
            held, self._held = self._held, None
            if held:
                self._apply(held)
            await self._watch(listener)
        finally:
            self._writer = None
            self._held = None
            listener.cancel()
            writer.close()

    async def _watch(self, listener: asyncio.Task[None]) -> None:
        """Wait for the connection to end, refreshing the gate status now and then."""
        while not listener.done():
            done, _ = await asyncio.wait({listener}, timeout=STATUS_EVERY_S)
            if not done:
                self._set_link(await self._with_pulse(self._link_from(await self.request("status"))))
        listener.result()

    async def _all_pending(self) -> builtins.list[Action]:
        actions: builtins.list[Action] = []
        before: str | None = None
        while True:
            page = await self.list(status="pending", limit=PAGE, before=before)
            actions.extend(page)
            if len(page) < PAGE:
                return actions
            before = page[-1].id

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while line := await reader.readline():
                message = json.loads(line)
                if "event" in message:
                    if message.get("event") == "action":
                        self._arrived(Action.from_json(message["action"]))
                    elif message.get("event") in ("autonomy", "incident", "breaker"):
                        self._refresh_soon()  # levels changed: show them without waiting for the poll
                        if message.get("event") == "breaker":
                            grant = message.get("grant") or {}
                            self._out.put_nowait(
                                BreakerTripped(
                                    str(message.get("agent", "")),
                                    str(grant.get("level", "")),
                                    str(grant.get("reason", "")),
                                )
                            )
                    continue
                future = self._futures.get(message.get("re", -1))
                if future is not None and not future.done():
                    future.set_result(message)
                elif not message.get("ok", True):
                    return  # an error for a finished request: the feed overflowed; resubscribe from scratch
        finally:
            for future in self._futures.values():
                if not future.done():
                    future.set_exception(ConnectionError("connection lost"))

    def _refresh_soon(self) -> None:
        async def refresh() -> None:
            with contextlib.suppress(GateRefused, GateUnavailable, Unconfirmed):
                self._set_link(await self._with_pulse(self._link_from(await self.request("status"))))

        task = asyncio.get_running_loop().create_task(refresh())
        self._refreshes.add(task)
        task.add_done_callback(self._refreshes.discard)

    def _arrived(self, action: Action) -> None:
        """Apply at once, or hold until the snapshot being read is out (then apply in order)."""
        if self._held is None:
            return self._apply([action])
        self._held.append(action)

    def _apply(self, actions: builtins.list[Action]) -> None:
        for action in actions:
            if action.status == "pending":
                self._pending[action.id] = action
            else:
                self._pending.pop(action.id, None)
        self._out.put_nowait(Changed(actions))

    async def _with_pulse(self, link: Link) -> Link:
        """Add the governance pulse; a gate without an audit log (or too old to know the op) has none."""
        try:
            reply = await self.request("pulse")
        except GateRefused:
            return link
        pulse = reply.get("pulse") or {}
        return replace(link, pulse=str(reply.get("gauge", "")), lagging=bool(pulse.get("lagging", False)))

    def _link_from(self, status: dict[str, Any]) -> Link:
        gate, you = status.get("gate") or {}, status.get("you") or {}
        policy = gate.get("policy") if isinstance(gate.get("policy"), dict) else None
        return Link(
            up=True,
            socket=str(self.path),
            you=str(you.get("name", "")),
            watching=int(gate.get("subscribers", 0)),
            watchers=tuple(str(name) for name in gate.get("watchers") or ()),
            single_user=bool(gate.get("single_user", False)),
            policy=None if policy is None else str(policy.get("hash", "")),
            policy_error="" if policy is None else str(policy.get("error", "")),
            autonomy=gate.get("autonomy") if isinstance(gate.get("autonomy"), dict) else None,
            policy_files=tuple(str(f) for f in (policy or {}).get("files") or ()),
            policy_rules=int((policy or {}).get("rules") or 0),
            policy_loaded_at=(policy or {}).get("loaded_at"),
        )

    def _set_link(self, link: Link) -> None:
        if link != self.link:
            self.link = link
            self._out.put_nowait(LinkChanged(link))
