"""Governance metrics from the audit log: is human review keeping pace with the agents, and is it real?

Definitions (each one a test states a known answer for):
- held arrival: a `submission` whose verdict is `pending`. decision: a `resolution` approved or rejected
  (an action needing two approvals is one decision). expiry: a `resolution` expired. Cancelled (the
  agent withdrew) counts as neither.
- governance lag (lag.py): held arrivals vs decisions per bucket; the backlog grows by the difference.
- time to decision: a decided action's `waited_s` (submission to resolution), p50/p95/max by level.
- outcomes by level: approved / rejected / expired, each over all three (the resolved held actions).
- rubber stamp: an approval of a high or critical action given less than `rubber_stamp_s` after that
  approver first opened it (`time_on_action_s`), over all such approvals.
- load per approver: their `decision` records (every approval of a quorum counts) and share of all.
- auto-allowed share: per agent, submissions allowed without a human over all its submissions.
- rules: how many submissions each rule contributed to; rules of the policy that contributed to none.
- auto-allow candidates: held actions with the same kind and summary, approved at least
  `candidate_min` times, never rejected or left to expire, and never above `candidate_max_level`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tui.audit.events import Events, Resolution, read
from tui.audit.lag import Lag, measure_lag
from tui.audit.stats import percentile, ratio
from tui.store.base import Store

LEVELS = ("low", "medium", "high", "critical")
_RANK = {level: rank for rank, level in enumerate(LEVELS)}
_DECIDED = frozenset({"approved", "rejected"})
_RESOLVED = frozenset({"approved", "rejected", "expired"})


@dataclass(frozen=True, slots=True)
class Thresholds:
    rubber_stamp_s: float = 10.0
    """An approval of high/critical risk faster than this after first display is a rubber stamp."""
    candidate_min: int = 5
    candidate_max_level: str = "medium"
    top_rules: int = 10
    bucket_s: float = 3600.0


@dataclass(frozen=True, slots=True)
class Timing:
    level: str
    n: int
    p50: float | None
    p95: float | None
    max: float | None


@dataclass(frozen=True, slots=True)
class Outcome:
    level: str
    approved: int
    rejected: int
    expired: int

    @property
    def resolved(self) -> int:
        return self.approved + self.rejected + self.expired

    @property
    def approval_rate(self) -> float | None:
        return ratio(self.approved, self.resolved)

    @property
    def rejection_rate(self) -> float | None:
        return ratio(self.rejected, self.resolved)

    @property
    def expiry_rate(self) -> float | None:
        return ratio(self.expired, self.resolved)


@dataclass(frozen=True, slots=True)
class ApproverLoad:
    by: str
    approved: int
    rejected: int
    share: float
    reviewed: int
    """Approvals of high/critical actions with a known time on the action."""
    rubber_stamped: int
    median_time_on_action_s: float | None

    @property
    def decisions(self) -> int:
        return self.approved + self.rejected

    @property
    def rubber_stamp_rate(self) -> float | None:
        return ratio(self.rubber_stamped, self.reviewed)


@dataclass(frozen=True, slots=True)
class AgentShare:
    agent: str
    allowed: int
    held: int
    denied: int

    @property
    def submitted(self) -> int:
        return self.allowed + self.held + self.denied

    @property
    def auto_share(self) -> float | None:
        return ratio(self.allowed, self.submitted)


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str
    summary: str
    approved: int
    max_level: str
    agents: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Report:
    since: float
    until: float
    records: int
    thresholds: Thresholds
    lag: Lag
    timing: tuple[Timing, ...]
    outcomes: tuple[Outcome, ...]
    """One per level seen, then "all"."""
    approvers: tuple[ApproverLoad, ...]
    agents: tuple[AgentShare, ...]
    top_rules: tuple[tuple[str, int], ...]
    never_fired: tuple[str, ...] | None
    """Rules of the policy that contributed to no submission; None when no rule ids were given."""
    candidates: tuple[Candidate, ...]

    @property
    def total(self) -> Outcome:
        return self.outcomes[-1]

    @property
    def rubber_stamp_rate(self) -> float | None:
        return ratio(sum(a.rubber_stamped for a in self.approvers), sum(a.reviewed for a in self.approvers))


def build(
    events: Events,
    *,
    since: float,
    until: float,
    rule_ids: Iterable[str] | None = None,
    thresholds: Thresholds | None = None,
) -> Report:
    """Every metric over the events in [since, until); `rule_ids` (the policy's) enables never-fired."""
    t = thresholds or Thresholds()
    events = _within(events, since, until)
    fired = rule_counts(events)
    return Report(
        since=since,
        until=until,
        records=events.records,
        thresholds=t,
        lag=measure_lag(events, since=since, until=until, bucket_s=t.bucket_s),
        timing=time_to_decision(events.resolutions),
        outcomes=outcomes(events.resolutions),
        approvers=approver_load(events, t.rubber_stamp_s),
        agents=agent_shares(events),
        top_rules=tuple(sorted(fired.items(), key=lambda item: (-item[1], item[0]))[: t.top_rules]),
        never_fired=None if rule_ids is None else tuple(sorted(set(rule_ids) - fired.keys())),
        candidates=candidates(events, t.candidate_min, t.candidate_max_level),
    )


def time_to_decision(resolutions: Iterable[Resolution]) -> tuple[Timing, ...]:
    waits: dict[str, list[float]] = defaultdict(list)
    for r in resolutions:
        if r.status in _DECIDED:
            waits[r.level].append(r.waited_s)
    return tuple(
        Timing(level, len(w), percentile(w, 50), percentile(w, 95), max(w))
        for level, w in sorted(waits.items(), key=lambda item: _rank(item[0]))
    )


def outcomes(resolutions: Iterable[Resolution]) -> tuple[Outcome, ...]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for r in resolutions:
        if r.status in _RESOLVED:
            counts[r.level][r.status] += 1
    rows = [_outcome(level, c) for level, c in sorted(counts.items(), key=lambda item: _rank(item[0]))]
    return (*rows, _outcome("all", sum(counts.values(), Counter())))


def approver_load(events: Events, rubber_stamp_s: float) -> tuple[ApproverLoad, ...]:
    mine: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for d in events.decisions:
        counts[d.by][d.verdict] += 1
        if d.time_on_action_s is not None:
            mine[d.by].append(d.time_on_action_s)
        if d.verdict == "approve" and d.level in ("high", "critical") and d.time_on_action_s is not None:
            counts[d.by]["reviewed"] += 1
            counts[d.by]["fast"] += d.time_on_action_s < rubber_stamp_s
    total = len(events.decisions)
    loads = (
        ApproverLoad(
            by,
            c["approve"],
            c["reject"],
            (c["approve"] + c["reject"]) / total,
            c["reviewed"],
            c["fast"],
            percentile(mine[by], 50),
        )
        for by, c in counts.items()
    )
    return tuple(sorted(loads, key=lambda a: (-a.decisions, a.by)))


def agent_shares(events: Events) -> tuple[AgentShare, ...]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for s in events.submissions:
        counts[s.agent][s.verdict] += 1
    shares = (AgentShare(agent, c["allowed"], c["pending"], c["denied"]) for agent, c in counts.items())
    return tuple(sorted(shares, key=lambda a: (-a.submitted, a.agent)))


def rule_counts(events: Events) -> Counter[str]:
    return Counter(rule for s in events.submissions for rule in s.rules)


def candidates(events: Events, minimum: int, max_level: str) -> tuple[Candidate, ...]:
    ends = {r.action: r.status for r in events.resolutions}
    groups: dict[tuple[str, str], list[tuple[str, str, str, tuple[str, ...]]]] = defaultdict(list)
    for s in events.submissions:
        if s.verdict == "pending" and s.action in ends:
            groups[(s.kind, s.summary)].append((ends[s.action], s.level, s.agent, s.rules))
    found = []
    for (kind, summary), held in groups.items():
        statuses = {status for status, *_ in held}
        top = max((level for _, level, _, _ in held), key=_rank)
        if statuses <= {"approved", "cancelled"} and _rank(top) <= _rank(max_level):
            approved = sum(status == "approved" for status, *_ in held)
            if approved >= minimum:
                agents = tuple(sorted({agent for _, _, agent, _ in held}))
                rules = tuple(dict.fromkeys(rule for *_, rs in held for rule in rs))
                found.append(Candidate(kind, summary, approved, top, agents, rules))
    return tuple(sorted(found, key=lambda c: (-c.approved, c.kind, c.summary)))


def _outcome(level: str, counts: Counter[str]) -> Outcome:
    return Outcome(level, counts["approved"], counts["rejected"], counts["expired"])


def _rank(level: str) -> int:
    return _RANK.get(level, len(LEVELS))


def _within(events: Events, since: float, until: float) -> Events:
    def inside(at: float) -> bool:
        return since <= at < until

    return Events(
        [s for s in events.submissions if inside(s.at)],
        [d for d in events.decisions if inside(d.at)],
        [r for r in events.resolutions if inside(r.at)],
        events.records,
    )


def from_store(
    store: Store,
    *,
    since: float,
    until: float,
    rule_ids: Iterable[str] | None = None,
    thresholds: Thresholds | None = None,
) -> Report:
    """Read the window from the store and build the report (the TUI's pulse screen calls this)."""
    events = read(store, since=since, until=until)
    return build(events, since=since, until=until, rule_ids=rule_ids, thresholds=thresholds)
