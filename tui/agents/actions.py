"""Agent tool calls → Action submissions, shared by every adapter.

The payload kept on an Action is the tool's input (what will execute), never the hook envelope: session
and call ids change on every call, and the content hash must not, or a retried call could never match
its approval. File edits carry a real unified diff computed against the file on disk, so the approver
sees the change and the hash binds to the file as it is now.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from typing import Any

MAX_READ = 4 << 20  # bytes of a file we read to diff; larger files are summarised
MAX_DIFF = 256 << 10  # characters of diff sent; the gate's frame limit is 1 MiB
MAX_STRING = 64 << 10  # longer strings in a payload are replaced by their digest
COSMETIC = frozenset({"description"})  # the model's prose about a command: not what runs


def shell(tool: str, command: str, cwd: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    payload = {k: v for k, v in tool_input.items() if k not in COSMETIC}
    return {"kind": "shell", "tool": tool, "command": command, "cwd": cwd, "payload": fit(payload)}


def http(tool: str, method: str, url: str, cwd: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "http",
        "tool": tool,
        "command": f"{method} {url}",
        "cwd": cwd,
        "payload": fit(tool_input),
    }


def mcp(tool: str, cwd: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "mcp_tool",
        "tool": tool,
        "summary": f"{tool} (MCP)",
        "cwd": cwd,
        "payload": fit(arguments),
    }


def other(tool: str, cwd: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    """Unknown tools pass through generically: the approver sees the raw input, nothing is guessed."""
    return {"kind": "other", "tool": tool, "summary": tool, "cwd": cwd, "payload": fit(tool_input)}


def file_write(tool: str, path: str, content: str, cwd: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    path = absolute(path, cwd)
    before = read(path)
    diff = unified(before, content, path)
    verb = "create" if before is None else "overwrite"
    return {
        "kind": "file_write",
        "tool": tool,
        "path": path,
        "cwd": cwd,
        "diff": diff,
        "summary": f"{verb} {path}{stat(diff)}",
        "payload": fit(tool_input),
    }


def file_edit(
    tool: str, path: str, edits: list[tuple[str, str, bool]], cwd: str, tool_input: dict[str, Any]
) -> dict[str, Any]:
    """Apply (old, new, replace_all) edits in order to the file's current text, as the tool will."""
    path = absolute(path, cwd)
    before = read(path)
    after, missing = apply_edits(before or "", edits)
    diff = unified(before, after, path)
    note = f" ({missing} edit(s) match nothing on disk)" if missing else ""
    return {
        "kind": "file_edit",
        "tool": tool,
        "path": path,
        "cwd": cwd,
        "diff": diff,
        "summary": f"edit {path}{stat(diff)}{note}",
        "payload": fit(tool_input),
    }


def notebook_edit(tool: str, path: str, cwd: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    """One notebook cell replaced, inserted or deleted: judged by the notebook's path like any file edit.
    The cell's new text is in the payload; a notebook is JSON, so no line diff is made of it."""
    path = absolute(path, cwd)
    mode = tool_input.get("edit_mode") if isinstance(tool_input.get("edit_mode"), str) else "replace"
    return {
        "kind": "file_edit",
        "tool": tool,
        "path": path,
        "cwd": cwd,
        "summary": f"{mode} a cell of {path}",
        "payload": fit(tool_input),
    }


def patch(tool: str, text: str, cwd: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    """A patch the agent wrote itself (Codex apply_patch): its text is the diff; first file is the path."""
    paths = [
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith(("*** Update File:", "*** Add File:", "*** Delete File:"))
    ]
    path = absolute(paths[0], cwd) if paths else cwd
    more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
    return {
        "kind": "file_edit",
        "tool": tool,
        "path": path,
        "cwd": cwd,
        "diff": clip(text),
        "summary": f"patch {path}{more}",
        "payload": fit(tool_input),
    }


def apply_edits(text: str, edits: list[tuple[str, str, bool]]) -> tuple[str, int]:
    missing = 0
    for old, new, every in edits:
        if not old and not text:
            text = new  # an edit with empty old text on an empty/missing file creates it
        elif old and old in text:
            text = text.replace(old, new) if every else text.replace(old, new, 1)
        else:
            missing += 1
    return text, missing


def unified(before: str | None, after: str, path: str) -> str:
    """A standard unified diff (parseable by `unidiff`), with no-newline-at-end markers where due."""
    import difflib

    lines = difflib.unified_diff(
        (before or "").splitlines(keepends=True),
        after.splitlines(keepends=True),
        "/dev/null" if before is None else path,
        path,
    )
    out = [line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines]
    return clip("".join(out))


def stat(diff: str) -> str:
    lines = diff.splitlines()
    plus = sum(1 for ln in lines if ln.startswith("+") and not ln.startswith("+++"))
    minus = sum(1 for ln in lines if ln.startswith("-") and not ln.startswith("---"))
    return f" (+{plus} -{minus})"


def read(path: str) -> str | None:
    """The file's text now; None when it does not exist. Unreadable or huge files get a stand-in text
    that still changes the hash whenever the file does."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_READ + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"<unreadable: {exc.strerror or exc}>\n"
    if len(data) > MAX_READ:
        import hashlib

        return f"<larger than {MAX_READ} bytes; sha256 of the start {hashlib.sha256(data).hexdigest()}>\n"
    return data.decode("utf-8", errors="replace")


def absolute(path: str, cwd: str) -> str:
    return os.path.normpath(os.path.join(cwd, path)) if cwd and not os.path.isabs(path) else path


def clip(text: str) -> str:
    if len(text) <= MAX_DIFF:
        return text
    cut = text[:MAX_DIFF].rsplit("\n", 1)[0]
    return f"{cut}\n\\ interlock: diff truncated; {len(text) - len(cut)} more characters not shown\n"


def fit(value: Any) -> Any:
    """Keep payloads under the frame limit: long strings become their digest (the hash still binds)."""
    if isinstance(value, str) and len(value) > MAX_STRING:
        import hashlib

        digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()
        return {"interlock_elided": {"sha256": digest, "chars": len(value)}}
    if isinstance(value, dict):
        return {k: fit(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fit(v) for v in value]
    return value
