"""What screens need from the app: the gate source, the clock, and the live signals.

Screens ask for these through `host(self)` rather than importing the App class, so the App stays wiring
and any app that provides the same four attributes (tests, the bench) can host the screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from textual.dom import DOMNode
from textual.signal import Signal

from tui.live import Changed, Link, Snapshot, Source
from tui.widgets.app_bar import AppBar
from tui.widgets.detail import ActionDetail
from tui.widgets.link_banner import LinkBanner


class Host(Protocol):
    source: Source
    clock: Callable[[], float]
    actions_changed: Signal[Snapshot | Changed]
    link_changed: Signal[Link]


def host(node: DOMNode) -> Host:
    return cast(Host, node.app)


def follow(
    screen: DOMNode,
    on_link: Callable[[Link], None],
    on_actions: Callable[[Snapshot | Changed], None] | None = None,
) -> Host:
    """Subscribe a screen to the gate's link (shown at once, then on every change) and, if it shows
    actions, to the feed: the same first steps of every screen's `on_mount`."""
    live = host(screen)
    if on_actions is not None:
        live.actions_changed.subscribe(screen, on_actions)
    live.link_changed.subscribe(screen, on_link)
    on_link(live.source.link)
    return live


def show_link(screen: DOMNode, link: Link) -> None:
    """The link on what every screen shares: its app bar, its banner, and the detail pane's quorum (one in
    single-user mode)."""
    for bar in screen.query(AppBar):
        bar.link = link
    for banner in screen.query(LinkBanner):
        banner.link = link
    for detail in screen.query(ActionDetail):
        detail.single_user = link.single_user
