"""Governance metrics on a synthetic audit log whose every answer was worked out by hand.

Six hours, one bucket per hour, starting at T0:
  hour 0  coder: 8 low actions allowed; 6 x "npm publish" (medium) held, each approved by alice after
          60, 120, ... 360 s (30 s on the action each time). One allowed action just before T0 (outside).
  hour 1  deployer: 5 high deploys held; bob approves 4 of them 2 s after opening them (the rubber
          stamper) after waits of 30, 40, 50, 60 s; carol rejects the 5th after 45 s on it (wait 100 s).
          Also one low action allowed, one critical denied.
  hour 2  migrator: a critical "drop table users" approved by carol (40 s on it) then bob (3 s), 200 s;
          a critical "drop table orders" nobody decided: expired after 600 s.
  hours 3-5  flood: 3 medium scans held each hour, only 1 decided (alice, 120 s): the lagging queue.
  Plus four records of other kinds (autonomy, breaker, ssh_login, policy_reload): kept, not measured.
"""

from __future__ import annotations

import json

import pytest

from tests.audit.synthetic import Script
from tui.audit import AuditLog, metrics
from tui.audit.events import Events, Resolution, Submission
from tui.audit.lag import longest_run, trailing_run
from tui.audit.metrics import Candidate, Report, Thresholds
from tui.audit.render import to_json, to_text
from tui.audit.stats import percentile

T0 = 1_800_000_000.0
H = 3600.0
RULE_IDS = ("read-only", "npm-publish", "sql-drop", "git-force-push", "curl-pipe-sh")


def scenario() -> Script:
    s = Script()
    s.submit(T0 - 10, "coder", "low", "ls early", "allowed", ["read-only"])
    for i in range(8):
        s.submit(T0 + 100 + 60 * i, "coder", "low", f"ls dir{i}", "allowed", ["read-only"])
    for i in range(6):
        s.held(
            T0 + 600 * i,
            "coder",
            "medium",
            "npm publish",
            ["npm-publish"],
            wait=60.0 * (i + 1),
            votes=(("alice", "approve", 30.0),),
        )
    for k, wait in enumerate((30.0, 40.0, 50.0, 60.0)):
        s.held(
            T0 + H + 600 * k,
            "deployer",
            "high",
            f"deploy web-{k}",
            ["prod-deploy"],
            wait=wait,
            votes=(("bob", "approve", 2.0),),
        )
    s.held(
        T0 + H + 2400,
        "deployer",
        "high",
        "deploy web-4",
        ["prod-deploy"],
        wait=100.0,
        status="rejected",
        votes=(("carol", "reject", 45.0),),
    )
    s.submit(T0 + H + 100, "deployer", "low", "kubectl get pods", "allowed", ["k8s-read"])
    s.submit(
        T0 + H + 200, "deployer", "critical", "kubectl delete ns prod", "denied", ["k8s-delete-namespace"]
    )
    s.held(
        T0 + 2 * H, "migrator", "critical", "drop table users", ["sql-drop"], wait=200.0,
        votes=(("carol", "approve", 40.0), ("bob", "approve", 3.0)),
    )  # fmt: skip
    s.held(
        T0 + 2 * H + 600,
        "migrator",
        "critical",
        "drop table orders",
        ["sql-drop"],
        wait=600.0,
        status="expired",
    )
    for hour in (3, 4, 5):
        for j in range(3):
            votes = (("alice", "approve", 30.0),) if j == 0 else ()
            s.held(
                T0 + hour * H + 1200 * j,
                "flood",
                "medium",
                f"scan shard-{hour}{j}",
                ["scan"],
                wait=120.0 if j == 0 else None,
                votes=votes,
            )
    s.other(T0 + 3.5 * H, "autonomy", agent="flood", grant={"level": "observe"})
    s.other(T0 + 3.6 * H, "breaker", agent="flood", grant={"level": "observe"})
    s.other(T0 + 3.7 * H, "ssh_login", who="bob", fingerprint="SHA256:x", ok=True)
    s.other(T0 + 3.8 * H, "policy_reload", ok=True, hash="policy-2")
    return s


@pytest.fixture
def report(log: AuditLog) -> Report:
    scenario().write(log)
    return metrics.from_store(log.store, since=T0, until=T0 + 6 * H, rule_ids=RULE_IDS)


def test_every_record_in_the_window_is_read(report: Report) -> None:
    assert report.records == 68  # the one before T0 is outside


def test_governance_lag_shows_the_queue_outgrowing_decisions(report: Report) -> None:
    lag = report.lag
    assert lag.bucket_s == 3600
    assert lag.arrivals == (6, 5, 2, 3, 3, 3)
    assert lag.decisions == (6, 5, 1, 1, 1, 1)
    assert lag.expiries == (0, 0, 1, 0, 0, 0)
    assert (lag.held, lag.decided, lag.expired) == (22, 15, 1)
    assert lag.arrivals_per_hour == pytest.approx(22 / 6)
    assert lag.decisions_per_hour == pytest.approx(2.5)
    assert (lag.lagging_buckets, lag.longest_run, lag.trailing_run) == (4, 4, 4)


