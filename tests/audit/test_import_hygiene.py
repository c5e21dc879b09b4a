"""tui.audit is headless (STYLE.md), and loads keyring only when a key is actually needed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def loaded(code: str, names: tuple[str, ...]) -> list[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(m for m in {names!r} if m in sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    return list(json.loads(done.stdout))


@pytest.mark.parametrize(
    "module",
    ["tui.audit", "tui.audit.metrics", "tui.audit.render", "tui.audit.verify", "tui.commands.audit"],
)
def test_never_imports_ui_or_ssh(module: str) -> None:
    assert loaded(f"import {module}", ("textual", "asyncssh", "rich")) == []


def test_keyring_loads_only_when_a_key_is_needed() -> None:
    assert loaded("import tui.audit, tui.commands.audit", ("keyring", "keyrings")) == []
