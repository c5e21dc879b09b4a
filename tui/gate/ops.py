"""The operations each socket offers: one small async function per op, named in OPS.

Fields are read with one specific error per bad field; who may do what is decided by the gate (service,
review, controls), which these functions only call with the identity the connection established.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tui.gate import controls
from tui.gate import protocol as p
from tui.statuses import STATUSES

if TYPE_CHECKING:
    from tui.gate.server import Connection

MAX_LIST = 1000
MAX_NUMBER = 10 * 366 * 86400.0  # any timeout or period: ten years
SNAPSHOT_LIMIT = 64 << 20  # bytes of pending actions `subscribe` sends with its acknowledgement
#: Ops that may take long (they run as tasks so the connection keeps serving other requests).
STREAMING = frozenset({"wait", "subscribe", "watch"})


# --- field readers: one specific error per bad field ------------------------------------------------


def _str(message: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = message.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise p.ProtocolError(p.BAD_REQUEST, f"field {name!r} must be a non-empty string")
    return value


def _number(message: dict[str, Any], name: str, default: float | None) -> float | None:
    value = message.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_NUMBER:
        # the upper bound: since_s 1e11 reached the calendar as year -1142, an internal error
        raise p.ProtocolError(p.BAD_REQUEST, f"field {name!r} must be a number from 0 to {MAX_NUMBER:.0f}")
    return float(value)


# --- ops --------------------------------------------------------------------------------------------


async def op_status(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    from tui import __version__

    who = conn.bound or conn.gate.approvers.for_local_user(conn.user)
    you = {"name": conn.user, "channel": "local", "role": "none", "roles": []}
    if who is not None:
        you = {"name": who.name, "channel": who.channel, "role": who.role, "roles": sorted(who.roles)}
    return {"gate": {"version": __version__, "pid": os.getpid(), **conn.gate.status()}, "you": you}


async def op_hello(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """Bind this connection to the identity of the session that spawned the client (SSH sessions run
    `interlock` subprocesses as the gate's OS user; the token says which approver they act for)."""
    who = conn.gate.sessions.get(_str(message, "token"))
    if who is None:
        raise p.ProtocolError(p.FORBIDDEN, "unknown or expired session token")
    conn.bound = who
    return {"you": {"name": who.name, "channel": who.channel, "role": who.role}}


async def op_submit(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    data = message.get("action")
    if data is None:
        raise p.ProtocolError(p.BAD_REQUEST, "submit needs an 'action' object")
    if conn.bound is not None and isinstance(data, dict) and isinstance(data.get("agent"), dict):
        data = {**data, "agent": {**data["agent"], "user": conn.bound.name}}  # who, from the key
    action = conn.gate.submit(data)
    conn.submitted.add(action.id)
    return {"action": action.to_json()}


async def op_wait(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    if conn.ops is CONTROL:
        conn.identity("observer")
    action = await conn.gate.wait(_str(message, "id"), _number(message, "timeout", None))
    return {"action": action.to_json()}


async def op_cancel(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    action_id = _str(message, "id")
    if action_id not in conn.submitted:
        raise p.ProtocolError(p.FORBIDDEN, f"action {action_id} was not submitted on this connection")
    return {"action": conn.gate.cancel(action_id).to_json()}


async def op_watch(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """Answers only when the agent is halted: `interlock exec` then stops its child."""
    why = await conn.gate.watch_halt(_str(message, "agent"))
    return {"halted": True, "why": why, "grace_s": conn.gate.settings.halt_grace_s}


async def op_show(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """Opening an action starts this approver's minimum-review clock."""
    return {"action": conn.gate.view(_str(message, "id"), conn.identity("observer")).to_json()}


async def op_list(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    conn.identity("observer")
    limit = _number(message, "limit", 100) or 0
    if limit > MAX_LIST or limit != int(limit):
        raise p.ProtocolError(p.BAD_REQUEST, f"field 'limit' must be a whole number up to {MAX_LIST}")
    status = _str(message, "status", required=False) or None
    if status is not None and status not in STATUSES:  # a typo listed nothing, which reads as "all clear"
        raise p.ProtocolError(p.BAD_REQUEST, f"field 'status' must be one of {', '.join(STATUSES)}")
    actions = conn.gate.list_actions(
        status=status,
        limit=int(limit),
        before=_str(message, "before", required=False) or None,
    )
    return {"actions": [a.to_json() for a in actions]}


async def op_decide(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    action = conn.gate.decide(
        _str(message, "id"),
        _str(message, "verdict"),
        conn.identity("approver"),
        reason=_str(message, "reason", required=False),
        content_hash=_str(message, "content_hash", required=False),
    )
    return {"action": action.to_json()}


async def op_autonomy(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """Without `level`: the current state. With it: set an agent's level (optionally time-boxed)."""
    level = _str(message, "level", required=False)
    if level:
        who = conn.identity("approver")
        grant, _ = controls.set_level(
            conn.gate,
            _str(message, "agent"),
            level,
            who,
            reason=_str(message, "reason", required=False),
            for_s=_number(message, "for_s", None),
        )
        return {"grant": grant.to_json(), "autonomy": conn.gate.autonomy.snapshot()}
    conn.identity("observer")
    return {"autonomy": conn.gate.autonomy.snapshot()}


async def op_halt(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    who = conn.identity("approver")
    reason = _str(message, "reason", required=False)
    if message.get("all") is True:
        incident, rejected = controls.start_incident(conn.gate, who, reason=reason, level="halt")
        return {"incident": incident.to_json(), "rejected": rejected}
    grant, rejected = controls.halt(conn.gate, _str(message, "agent"), who, reason=reason)
    return {"grant": grant.to_json(), "rejected": rejected}


async def op_incident(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    who = conn.identity("approver")
    action = _str(message, "action")
    if action == "start":
        level = _str(message, "level", required=False) or None
        incident, rejected = controls.start_incident(
            conn.gate, who, reason=_str(message, "reason", required=False), level=level
        )
        return {"incident": incident.to_json(), "rejected": rejected}
    if action == "end":
        controls.end_incident(conn.gate, who)
        return {"incident": None}
    raise p.ProtocolError(p.BAD_REQUEST, "field 'action' must be 'start' or 'end'")


async def op_subscribe(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """Acknowledge, then stream events until the client goes away or falls too far behind.

    With `pending: true` the acknowledgement carries the whole pending set (`pending`, oldest first),
    taken in the same step as the subscription, so no change falls between the two. A set larger than
    SNAPSHOT_LIMIT bytes is left out (the client then pages it with `list`), as a reply that size would
    be over any sensible read limit.
    """
    sub = conn.gate.feed.subscribe(conn.identity("observer").name)
    try:
        ack = {"re": message.get("re"), "ok": True, "subscribed": True}
        if not isinstance(message.get("pending", False), bool):
            raise p.ProtocolError(p.BAD_REQUEST, "field 'pending' must be true or false")
        pending = conn.gate.snapshot.encoded(conn.gate.store) if message.get("pending") is True else None
        if pending is not None and sum(map(len, pending)) <= SNAPSHOT_LIMIT:
            await conn.send_raw(p.encode_with(ack, "pending", pending))
        else:
            await conn.send(ack)
        while True:
            await conn.send(await sub.queue.get())
            if sub.overflowed.is_set() and sub.queue.empty():
                raise p.ProtocolError(p.FEED_OVERFLOW, "subscriber fell too far behind; resubscribe")
    finally:
        conn.gate.feed.unsubscribe(sub)


async def op_pulse(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """The TUI header gauge: the audit log's live meter (no query), or a read of the store."""
    from tui.audit import pulse_from_store

    conn.identity("observer")
    now, meter = conn.gate.clock(), getattr(conn.gate.audit, "meter", None)
    pulse = meter.snapshot(now) if meter is not None else pulse_from_store(conn.gate.store, now=now)
    return {"pulse": pulse.to_json(), "gauge": pulse.gauge()}


async def op_report(conn: Connection, message: dict[str, Any]) -> dict[str, Any]:
    """The governance metrics over `since_s` (default 7 days), built off the event loop on its own
    store connection: a week of records must not stall approvals."""
    import asyncio

    from tui.audit import metrics, render

    conn.identity("observer")
    since_s = _number(message, "since_s", 7 * 86400.0) or 7 * 86400.0
    gate, now = conn.gate, conn.gate.clock()
    rule_ids = gate.policy.rule_ids if gate.policy is not None else None

    def build() -> dict[str, Any]:
        from tui.store import open_store

        store = open_store(gate.store_url) if gate.store_url else None
        try:
            report = metrics.from_store(
                store or gate.store,
                since=now - since_s,
                until=now,
                rule_ids=rule_ids,
                thresholds=metrics.Thresholds(bucket_s=render.bucket_for(since_s)),
            )
            return {**render.to_json(report), "text": render.to_text(report)}
        finally:
            if store is not None:
                store.close()

    report = await asyncio.to_thread(build) if gate.store_url else build()
    return {"report": report}


Op = Callable[["Connection", dict[str, Any]], Awaitable[dict[str, Any]]]
OPS: dict[str, Op] = {
    "hello": op_hello,
    "status": op_status,
    "submit": op_submit,
    "wait": op_wait,
    "cancel": op_cancel,
    "watch": op_watch,
    "show": op_show,
    "list": op_list,
    "decide": op_decide,
    "subscribe": op_subscribe,
    "autonomy": op_autonomy,
    "halt": op_halt,
    "incident": op_incident,
    "pulse": op_pulse,
    "report": op_report,
}
CONTROL = p.CONTROL_OPS
