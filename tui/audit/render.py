"""A Report as JSON (for tooling) or as text tables with small charts (for people at a terminal).

Names in the log (agents, approvers, rule ids, summaries) came from agents or config files: every one
goes through `visible()` before it is printed, so none can carry terminal escapes.
"""

from __future__ import annotations

from typing import Any

from tui.audit.charts import bar, sparkline
from tui.audit.metrics import Outcome, Report
from tui.model import iso
from tui.safe_text import visible
from tui.timefmt import duration

#: Bucket widths the report picks from: the smallest giving at most MAX_BUCKETS over the window.
BUCKETS = (60.0, 300.0, 900.0, 3600.0, 6 * 3600.0, 86400.0, 7 * 86400.0)
MAX_BUCKETS = 48
#: A policy pack has a couple of hundred rules: the text report names this many that never fired.
NEVER_SHOWN = 24


def bucket_for(window_s: float) -> float:
    return next((b for b in BUCKETS if window_s / b <= MAX_BUCKETS), BUCKETS[-1])


def to_json(report: Report) -> dict[str, Any]:
    lag, t = report.lag, report.thresholds
    return {
        "since": iso(report.since),
        "until": iso(report.until),
        "records": report.records,
        "lag": {
            "bucket_s": lag.bucket_s,
            "arrivals": list(lag.arrivals),
            "decisions": list(lag.decisions),
            "expiries": list(lag.expiries),
            "held": lag.held,
            "decided": lag.decided,
            "expired": lag.expired,
            "arrivals_per_hour": _r(lag.arrivals_per_hour),
            "decisions_per_hour": _r(lag.decisions_per_hour),
            "lagging_buckets": lag.lagging_buckets,
            "longest_run": lag.longest_run,
            "trailing_run": lag.trailing_run,
        },
        "time_to_decision": {
            x.level: {"n": x.n, "p50": _r(x.p50), "p95": _r(x.p95), "max": _r(x.max)} for x in report.timing
        },
        "outcomes": {o.level: _outcome(o) for o in report.outcomes},
        "expiry_rate": _r(report.total.expiry_rate),
        "rubber_stamp": {
            "threshold_s": t.rubber_stamp_s,
            "approvals": sum(a.reviewed for a in report.approvers),
            "fast": sum(a.rubber_stamped for a in report.approvers),
            "rate": _r(report.rubber_stamp_rate),
        },
        "approvers": [
            {
                "by": a.by,
                "decisions": a.decisions,
                "approved": a.approved,
                "rejected": a.rejected,
                "share": _r(a.share),
                "median_time_on_action_s": _r(a.median_time_on_action_s),
                "high_risk_approvals": a.reviewed,
                "rubber_stamped": a.rubber_stamped,
                "rubber_stamp_rate": _r(a.rubber_stamp_rate),
            }
            for a in report.approvers
        ],
        "agents": [
            {
                "agent": a.agent,
                "submitted": a.submitted,
                "allowed": a.allowed,
                "held": a.held,
                "denied": a.denied,
                "auto_share": _r(a.auto_share),
            }
            for a in report.agents
        ],
        "rules": {
            "top": [{"rule": rule, "fired": n} for rule, n in report.top_rules],
            "never_fired": None if report.never_fired is None else list(report.never_fired),
        },
        "auto_allow_candidates": [
            {
                "kind": c.kind,
                "summary": c.summary,
                "approved": c.approved,
                "max_level": c.max_level,
                "agents": list(c.agents),
                "rules": list(c.rules),
            }
            for c in report.candidates
        ],
    }


