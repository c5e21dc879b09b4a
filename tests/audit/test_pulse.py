"""The pulse: arrivals vs decisions per minute, oldest wait, and the sustained governance-lag alert.

Fifteen one-minute buckets ending with the current minute M14 (half gone at `NOW`):
  M0-M8   2 held arrivals and 2 decisions a minute (each decides that minute's arrivals)
  M9-M13  3 held arrivals, 1 decision a minute: the queue grows by 2 a minute, for 5 minutes
  M14     1 arrival so far (the current minute is never part of the alert: it is not over)
"""

from __future__ import annotations

import pytest

from tests.audit.synthetic import Script
from tui.audit import AuditLog, Meter, pulse_from_store
from tui.audit.pulse import Pulse, duration

START = 1_800_000_000.0  # a whole minute
NOW = START + 14 * 60 + 30


def queue(balanced_at: int | None = None) -> Script:
    """The scenario above; `balanced_at` makes that lag minute balanced (3 decided) instead."""
    s = Script()
    for minute in range(15):
        base = START + minute * 60
        if minute <= 8 or minute == balanced_at:
            per, decided = (2, 2) if minute <= 8 else (3, 3)
        elif minute <= 13:
            per, decided = 3, 1
        else:
            per, decided = 1, 0
        for j in range(per):
            wait = 20.0 if j < decided else None
            s.held(
                base + 5 + 10 * j,
                "bot",
                "medium",
                f"job {minute}-{j}",
                ["r"],
                wait=wait,
                votes=(("alice", "approve", 10.0),) if wait else (),
            )
    return s


def fed(script: Script, **options: int) -> Meter:
    meter = Meter(**options)
    for at, _, kind, data in sorted(script.events, key=lambda e: (e[0], e[1])):
        meter.observe(kind, data, at)
    return meter


def test_a_queue_growing_for_five_minutes_raises_the_alert() -> None:
    pulse = fed(queue()).snapshot(NOW)
    assert pulse.arrivals == (2,) * 9 + (3,) * 5 + (1,)
    assert pulse.decisions == (2,) * 9 + (1,) * 5 + (0,)
    assert pulse.lag_run == 5
    assert pulse.lagging
    assert pulse.arrivals_per_min == pytest.approx(33 / 14)  # complete minutes only
    assert pulse.decisions_per_min == pytest.approx(23 / 14)
    assert pulse.pending == 11  # 2 left in each lag minute, and the current minute's one
    assert pulse.oldest_wait_s == pytest.approx(NOW - (START + 9 * 60 + 15))  # M9's second arrival


def test_one_minute_that_kept_up_breaks_the_run() -> None:
    pulse = fed(queue(balanced_at=11)).snapshot(NOW)
    assert pulse.lag_run == 2
    assert not pulse.lagging


def test_a_shorter_sustain_window_alerts_sooner() -> None:
    assert fed(queue(balanced_at=11), sustain=2).snapshot(NOW).lagging


def test_the_window_slides_and_forgets_old_minutes() -> None:
    meter = fed(queue())
    later = meter.snapshot(NOW + 10 * 60)
    assert later.arrivals == (3,) * 4 + (1,) + (0,) * 10
    assert later.lag_run == 0  # ten quiet minutes: nothing arrived, nothing outpaced
    assert later.pending == 11  # still waiting, and older
    assert later.oldest_wait_s == pytest.approx(NOW + 600 - (START + 9 * 60 + 15))


def test_the_pulse_read_from_the_store_equals_the_live_meter(log: AuditLog) -> None:
    script = queue()
    script.write(log)
    assert pulse_from_store(log.store, now=NOW) == fed(script).snapshot(NOW)


def test_the_gauge_is_one_line_with_both_sparklines_and_the_alert() -> None:
    gauge = fed(queue()).snapshot(NOW).gauge()
    assert gauge == (
        "held ▆▆▆▆▆▆▆▆▆█████▃ 2.4/min · decided ▆▆▆▆▆▆▆▆▆▃▃▃▃▃  1.6/min · oldest 5m15s · LAG 5 min"
    )


def test_an_empty_queue_says_so() -> None:
    pulse = Meter().snapshot(NOW)
    assert pulse.pending == 0 and pulse.oldest_wait_s is None and not pulse.lagging
    assert "queue empty" in pulse.gauge()
    assert pulse.to_json()["arrivals"] == [0] * 15


def test_json_form() -> None:
    data = fed(queue()).snapshot(NOW).to_json()
    assert data["lagging"] is True
    assert data["lag_run"] == 5
    assert data["pending"] == 11
    assert data["oldest_wait_s"] == 315.0
    assert set(data) == {f for f in Pulse.__slots__ if not f.startswith("_")} | {
        "arrivals_per_min",
        "decisions_per_min",
        "lagging",
    }


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (59.9, "59s"), (75, "1m15s"), (3600, "1h00m"), (90061, "1d01h")]
)
def test_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text
