"""Unified diffs, parsed with unidiff: which files change, by how much, and what text is added.

A `file_edit` may carry a diff touching more files than its `path` (a multi-file patch), and every file it
touches is judged. Text that is *added* is only data here (a down-migration's `DROP TABLE` is not executed),
but rules may still look at it for secrets being written into the tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.policy.units import Diff

_MAX_TEXT = 256 * 1024


@dataclass(frozen=True, slots=True)
class FileChange:
    path: str
    diff: Diff


def parse(text: str) -> list[FileChange]:
    """One FileChange per file in the diff; a diff unidiff cannot read counts as one unnamed change."""
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