def to_text(report: Report) -> str:
    sections = [
        _header(report),
        _pace(report),
        _timing(report),
        _outcomes(report),
        _approvers(report),
        _agents(report),
        _rules(report),
        _candidates(report),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _header(report: Report) -> str:
    span = duration(report.until - report.since)
    return f"Governance report {iso(report.since)} → {iso(report.until)} ({span}, {report.records} records)"


def _pace(report: Report) -> str:
    lag = report.lag
    top = max((*lag.arrivals, *lag.decisions), default=0)
    every = duration(lag.bucket_s)
    lines = [
        f"Review pace (one character per {every}; same scale)",
        f"  held     {sparkline(lag.arrivals, top=top)}  {lag.held:>5}  {lag.arrivals_per_hour:.1f}/h",
        f"  decided  {sparkline(lag.decisions, top=top)}  {lag.decided:>5}  {lag.decisions_per_hour:.1f}/h",
        f"  expired  {sparkline(lag.expiries, top=top)}  {lag.expired:>5}",
        f"  lagging (more held than decided): {lag.lagging_buckets} of {len(lag.arrivals)} periods, "
        f"longest run {lag.longest_run}, {lag.trailing_run} in a row up to now",
    ]
    return "\n".join(lines)


def _timing(report: Report) -> str:
    if not report.timing:
        return "Time to decision: nothing decided in this window"
    lines = [f"{'Time to decision':<20}{'n':>6}{'p50':>9}{'p95':>9}{'max':>9}"]
    for x in report.timing:
        cells = "".join(f"{_dur(v):>9}" for v in (x.p50, x.p95, x.max))
        lines.append(f"  {visible(x.level):<18}{x.n:>6}{cells}")
    return "\n".join(lines)


def _outcomes(report: Report) -> str:
    lines = [f"{'Outcomes':<20}{'resolved':>9}{'approved':>10}{'rejected':>10}{'expired':>10}"]
    for o in report.outcomes:
        lines.append(f"  {visible(o.level):<18}{o.resolved:>9}{_rates(o)}")
    t = report.thresholds
    fast = sum(a.rubber_stamped for a in report.approvers)
    seen = sum(a.reviewed for a in report.approvers)
    lines.append(
        f"  rubber stamps (high/critical approved < {t.rubber_stamp_s:g}s after first view): "
        f"{fast} of {seen} ({_pct(report.rubber_stamp_rate)})"
    )
    return "\n".join(lines)


def _approvers(report: Report) -> str:
    if not report.approvers:
        return "Approvers: no decisions in this window"
    head = f"{'Approver':<18}{'decisions':>10}  {'share':<26}{'approved':>9}{'rejected':>9}{'on action':>11}"
    lines = [f"{head}  rubber stamps"]
    for a in report.approvers:
        share = f"{bar(a.share, 1.0, 20):<20} {_pct(a.share):>5}"
        stamps = f"{a.rubber_stamped}/{a.reviewed} ({_pct(a.rubber_stamp_rate)})"
        lines.append(
            f"  {_name(a.by, 16)}{a.decisions:>10}  {share:<26}{a.approved:>9}{a.rejected:>9}"
            f"{_dur(a.median_time_on_action_s):>11}  {stamps}"
        )
    return "\n".join(lines)


def _agents(report: Report) -> str:
    if not report.agents:
        return "Agents: no submissions in this window"
    lines = [f"{'Agent':<26}{'submitted':>10}  {'auto-allowed':<26}{'held':>6}{'denied':>8}"]
    for a in report.agents:
        share = f"{bar(a.auto_share or 0, 1.0, 20):<20} {_pct(a.auto_share):>5}"
        lines.append(f"  {_name(a.agent, 24)}{a.submitted:>10}  {share:<26}{a.held:>6}{a.denied:>8}")
    return "\n".join(lines)


def _rules(report: Report) -> str:
    lines = ["Rules that fire most"] if report.top_rules else ["Rules: none fired in this window"]
    top = report.top_rules[0][1] if report.top_rules else 0
    for rule, n in report.top_rules:
        lines.append(f"  {_name(rule, 32)}{n:>7}  {bar(n, top, 20)}")
    if report.never_fired is None:
        lines.append("Rules that never fired: unknown (no policy loaded)")
    elif report.never_fired:
        shown = report.never_fired[:NEVER_SHOWN]
        names = ", ".join(visible(r) for r in shown)
        more = len(report.never_fired) - len(shown)
        tail = f", and {more} more (--json lists them all)" if more else ""
        lines.append(f"Rules that never fired ({len(report.never_fired)}): {names}{tail}")
    else:
        lines.append("Rules that never fired: none")
    return "\n".join(lines)


def _candidates(report: Report) -> str:
    t = report.thresholds
    head = (
        f"Auto-allow candidates (approved ≥ {t.candidate_min}x, never rejected or expired, "
        f"at most {t.candidate_max_level} risk)"
    )
    if not report.candidates:
        return f"{head}: none"
    lines = [head]
    for c in report.candidates:
        rules = ", ".join(visible(r) for r in c.rules) or "-"
        lines.append(
            f"  {c.approved:>4}x  {visible(c.kind):<10} {_name(c.summary, 48)} {c.max_level:<8} {rules}"
        )
    return "\n".join(lines)


def _outcome(o: Outcome) -> dict[str, Any]:
    return {
        "resolved": o.resolved,
        "approved": o.approved,
        "rejected": o.rejected,
        "expired": o.expired,
        "approval_rate": _r(o.approval_rate),
        "rejection_rate": _r(o.rejection_rate),
        "expiry_rate": _r(o.expiry_rate),
    }


def _rates(o: Outcome) -> str:
    return "".join(f"{_pct(rate):>10}" for rate in (o.approval_rate, o.rejection_rate, o.expiry_rate))


def _name(text: str, width: int) -> str:
    shown = visible(text)
    return f"{shown[: width - 2] + '…' if len(shown) >= width else shown:<{width}}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _dur(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}s" if value < 60 else duration(value)


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
