"""The declared schema of rule files: every key a file, a rule, a match block or a setting may have.

Like yamllint and bandit, an unknown key is an error naming file, line and rule (with a "did you mean"),
because a misspelt condition (`comand:`) would otherwise match everything or nothing without a word.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from tui.policy.errors import PolicyError
from tui.policy.paths import PATH_CLASSES
from tui.policy.units import UNIT_TYPES
from tui.policy.yamlsrc import line_of

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

FILE_KEYS = {
    "description": "what this file is for",
    "extends": "`default` (the shipped pack) or paths of rule files/dirs this file builds on",
    "settings": "levels, roles, requirements, environments, environment_signals, paths",
    "rules": "the list of rules",
}
RULE_KEYS = {
    "id": "stable kebab-case id", "description": "what the rule is about",
    "reason": "the sentence shown to reviewers when it matches", "match": "condition block(s): any may match",
    "unless": "condition block(s) that cancel a match", "score": "risk points added (may be negative)",
    "level": "a level floor", "verdict": "allow or deny",
    "read_only": "classifies the unit as read-only or not",
    "require": "raises the review requirement", "human": "a human must look, whatever the autonomy",
    "examples": "match / no_match cases run by `interlock rules test`", "enabled": "false turns it off",
}
#: Match keys → the unit types they can apply to ("*" = every unit).
CMD, SQL, HTTP, FILE, TOOL = ("command",), ("sql",), ("command", "http"), ("file",), ("tool",)
PATHISH = ("command", "file", "tool")
MATCH_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "unit": ("unit types", tuple(UNIT_TYPES)), "kind": ("action kinds", tuple(UNIT_TYPES)),
    "environment": ("environment names (`unknown` for none)", tuple(UNIT_TYPES)),
    "env_conflict": ("bool: the action claims one environment but reaches a riskier one", tuple(UNIT_TYPES)),
    "agent": ("globs on agent kind or id", tuple(UNIT_TYPES)),
    "line": ("regex on the whole command", tuple(UNIT_TYPES)),
    "code": ("regex on the shell code that runs: the line and each nested script (bash -c, eval, ssh, "
             "decoded payloads), quoted data left out", tuple(UNIT_TYPES)),
    "text": ("regex on the unit's text", tuple(UNIT_TYPES)), "read_only": ("bool", tuple(UNIT_TYPES)),
    "known": ("bool: some rule recognised the unit", tuple(UNIT_TYPES)),
    "unicode": ("bool: bidi/zero-width/control characters anywhere", tuple(UNIT_TYPES)),
    "homoglyph": ("bool: look-alike characters in a command name or host", tuple(UNIT_TYPES)),
    "parse_error": ("bool: the shell grammar could not parse the line", tuple(UNIT_TYPES)),
    "command": ("command names (after wrappers)", CMD),
    "subcommand": ("word sequences (globs; a final $ = exactly)", CMD),
    "flags": ("any of these flags (`--f`, `--f=glob`, `--f=` bare)", CMD), "all_flags": ("all of these", CMD),
    "args": ("globs on positional arguments", CMD), "arg_regex": ("regex on any argument", CMD),
    "stdin_from": ("command names feeding stdin", CMD), "via": ("wrapper names", CMD),
    "env_vars": ("globs on NAME or NAME=value assignments", CMD), "privileged": ("bool", CMD),
    "nested": ("bool", CMD), "decoded": ("bool", CMD), "dynamic": ("bool", CMD),
    "embedded": ("bool: it runs code, SQL or commands that became units of their own", ("command", "tool")),
    "obfuscated": ("bool", CMD), "remote": ("bool: runs on another host", CMD),
    "paths": ("path classes: " + ", ".join(PATH_CLASSES), PATHISH),
    "reads": ("path globs read", PATHISH), "writes": ("path globs written or deleted", PATHISH),
    "writes_to": ("path classes written or deleted", PATHISH),
    "payload": ("regex on the JSON payload", ("tool", "action")),
    "sql": ("statement types", SQL), "sql_object": ("object kinds", SQL), "sql_function": ("globs", SQL),
    "narrowing": ("bool: WHERE narrows the rows", SQL), "sql_parsed": ("bool", SQL),
    "method": ("HTTP methods", HTTP), "url": ("regex on the URL", HTTP), "host": ("host globs", HTTP),
    "tool": ("globs on the tool name", TOOL), "diff_added": ("min lines added", FILE),
    "diff_removed": ("min lines removed", FILE), "diff_files": ("min files", FILE),
    "content": ("regex on added text", FILE),
}
#: Keys naming what a unit *is*: a rule using one recognises the unit (so it is not "unknown").
RECOGNISING = frozenset({"unit", "kind", "command", "sql", "method", "url", "host", "tool"})
BOOL_KEYS = frozenset(k for k, (doc, _) in MATCH_KEYS.items() if doc.startswith("bool"))
REQUIRE_KEYS = {"approvals": "int", "role": "str", "reason_required": "bool", "min_review_s": "number"}
SETTINGS_KEYS = {
    "levels": "score thresholds: {medium, high, critical}",
    "roles": "approver roles, least to most senior",
    "requirements": "per level: {approvals, role, reason_required, min_review_s}",
    "environments": "name → {aliases, paths}, riskiest first",
    "environment_signals": "{variables, flags, subcommands}",
    "paths": "{system, temp, build}",
}
EXAMPLE_KEYS = frozenset({"kind", "command", "argv", "cwd", "path", "diff", "target", "tool", "payload",
                          "agent", "summary"})


class Where:
    """A position in a rule file, for errors."""

    def __init__(self, file: Path, rule: str = "") -> None:
        self.file = file
        self.rule = rule

    def error(self, problem: str, container: Any = None, key: str | int | None = None) -> PolicyError:
        line = line_of(container, key) if key is not None else getattr(container, "line", 0)
        return PolicyError(problem, self.file, line, self.rule)


def check_keys(data: Any, allowed: dict[str, Any] | frozenset[str], what: str, where: Where) -> None:
    if not isinstance(data, dict):
        raise where.error(f"{what} must be a mapping, got {type(data).__name__}", data)
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; allowed: {', '.join(sorted(allowed))}"
            raise where.error(f"unknown key {key!r} in {what}{hint}", data, key)


def as_list(value: Any, key: str, container: Any, where: Where, kind: type = str) -> list[Any]:
    """A scalar or a list of scalars of `kind`, as a list."""
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, kind) or (isinstance(item, bool) and kind is not bool):
            raise where.error(f"{key} must be a {kind.__name__} or a list of them, got {item!r}", container,
                              key)
    return list(items)


def as_bool(value: Any, key: str, container: Any, where: Where) -> bool:
    if not isinstance(value, bool):
        raise where.error(f"{key} must be true or false, got {value!r}", container, key)
    return value


def as_int(value: Any, key: str, container: Any, where: Where, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise where.error(f"{key} must be an integer from {low} to {high}, got {value!r}", container, key)
    return value


def as_regex(value: Any, key: str, container: Any, where: Where) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise where.error(f"{key} must be a regular expression string", container, key)
    try:
        return re.compile(value)
    except re.error as exc:
        raise where.error(f"{key}: invalid regular expression: {exc}", container, key) from exc


def as_choice(value: Any, key: str, container: Any, where: Where, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise where.error(f"{key} must be one of {', '.join(choices)}, got {value!r}", container, key)
    return str(value)
