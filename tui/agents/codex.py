"""OpenAI Codex CLI: `PreToolUse` can only deny or pass; `PermissionRequest` can allow or deny.

Passing on PreToolUse is `{}` (valid JSON, no decision): Codex's own approval policy then applies, and
`permissionDecision: "allow"` would be reported as a failed hook. `ask` does not exist here, so it is a deny.
"""

from __future__ import annotations

from tui.agents import actions
from tui.agents.base import (
    BadPayload,
    Call,
    InstallSpec,
    Verdict,
    answer_json,
    field_str,
    tool_call,
)

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from typing import Any


def tool_action(tool: str, data: dict[str, Any], cwd: str) -> dict[str, Any]:
    command = data.get("command")
    if isinstance(command, list) and all(isinstance(c, str) for c in command):
        import shlex

        command = shlex.join(command)
    if tool == "Bash" and isinstance(command, str) and command:
        return actions.shell(tool, command, cwd, data)
    if tool == "apply_patch" and isinstance(command, str) and command:
        return actions.patch(tool, command, cwd, data)
    if tool in ("Bash", "apply_patch"):
        raise BadPayload(f"{tool} call without a string 'command'")
    if tool.startswith("mcp__"):
        return actions.mcp(tool, cwd, data)
    return actions.other(tool, cwd, data)


class Codex:
    name = "codex"
    default_event = "PreToolUse"
    default_timeout_s = 600.0
    install = InstallSpec(
        paths={"user": "~/.codex/hooks.json", "project": ".codex/hooks.json"},
        events=(("PreToolUse", "Bash|apply_patch|mcp__.*"),),
        handler={"statusMessage": "Waiting for Interlock"},
        note="Codex skips hooks it has not trusted: open /hooks in Codex and trust the Interlock hook.",
    )

    def parse(self, payload: dict[str, Any]) -> Call:
        event, action = tool_call(payload, ("PreToolUse", "PermissionRequest"), tool_action)
        return Call(event, action, session=field_str(payload, "session_id", required=False))

    def render(self, event: str, verdict: Verdict) -> tuple[bytes, int]:
        allow = verdict.decision == "allow"
        if event == "PermissionRequest":
            decision = {"behavior": "allow"} if allow else {"behavior": "deny", "message": verdict.reason}
            return answer_json({"hookSpecificOutput": {"hookEventName": event, "decision": decision}}), 0
        if allow:
            return answer_json({}), 0
        out = {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": verdict.reason,
        }
        return answer_json({"hookSpecificOutput": out}), 0


ADAPTER = Codex()
