"""Unified diffs, parsed with unidiff: which files change, by how much, and what text is added.

A `file_edit` may carry a diff touching more files than its `path` (a multi-file patch), and every file it
touches is judged. Text that is *added* is only data here (a down-migration's `DROP TABLE` is not executed),
but rules may still look at it for secrets being written into the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.policy.units import Diff

_MAX_TEXT = 256 * 1024


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    diff: Diff


def parse(text: str) -> list[FileChange]:
    """One FileChange per file in the diff; a diff unidiff cannot read counts as one unnamed change."""
    quick = _one_file(text)
    if quick is not None:
        return [quick]
    from unidiff.errors import UnidiffParseError
    from unidiff.patch import PatchSet

    try:
        patch = PatchSet(text)
    except (UnidiffParseError, ValueError, IndexError):
        return [FileChange("", _rough(text))]
    changes = []
    for patched in patch:
        path = patched.target_file if patched.target_file != "/dev/null" else patched.source_file
        path = path[2:] if path[:2] in ("a/", "b/") else path
        added = "".join(line.value for hunk in patched for line in hunk if line.is_added)[:_MAX_TEXT]
        changes.append(FileChange(path, Diff(1, patched.added, patched.removed, added)))
    return changes or [FileChange("", _rough(text))]


def _rough(text: str) -> Diff:
    lines = text.splitlines()
    added = [line[1:] for line in lines if line.startswith("+") and not line.startswith("+++")]
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    return Diff(1, len(added), removed, "\n".join(added)[:_MAX_TEXT])


_HEADER = re.compile(r"--- ([^\t\n\"]+)\n\+\+\+ ([^\t\n\"]+)\n")
_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))?\ @@")


def _one_file(text: str) -> FileChange | None:  # noqa: PLR0912 - flat on purpose: hot path
    """The common diff, read without unidiff: one file's `---`/`+++` header, then whole hunks of ` `, `+`
    and `-` lines whose counts match their headers, and nothing else. It gives what unidiff would; any
    other shape (git headers, several files, `\\ No newline`, blank or CR lines, a count that does not
    add up) returns None and unidiff reads it.
    """
    header = _HEADER.match(text)
    if header is None or "\r" in text:
        return None
    lines = text[header.end() :].split("\n")
    if lines[-1] == "":
        lines.pop()  # the final newline ends the last line, it does not start another
    i, count = 0, len(lines)
    added: list[str] = []
    plus = minus = 0
    if not count:
        return None
    while i < count:
        hunk = _HUNK.match(lines[i])
        if hunk is None:
            return None
        source = 1 if hunk.group(2) is None else int(hunk.group(2))
        target = 1 if hunk.group(4) is None else int(hunk.group(4))
        if not source and not target:
            return None
        i += 1
        while source or target:
            if i >= count:
                return None  # shorter than its header says
            line = lines[i]
            kind = line[:1]
            if kind == "+":
                target -= 1
                plus += 1
                added.append(line[1:] + "\n" if i < count - 1 or text.endswith("\n") else line[1:])
            elif kind == "-":
                source -= 1
                minus += 1
            elif kind == " ":
                source -= 1
                target -= 1
            else:
                return None
            if source < 0 or target < 0:
                return None  # longer than its header says
            i += 1
    target_file = header.group(2)
    path = target_file if target_file != "/dev/null" else header.group(1)
    path = path[2:] if path[:2] in ("a/", "b/") else path
    return FileChange(path, Diff(1, plus, minus, "".join(added)[:_MAX_TEXT]))
