"""Cursor: `beforeShellExecution`, `beforeMCPExecution` and `preToolUse`, answered with `permission`.

Cursor fails open on a crashed or slow hook unless the handler says `failClosed: true`, which the
installer writes. `agent_message` is what the model reads; `user_message` is shown in the editor.
"""

from __future__ import annotations

from tui.agents import actions
from tui.agents.base import BadPayload, Call, InstallSpec, Verdict, answer_json, field_obj, field_str

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from typing import Any

EVENTS = ("beforeShellExecution", "beforeMCPExecution", "preToolUse")


def tool_action(tool: str, data: dict[str, Any], cwd: str) -> dict[str, Any]:
    """preToolUse shapes are not pinned down by Cursor's docs: recognise fields, not tool names."""
    path = data.get("file_path") or data.get("path")
    if isinstance(data.get("command"), str) and data["command"]:
        return actions.shell(tool, data["command"], cwd, data)
    if isinstance(path, str) and path and isinstance(data.get("old_string"), str):
        edit = (
            data["old_string"],
            field_str(data, "new_string", required=False),
            data.get("replace_all") is True,
        )
        return actions.file_edit(tool, path, [edit], cwd, data)
    if isinstance(path, str) and path and isinstance(data.get("content"), str):
        return actions.file_write(tool, path, data["content"], cwd, data)
    return actions.other(tool, cwd, data)


class Cursor:
    name = "cursor"
    default_event = "beforeShellExecution"
    default_timeout_s = 30.0  # Cursor documents no default; assume a short one
    install = InstallSpec(
        paths={"user": "~/.cursor/hooks.json", "project": ".cursor/hooks.json"},
        events=(
            ("beforeShellExecution", None),
            ("beforeMCPExecution", None),
            ("preToolUse", "Write|Edit|StrReplace|Delete"),
        ),
        grouped=False,
        handler={"failClosed": True},
        top={"version": 1},
    )

    def parse(self, payload: dict[str, Any]) -> Call:
        event = field_str(payload, "hook_event_name")
        roots = payload.get("workspace_roots")
        cwd = field_str(payload, "cwd", required=False) or (
            roots[0] if isinstance(roots, list) and roots and isinstance(roots[0], str) else ""
        )
        if event == "beforeShellExecution":
            command = field_str(payload, "command")
            action = actions.shell("Shell", command, cwd, {"command": command})
        elif event == "beforeMCPExecution":
            action = actions.mcp(field_str(payload, "tool_name"), cwd, field_obj(payload, "tool_input"))
        elif event == "preToolUse":
            action = tool_action(field_str(payload, "tool_name"), field_obj(payload, "tool_input"), cwd)
        else:
            raise BadPayload(f"unsupported hook event {event!r}")
        return Call(event, action, session=field_str(payload, "conversation_id", required=False))

    def render(self, event: str, verdict: Verdict) -> tuple[bytes, int]:
        permission = verdict.decision if verdict.decision in ("allow", "ask") else "deny"
        return answer_json(
            {"permission": permission, "user_message": verdict.reason, "agent_message": verdict.reason}
        ), 0


ADAPTER = Cursor()
