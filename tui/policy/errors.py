"""The one exception the policy raises: it always says where (`file:line`) and which rule.

The gate refuses to start on it and the hot reloader shows it in the TUI, so the message has to be enough
on its own to find and fix the mistake.
"""

from __future__ import annotations

from pathlib import Path


class PolicyError(Exception):
    """A rule file that cannot be loaded; `str()` is `file:line: rule ID: problem`."""

    def __init__(self, problem: str, file: Path | str | None = None, line: int = 0, rule: str = "") -> None:
        self.problem = problem
        self.file = str(file) if file is not None else ""
        self.line = line
        self.rule = rule
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file or "<policy>"
        if self.line:
            where = f"{where}:{self.line}"
        who = f" rule {self.rule}:" if self.rule else ""
        return f"{where}:{who} {self.problem}"
