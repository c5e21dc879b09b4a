"""Agent text on screen: the one way an untrusted string becomes something a widget draws.

Every string an agent controls (summary, command, diff, agent id, reasons that quote input, gate messages
that echo them) goes through `visible()` first, so no control, C1, bidi or format character can reach the
terminal, and then into `Content` (or Rich `Text` / a `Segment`), never into a markup string: Textual 8
parses markup in `Static(str)`, `Label`, `notify` and table cells, where `[@click=app.…]` becomes a live
action and `[/]` crashes the app (reference/textual-ssh.md §4).
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual.content import Content

from tui.safe_text import suspicious_code_points, visible

__all__ = ["flags", "ui_content", "ui_plain", "ui_rich", "ui_text"]

_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def ui_plain(text: str, *, multiline: bool = False) -> str:
    """The visible form as a plain string, for Line-API segments (which never parse markup)."""
    return visible(text, keep_newlines=multiline)


def ui_text(text: str, style: str = "", *, multiline: bool = False) -> Content:
    """Untrusted text as `Content`, optionally styled; shown exactly, interpreted never."""
    return Content.styled(visible(text, keep_newlines=multiline), style)


def ui_rich(text: str, style: str | Style = "") -> Text:
    """Untrusted text as a Rich `Text`, for APIs that take Rich renderables (table cells)."""
    return Text(visible(text), style=style, no_wrap=True, end="")


def ui_content(*parts: str | Content | tuple[str, str]) -> Content:
    """Assemble a line from parts: `str` and `(text, style)` parts are made visible (labels are too, at
    no cost, so nobody has to decide which strings are trusted); `Content` parts are taken as built."""
    safe: list[str | Content | tuple[str, str]] = []
    for part in parts:
        if isinstance(part, str):
            safe.append(visible(part))
        elif isinstance(part, tuple):
            safe.append((visible(part[0]), part[1]))
        else:
            safe.append(part)
    return Content.assemble(*safe)


def flags(text: str) -> list[str]:
    """`U+XXXX NAME` for each hidden or control character: shown as a warning, never silently dropped.

    Plain ASCII without control characters (nearly every command and diff) is cleared by two C-speed
    checks; only the rest is walked character by character (a 5,000-line diff would take ~0.3 s).
    """
    if text.isascii() and not _ASCII_CONTROL.search(text):
        return []
    return suspicious_code_points(text)
