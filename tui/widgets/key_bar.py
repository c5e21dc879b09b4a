"""KeyBar: the screen's key bindings on the bottom line, drawn by one widget.

Why not Textual's Footer: it mounts a widget per key (each styled through two component-class nodes) and
rebuilds them all whenever the bindings change, which at start-up happens several times (mount, mode
switch, focus). That was ~130 ms of the ~230 ms of CPU an SSH session spends before it settles, and 20
sessions connecting at once queued behind it (bench/ssh.py, issue 7). KeyBar renders the same keys from
`screen.active_bindings` as one line and redraws on the screen's `bindings_updated_signal`; clicking a key
presses it, as in Footer. Labels come from our own bindings, but still pass through `ui_content`.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from tui.ui_text import ui_content

KEY = "bold $footer-key-foreground on $footer-key-background"
DESCRIPTION = "$footer-description-foreground on $footer-description-background"
DISABLED = "dim"


class KeyBar(Widget):
    """Shown bindings left to right (first key of each action), the command palette key on the right."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $panel;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[tuple[int, int, str, bool]] = []  # (first cell, end cell, key, enabled)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def _keys(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        shown: dict[str, tuple[Binding, bool]] = {}
        palette: tuple[Binding, bool] | None = None
        for key, active in self.screen.active_bindings.items():
            if key == palette_key:
                palette = (active.binding, active.enabled)
            elif active.binding.show:
                shown.setdefault(active.binding.action, (active.binding, active.enabled))
        return list(shown.values()), palette

    def _part(self, binding: Binding, enabled: bool) -> Content:
        dim = "" if enabled else f" {DISABLED}"
        return ui_content(
            (f" {self.app.get_key_display(binding)} ", KEY + dim),
            (f"{binding.description} ", DESCRIPTION + dim),
        )

    def render(self) -> Content:
        keys, palette = self._keys()
        width = self.size.width
        right = Content.assemble("▏", self._part(*palette)) if palette is not None else Content("")
        room = width - right.cell_length
        parts: list[Content] = []
        hits: list[tuple[int, int, str, bool]] = []
        x = 0
        for binding, enabled in keys:
            part = self._part(binding, enabled)
            if x + part.cell_length > room:
                break
            parts.append(part)
            hits.append((x, x + part.cell_length, binding.key, enabled))
            x += part.cell_length
        if palette is not None and room >= x:
            hits.append((room + 1, width, palette[0].key, palette[1]))
            parts += [Content(" " * (room - x)), right]
        self._hits = hits
        return Content.assemble(*parts)

    def on_click(self, event: events.Click) -> None:
        for first, end, key, enabled in self._hits:
            if first <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return
