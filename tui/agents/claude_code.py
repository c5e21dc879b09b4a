"""Claude Code: `PreToolUse` (every tool call) and `PermissionRequest` (calls it would prompt for).

Deny exits 2 as well as printing the JSON: Claude Code then blocks even if a future version rejected our
JSON, and still shows the model our reason (verified against CLI 2.1.332). `PermissionRequest` ignores
exit 2, so there only the JSON speaks.
"""

from __future__ import annotations

import os

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

MATCHER = "Bash|PowerShell|Edit|MultiEdit|Write|NotebookEdit|WebFetch|mcp__.*"


def tool_action(tool: str, data: dict[str, Any], cwd: str) -> dict[str, Any]:
    if tool in ("Bash", "PowerShell"):
        return actions.shell(tool, field_str(data, "command"), cwd, data)
    if tool == "Write":
        content = field_str(data, "content", required=False)
        return actions.file_write(tool, field_str(data, "file_path"), content, cwd, data)
    if tool == "Edit":
        return actions.file_edit(
            tool, field_str(data, "file_path"), [edit_of(data, "replace_all")], cwd, data
        )
    if tool == "MultiEdit":
        edits = [edit_of(e, "replace_all") for e in data.get("edits") or [] if isinstance(e, dict)]
        return actions.file_edit(tool, field_str(data, "file_path"), edits, cwd, data)
    if tool == "NotebookEdit":  # was judged as an unknown tool, so its path never met the path rules
        return actions.notebook_edit(tool, field_str(data, "notebook_path"), cwd, data)
    if tool == "WebFetch":
        return actions.http(tool, "GET", field_str(data, "url"), cwd, data)
    if tool.startswith("mcp__"):
        return actions.mcp(tool, cwd, data)
    return actions.other(tool, cwd, data)


class ClaudeCode:
    name = "claude-code"
    default_event = "PreToolUse"
    default_timeout_s = 600.0
    install = InstallSpec(
        paths={
            "user": "~/.claude/settings.json",
            "project": ".claude/settings.json",
            "local": ".claude/settings.local.json",
        },
        events=(("PreToolUse", MATCHER),),
        handler={"statusMessage": "Waiting for Interlock", "onFailure": "block"},
    )

    def parse(self, payload: dict[str, Any]) -> Call:
        event, action = tool_call(payload, ("PreToolUse", "PermissionRequest"), tool_action)
        headless = os.environ.get("CLAUDE_CODE_ENTRYPOINT", "").startswith("sdk")
        return Call(
            event,
            action,
            session=field_str(payload, "session_id", required=False),
            can_defer=event == "PreToolUse" and headless,
        )

    def render(self, event: str, verdict: Verdict) -> tuple[bytes, int]:
        if event == "PermissionRequest":
            decision: dict[str, Any] = {"behavior": "allow" if verdict.decision == "allow" else "deny"}
            if decision["behavior"] == "deny":
                decision["message"] = verdict.reason
            return answer_json({"hookSpecificOutput": {"hookEventName": event, "decision": decision}}), 0
        out = {
            "hookEventName": "PreToolUse",
            "permissionDecision": verdict.decision,
            "permissionDecisionReason": verdict.reason,
        }
        return answer_json({"hookSpecificOutput": out}), 2 if verdict.decision == "deny" else 0


ADAPTER = ClaudeCode()
