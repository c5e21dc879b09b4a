"""Each adapter maps its agent's real payloads to the right Action, and answers in the exact bytes the
agent expects (no gate needed: these are the translation halves; test_hook.py runs them end to end)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.agents.conftest import payload
from tui.agents.base import BadPayload, Verdict
from tui.agents.registry import adapter


def parse(agent: str, name: str, project: Path) -> dict:
    call = adapter(agent).parse(json.loads(payload(agent, name, project)))
    return call.action


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        ("claude-code", "pretooluse-bash.json"),
        ("claude-code", "permissionrequest-bash.json"),
        ("codex", "pretooluse-bash.json"),
        ("codex", "permissionrequest-bash.json"),
        ("gemini", "beforetool-shell.json"),
        ("cursor", "before-shell.json"),
    ],
)
def test_shell_calls_become_shell_actions_without_the_models_prose(agent, name, project):
    action = parse(agent, name, project)
    assert action["kind"] == "shell"
    assert action["command"] in ("rm -rf build", "rm -rf node_modules")
    assert action["cwd"] == str(project)
    assert "description" not in action["payload"]  # prose changes on retry; the hash must not


def test_claude_edit_carries_a_real_diff_against_the_file_on_disk(project):
    action = parse("claude-code", "pretooluse-edit.json", project)
    path = f"{project}/src/db.ts"
    assert (action["kind"], action["path"]) == ("file_edit", path)
    assert action["diff"] == (
        f"--- {path}\n+++ {path}\n@@ -1,3 +1,3 @@\n"
        " export const config = {\n-  pool: 5,\n+  pool: 50,\n };\n"
    )
    assert action["summary"] == f"edit {path} (+1 -1)"


def test_multiedit_applies_edits_in_order_with_replace_all(project):
    action = parse("claude-code", "pretooluse-multiedit.json", project)
    assert action["kind"] == "file_edit"
    minus = [ln for ln in action["diff"].splitlines() if ln.startswith("-") and not ln.startswith("---")]
    plus = [ln for ln in action["diff"].splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    assert minus == ["-x = 1", "-y = 1", "-y = 1"]
    assert plus == ["+x = 2", "+y = 3", "+y = 3"]


def test_write_of_a_new_file_diffs_against_dev_null(project):
    action = parse("claude-code", "pretooluse-write.json", project)
    path = f"{project}/src/index.ts"
    assert (action["kind"], action["path"]) == ("file_write", path)
    assert action["diff"] == f"--- /dev/null\n+++ {path}\n@@ -0,0 +1 @@\n+export {{}};\n"
    assert action["summary"].startswith("create ")


def test_write_over_an_existing_file_without_final_newline_marks_it(project):
    (project / "src" / "index.ts").write_text("old")
    action = parse("claude-code", "pretooluse-write.json", project)
    assert action["diff"].endswith("-old\n\\ No newline at end of file\n+export {};\n")
    assert action["summary"].startswith("overwrite ")


def test_edit_whose_old_text_is_gone_says_so(project):
    (project / "src" / "db.ts").write_text("nothing to see\n")
    action = parse("claude-code", "pretooluse-edit.json", project)
    assert action["diff"] == ""
    assert "1 edit(s) match nothing on disk" in action["summary"]


def test_gemini_replace_and_write_map_like_claude(project):
    replace = parse("gemini", "beforetool-replace.json", project)
    assert replace["kind"] == "file_edit" and "+  pool: 50," in replace["diff"]
    write = parse("gemini", "beforetool-write-file.json", project)
    assert write["kind"] == "file_write" and write["diff"].startswith("--- /dev/null\n")


def test_codex_apply_patch_keeps_its_patch_and_names_the_file(project):
    action = parse("codex", "pretooluse-apply-patch.json", project)
    assert (action["kind"], action["path"]) == ("file_edit", f"{project}/src/db.ts")
    assert "+pool: 50" in action["diff"]


def test_web_fetch_is_http_with_method_and_url(project):
    action = parse("claude-code", "pretooluse-webfetch.json", project)
    assert (action["kind"], action["command"]) == ("http", "GET https://example.com/api/status")


@pytest.mark.parametrize(
    ("agent", "name", "tool"),
    [
        ("claude-code", "pretooluse-mcp.json", "mcp__github__create_pull_request"),
        ("gemini", "beforetool-mcp.json", "mcp_db_query"),
        ("cursor", "before-mcp.json", "create_issue"),
    ],
)
def test_mcp_calls_are_mcp_tool_actions_with_their_arguments(agent, name, tool, project):
    action = parse(agent, name, project)
    assert (action["kind"], action["tool"]) == ("mcp_tool", tool)
    assert isinstance(action["payload"], dict) and action["payload"]  # Cursor's JSON string is parsed


def test_unknown_tools_and_fields_pass_through_generically(project):
    action = parse("claude-code", "pretooluse-unknown.json", project)
    assert (action["kind"], action["tool"], action["payload"]) == (
        "other",
        "FutureTool",
        {"anything": [1, 2, 3]},
    )


def test_cursor_pre_tool_use_write_is_a_file_write(project):
    assert parse("cursor", "pre-tool-use-write.json", project)["kind"] == "file_write"


def test_huge_content_is_summarised_to_stay_under_the_frame_limit(project):
    data = json.loads(payload("claude-code", "pretooluse-write.json", project))
    data["tool_input"]["content"] = "x\n" * 400_000
    action = adapter("claude-code").parse(data).action
    assert len(json.dumps(action)) < 400_000
    assert "interlock_elided" in action["payload"]["content"]
    assert "diff truncated" in action["diff"]


@pytest.mark.parametrize(
    "bad",
    [
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": 5}},
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": "not json"},
        {"hook_event_name": "PreToolUse", "tool_input": {}},
        {"hook_event_name": "Stop"},
    ],
)
def test_malformed_payloads_raise_bad_payload(bad):
    with pytest.raises(BadPayload):
        adapter("claude-code").parse(bad)


R = "why"
EXACT = {
    ("claude-code", "PreToolUse", "allow"): (
        b'{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow",'
        b'"permissionDecisionReason":"why"}}\n',
        0,
    ),
    ("claude-code", "PreToolUse", "deny"): (
        b'{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",'
        b'"permissionDecisionReason":"why"}}\n',
        2,
    ),
    ("claude-code", "PreToolUse", "ask"): (
        b'{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask",'
        b'"permissionDecisionReason":"why"}}\n',
        0,
    ),
    ("claude-code", "PreToolUse", "defer"): (
        b'{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"defer",'
        b'"permissionDecisionReason":"why"}}\n',
        0,
    ),
    ("claude-code", "PermissionRequest", "allow"): (
        b'{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}\n',
        0,
    ),
    ("claude-code", "PermissionRequest", "deny"): (
        b'{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny",'
        b'"message":"why"}}}\n',
        0,
    ),
    ("codex", "PreToolUse", "allow"): (b"{}\n", 0),
    ("codex", "PreToolUse", "deny"): (
        b'{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",'
        b'"permissionDecisionReason":"why"}}\n',
        0,
    ),
    ("codex", "PreToolUse", "ask"): (
        b'{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny",'
        b'"permissionDecisionReason":"why"}}\n',
        0,
    ),
    ("codex", "PermissionRequest", "allow"): (
        b'{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"allow"}}}\n',
        0,
    ),
    ("codex", "PermissionRequest", "deny"): (
        b'{"hookSpecificOutput":{"hookEventName":"PermissionRequest","decision":{"behavior":"deny",'
        b'"message":"why"}}}\n',
        0,
    ),
    ("gemini", "BeforeTool", "allow"): (b'{"decision":"allow","reason":"why"}\n', 0),
    ("gemini", "BeforeTool", "deny"): (b'{"decision":"deny","reason":"why"}\n', 0),
    ("gemini", "BeforeTool", "ask"): (b'{"decision":"ask","reason":"why"}\n', 0),
    ("gemini", "BeforeTool", "defer"): (b'{"decision":"deny","reason":"why"}\n', 0),
    ("cursor", "beforeShellExecution", "allow"): (
        b'{"permission":"allow","user_message":"why","agent_message":"why"}\n',
        0,
    ),
    ("cursor", "beforeShellExecution", "deny"): (
        b'{"permission":"deny","user_message":"why","agent_message":"why"}\n',
        0,
    ),
    ("cursor", "preToolUse", "defer"): (
        b'{"permission":"deny","user_message":"why","agent_message":"why"}\n',
        0,
    ),
}


@pytest.mark.parametrize(("agent", "event", "decision"), list(EXACT))
def test_answers_are_the_exact_bytes_each_agent_expects(agent, event, decision):
    assert adapter(agent).render(event, Verdict(decision, R)) == EXACT[(agent, event, decision)]


def test_non_ascii_reasons_are_escaped_so_no_encoding_can_break_the_json():
    body, _ = adapter("gemini").render("BeforeTool", Verdict("deny", "rejected by zoë: “no”\n"))
    assert body == b'{"decision":"deny","reason":"rejected by zo\\u00eb: \\u201cno\\u201d\\n"}\n'


@pytest.mark.parametrize(
    ("notebook", "level"), [("/etc/cron.d/x.ipynb", "critical"), ("analysis.ipynb", "low")]
)
def test_notebook_edit_is_a_file_edit_judged_by_its_path(notebook, level, project):
    """Found by probing: NotebookEdit went through as an unknown tool, so /etc/cron.d was allowed."""
    from tui.model import from_submission
    from tui.policy import load_policy, shipped_rules_dir

    hook = {
        "session_id": "s",
        "cwd": str(project),
        "hook_event_name": "PreToolUse",
        "tool_name": "NotebookEdit",
        "tool_input": {"notebook_path": notebook, "cell_id": "c1", "new_source": "x = 1"},
    }
    action = adapter("claude-code").parse(hook).action
    path = notebook if notebook.startswith("/") else str(project / notebook)
    assert (action["kind"], action["path"]) == ("file_edit", path)
    assert action["summary"] == f"replace a cell of {path}"
    submitted = from_submission({**action, "agent": {"id": "a", "kind": "claude-code"}}, now=1.0, ttl_s=60)
    assert load_policy([shipped_rules_dir()]).evaluate(submitted).risk.level == level
