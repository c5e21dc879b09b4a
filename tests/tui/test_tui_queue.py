"""The main screen's queue: order, live arrivals that leave the selection alone, the filter, the header."""

from __future__ import annotations

import pytest
from conftest import NOW, LiveGate, fixed_action, wait_until

from tui.app import InterlockApp
from tui.demo.memory import MemorySource
from tui.live import LiveClient
from tui.model import Action
from tui.widgets.action_list import ActionList
from tui.widgets.cells import is_production
from tui.widgets.columns import QueueColumns
from tui.widgets.detail import ActionDetail
from tui.widgets.filter_bar import FilterBar
from tui.widgets.queue_stats import QueueStats


def clock() -> float:
    return NOW


def queue_of(app: InterlockApp) -> ActionList:
    return app.screen.query_one("#queue", ActionList)


async def test_filter_narrows_the_live_queue(live_gate: LiveGate) -> None:
    await live_gate.submit("kubectl rollout restart deploy/api", env="prod", agent="ops")
    await live_gate.submit("pytest -q", agent="coder")
    await live_gate.submit("kubectl get pods", env="staging", agent="ops")
    app = InterlockApp(LiveClient(live_gate.control))
    async with app.run_test(size=(120, 36)) as pilot:
        queue = queue_of(app)
        await wait_until(pilot, lambda: queue.count == 3, what="three actions")
        await pilot.press("slash")
        assert app.focused is app.screen.query_one(FilterBar)
        await pilot.press(*"kubectl")
        await wait_until(pilot, lambda: queue.count == 2, what="the kubectl rows")
        await pilot.press(*" env:prod")
        await wait_until(pilot, lambda: queue.count == 1, what="the prod kubectl row")
        assert queue.selected is not None and queue.selected.command == "kubectl rollout restart deploy/api"
        await live_gate.submit("kubectl delete pod x", env="prod", agent="ops")
        await wait_until(pilot, lambda: queue.count == 2, what="a live arrival that matches the filter")
        await live_gate.submit("ls", env="prod", agent="ops")
        await wait_until(pilot, lambda: len(queue.rows.rows) == 5, what="a live arrival that does not match")
        assert queue.count == 2
        assert "filter" in str(app.screen.query_one(QueueStats).render())
        await pilot.press("enter")
        assert app.focused is queue, "Enter keeps the filter and returns to the list"
        assert queue.count == 2
        await pilot.press("slash", "escape")
        await wait_until(pilot, lambda: queue.count == 5, what="the filter cleared")


async def test_sorted_by_risk_then_age_and_selection_stays_put() -> None:
    source = MemorySource(
        [
            fixed_action(1, level="medium", age=300),
            fixed_action(2, level="high", age=10),
            fixed_action(3, level="medium", age=900),
            fixed_action(4, level="low", age=5000),
        ]
    )
    app = InterlockApp(source, clock=clock)
    async with app.run_test(size=(120, 24)) as pilot:
        queue = queue_of(app)
        await wait_until(pilot, lambda: queue.count == 4, what="four rows")
        assert [row.action.id[-1] for row in queue.rows.view] == ["2", "3", "1", "4"]
        queue.move_to(2)  # action 1
        selected = queue.selected
        source.push([fixed_action(5, level="critical", age=1), fixed_action(6, level="low", age=1)])
        await wait_until(pilot, lambda: queue.count == 6, what="two arrivals")
        assert queue.selected is selected and queue.cursor == 3, "the same action, one row lower"
        source.push([fixed_action(2, level="high", age=10, status="approved")])
        await wait_until(pilot, lambda: queue.count == 5, what="a resolved action leaving")
        assert queue.selected is selected
        source.push([fixed_action(1, level="medium", age=300, status="rejected")])
        await wait_until(pilot, lambda: queue.count == 4, what="the selected action leaving")
        assert queue.selected is not None and queue.selected.id.endswith("4"), "the next row takes its place"
        detail = app.screen.query_one(ActionDetail)
        await wait_until(pilot, lambda: detail.action is queue.selected, what="the detail pane to follow")


async def test_rows_arriving_above_the_viewport_do_not_move_it() -> None:
    source = MemorySource([fixed_action(n, age=1000 + n) for n in range(200)])
    app = InterlockApp(source, clock=clock)
    async with app.run_test(size=(120, 24)) as pilot:
        queue = queue_of(app)
        await wait_until(pilot, lambda: queue.count == 200, what="200 rows")
        queue.move_to(100)
        await pilot.pause()
        top, on_screen = round(queue.scroll_y), queue.cursor - round(queue.scroll_y)
        first_visible = queue.rows.view[top].action.id
        source.push([fixed_action(1000 + n, level="high", age=1) for n in range(5)])
        await wait_until(pilot, lambda: queue.count == 205, what="five arrivals above")
        assert queue.rows.view[round(queue.scroll_y)].action.id == first_visible
        assert queue.cursor - round(queue.scroll_y) == on_screen