def test_time_to_decision_by_level(report: Report) -> None:
    timing = {t.level: (t.n, t.p50, t.p95, t.max) for t in report.timing}
    assert timing == {
        "medium": (9, 120.0, 360.0, 360.0),
        "high": (5, 50.0, 100.0, 100.0),
        "critical": (1, 200.0, 200.0, 200.0),  # the expired one was never decided
    }
    assert [t.level for t in report.timing] == ["medium", "high", "critical"]


def test_outcomes_and_expiry_rate_by_level(report: Report) -> None:
    outcomes = {o.level: (o.approved, o.rejected, o.expired) for o in report.outcomes}
    assert outcomes == {"medium": (9, 0, 0), "high": (4, 1, 0), "critical": (1, 0, 1), "all": (14, 1, 1)}
    high = next(o for o in report.outcomes if o.level == "high")
    assert (high.approval_rate, high.rejection_rate, high.expiry_rate) == (0.8, 0.2, 0.0)
    critical = next(o for o in report.outcomes if o.level == "critical")
    assert (critical.approval_rate, critical.expiry_rate) == (0.5, 0.5)
    assert report.total.expiry_rate == 1 / 16
    assert report.total.approval_rate == 14 / 16


def test_the_rubber_stamping_approver_stands_out(report: Report) -> None:
    by = {a.by: a for a in report.approvers}
    assert (by["bob"].reviewed, by["bob"].rubber_stamped, by["bob"].rubber_stamp_rate) == (5, 5, 1.0)
    assert (by["carol"].reviewed, by["carol"].rubber_stamped, by["carol"].rubber_stamp_rate) == (1, 0, 0.0)
    assert (by["alice"].reviewed, by["alice"].rubber_stamp_rate) == (0, None)  # only medium approvals
    assert report.rubber_stamp_rate == 5 / 6


def test_rubber_stamp_threshold_is_a_setting(log: AuditLog) -> None:
    scenario().write(log)
    strict = metrics.from_store(
        log.store, since=T0, until=T0 + 6 * H, thresholds=Thresholds(rubber_stamp_s=2.5)
    )
    assert {a.by: a.rubber_stamped for a in strict.approvers} == {"alice": 0, "bob": 4, "carol": 0}


def test_load_per_approver(report: Report) -> None:
    loads = [
        (a.by, a.decisions, a.approved, a.rejected, a.share, a.median_time_on_action_s)
        for a in report.approvers
    ]
    assert loads == [
        ("alice", 9, 9, 0, 9 / 16, 30.0),
        ("bob", 5, 5, 0, 5 / 16, 2.0),
        ("carol", 2, 1, 1, 2 / 16, 40.0),
    ]


def test_auto_allowed_share_per_agent(report: Report) -> None:
    shares = [(a.agent, a.submitted, a.allowed, a.held, a.denied, a.auto_share) for a in report.agents]
    assert shares == [
        ("coder", 14, 8, 6, 0, 8 / 14),
        ("flood", 9, 0, 9, 0, 0.0),
        ("deployer", 7, 1, 5, 1, 1 / 7),
        ("migrator", 2, 0, 2, 0, 0.0),
    ]


def test_rules_that_fire_most_and_never(report: Report) -> None:
    assert report.top_rules == (
        ("scan", 9),
        ("read-only", 8),
        ("npm-publish", 6),
        ("prod-deploy", 5),
        ("sql-drop", 2),
        ("k8s-delete-namespace", 1),
        ("k8s-read", 1),
    )
    assert report.never_fired == ("curl-pipe-sh", "git-force-push")


def test_never_fired_is_unknown_without_the_policy(log: AuditLog) -> None:
    scenario().write(log)
    assert metrics.from_store(log.store, since=T0, until=T0 + 6 * H).never_fired is None


def test_the_always_approved_low_risk_action_is_an_auto_allow_candidate(report: Report) -> None:
    assert report.candidates == (
        Candidate("shell", "npm publish", 6, "medium", ("coder",), ("npm-publish",)),
    )


def _held(action: str, summary: str, level: str = "medium") -> Submission:
    return Submission(0.0, action, "coder", "pending", level, "shell", summary, ("r",))


def _end(action: str, status: str, level: str = "medium") -> Resolution:
    return Resolution(1.0, action, status, level, 1.0)


