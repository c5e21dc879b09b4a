"""`interlock approvers list|add|remove`: edit the approvers file the gate hot-reloads.

Every write is validated as the gate would load it before it replaces the file, and the previous file
is kept as `approvers.yaml.bak`: a typo here must not lock the on-call out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from tui.commands.common import EXIT_OK, EXIT_USAGE, emit_json, fail
from tui.gate.approvers import ApproversError, fingerprint, load_approvers
from tui.locations import config_dir
from tui.safe_text import visible


def run(args: argparse.Namespace) -> int:
    path = config_dir() / "approvers.yaml"
    try:
        return {"list": _list, "add": _add, "remove": _remove}[args.approvers_command](args, path)
    except (ApproversError, OSError) as exc:
        return fail(str(exc), EXIT_USAGE)


def _entries(path: Path) -> list[dict[str, Any]]:
    load_approvers(path)  # refuse to edit a file the gate would refuse
    if not path.exists():
        return []
    return list(yaml.safe_load(path.read_text())["approvers"])


def _list(args: argparse.Namespace, path: Path) -> int:
    approvers = load_approvers(path)
    if args.json:
        emit_json(
            {
                "single_user": approvers.single_user,
                "file": str(path),
                "approvers": [
                    {
                        "name": a.name,
                        "roles": sorted(a.roles),
                        "users": sorted(a.users),
                        "keys": [fingerprint(k) for k in a.keys],
                    }
                    for a in approvers.people
                ],
            }
        )
        return EXIT_OK
    if approvers.single_user:
        sys.stdout.write(f"single-user mode: no {path}; the local user approves with every role\n")
    for person in approvers.people:
        keys = ", ".join(fingerprint(k) for k in person.keys) or "no keys"
        roles, users = ",".join(sorted(person.roles)), ",".join(sorted(person.users)) or "-"
        line = f"{person.name:<16} {roles:<24} users: {users}"
        sys.stdout.write(visible(f"{line}  {keys}") + "\n")
    return EXIT_OK


def _add(args: argparse.Namespace, path: Path) -> int:
    entries = [e for e in _entries(path) if e.get("name") != args.name]
    keys = [Path(f).read_text().strip() for f in args.keys]
    entries.append({"name": args.name, "roles": sorted(set(args.roles)), "users": args.users, "keys": keys})
    _write(path, entries)
    sys.stdout.write(f"added {args.name} ({', '.join(sorted(set(args.roles)))}) to {path}\n")
    return EXIT_OK


def _remove(args: argparse.Namespace, path: Path) -> int:
    entries = _entries(path)
    kept = [e for e in entries if e.get("name") != args.name]
    if len(kept) == len(entries):
        return fail(f"no approver named {args.name!r} in {path}", EXIT_USAGE)
    _write(path, kept)
    sys.stdout.write(f"removed {args.name} from {path}\n")
    return EXIT_OK


def _write(path: Path, entries: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_suffix(".yaml.new")
    draft.write_text(yaml.safe_dump({"approvers": entries}, sort_keys=False))
    os.chmod(draft, 0o600)
    load_approvers(draft)  # raises, naming the problem, before anything is replaced
    if path.exists():
        shutil.copy2(path, path.with_suffix(".yaml.bak"))
    os.replace(draft, path)
