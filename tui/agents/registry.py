"""Every agent Interlock can front, by the name used on the command line (`interlock hook NAME`).

Names map to modules, imported on first use: a hook call loads its own agent's adapter, not all four.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from tui.agents.base import Adapter

ADAPTERS: dict[str, str] = {
    "claude-code": "tui.agents.claude_code",
    "codex": "tui.agents.codex",
    "gemini": "tui.agents.gemini",
    "cursor": "tui.agents.cursor",
}


def adapter(name: str) -> Adapter | None:
    """The adapter for `name`, or None if Interlock has none by that name."""
    module = ADAPTERS.get(name)
    if module is None:
        return None
    found: Adapter = importlib.import_module(module).ADAPTER
    return found


def all_adapters() -> list[Adapter]:
    return [a for a in map(adapter, ADAPTERS) if a is not None]
