"""Agent text is shown exactly and safely: every byte the app writes is captured (the full ANSI output
path runs, only the terminal is missing) and searched for what the adversarial fields carried."""

from __future__ import annotations

from typing import Any

from conftest import CaptureDriver, LiveGate, wait_until
from hypothesis import given
from hypothesis import strategies as st

from tui.app import InterlockApp
from tui.live import LiveClient
from tui.safe_text import visible
from tui.ui_text import ui_content, ui_text
from tui.widgets.action_list import ActionList
from tui.widgets.detail_body import DetailBody

ESC = "\x1b"
TITLE = f"{ESC}]0;PWNED-TITLE\x07"
CLEAR = f"{ESC}[2J{ESC}[H"
RED = f"{ESC}[31mRED"
CLIP = f"{ESC}]52;c;cm0gLXJmIC8=\x07"
C1 = "\x9b31mC1"
BIDI = "safe\u202eexe.sh"
ZW = "rm\u200b -rf"
MARKUP = (
    "[@click=app.quit]CLICK[/] [/] [red]r[/red] [$accent]v[/] [B]b[/B] [link=https://evil.example]L[/link]"
)
PAYLOADS = (TITLE, CLEAR, RED, CLIP, C1, BIDI, ZW, MARKUP)
FORBIDDEN = (
    b"PWNED-TITLE\x07",
    b"\x1b[2J",
    b"\x1b[31mRED",
    b"\x1b]52",
    b"\x1b]0;",
    "\u009b".encode(),
    "\u202e".encode(),
    "\u200b".encode(),
    b"\x1b]8;",
)


async def test_adversarial_text_never_reaches_the_terminal(live_gate: LiveGate) -> None:
    hostile = " ".join(PAYLOADS)
    for n, payload in enumerate(PAYLOADS):
        await live_gate.submit(
            f"echo {payload}",
            agent=f"agent{payload}",
            env=f"prod{payload}",
            summary=f"{n} {payload}",
            cwd=payload,
            diff=f"--- a/x\n+++ b/x\n@@ -1 +1 @@\n-{payload}\n+{hostile}\n",
        )
    CaptureDriver.captured.clear()
    app = InterlockApp(LiveClient(live_gate.control))
    app.driver_class = CaptureDriver
    async with app.run_test(size=(160, 48), headless=False, notifications=True) as pilot:
        queue = app.screen.query_one("#queue", ActionList)
        await wait_until(pilot, lambda: queue.count == len(PAYLOADS), what="every hostile action")
        await live_gate.submit(f"echo {hostile}", level="critical", agent=f"toast{TITLE}", summary=hostile)
        await wait_until(pilot, lambda: bool(app._notifications), what="the alert toast, with hostile text")
        for index in range(len(PAYLOADS) + 1):  # show each one in the detail pane (command, diff, cwd, agent)
            queue.move_to(index)
            await pilot.pause()
        body = app.screen.query_one(DetailBody)
        for offset in ((10, 3), (20, 4), (30, 5)):  # over the command: a planted [@click=app.quit] quits here
            await pilot.click(body, offset=offset)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        squeeze = "".join  # wrapping moves spaces to line ends: compare without whitespace
        shown = squeeze(body.text.replace("│", "").split())
        assert squeeze(visible(queue.selected.command).split()) in shown
    output = "".join(CaptureDriver.captured).encode("utf-8", "surrogateescape")
    assert len(output) > 10_000, "the capture must contain the real frames"
    for needle in FORBIDDEN:
        assert needle not in output, f"{needle!r} reached the terminal"
    assert b"\\x1b]0;PWNED-TITLE\\x07" in output, "the escape is shown, visibly"
    assert b"<U+202E>" in output and b"<U+200B>" in output, "bidi and zero-width are flagged, not hidden"
    assert b"[@click=app.quit]CLICK[/]" in output, "markup is shown literally"


async def test_markup_in_a_notification_is_literal() -> None:
    from tui.demo.memory import MemorySource

    app = InterlockApp(MemorySource())
    async with app.run_test(notifications=True) as pilot:
        app.open_url("https://evil.example/[/]x")  # the override shows links, never opens them
        await pilot.pause()
        assert app.is_running
        assert [n.message for n in app._notifications] == ["https://evil.example/[/]x"]


async def test_open_url_never_reaches_the_driver() -> None:
    from tui.demo.memory import MemorySource

    CaptureDriver.opened_urls.clear()
    app = InterlockApp(MemorySource())
    app.driver_class = CaptureDriver
    async with app.run_test(headless=False) as pilot:
        app.open_url("https://evil.example")
        await pilot.pause()
    assert CaptureDriver.opened_urls == []


@given(st.text(alphabet=st.sampled_from(list("[]/\\@$=#-() 'aZ\x1b\x07\x9b\u202e\n\t")), max_size=40))
def test_ui_text_is_exact_and_never_markup(text: str) -> None:
    content = ui_text(text)
    assert content.plain == visible(text)
    assert not content.spans
    assembled = ui_content(("label ", "bold"), text)
    assert assembled.plain == "label " + visible(text)
    assert "\x1b" not in content.plain and "\x9b" not in content.plain


def test_fuzzed_markup_renders_without_error() -> None:
    from rich.console import Console

    console = Console(file=open("/dev/null", "w"), width=60)  # noqa: SIM115
    for text in ("[/]", "[/red]", "x[bold", "[@click=nosuch(]x[/]", "tail\\", "[z=b=-(ZzB", "[$accent]x[/]"):
        segments: list[Any] = list(ui_text(text).render_segments())
        assert "".join(s.text for s in segments) == text
        console.print(ui_text(text).__rich__())