@pytest.mark.parametrize(
    ("spoiler", "expected"),
    [
        (None, 1),  # five approvals, nothing else: a candidate
        ("rejected", 0),  # one rejection spoils it
        ("expired", 0),  # so does one nobody approved in time
        ("cancelled", 1),  # the agent withdrawing is no verdict on the action
        ("high", 0),  # and one high-risk instance: not low risk
    ],
)
def test_candidate_rules(spoiler: str | None, expected: int) -> None:
    events = Events()
    for i in range(5):
        events.submissions.append(_held(f"a{i}", "make test"))
        events.resolutions.append(_end(f"a{i}", "approved"))
    if spoiler in ("rejected", "expired", "cancelled"):
        events.submissions.append(_held("x", "make test"))
        events.resolutions.append(_end("x", spoiler))
    if spoiler == "high":
        events.submissions.append(_held("x", "make test", level="high"))
        events.resolutions.append(_end("x", "approved", level="high"))
    assert len(metrics.candidates(events, 5, "medium")) == expected


def test_four_approvals_are_not_yet_a_candidate() -> None:
    events = Events()
    for i in range(4):
        events.submissions.append(_held(f"a{i}", "make test"))
        events.resolutions.append(_end(f"a{i}", "approved"))
    assert metrics.candidates(events, 5, "medium") == ()


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([], 50, None),
        ([7.0], 95, 7.0),
        ([1, 2, 3, 4], 50, 2),
        ([1, 2, 3, 4], 51, 3),
        (list(range(1, 21)), 95, 19),
    ],
)
def test_nearest_rank_percentile(values: list[float], p: float, expected: float | None) -> None:
    assert percentile(values, p) == expected


def test_lag_runs() -> None:
    arrivals, decisions = [3, 3, 0, 5, 5, 5, 1, 4], [1, 3, 0, 1, 1, 1, 2, 1]
    assert longest_run(arrivals, decisions) == 3
    assert trailing_run(arrivals, decisions) == 1
    assert trailing_run([1, 1], [1, 1]) == 0


def test_json_report_carries_every_metric(report: Report) -> None:
    data = json.loads(json.dumps(to_json(report)))
    assert data["since"] == "2027-01-15T08:00:00.000Z"
    assert data["lag"]["arrivals"] == [6, 5, 2, 3, 3, 3]
    assert data["time_to_decision"]["high"] == {"n": 5, "p50": 50.0, "p95": 100.0, "max": 100.0}
    assert data["outcomes"]["all"]["expiry_rate"] == 0.0625
    assert data["expiry_rate"] == 0.0625
    assert data["rubber_stamp"] == {"threshold_s": 10.0, "approvals": 6, "fast": 5, "rate": 0.8333}
    assert data["approvers"][1]["by"] == "bob" and data["approvers"][1]["rubber_stamp_rate"] == 1.0
    assert data["agents"][2] == {
        "agent": "deployer",
        "submitted": 7,
        "allowed": 1,
        "held": 5,
        "denied": 1,
        "auto_share": 0.1429,
    }
    assert data["rules"]["never_fired"] == ["curl-pipe-sh", "git-force-push"]
    assert data["auto_allow_candidates"][0]["summary"] == "npm publish"


def test_text_report_has_each_table_and_the_charts(report: Report) -> None:
    text = to_text(report)
    for heading in (
        "Review pace",
        "Time to decision",
        "Outcomes",
        "rubber stamps",
        "Approver",
        "Agent",
        "Rules that fire most",
        "Rules that never fired (2): curl-pipe-sh, git-force-push",
        "Auto-allow candidates",
    ):
        assert heading in text
    pace = text.split("Review pace")[1].splitlines()
    assert pace[1].split()[1] == "█▇▃▄▄▄"  # held per hour (3 of 6 is half height), same scale as decided
    assert pace[2].split()[1] == "█▇▂▂▂▂"
    assert "lagging (more held than decided): 4 of 6 periods, longest run 4, 4 in a row up to now" in text
    assert "5/5 (100%)" in text  # bob's stamps


def test_text_report_shows_agent_text_escaped(log: AuditLog) -> None:
    s = Script()
    s.submit(T0 + 1, "evil\x1b[2J\u202eagent", "low", "x\x1b]0;pwned\x07", "allowed", ["rule\x1b[31m"])
    s.write(log)
    text = to_text(metrics.from_store(log.store, since=T0, until=T0 + H))
    assert "\x1b" not in text and "\u202e" not in text
    assert "evil\\x1b[2J<U+202E>" in text


def test_text_report_names_a_few_never_fired_rules_and_counts_the_rest(log: AuditLog) -> None:
    scenario().write(log)
    many = [f"rule-{i:02d}" for i in range(30)]
    text = to_text(metrics.from_store(log.store, since=T0, until=T0 + 6 * H, rule_ids=many))
    assert "Rules that never fired (30): rule-00, rule-01," in text
    assert "rule-23, and 6 more (--json lists them all)" in text
    assert "rule-24" not in text
