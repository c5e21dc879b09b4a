"""The gate's core, independent of any transport: submit, judge, wait, decide, expire.

Sockets (server.py) and later SSH sessions call these methods; every rule about who may do what and
when an action resolves lives here, so no client can route around it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from tui.gate.feed import Feed
from tui.gate.judge import Judge, hold_everything
from tui.model import Action, Decision, Reason, from_submission
from tui.store import Conflict, Store

DEFAULT_TTL_S = 600.0


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is acting, as established by the channel (peer uid, SSH key), never by what a client claims."""

    name: str
    channel: str = "local"
    role: str = "approver"


class RefusedDecision(Exception):
    """A decision the gate will not record; the message says exactly what is missing or wrong."""


class Gate:
    def __init__(
        self,
        store: Store,
        *,
        judge: Judge = hold_everything,
        ttl_s: float = DEFAULT_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.judge = judge
        self.ttl_s = ttl_s
        self._clock = clock
        self.feed = Feed()
        self.started_at = clock()
        self._waiters: dict[str, list[asyncio.Future[Action]]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def clock(self) -> float:
        """Now, to the millisecond: the precision every stored and transmitted timestamp keeps."""
        return round(self._clock(), 3)

    # --- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> int:
        """Re-arm expiry for everything still pending (after a restart); returns how many."""
        pending = self.store.pending()
        for action in pending:
            self._arm_expiry(action)
        return len(pending)

    def stop(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        for futures in self._waiters.values():
            for future in futures:
                future.cancel()
        self._waiters.clear()

    # --- agents -------------------------------------------------------------------------------------

    def submit(self, data: Any) -> Action:
        """Validate, judge and durably record an action; raises InvalidAction for bad input.

        A held action whose exact content this agent already had approved (and has not used) goes
        through once: that is how a hook that had to stop waiting lets the agent retry after approval.
        """
        now = self.clock()
        action = from_submission(data, now=now, ttl_s=self.ttl_s)
        verdict = self.judge(action)
        status, risk = verdict.status, verdict.risk
        if status == "pending":
            prior = self.store.claim_approval(
                action.agent.id, action.content_hash, since=now - self.ttl_s, by=action.id
            )
            if prior is not None:
                status = "allowed"
                reason = Reason("prior-approval", f"this exact action was approved as {prior}", 0)
                risk = replace(risk, reasons=(*risk.reasons, reason))
        action = replace(
            action,
            risk=risk,
            requirement=verdict.requirement,
            policy_hash=verdict.policy_hash,
            status=status,
            resolved_at=None if status == "pending" else now,
            expires_at=action.expires_at if status == "pending" else None,
        )
        self.store.insert(action)
        self._arm_expiry(action)
        self._publish(action)
        return action

    async def wait(self, action_id: str, timeout: float | None) -> Action:
        """Block until the action is resolved or `timeout` passes; returns it either way."""
        action = self.store.get(action_id)
        if action.terminal:
            return self._deliver(action)
        future: asyncio.Future[Action] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(action_id, []).append(future)
        try:
            return self._deliver(await asyncio.wait_for(asyncio.shield(future), timeout))
        except TimeoutError:
            return self.store.get(action_id)
        finally:
            futures = self._waiters.get(action_id, [])
            if future in futures:
                futures.remove(future)
            if not futures:
                self._waiters.pop(action_id, None)

    def _deliver(self, action: Action) -> Action:
        """An approval handed to a waiting submitter is used up: the same content cannot ride it again."""
        if action.status == "approved":
            self.store.consume(action.id, by="wait")
        return action

    def cancel(self, action_id: str) -> Action:
        """The submitter withdraws its own pending action (it will not run)."""
        return self._resolve(action_id, status="cancelled")

    # --- approvers ----------------------------------------------------------------------------------

    def decide(
        self, action_id: str, verdict: str, who: Identity, *, reason: str = "", content_hash: str = ""
    ) -> Action:
        """Record one approver's verdict; the action resolves once its requirement is met.

        Any reject rejects. Approvals count distinct approvers against `requirement.approvals`.
        `content_hash`, when given, must match: an approval binds to what the approver saw.
        """
        if verdict not in ("approve", "reject"):
            raise RefusedDecision(f"verdict must be 'approve' or 'reject', got {verdict!r}")
        action = self.store.get(action_id)
        if content_hash and content_hash != action.content_hash:
            raise RefusedDecision(f"action {action_id} is not the content you reviewed (hash differs)")
        if verdict == "reject" and not reason.strip():
            raise RefusedDecision("a rejection needs a reason: it is sent back to the agent")
        if action.status != "pending":
            raise Conflict(action)
        if verdict == "approve" and any(
            d.by == who.name and d.verdict == "approve" for d in action.decisions
        ):
            raise RefusedDecision(f"{who.name} has already approved action {action_id}")
        decision = Decision(
            by=who.name, verdict=verdict, role=who.role, channel=who.channel, at=self.clock(), reason=reason
        )
        approvals = 1 + sum(1 for d in action.decisions if d.verdict == "approve")
        done = verdict == "reject" or approvals >= action.requirement.approvals
        status = ("rejected" if verdict == "reject" else "approved") if done else None
        return self._resolve(action_id, status=status, decision=decision)

    # --- reads --------------------------------------------------------------------------------------

    def show(self, action_id: str) -> Action:
        return self.store.get(action_id)

    def list_actions(self, *, status: str | None, limit: int, before: str | None) -> list[Action]:
        return self.store.list_actions(status=status, limit=limit, before=before)

    def status(self) -> dict[str, Any]:
        return {
            "pending": len(self._timers),
            "waiters": sum(len(f) for f in self._waiters.values()),
            "subscribers": len(self.feed),
            "ttl_s": self.ttl_s,
            "uptime_s": round(self.clock() - self.started_at, 3),
        }

    # --- internals ----------------------------------------------------------------------------------

    def _resolve(self, action_id: str, *, status: str | None, decision: Decision | None = None) -> Action:
        action = self.store.update_pending(action_id, at=self.clock(), decision=decision, status=status)
        if action.terminal:
            handle = self._timers.pop(action_id, None)
            if handle is not None:
                handle.cancel()
            for future in self._waiters.pop(action_id, []):
                if not future.done():
                    future.set_result(action)
        self._publish(action)
        return action

    def _arm_expiry(self, action: Action) -> None:
        if action.status != "pending" or action.expires_at is None:
            return
        delay = max(0.0, action.expires_at - self.clock())
        loop = asyncio.get_running_loop()
        self._timers[action.id] = loop.call_later(delay, self._expire, action.id)

    def _expire(self, action_id: str) -> None:
        self._timers.pop(action_id, None)
        with contextlib.suppress(Conflict):  # decided in the same instant: the decision stands
            self._resolve(action_id, status="expired")

    def _publish(self, action: Action) -> None:
        if len(self.feed):  # serialising for nobody was a fifth of the submit cost
            self.feed.publish({"event": "action", "action": action.to_json()})
