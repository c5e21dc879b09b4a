"""The gate's core, independent of any transport: submit, judge, wait, decide, expire.

Sockets (server.py) and SSH sessions call these methods; every rule about who may do what and when an
action resolves lives here or in review.py / controls.py, so no client can route around it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from tui.config import Settings
from tui.gate import events, review
from tui.gate.approvers import Approvers, Identity
from tui.gate.autonomy import Autonomy, Grant, Incident
from tui.gate.feed import Feed
from tui.gate.judge import Judge, Judgement, hold_everything, judge_with_policy, overlay
from tui.gate.review import RefusedDecision
from tui.gate.snapshot import PendingSnapshot
from tui.model import Action, Decision, Reason, from_submission
from tui.store import Conflict, Store

if TYPE_CHECKING:
    from tui.policy import Policy


class Auditor(Protocol):
    """Receives every event worth an audit record (issue 8's hash-chained log implements it)."""

    def record(self, kind: str, data: dict[str, Any]) -> None: ...

    def forget(self) -> None:
        """The store transaction holding the last records rolled back: re-read the chain head."""


class NullAuditor:
    def record(self, kind: str, data: dict[str, Any]) -> None:
        """No audit log configured: nothing is recorded (tests and embedders)."""

    def forget(self) -> None:
        """Nothing cached, nothing to forget."""


__all__ = ["DEFAULT_TTL_S", "Auditor", "Gate", "Identity", "NullAuditor", "RefusedDecision"]

DEFAULT_TTL_S = Settings().ttl_s


class Gate:
    def __init__(
        self,
        store: Store,
        *,
        judge: Judge | None = None,
        policy: Policy | None = None,
        settings: Settings | None = None,
        approvers: Approvers | None = None,
        ttl_s: float | None = None,
        clock: Callable[[], float] = time.time,
        audit: Auditor | None = None,
    ) -> None:
        settings = settings or Settings()
        self.settings = settings if ttl_s is None else replace(settings, ttl_s=ttl_s)
        self.store = store
        self.judge = judge  # overrides the policy (tests, embedders); autonomy still applies on top
        self.policy = policy
        self.policy_error = ""
        self.policy_loaded_at = clock() if policy is not None else None  # set again on each hot reload
        self.approvers = approvers or Approvers()
        self._clock = clock
        self.feed = Feed()
        self.snapshot = PendingSnapshot()  # what `subscribe` sends a connecting TUI
        self.started_at = clock()
        self.autonomy = Autonomy(self.settings, _grants(store), _incident(store))
        self._waiters: dict[str, list[asyncio.Future[Action]]] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}  # action id -> its expiry
        self._grant_timers: dict[str, asyncio.TimerHandle] = {}  # agent -> the end of its time box
        self._halt_watchers: dict[str, list[asyncio.Future[str]]] = {}
        self.audit: Auditor = audit or NullAuditor()
        self.sessions: dict[str, Identity] = {}  # token -> identity, for SSH sessions' subprocesses
        self.store_url = ""  # set by `serve`: long reads (reports) open their own connection with it

    @property
    def ttl_s(self) -> float:
        return self.settings.ttl_s

    def clock(self) -> float:
        """Now, to the millisecond: the precision every stored and transmitted timestamp keeps."""
        return round(self._clock(), 3)

    # --- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> int:
        """Re-arm expiry and time-boxed grants (after a restart); returns how many actions are pending."""
        pending = self.store.pending()
        for action in pending:
            self._arm_expiry(action)
            self.snapshot.remember(action)  # the first TUI to connect after a restart need not wait
        for grant in list(self.autonomy.grants.values()):
            self._arm_grant(grant.agent, grant)
        return len(pending)

    def stop(self) -> None:
        for handle in (*self._timers.values(), *self._grant_timers.values()):
            handle.cancel()
        self._timers.clear()
        self._grant_timers.clear()
        for waiting in self._waiters.values():
            for future in waiting:
                future.cancel()
        for watching in self._halt_watchers.values():
            for watcher in watching:
                watcher.cancel()
        self._waiters.clear()
        self._halt_watchers.clear()

    # --- agents -------------------------------------------------------------------------------------

    def submit(self, data: Any) -> Action:
        """Validate, judge and durably record an action; raises InvalidAction for bad input.

        A held action whose exact content this agent already had approved (and has not used) goes
        through once: that is how a hook that had to stop waiting lets the agent retry after approval.
        The same content submitted again while still held is the same request: the queued action is
        returned rather than a duplicate queued.
        """
        now = self.clock()
        action = from_submission(data, now=now, ttl_s=self.ttl_s)
        verdict = self._judge(action, now)
        status, risk = verdict.status, verdict.risk
        if status == "pending":
            queued = self.store.find_pending(action.agent.id, action.content_hash)
            if queued is not None:
                return queued  # a retry while still held: one queue entry, one decision
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
        with self._unit():
            self.store.insert(action)
            self.audit.record("submission", events.submission(action, now))
        self._arm_expiry(action)
        self._publish(action)
        if action.risk.level == "critical":
            self._strike(action.agent.id, "critical", now)
        return action

    def _judge(self, action: Action, now: float) -> Judgement:
        level, why = self.autonomy.level(action.agent.id, now)
        over_rate = self.autonomy.over_rate(action.agent.id, now)
        if self.judge is None and self.policy is not None:
            return judge_with_policy(self.policy, action, level, why, over_rate=over_rate)
        base = (self.judge or hold_everything)(action)
        return overlay(base, level, why, over_rate=over_rate)

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

    async def watch_halt(self, agent: str) -> str:
        """Resolve when `agent` is halted (how `interlock exec` learns to stop work in flight)."""
        level, why = self.autonomy.level(agent, self.clock())
        if level == "halt":
            return why
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._halt_watchers.setdefault(agent, []).append(future)
        try:
            return await future
        finally:
            watchers = self._halt_watchers.get(agent, [])
            if future in watchers:
                watchers.remove(future)

    # --- approvers ----------------------------------------------------------------------------------

    def view(self, action_id: str, who: Identity) -> Action:
        """Show an action to an approver, noting when they first opened it (minimum review time)."""
        action = self.store.get(action_id)
        if action.status == "pending" and who.has("approver"):
            self.store.record_view(action_id, who.name, self.clock())
        return action

    def decide(
        self, action_id: str, verdict: str, who: Identity, *, reason: str = "", content_hash: str = ""
    ) -> Action:
        """Record one approver's verdict under the action's review requirement (review.py).

        `content_hash`, when given, must match: an approval binds to what the approver saw.
        """
        action = self.store.get(action_id)
        if content_hash and content_hash != action.content_hash:
            raise RefusedDecision(f"action {action_id} is not the content you reviewed (hash differs)")
        if action.status != "pending":
            raise Conflict(action)
        now = self.clock()
        level, why = self.autonomy.level(action.agent.id, now)
        if verdict == "approve" and level == "halt":
            raise RefusedDecision(f"agent {action.agent.id} is halted ({why}); nothing of it can be approved")
        first_view = self.store.record_view(action_id, who.name, now) if verdict == "approve" else None
        ctx = review.ReviewContext(
            now, first_view, self.approvers.single_user, self.settings.allow_self_approval
        )
        status = review.check(action, verdict, who, reason, ctx)
        decision = Decision(
            by=who.name, verdict=verdict, role=who.role, channel=who.channel, at=now, reason=reason
        )
        with self._unit():
            resolved = self._settle(action_id, status=status, decision=decision)
            record = events.decision(
                action, decision, fingerprint=who.fingerprint, first_view=first_view, status=resolved.status
            )
            self.audit.record("decision", record)
        self._announce(resolved)
        if status == "rejected":
            self._strike(action.agent.id, "rejection", now)
        return resolved

    # --- sessions ---

    def open_session(self, who: Identity) -> str:
        """A token an SSH session hands to its subprocesses so they act as `who`; revoked on close."""
        import secrets

        token = secrets.token_urlsafe(32)
        self.sessions[token] = who
        return token

    def close_session(self, token: str) -> None:
        self.sessions.pop(token, None)

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
            "watchers": self.feed.watchers(),
            "ttl_s": self.ttl_s,
            "uptime_s": round(self.clock() - self.started_at, 3),
            "single_user": self.approvers.single_user,
            "approvers": len(self.approvers.people),
            "policy": {
                "hash": self.policy.hash if self.policy else "",
                "loaded": self.policy is not None,
                "error": self.policy_error,
                "files": [str(f) for f in self.policy.files] if self.policy else [],
                "rules": len(self.policy.rule_ids) if self.policy else 0,
                "loaded_at": self.policy_loaded_at,
            },
            "autonomy": self.autonomy.snapshot(),
        }

    # --- autonomy (controls.py holds the operations; these are the shared mechanics) -----------------

    def apply_grant(self, grant: Grant | None, agent: str) -> None:
        """Persist, announce and time an autonomy change; wake exec watchers if it halts the agent."""
        self.store.put_grant(agent, None if grant is None else grant.to_json())
        self.audit.record(
            "autonomy",
            {"agent": agent, "grant": None if grant is None else grant.to_json(), "at": self.clock()},
        )
        self._arm_grant(agent, grant)
        self.feed.publish({"event": "autonomy", "agent": agent, "grant": grant.to_json() if grant else None})
        self._wake_halted()

    def apply_incident(self, incident: Incident | None) -> None:
        self.autonomy.incident = incident
        self.store.put_state("incident", None if incident is None else incident.to_json())
        self.audit.record(
            "incident", {"incident": None if incident is None else incident.to_json(), "at": self.clock()}
        )
        self.feed.publish({"event": "incident", "incident": incident.to_json() if incident else None})
        self._wake_halted()

    def reject_pending(self, agent: str | None, who: Identity, reason: str) -> int:
        """Reject every pending action (of one agent, or all): a stopped agent's queue goes with it."""
        count = 0
        for action in self.store.pending():
            if agent is not None and action.agent.id != agent:
                continue
            made = Decision(
                by=who.name,
                verdict="reject",
                role=who.role,
                channel=who.channel,
                at=self.clock(),
                reason=reason,
            )
            try:
                with self._unit():
                    resolved = self._settle(action.id, status="rejected", decision=made)
                    self.audit.record(
                        "decision",
                        events.decision(
                            action, made, fingerprint=who.fingerprint, first_view=None, status=resolved.status
                        ),
                    )
            except Conflict:
                continue
            self._announce(resolved)
            count += 1
        return count

    def _strike(self, agent: str, kind: str, now: float) -> None:
        grant = self.autonomy.strike(agent, kind, now)
        if grant is not None:
            self.apply_grant(grant, agent)
            self.audit.record("breaker", {"agent": agent, "grant": grant.to_json(), "at": now})
            self.feed.publish({"event": "breaker", "agent": agent, "grant": grant.to_json()})

    def _wake_halted(self) -> None:
        now = self.clock()
        for agent, futures in list(self._halt_watchers.items()):
            level, why = self.autonomy.level(agent, now)
            if level == "halt":
                for future in futures:
                    if not future.done():
                        future.set_result(why)

    def _arm_grant(self, agent: str, grant: Grant | None) -> None:
        """Time the end of the agent's time box; a replaced or cleared grant's old timer is cancelled."""
        old = self._grant_timers.pop(agent, None)
        if old is not None:
            old.cancel()
        if grant is not None and grant.until is not None:
            delay = max(0.0, grant.until - self.clock())
            self._grant_timers[agent] = asyncio.get_running_loop().call_later(delay, self._lapse, agent)

    def _lapse(self, agent: str) -> None:
        self._grant_timers.pop(agent, None)
        self.apply_grant(self.autonomy.lapse(agent, self.clock()), agent)

    # --- internals ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _unit(self) -> Iterator[None]:
        """One store transaction for a change and its audit records: both are kept, or neither."""
        try:
            with self.store.transaction():
                yield
        except BaseException:
            self.audit.forget()  # its cached chain head may name a record that was just rolled back
            raise

    def _resolve(self, action_id: str, *, status: str | None, decision: Decision | None = None) -> Action:
        with self._unit():
            action = self._settle(action_id, status=status, decision=decision)
        self._announce(action)
        return action

    def _settle(self, action_id: str, *, status: str | None, decision: Decision | None) -> Action:
        """The durable half of a resolution (inside a unit): the compare-and-set and its audit record."""
        action = self.store.update_pending(action_id, at=self.clock(), decision=decision, status=status)
        if action.terminal:
            self.audit.record("resolution", events.resolution(action))
        return action

    def _announce(self, action: Action) -> None:
        """The side effects, only once committed: stop its timer, answer its waiters, tell subscribers."""
        if action.terminal:
            handle = self._timers.pop(action.id, None)
            if handle is not None:
                handle.cancel()
            for future in self._waiters.pop(action.id, []):
                if not future.done():
                    future.set_result(action)
        self._publish(action)

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
        self.snapshot.forget(action.id)  # every change passes here: its encoded copy is now stale
        if len(self.feed):  # serialising for nobody was a fifth of the submit cost
            self.feed.publish({"event": "action", "action": action.to_json()})


def _grants(store: Store) -> dict[str, Grant]:
    return {agent: Grant(**record) for agent, record in store.grants().items()}


def _incident(store: Store) -> Incident | None:
    record = store.state("incident")
    return None if record is None else Incident(**record)
