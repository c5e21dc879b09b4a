"""The key bar (our one-widget Footer): it follows the screen's bindings, a click presses the key under
the pointer, a disabled key only rings the bell, and keys that do not fit are dropped whole."""

from __future__ import annotations

from typing import ClassVar

import pytest
from conftest import LiveGate, wait_until
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType

from tui.app import InterlockApp
from tui.live import Link, LiveClient
from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen
from tui.widgets.action_list import ActionList
from tui.widgets.app_bar import AppBar
from tui.widgets.key_bar import KeyBar


def app_for(gate: LiveGate) -> InterlockApp:
    return InterlockApp(LiveClient(gate.control, backoff=(0.05, 0.1)))


def bar_text(app: InterlockApp) -> str:
    return app.screen.query_one(KeyBar).render().plain


def x_of(app: InterlockApp, key: str) -> int:
    """The first cell of `key`'s label, from what the bar last drew."""
    return next(first for first, _, bound, _ in app.screen.query_one(KeyBar)._hits if bound == key)


async def test_bar_follows_the_screen_and_a_click_presses_the_key(live_gate: LiveGate) -> None:
    held = await live_gate.submit("make deploy-docs")
    app = app_for(live_gate)
    async with app.run_test(size=(160, 40)) as pilot:
        queue = app.screen.query_one("#queue", ActionList)
        await wait_until(pilot, lambda: queue.count == 1, what="the held action")
        text = bar_text(app)
        for label in ("a Approve", "r Reject", "/ Filter", "t Throttle agent", "? Help", "^p palette"):
            assert label in text, f"{label!r} missing from {text!r}"
        assert "Unmark all" not in text, "show=False bindings stay hidden"
        assert text.rstrip().endswith("^p palette"), "the palette key sits at the right edge"

        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the detail screen")
        await wait_until(pilot, lambda: "esc Back" in bar_text(app), what="the detail screen's keys")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, DetailScreen), what="back to the queue")

        await pilot.click(KeyBar, offset=(x_of(app, "question_mark") + 1, 0))
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help opened by a click")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen), what="help closed")

        await pilot.click(KeyBar, offset=(x_of(app, "a") + 1, 0))
        await wait_until(
            pilot, lambda: live_gate.gate.show(held["id"]).status == "approved", what="approval by a click"
        )


class TwoKeys(App[None]):
    """A minimal app: `x` is disabled (check_action -> None, Textual's "show, but dimmed"), `y` is not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "count('x')", "Ex"),
        Binding("y", "count('y')", "Why"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []
        self.bells = 0

    def compose(self) -> ComposeResult:
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if parameters == ("x",) else True

    def action_count(self, key: str) -> None:
        self.pressed.append(key)

    def bell(self) -> None:
        self.bells += 1


async def test_a_disabled_key_is_dimmed_and_a_click_on_it_only_rings_the_bell() -> None:
    app = TwoKeys()
    async with app.run_test(size=(60, 5)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        hits = {key: (first, enabled) for first, _, key, enabled in bar._hits}
        assert hits["x"][1] is False and hits["y"][1] is True
        spans = bar.render().spans
        dim_at = {x for span in spans if "dim" in str(span.style) for x in range(span.start, span.end)}
        assert hits["x"][0] + 1 in dim_at and hits["y"][0] + 1 not in dim_at
        await pilot.click(KeyBar, offset=(hits["x"][0] + 1, 0))
        await pilot.click(KeyBar, offset=(hits["y"][0] + 1, 0))
        await pilot.pause()
        assert app.pressed == ["y"], "only the enabled key is pressed"
        assert app.bells == 1, "the disabled one rings the bell"


async def test_keys_that_do_not_fit_are_dropped_whole(live_gate: LiveGate) -> None:
    app = app_for(live_gate)
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        text = bar_text(app)
        assert len(text) <= 60
        assert text.rstrip().endswith("^p palette")
        assert "a Approve" in text
        assert "Throttle" not in text and "Incident" not in text, f"no key is cut in half: {text!r}"


class BarOnly(App[None]):
    def compose(self) -> ComposeResult:
        yield AppBar("queue")


@pytest.mark.parametrize(("width", "shown"), [(160, "also watching: bob, carol"), (90, "3 watching")])
async def test_app_bar_names_who_else_is_watching_when_there_is_room(width: int, shown: str) -> None:
    app = BarOnly()
    async with app.run_test(size=(width, 3)) as pilot:
        bar = app.query_one(AppBar)
        bar.link = Link(up=True, socket="s", you="alice", watching=3, watchers=("alice", "bob", "carol"))
        await pilot.pause()
        text = bar.render().plain
        assert shown in text and text.rstrip().endswith(shown.rstrip()), text
        assert "INTERLOCK" in text and "Pulse" in text, "the screen tabs always show"
