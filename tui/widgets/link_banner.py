"""LinkBanner: a loud line while the gate is unreachable; hidden while it is connected."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from tui.live import Link
from tui.ui_text import ui_content


class LinkBanner(Widget):
    """Says the gate is gone, why, and when the next attempt is; decisions cannot be sent meanwhile."""

    DEFAULT_CSS = """
    LinkBanner {
        height: auto;
        display: none;
        background: $error;
        color: $text;
        padding: 0 1;
        &.-down { display: block; }
    }
    """

    link: reactive[Link | None] = reactive(None)
    """The connection to the gate; the banner shows while it is down."""

    def watch_link(self, link: Link | None) -> None:
        self.set_class(link is not None and not link.up, "-down")

    def render(self) -> Content:
        link = self.link
        if link is None or link.up:
            return Content()
        retry = f"retrying in {link.retry_in:g}s (attempt {link.attempt})" if link.retry_in else "retrying"
        return ui_content(
            ("⚠ DISCONNECTED ", "bold"),
            f"from the gate at {link.socket}: {link.detail} — {retry}. ",
            ("Decisions cannot be sent until it is back; the queue may be stale.", "bold"),
        )
