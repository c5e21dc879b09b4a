"""`interlock install|uninstall AGENT [--scope S]`: merge Interlock's hook into an agent's settings.

Idempotent and conservative: other hooks and settings are kept, our own earlier entries are replaced
rather than duplicated, a file we cannot parse is left alone, the previous file is backed up next to it,
and the change is printed as a diff. Our entries are recognised by their command (`… hook AGENT`).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shlex
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from tui.agents.base import InstallSpec

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tui.agents.base import Adapter

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
Entry = tuple[str, str | None, dict[str, Any]]  # (event, matcher, handler)


class SettingsError(Exception):
    """The settings file is not something we can safely edit; the message says why and where."""


def run(adapter: Adapter, args: argparse.Namespace) -> int:
    try:
        path = settings_path(adapter.install, args.scope)
        before = load(path)
        if args.command == "install":
            after = merged(before, adapter, hook_command(adapter.name, args), args.timeout)
        else:
            after = stripped(before, adapter.name)
    except SettingsError as exc:
        sys.stderr.write(f"interlock: {exc}\n")
        return EXIT_USAGE
    verb = "installed in" if args.command == "install" else "removed from"
    if after == before:
        state = "already installed in" if args.command == "install" else "not installed in"
        sys.stdout.write(f"interlock: {adapter.name} hook {state} {path}; nothing changed\n")
        return EXIT_OK
    backup = save(path, after)
    sys.stdout.write(f"interlock: {adapter.name} hook {verb} {path} (scope {args.scope})\n")
    if backup:
        sys.stdout.write(f"interlock: previous file backed up to {backup}\n")
    sys.stdout.write(diff(before, after, path))
    if args.command == "install" and adapter.install.note:
        sys.stdout.write(f"interlock: {adapter.install.note}\n")
    return EXIT_OK


def settings_path(spec: InstallSpec, scope: str) -> Path:
    if scope not in spec.paths:
        raise SettingsError(f"scope {scope!r} is not supported here; use one of {', '.join(spec.paths)}")
    where = spec.paths[scope]
    return Path.home() / where[2:] if where.startswith("~/") else Path.cwd() / where


def hook_command(agent: str, args: argparse.Namespace) -> str:
    """The command the agent runs: absolute, so it works whatever PATH the agent has."""
    beside = Path(sys.executable).parent / "interlock"
    found = str(beside) if beside.exists() else shutil.which("interlock")
    argv = [found] if found else [sys.executable, "-m", "tui.cli"]
    argv += ["hook", agent, "--timeout", f"{args.timeout:g}"]
    socket = args.socket or os.environ.get("INTERLOCK_SOCKET")
    if socket:
        argv += ["--socket", str(Path(socket).absolute())]
    return shlex.join(argv)


def is_ours(handler: object, agent: str) -> bool:
    command = handler.get("command") if isinstance(handler, dict) else None
    return (
        isinstance(command, str)
        and ("interlock" in command or "tui.cli" in command)
        and re.search(rf"\bhook {re.escape(agent)}(\s|$)", command) is not None
    )


def merged(data: dict[str, Any], adapter: Adapter, command: str, timeout_s: float) -> dict[str, Any]:
    spec = adapter.install
    handler: dict[str, Any] = {
        "command": command,
        "timeout": round(timeout_s / spec.timeout_unit_s),
        **spec.handler,
    }
    if spec.grouped:
        handler = {"type": "command", **handler}
    wanted: list[Entry] = [(event, matcher, handler) for event, matcher in spec.events]
    if _canonical(ours(data, adapter)) == _canonical(wanted):
        return data
    out = stripped(data, adapter.name)
    for key, value in spec.top.items():
        out.setdefault(key, value)
    hooks = out.setdefault("hooks", {})
    for event, matcher, one in wanted:
        match = {} if matcher is None else {"matcher": matcher}
        hooks.setdefault(event, []).append({**match, "hooks": [one]} if spec.grouped else {**one, **match})
    return out


def _canonical(entries: list[Entry]) -> list[str]:
    return sorted(json.dumps(entry, sort_keys=True) for entry in entries)


def ours(data: dict[str, Any], adapter: Adapter) -> list[Entry]:
    found: list[Entry] = []
    for event, entries in (data.get("hooks") or {}).items():
        for entry in entries if isinstance(entries, list) else []:
            if adapter.install.grouped and isinstance(entry, dict):
                found += [
                    (event, entry.get("matcher"), h)
                    for h in entry.get("hooks") or []
                    if is_ours(h, adapter.name)
                ]
            elif is_ours(entry, adapter.name):
                handler = {k: v for k, v in entry.items() if k != "matcher"}
                found.append((event, entry.get("matcher"), handler))
    return found


def stripped(data: dict[str, Any], agent: str) -> dict[str, Any]:
    """A copy without our entries; groups and events we emptied go too, anything else stays."""
    out = copy.deepcopy(data)
    hooks = out.get("hooks")
    if not isinstance(hooks, dict):
        return out
    for event in list(hooks):
        entries = hooks[event]
        if not isinstance(entries, list):
            continue
        kept = []
        for entry in entries:
            if is_ours(entry, agent):
                continue
            inner = entry.get("hooks") if isinstance(entry, dict) else None
            if isinstance(inner, list) and any(is_ours(h, agent) for h in inner):
                entry["hooks"] = [h for h in inner if not is_ours(h, agent)]
                if not entry["hooks"]:
                    continue
            kept.append(entry)
        if kept or not entries:
            hooks[event] = kept
        else:
            del hooks[event]
    return out


def load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"{path}:{exc.lineno}: not plain JSON ({exc.msg}); fix or move it, nothing was changed"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("hooks", {}), dict):
        raise SettingsError(f"{path}: expected a JSON object with an object 'hooks'; nothing was changed")
    return data


def save(path: Path, data: dict[str, Any]) -> Path | None:
    """Write atomically, keeping the file's mode; back up the old file first. Returns the backup."""
    backup = None
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        backup = path.with_name(f"{path.name}.interlock-{time.strftime('%Y%m%dT%H%M%S')}.bak")
        shutil.copy2(path, backup)
    temp = path.with_name(f".{path.name}.interlock-tmp")
    temp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if backup:
        shutil.copymode(backup, temp)
    os.replace(temp, path)
    return backup


def diff(before: dict[str, Any], after: dict[str, Any], path: Path) -> str:
    import difflib

    old = (json.dumps(before, indent=2) + "\n").splitlines(keepends=True) if before else []
    new = (json.dumps(after, indent=2) + "\n").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, f"{path} (before)", f"{path} (after)"))
