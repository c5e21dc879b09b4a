"""Loading a policy: rule files and directories, `extends:`, merging, and one error per problem.

`load_policy` is what the gate calls at start (a PolicyError means: refuse to start) and on every reload
(a PolicyError means: keep the last good policy). A file that extends another overrides that file's rules
of the same id; two unrelated files defining one id is an error naming both places.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tui.policy.engine import Policy
from tui.policy.errors import PolicyError
from tui.policy.rules import Rule, build_rule
from tui.policy.schema import FILE_KEYS, Where, check_keys
from tui.policy.settings import Settings, build_settings
from tui.policy.yamlsrc import LDict, line_of, load_yaml

SUFFIXES = (".yaml", ".yml")


def shipped_rules_dir() -> Path:
    """The repo's `rules/` in a source checkout, else the copy the wheel ships as `tui/_rules`."""
    package = Path(__file__).resolve().parent.parent
    source = package.parent / "rules"
    if source.is_dir() and (package.parent / "pyproject.toml").is_file():
        return source
    return package / "_rules"


def default_rules_dirs() -> list[Path]:
    """The shipped pack plus the user's rules dir (`$INTERLOCK_CONFIG_DIR/rules`) when it has rules."""
    from tui.locations import config_dir

    dirs = [shipped_rules_dir()]
    user = config_dir() / "rules"
    if user.is_dir() and any(p.suffix in SUFFIXES for p in user.iterdir()):
        dirs.append(user)
    return dirs


def rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("."))
    if path.is_file():
        return [path]
    raise PolicyError("no such file or directory", path)


class _Doc:
    def __init__(self, path: Path, data: LDict) -> None:
        self.path = path
        self.data = data
        self.extends: set[Path] = set()  # every file this one builds on, transitively


def _read(path: Path, docs: dict[Path, _Doc], stack: tuple[Path, ...] = ()) -> _Doc:
    path = path.resolve()
    if path in docs:
        return docs[path]
    if path in stack:
        raise PolicyError("extends itself (a cycle)", path)
    data = load_yaml(path)
    if data is None:
        data = LDict()
        data.line, data.lines = 1, {}
    where = Where(path)
    check_keys(data, FILE_KEYS, "rule file", where)
    doc = _Doc(path, data)
    for target in _extends(data, path, where):
        for file in rule_files(target):
            parent = _read(file, docs, (*stack, path))
            doc.extends |= {parent.path, *parent.extends}
    docs[path] = doc
    return doc


def _extends(data: LDict, path: Path, where: Where) -> list[Path]:
    value = data.get("extends")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, str) or not item:
            raise where.error("extends must be `default` or paths", data, "extends")
        target = shipped_rules_dir() if item == "default" else (path.parent / item)
        if not target.exists():
            raise PolicyError(f"extends {item!r}: no such file or directory", path, line_of(data, "extends"))
        out.append(target)
    return out


def load_policy(paths: Sequence[Path | str] | Path | str) -> Policy:
    """Load, validate and compile a policy; raises PolicyError (`file:line: rule ID: problem`)."""
    roots = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    docs: dict[Path, _Doc] = {}
    for root in roots:
        for file in rule_files(root):
            _read(file, docs)
    if not docs:
        raise PolicyError("no rule files (*.yaml) found", ", ".join(str(r) for r in roots))
    ordered = sorted(docs.values(), key=lambda d: str(d.path))
    settings, settings_data = _settings(ordered)
    rules = _rules(ordered, settings)
    digest = hashlib.sha256(json.dumps(
        {"settings": settings_data, "rules": sorted(r.digest for r in rules.values())}, sort_keys=True,
        default=str).encode()).hexdigest()
    return Policy(tuple(rules[k] for k in sorted(rules)), settings, digest, [d.path for d in ordered])


def _settings(docs: Iterable[_Doc]) -> tuple[Settings, dict[str, Any]]:
    merged: dict[str, Any] = {}
    owner: dict[str, _Doc] = {}
    for doc in docs:
        block = doc.data.get("settings")
        if block is None:
            continue
        if not isinstance(block, dict):
            raise PolicyError("settings must be a mapping", doc.path, line_of(doc.data, "settings"))
        for key, value in block.items():
            previous = owner.get(key)
            if previous is None or previous.path in doc.extends:
                merged[key], owner[key] = value, doc
            elif doc.path not in previous.extends:
                raise PolicyError(f"settings.{key} is also set at {previous.path}:"
                                  f"{line_of(previous.data['settings'], key)}", doc.path, line_of(block, key))
    sources = {key: Where(doc.path) for key, doc in owner.items()}
    first = next(iter(owner.values()), None)
    default = Where(first.path if first else Path("<settings>"))
    return build_settings(merged, sources, default), merged


def _rules(docs: Iterable[_Doc], settings: Settings) -> dict[str, Rule]:
    found: dict[str, tuple[_Doc, Rule | None, int]] = {}
    for doc in docs:
        items = doc.data.get("rules") or []
        if not isinstance(items, list):
            raise PolicyError("rules must be a list", doc.path, line_of(doc.data, "rules"))
        for index, item in enumerate(items):
            line = line_of(items, index)
            rule = build_rule(item, doc.path, line, settings.roles)
            rule_id = item["id"]
            previous = found.get(rule_id)
            if previous is not None and previous[0].path not in doc.extends:
                if doc.path in previous[0].extends:
                    continue  # the earlier file extends this one: it wins
                raise PolicyError(f"duplicate rule id (also at {previous[0].path}:{previous[2]})", doc.path,
                                  line, rule_id)
            found[rule_id] = (doc, rule, line)
    return {rule_id: rule for rule_id, (_, rule, _) in found.items() if rule is not None}
