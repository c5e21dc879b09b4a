"""DetailBody: the detail pane's text in one Line-API view.

Sections (title, the command in a box, reasons, review, agent…) are wrapped to the width once per
change and kept as strips; showing another action or ticking the countdown is a repaint of this view,
never a layout pass over the screen (which is what updating a stack of `Static`s costs, ~20 ms a time).
Everything is wrapped, nothing is cut: a long command simply makes the view scroll.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual


@dataclass(frozen=True, slots=True)
class Boxed:
    """A section drawn in a box with a title in its top border (the exact command)."""

    title: str
    content: Content
    alarm: bool = False


Section = Content | Boxed


def _reuse(previous: list[tuple[Section, list[Strip]]], n: int, section: Section) -> list[Strip] | None:
    """The strips already rendered for an identical section at the same place, if any."""
    if n >= len(previous):
        return None
    old, strips = previous[n]
    if isinstance(old, Content) and isinstance(section, Content):
        return strips if old.is_same(section) else None
    if isinstance(old, Boxed) and isinstance(section, Boxed):
        same = (old.title, old.alarm) == (section.title, section.alarm) and old.content.is_same(
            section.content
        )
        return strips if same else None
    return None


class DetailBody(ScrollView, can_focus=True):
    """Wrapped sections, one blank line apart; scrolls when they are taller than the view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Up", show=False, id="detail.up"),
        Binding("down", "scroll_down", "Down", show=False, id="detail.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="detail.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="detail.page-down"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "detail-body--box",
        "detail-body--alarm",
        "detail-body--box-title",
    }
    DEFAULT_CSS = """
    DetailBody {
        background: $surface;
        padding: 0 1;
        overflow-x: hidden;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
        & > .detail-body--box { color: $accent; }
        & > .detail-body--alarm { color: $error; text-style: bold; }
        & > .detail-body--box-title { color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._sections: list[Section] = []
        self._lines: list[Strip] = []
        self._width = -1
        self._rendered: list[tuple[Section, list[Strip]]] = []
        self._rendered_width = -1
        self._blanks: dict[int, Strip] = {}

    def show(self, sections: list[Section], *, keep_scroll: bool = False) -> None:
        """Show these sections; those identical to what is shown keep their strips (a countdown tick
        re-renders the title only, and repaints only the lines that changed)."""
        self._sections = sections
        before = self._lines
        self._width = -1
        self._wrap()
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()
            return
        changed = [y for y, (old, new) in enumerate(zip(before, self._lines, strict=False)) if old is not new]
        if len(before) != len(self._lines):
            self.refresh()
        elif changed:
            self.refresh_lines(changed[0], changed[-1] - changed[0] + 1)

    def on_resize(self) -> None:
        self._width = -1
        self._wrap()
        self.refresh()

    @property
    def text(self) -> str:
        """The rendered text, line by line (for tests and screen readers of the future)."""
        self._wrap()
        return "\n".join(line.text.rstrip() for line in self._lines)

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width == self._width or width <= 0:
            return
        resized = width != self._rendered_width
        self._width = self._rendered_width = width
        lines: list[Strip] = []
        previous = [] if resized else self._rendered
        rendered: list[tuple[Section, list[Strip]]] = []
        for n, section in enumerate(self._sections):
            if lines:
                lines.append(self._blank())
            strips = _reuse(previous, n, section)
            if strips is None:
                strips = (
                    self._box(section, width)
                    if isinstance(section, Boxed)
                    else Visual.to_strips(self, section, width, None, self.visual_style)
                )
            rendered.append((section, strips))
            lines.extend(strips)
        self._rendered = rendered
        self._lines = lines
        size, height = Size(width, len(lines)), self.scrollable_content_region.height
        if (self.virtual_size.height > height) == (len(lines) > height):  # no scrollbar change: no layout
            self.set_reactive(DetailBody.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def _blank(self) -> Strip:
        """One shared blank line per width, so unchanged gaps compare identical between renders."""
        if self._width not in self._blanks:
            self._blanks[self._width] = Strip.blank(self._width, self.visual_style.rich_style)
        return self._blanks[self._width]

    def _box(self, boxed: Boxed, width: int) -> list[Strip]:
        edge = self.get_component_rich_style("detail-body--alarm" if boxed.alarm else "detail-body--box")
        label = self.get_component_rich_style("detail-body--box-title")
        inner = max(1, width - 4)
        base = self.visual_style.rich_style
        body = Visual.to_strips(self, boxed.content, inner, None, self.visual_style)
        title = f" {boxed.title} "[: max(0, width - 4)]
        rule = "─" * max(0, width - 3 - len(title))
        top = [Segment("╭─", base + edge), Segment(title, base + label), Segment(rule + "╮", base + edge)]
        strips = [Strip(top)]
        for line in body:
            padded = line.extend_cell_length(inner, base).crop(0, inner)
            strips.append(Strip([Segment("│ ", base + edge), *padded, Segment(" │", base + edge)]))
        strips.append(Strip([Segment("╰" + "─" * max(0, width - 2) + "╯", base + edge)]))
        return strips

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._width = self._rendered_width = -1
        self._blanks.clear()

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base: Style = self.visual_style.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        return self._lines[index].extend_cell_length(width, base).crop(0, width)
