"""Screenshots of every screen at 80×24 and 160×48, plus the adversarial-text screen.

Deterministic on purpose: fixed actions (ids, times) from an in-process source, a fixed clock, no cursor
blink, NO_COLOR cleared (conftest), versions pinned in the environment (textual 8.2.8, rich 15.0,
pytest-textual-snapshot 1.1). Regenerate deliberately with `pytest tests/tui --snapshot-update`.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any

import pytest
import tui_snapshot_data as data
from conftest import wait_until
from textual.widgets import DataTable, Input

from tui.app import InterlockApp
from tui.demo.memory import MemorySource
from tui.widgets.action_list import ActionList

SIZES = [(80, 24), (160, 48)]
RECORDED_WITH = {"textual": "8.2.8", "rich": "15.0.0", "pytest-textual-snapshot": "1.1.0"}
INSTALLED = {name: metadata.version(name) for name in RECORDED_WITH}
pytestmark = pytest.mark.skipif(
    INSTALLED != RECORDED_WITH,
    reason=f"snapshots were recorded with {RECORDED_WITH}, installed {INSTALLED}: regenerate deliberately",
)


def app(pending: list[Any] | None = None, history: list[Any] | None = None) -> InterlockApp:
    source = MemorySource(
        data.pending() if pending is None else pending,
        history=data.history() if history is None else history,
        you="alice",
    )
    return InterlockApp(source, clock=lambda: data.NOW)


async def settle(pilot: Any, *, rows: int | None = None) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    if rows is not None:
        await wait_until(pilot, lambda: pilot.app.screen.query_one(ActionList).count == rows, what="rows")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot, rows=len(data.pending()))

    assert snap_compare(app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot, rows=len(data.pending()))
        await pilot.press("enter")  # the critical one: two approvals, one so far, every reason
        await settle(pilot)

    assert snap_compare(app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_diff_in_the_detail_pane(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot, rows=len(data.pending()))
        await pilot.press("down", "down")  # the file edit with a diff
        await settle(pilot)

    assert snap_compare(app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_history_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press("2")
        await settle(pilot, rows=len(data.history()))

    assert snap_compare(app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("screen", ["3", "4"], ids=["agents", "policy"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_agents_and_policy_screens(snap_compare: Any, size: tuple[int, int], screen: str) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.press(screen)
        await wait_until(
            pilot, lambda: pilot.app.screen.query_one(DataTable).row_count > 2, what="table rows"
        )
        await settle(pilot)

    assert snap_compare(app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_adversarial_text_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot, rows=2)

    assert snap_compare(app(data.adversarial(), []), terminal_size=size, run_before=run_before)
