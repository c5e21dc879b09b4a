"""History, agents, policy, help and the full-screen detail, against a real gate; alerts on arrivals."""

from __future__ import annotations

from conftest import NOW, LiveGate, fixed_action, wait_until
from textual.widgets import DataTable

from tui.app import InterlockApp
from tui.gate.approvers import Identity
from tui.live import LiveClient
from tui.model import Requirement
from tui.screens.agents import AgentsScreen
from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen
from tui.screens.history import HistoryScreen
from tui.screens.policy import PolicyScreen
from tui.widgets.action_list import ActionList
from tui.widgets.detail import ActionDetail
from tui.widgets.detail_text import review

BOB = Identity(name="bob")


def app_for(gate: LiveGate) -> InterlockApp:
    return InterlockApp(LiveClient(gate.control, backoff=(0.05, 0.1)))


def cells(table: DataTable[object]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_history_shows_who_when_and_why_live(live_gate: LiveGate) -> None:
    ok = await live_gate.submit("make release", agent="rel")
    no = await live_gate.submit("rm -rf /var/lib/app", agent="ops", env="prod")
    later = await live_gate.submit("echo later", agent="ops")
    live_gate.gate.decide(ok["id"], "approve", BOB)
    live_gate.gate.decide(no["id"], "reject", BOB, reason="wrong host")
    app = app_for(live_gate)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen), what="the history screen")
        history = app.screen.query_one("#history", ActionList)
        await wait_until(pilot, lambda: history.count == 2, what="two resolved actions")
        lines = [str(history.render_line(y).text) for y in range(2)]
        assert any("rejected" in line and "bob" in line and "wrong host" in line for line in lines)
        live_gate.gate.decide(later["id"], "reject", BOB, reason="not now")
        await wait_until(pilot, lambda: history.count == 3, what="a live resolution")
        await pilot.press("slash", *"status:rejected")
        await wait_until(pilot, lambda: history.count == 2, what="the filter")
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the detail screen")
        assert app.screen.check_action("approve", ()) is False, "resolved actions cannot be decided"
        await pilot.press("escape", "1")
        await wait_until(pilot, lambda: app.current_mode == "queue", what="back to the queue")


async def test_agents_and_policy_screens_summarise_what_was_seen(live_gate: LiveGate) -> None:
    await live_gate.submit("kubectl delete pod a", agent="ops", env="prod", level="high")
    await live_gate.submit("kubectl delete pod b", agent="ops", env="prod")
    done = await live_gate.submit("pytest", agent="coder")
    live_gate.gate.decide(done["id"], "approve", BOB)
    app = app_for(live_gate)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(app.screen, AgentsScreen), what="the agents screen")
        table = app.screen.query_one(DataTable)
        await wait_until(pilot, lambda: table.row_count == 2, what="two agents")
        ops, coder = cells(table)
        assert ops[:2] == ["ops", "supervised"] and ops[4] == "2" and ops[5] == "high"
        assert coder[0] == "coder" and coder[4] == "0" and "1 approved" in coder[9]
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, PolicyScreen), what="the policy screen")
        table = app.screen.query_one(DataTable)
        await wait_until(pilot, lambda: any(row[0] == "test-level" for row in cells(table)), what="rules")
        rows = {row[0]: row[3] for row in cells(table)}
        assert rows["loaded (gate)"].startswith("none loaded"), "the in-process gate runs a test judge"
        assert rows["newest action"].startswith("judged by f00df00d")


async def test_help_and_the_full_screen_detail(live_gate: LiveGate) -> None:
    held = await live_gate.submit(
        "make migrate", agent="db", diff="--- a/m.sql\n+++ b/m.sql\n@@ -1 +1,2 @@\n x\n+ALTER TABLE t;\n"
    )
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36)) as pilot:
        queue = app.screen.query_one("#queue", ActionList)
        await wait_until(pilot, lambda: queue.count == 1, what="the action")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.press("escape")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the detail screen")
        detail = app.screen.query_one(ActionDetail)
        assert detail.query_one("#detail-diff").display
        assert app.screen.query_one("#detail-diff").border_title == "diff · 5 lines"
        await pilot.press("a")
        await wait_until(
            pilot,
            lambda: detail.action is not None and detail.action.status == "approved",
            what="the detail screen to follow the decision",
        )
        assert live_gate.gate.show(held["id"]).status == "approved"
        assert app.screen.check_action("approve", ()) is False


async def test_new_high_and_critical_ring_and_toast(live_gate: LiveGate) -> None:
    app = app_for(live_gate)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        queue = app.screen.query_one("#queue", ActionList)
        await wait_until(pilot, lambda: app.source.link.up, what="the connection")
        await live_gate.submit("ls", agent="quiet")
        await wait_until(pilot, lambda: queue.count == 1, what="a medium action")
        assert rings == [] and not list(app._notifications)
        await live_gate.submit("DROP DATABASE shop", agent="dba", level="critical", env="prod")
        await wait_until(pilot, lambda: rings == [1], what="the bell")
        toast = next(iter(app._notifications))
        assert toast.title == "New: 1 critical" and "DROP DATABASE shop" in toast.message
        assert toast.severity == "error"


async def test_command_palette_offers_the_screen_keys(live_gate: LiveGate) -> None:
    app = app_for(live_gate)
    async with app.run_test(size=(120, 36)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert {"Approve", "Reject", "Filter"} <= set(titles)
    assert "Screenshot" not in titles, "it would write a file on the gatehost"


async def test_detail_shows_the_quorum_the_gate_applies(live_gate: LiveGate) -> None:
    """This gate has no approvers file (single-user): one approval decides, whatever the policy asks."""
    held = await live_gate.submit("terraform apply", level="high", payload={"approvals": 2})
    app = app_for(live_gate)
    async with app.run_test(size=(160, 48)) as pilot:
        body = app.screen.query_one("#detail-body")
        await wait_until(
            pilot, lambda: "single-user mode; the policy asks 2" in body.text, what="the quorum it applies"
        )
        assert "1 approval (single-user mode; the policy asks 2)" in body.text
        assert "0 of 1 approvals" in body.text
    assert live_gate.gate.show(held["id"]).requirement.approvals == 2, "the stored policy figure is kept"


def test_review_text_shows_the_policy_quorum_with_approvers() -> None:
    action = fixed_action(1, requirement=Requirement(approvals=2, role="senior"))
    shown = review(action, NOW, single_user=False).plain
    assert "2 approvals · role senior" in shown and "0 of 2 approvals" in shown
    assert "single-user" not in shown
