"""Gemini CLI: `BeforeTool`, answered with a top-level `decision`; its hook timeout is in milliseconds.

Gemini's own policy still applies after an `allow` (a hook cannot approve past it), so allow only lets
the call continue; `deny` blocks and sends the reason to the model as the tool's error.
"""

from __future__ import annotations

import re

from tui.agents import actions
from tui.agents.base import (
    Call,
    InstallSpec,
    Verdict,
    answer_json,
    edit_of,
    field_str,
    tool_call,
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from typing import Any

URL = re.compile(r"https?://\S+")


def tool_action(tool: str, data: dict[str, Any], cwd: str) -> dict[str, Any]:
    if tool == "run_shell_command":
        where = field_str(data, "dir_path", required=False)
        return actions.shell(tool, field_str(data, "command"), actions.absolute(where, cwd) or cwd, data)
    if tool == "write_file":
        content = field_str(data, "content", required=False)
        return actions.file_write(tool, field_str(data, "file_path"), content, cwd, data)
    if tool == "replace":
        return actions.file_edit(
            tool, field_str(data, "file_path"), [edit_of(data, "allow_multiple")], cwd, data
        )
    url = URL.search(str(data.get("url") or data.get("prompt") or ""))
    if tool == "web_fetch" and url:
        return actions.http(tool, "GET", url.group(0), cwd, data)
    if tool.startswith("mcp_"):
        return actions.mcp(tool, cwd, data)
    return actions.other(tool, cwd, data)


class Gemini:
    name = "gemini"
    default_event = "BeforeTool"
    default_timeout_s = 60.0
    install = InstallSpec(
        paths={"user": "~/.gemini/settings.json", "project": ".gemini/settings.json"},
        events=(("BeforeTool", "run_shell_command|write_file|replace|web_fetch|mcp_.*"),),
        handler={"name": "interlock"},
        timeout_unit_s=0.001,
    )

    def parse(self, payload: dict[str, Any]) -> Call:
        event, action = tool_call(payload, ("BeforeTool",), tool_action)
        return Call(event, action, session=field_str(payload, "session_id", required=False))

    def render(self, event: str, verdict: Verdict) -> tuple[bytes, int]:
        decision = verdict.decision if verdict.decision in ("allow", "ask") else "deny"
        return answer_json({"decision": decision, "reason": verdict.reason}), 0


ADAPTER = Gemini()