async def test_header_counts_and_countdown() -> None:
    source = MemorySource(
        [
            fixed_action(1, level="critical", env="prod", age=125),
            fixed_action(2, level="low", age=30),
            fixed_action(3, level="low", age=590),
        ]
    )
    app = InterlockApp(source, clock=clock)
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_until(pilot, lambda: queue_of(app).count == 3, what="three rows")
        header = str(app.screen.query_one(QueueStats).render())
        assert "PENDING 3" in header and "1 critical" in header and "2 low" in header
        assert "oldest 9m50s" in header
        lines = [str(queue_of(app).render_line(y).text) for y in range(3)]
        assert lines[0].startswith("▌  CRIT   95     2m      7m agent-1"), "minutes while not urgent"
        assert "prod" in lines[0]
        assert "    9m    0:10 " in lines[1], "the older low row first; seconds once under 5 minutes left"
        assert "   30s      9m " in lines[2], "ages to the second for the first minute"


def test_queue_columns_fit_any_width() -> None:
    palette = {
        name: None
        for name in (
            "cursor",
            "marked",
            "critical",
            "high",
            "medium",
            "low",
            "prod",
            "prod-stripe",
            "dim",
            "warn",
            "good",
            "bad",
        )
    }
    columns = QueueColumns()
    action = fixed_action(1, summary="x" * 500, agent="a" * 80, env="production-eu-west-1")
    for width in (60, 80, 89, 90, 120, 200):  # narrower is cropped by the list itself
        segments = columns.row(action, width, NOW, palette, False)  # type: ignore[arg-type]
        assert sum(len(s.text) for s in segments) == width
        assert columns.header(width).cell_length == width


async def test_large_loads_sort_exactly_and_reloads_apply_only_the_difference() -> None:
    from tui.widgets.cells import queue_key
    from tui.widgets.queue_tally import QueueTally
    from tui.widgets.row_loading import apply_difference, sorted_rows, top_rows

    levels = ("low", "medium", "high", "critical")
    actions = [fixed_action(n, level=levels[n * 7 % 4], age=(n * 37) % 900) for n in range(5000)]
    expected = sorted(actions, key=queue_key)
    tally = QueueTally()
    rows, by_id = await sorted_rows(actions, queue_key, lambda a: True, tally)
    assert [row.action for row in rows] == expected and len(by_id) == 5000 and tally.total == 5000
    assert [row.action for row in await top_rows(actions, queue_key, lambda a: True, 50)] == expected[:50]
    applied: list[list[object]] = []
    changed = fixed_action(3, level="critical", age=1)
    gone = await apply_difference(by_id, [*actions[:3], changed, *actions[4:4999]], applied.append)
    assert applied == [[changed]], "an unchanged action costs nothing; a changed one is applied"
    assert gone == [actions[4999].id]


async def test_a_large_queue_shows_its_top_then_all_of_it() -> None:
    actions = [fixed_action(n, level=("low", "high")[n % 2], age=n) for n in range(3000)]
    app = InterlockApp(MemorySource(actions), clock=clock)
    async with app.run_test(size=(120, 24)) as pilot:
        queue = queue_of(app)
        await wait_until(pilot, lambda: queue.count == 3000, what="all rows")
        assert queue.rows.view[0].action.id == actions[2999].id, "the riskiest, oldest high first"
        assert queue.cursor == 0 and queue.selected is queue.rows.view[0].action


async def test_the_policy_environment_is_shown_not_the_agents_claim() -> None:
    """A row reaching production is marked production whatever the agent declared; the detail pane says
    where the environment came from, and `env:prod` finds it."""
    from dataclasses import replace

    def judged(n: int, declared: str, reaches: str) -> Action:
        action = fixed_action(n, env=declared, command=f"kubectl --context prod delete pod api-{n}")
        return replace(action, risk=replace(action.risk, environment=reaches))

    actions = [judged(1, "", "production"), judged(2, "dev", "production"), fixed_action(3, env="dev")]
    app = InterlockApp(MemorySource(actions), clock=clock)
    async with app.run_test(size=(160, 40)) as pilot:
        queue = queue_of(app)
        await wait_until(pilot, lambda: queue.count == 3, what="three rows")
        lines = [str(queue.render_line(y).text) for y in range(3)]
        line_of = {n: next(x for x in lines if f"api-{n}" in x or f"step {n}" in x) for n in (1, 2, 3)}
        assert " prod " in line_of[1] and " prod " in line_of[2] and " dev " in line_of[3], lines
        assert all(is_production(row.action) for row in queue.rows.view if row.action.id[-1] in "12")
        body = app.screen.query_one("#detail-body")
        queue.move_to(next(i for i, row in enumerate(queue.rows.view) if row.action.id.endswith("2")))
        await wait_until(pilot, lambda: "production (declared dev)" in body.text, what="the claim, shown")
        queue.move_to(next(i for i, row in enumerate(queue.rows.view) if row.action.id.endswith("1")))
        await wait_until(pilot, lambda: "production (inferred)" in body.text, what="the inference, shown")
        await pilot.press("slash", *"env:prod")
        await wait_until(pilot, lambda: queue.count == 2, what="both production rows found by env:prod")


async def test_a_queue_too_large_for_the_subscribe_reply_is_paged_in(
    live_gate: LiveGate, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.gate import ops

    monkeypatch.setattr(ops, "SNAPSHOT_LIMIT", 0)  # every pending set is "too large": the paging path
    for n in range(3):
        await live_gate.submit(f"make step-{n}")
    monkeypatch.setattr("tui.live.PAGE", 2)
    app = InterlockApp(LiveClient(live_gate.control))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: queue_of(app).count == 3, what="all three, over two pages")
