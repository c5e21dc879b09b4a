"""What every agent adapter provides, and the records the hook passes between them.

An adapter only translates: the agent's payload into an Action submission (`parse`) and a verdict into
the agent's exact answer bytes (`render`). Waiting, deadlines and failing closed live in `hook.py`, once.
Plain classes, no dataclasses or typing at run time: this is imported on every agent tool call, and
`dataclasses` alone (it pulls in `inspect`) costs more than the rest of the hook.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal, Protocol

    Decision = Literal["allow", "deny", "ask", "defer"]

    class Adapter(Protocol):
        name: str  # the agent kind, and the registry key
        default_event: str  # answered when the payload is too broken to say which event it was
        default_timeout_s: float  # the agent's own hook timeout when its settings set none
        install: InstallSpec

        def parse(self, payload: dict[str, Any]) -> Call:
            """Map the agent's payload to a Call; raises BadPayload."""
            ...

        def render(self, event: str, verdict: Verdict) -> tuple[bytes, int]:
            """The exact stdout bytes and exit code that make the agent do what `verdict` says."""
            ...


class BadPayload(ValueError):
    """The agent sent something we cannot turn into an Action; the hook denies, naming the problem."""


class Verdict:
    __slots__ = ("action_id", "decision", "reason")

    def __init__(self, decision: Decision, reason: str, action_id: str = "") -> None:
        self.decision: Decision = decision
        self.reason = reason
        self.action_id = action_id

    def __repr__(self) -> str:
        return f"Verdict({self.decision!r}, {self.reason!r}, {self.action_id!r})"


class Call:
    """One hook call, normalised: the event to answer and the Action to submit (agent filled in later)."""

    __slots__ = ("action", "can_defer", "event", "session")

    def __init__(
        self, event: str, action: dict[str, Any], session: str = "", can_defer: bool = False
    ) -> None:
        self.event = event
        self.action = action
        self.session = session
        self.can_defer = can_defer  # the agent can park this call and re-ask later (Claude Code -p only)


class InstallSpec:
    """Where and how an agent reads hook settings; `install.py` does the merging for every agent."""

    def __init__(
        self,
        paths: dict[str, str],  # scope -> settings file ("~/" = home, relative = project dir)
        events: tuple[tuple[str, str | None], ...],  # (event, matcher or None)
        *,
        grouped: bool = True,  # {"matcher", "hooks": [handler]} groups, or bare handlers (Cursor)
        handler: dict[str, Any] | None = None,  # extra handler keys, e.g. onFailure
        timeout_unit_s: float = 1.0,  # 0.001: the agent's timeout field is in milliseconds
        top: dict[str, Any] | None = None,  # keys the file itself needs, e.g. {"version": 1}
        note: str = "",  # what the user must still do after installing
    ) -> None:
        self.paths, self.events, self.grouped = paths, events, grouped
        self.handler, self.top = handler or {}, top or {}
        self.timeout_unit_s, self.note = timeout_unit_s, note


def answer_json(obj: dict[str, Any]) -> bytes:
    """One compact, ASCII-only JSON object and a newline: nothing an agent's parser can trip on."""
    import json

    return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"


def field_str(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name, "")
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise BadPayload(f"field {name!r} must be a non-empty string")
    return value


def edit_of(data: dict[str, Any], every_key: str) -> tuple[str, str, bool]:
    """One string replacement (old, new, every occurrence?) as agents' edit tools describe it."""
    old = field_str(data, "old_string", required=False)
    return old, field_str(data, "new_string", required=False), data.get(every_key) is True


def tool_call(
    payload: dict[str, Any],
    events: tuple[str, ...],
    tool_action: Callable[[str, dict[str, Any], str], dict[str, Any]],
) -> tuple[str, dict[str, Any]]:
    """The hook event (one of `events`, else BadPayload) and the Action its tool call maps to: the shape
    Claude Code, Codex and Gemini share (`hook_event_name`, `tool_name`, `tool_input`, `cwd`)."""
    event = field_str(payload, "hook_event_name")
    if event not in events:
        raise BadPayload(f"unsupported hook event {event!r}")
    tool, data = field_str(payload, "tool_name"), field_obj(payload, "tool_input")
    return event, tool_action(tool, data, field_str(payload, "cwd", required=False))


def field_obj(data: dict[str, Any], name: str) -> dict[str, Any]:
    """An object field; some agents send it as a JSON string (Cursor MCP, Copilot), so accept both."""
    value = data.get(name)
    if isinstance(value, str):
        from tui.gate.protocol import loads

        try:
            value = loads(value)
        except ValueError as exc:
            raise BadPayload(f"field {name!r} is a string but not JSON: {exc}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadPayload(f"field {name!r} must be an object")
    return value
