"""The submit path runs on every agent tool call: it may import only the standard library.

And the headless packages never import the UI or SSH libraries (STYLE.md).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import GateProcess, action_json

PROBE = """
import sys
startup = set(sys.modules)  # what the interpreter itself loaded (site, .pth hooks): not ours
import json
from tui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
mods = sorted({name.split('.')[0] for name in set(sys.modules) - startup})
sys.__stderr__.write('MODULES=' + json.dumps(mods) + '\\n')
"""


def third_party_modules(args: list[str], env: dict[str, str], stdin: str = "") -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], input=stdin, env=env, capture_output=True, text=True, timeout=60
    )
    line = next(line for line in done.stderr.splitlines() if line.startswith("MODULES="))
    loaded = json.loads(line.removeprefix("MODULES="))
    return [
        name for name in loaded if name not in sys.stdlib_module_names and name not in ("tui", "__main__")
    ]


def test_submit_imports_only_the_standard_library(gate: GateProcess) -> None:
    assert third_party_modules(["submit", "--no-wait"], gate.env, action_json("ls")) == []


def test_exec_imports_only_the_standard_library(gate: GateProcess) -> None:
    assert third_party_modules(["exec", "--timeout", "0", "--", "true"], gate.env) == []


@pytest.mark.parametrize("package", ["tui.gate.serve", "tui.store", "tui.model", "tui.gate.service"])
def test_headless_packages_never_import_ui_or_ssh(package: str) -> None:
    ui = ("textual", "asyncssh", "rich")
    code = f"import sys, {package}; print(sorted(m for m in {ui!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"
