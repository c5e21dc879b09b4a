"""AppBar: the top line of every screen: where you are, who you are, and whether the gate is there."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.live import Link
from tui.ui_text import ui_content

SCREENS = (
    ("1", "queue", "Queue"),
    ("2", "history", "History"),
    ("3", "agents", "Agents"),
    ("4", "policy", "Policy"),
    ("5", "pulse", "Pulse"),
)


class AppBar(Widget):
    """Screen tabs on the left; identity and the gate connection on the right."""

    DEFAULT_CSS = """
    AppBar {
        height: 1;
        background: $panel;
        color: $text;
        &.-down { background: $error 60%; }
    }
    """

    link: reactive[Link | None] = reactive(None)
    """The connection to the gate."""

    def __init__(self, active: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active = active

    def watch_link(self, link: Link | None) -> None:
        self.set_class(link is not None and not link.up, "-down")

    def render(self) -> Content:
        parts: list[str | Content | tuple[str, str]] = [(" INTERLOCK ", "bold $accent"), " "]
        for key, name, label in SCREENS:
            style = "bold reverse" if name == self.active else "$text-muted"
            parts += [
                (f"{key}", "bold $accent" if name != self.active else "bold"),
                (f" {label} ", style),
                " ",
            ]
        left = ui_content(*parts)
        right = self._status(pulse=True, names=True)
        for pulse, names in ((False, True), (False, False)):  # the gauge gives way first, then the names
            if left.cell_length + right.cell_length < self.size.width:
                break
            right = self._status(pulse=pulse, names=names)
        gap = max(1, self.size.width - left.cell_length - right.cell_length)
        return Content.assemble(left, " " * gap, right)

    def _status(self, *, pulse: bool, names: bool) -> Content:
        link = self.link
        if link is None:
            return ui_content(("connecting… ", "$text-muted"))
        if not link.up:
            return ui_content(("● disconnected ", "bold"))
        you = f"{link.you} · " if link.you else ""
        single = (" SINGLE-USER MODE: you approve your own agents ", "bold black on $warning")
        wide = pulse and link.pulse
        lag = (" GOVERNANCE LAG ", "bold white on $error") if link.lagging else ""
        return ui_content(
            (f"{link.pulse}  ", "$text-muted") if wide else "",
            lag,
            single if link.single_user else "",
            " ",
            ("● ", "bold $success"),
            you,
            self._watching(link, names),
        )

    @staticmethod
    def _watching(link: Link, names: bool) -> str:
        """Who else has the queue open (so two people do not review the same action), else how many."""
        others = list(link.watchers)
        if link.you in others:
            others.remove(link.you)
        if names and others:
            return f"also watching: {', '.join(others)} "
        return f"{link.watching} watching "
