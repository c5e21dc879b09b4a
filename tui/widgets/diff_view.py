"""DiffView: a unified diff in a Line-API viewer, highlighted once, rendered only where visible.

Each line is made visible (control and bidi characters escaped) and classified once, as Pygments'
`DiffLexer` does (added, removed, hunk, file header, context), with old/new line numbers taken from the
hunk headers. Only the lines on screen become strips, so a 5,000-line diff opens as fast as a 50-line one.
"""

from __future__ import annotations

import re
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.ui_text import ui_plain

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_KINDS = ("added", "removed", "hunk", "header", "context", "gutter")


def classify(lines: list[str]) -> list[tuple[str, str]]:
    """(kind, gutter) per line, counting each hunk's lines from its header so that a removed line
    reading `-- x` is not taken for a file header; the gutter holds the old or new line number."""
    out: list[tuple[str, str]] = []
    old = new = left_old = left_new = 0
    for line in lines:
        if left_old > 0 or left_new > 0:
            if line.startswith("+"):
                out.append(("added", str(new)))
                new, left_new = new + 1, left_new - 1
            elif line.startswith("-"):
                out.append(("removed", str(old)))
                old, left_old = old + 1, left_old - 1
            elif line.startswith("\\"):
                out.append(("header", ""))
            else:
                out.append(("context", str(new)))
                old, new, left_old, left_new = old + 1, new + 1, left_old - 1, left_new - 1
        elif hunk := _HUNK.match(line):
            old, new = int(hunk[1]), int(hunk[3])
            left_old, left_new = int(hunk[2] or 1), int(hunk[4] or 1)
            out.append(("hunk", ""))
        elif line.startswith(("+++", "---")) or not line.startswith(("+", "-")):
            out.append(("header", ""))
        else:  # +/- lines without a hunk header: still worth colouring
            out.append(("added" if line[0] == "+" else "removed", ""))
    return out


class DiffView(ScrollView, can_focus=True):
    """A scrollable, highlighted unified diff; agent text is escaped, never interpreted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Up", show=False, id="diff.up"),
        Binding("down", "scroll_down", "Down", show=False, id="diff.down"),
        Binding("left", "scroll_left", "Left", show=False, id="diff.left"),
        Binding("right", "scroll_right", "Right", show=False, id="diff.right"),
        Binding("pageup", "page_up", "Page up", show=False, id="diff.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="diff.page-down"),
        Binding("home", "scroll_home", "Top", show=False, id="diff.top"),
        Binding("end", "scroll_end", "Bottom", show=False, id="diff.bottom"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"diff-view--{kind}" for kind in _KINDS}
    DEFAULT_CSS = """
    DiffView {
        background: $surface;
        height: 1fr;
        & > .diff-view--added { color: $text-success; background: $success 15%; }
        & > .diff-view--removed { color: $text-error; background: $error 15%; }
        & > .diff-view--hunk { color: $accent; text-style: bold; }
        & > .diff-view--header { color: $text; text-style: bold; }
        & > .diff-view--context { color: $foreground; }
        & > .diff-view--gutter { color: $text-muted; }
    }
    """

    line_count: reactive[int] = reactive(0, layout=False)
    """How many lines the diff has."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[str] = []
        self._kinds: list[tuple[str, str]] = []
        self._gutter = 0
        self._cache: LRUCache[tuple[int, int, int], Strip] = LRUCache(512)

    def set_diff(self, diff: str) -> None:
        """Show `diff` from its top; the work is linear and done once, rendering is per visible line."""
        lines = diff.splitlines()
        self._lines = [ui_plain(line) for line in lines]
        self._kinds = classify(lines)
        self._gutter = max((len(g) for _, g in self._kinds), default=0) + 1
        width = max(map(cell_len, self._lines), default=0) + self._gutter + 1
        self._cache.clear()
        self.line_count = len(self._lines)
        self.virtual_size = Size(width, len(self._lines))
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        key = (index, scroll_x, width)
        strip = self._cache.get(key)
        if strip is None:
            kind, number = self._kinds[index]
            style = self.rich_style + self.get_component_rich_style(f"diff-view--{kind}")
            gutter = self.rich_style + self.get_component_rich_style("diff-view--gutter")
            full = Strip([Segment(f"{number:>{self._gutter}} ", gutter), Segment(self._lines[index], style)])
            strip = full.crop_extend(scroll_x, scroll_x + width, style)
            self._cache[key] = strip
        return strip
