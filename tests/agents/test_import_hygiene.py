"""The hook runs on every agent tool call: it may load only the standard library and Interlock's own
standard-library-only modules, and none of the heavy ones (asyncio, sqlite3, typing, dataclasses…)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.agents.conftest import AGENTS, SHELL_FIXTURE, by_command, judgement, payload

PROBE = """
import sys
startup = set(sys.modules)  # the interpreter's own start-up (site, .pth hooks): not ours
from tui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
sys.stderr.write("MODULES=" + __import__("json").dumps(sorted(set(sys.modules) - startup)) + "\\n")
"""
#: The hook's own modules: all of them, and of the adapters only the one for this agent.
HOOK_MODULES = {
    "tui.agents",
    "tui.agents.cli",
    "tui.agents.registry",
    "tui.agents.base",
    "tui.agents.actions",
    "tui.agents.hook",
    "tui.agents.verdicts",
    "tui.gate.client",
    "tui.gate.protocol",
}
#: Interlock modules that pull in the model, the store, the gate server, the policy or the UI.
FORBIDDEN = (
    "tui.model",
    "tui.store",
    "tui.gate.service",
    "tui.gate.server",
    "tui.gate.serve",
    "tui.policy",
    "tui.app",
    "tui.screens",
    "tui.widgets",
    "tui.ssh",
    "tui.audit",
    "tui.sdk",
    "tui.agents.install",
    "tui.agents.doctor",
)
HEAVY = {
    "asyncio",
    "sqlite3",
    "typing",
    "dataclasses",
    "inspect",
    "pathlib",
    "difflib",
    "hashlib",
    "textual",
    "rich",
    "asyncssh",
    "yaml",
    "platformdirs",
}


def loaded(agent: str, stdin: bytes, sock: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "hook", agent, "--socket", sock],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )
    line = next(line for line in done.stderr.decode().splitlines() if line.startswith("MODULES="))
    assert b'"allow"' in done.stdout or done.stdout == b"{}\n", done.stdout
    return set(json.loads(line.removeprefix("MODULES=")))


@pytest.mark.parametrize("agent", AGENTS)
def test_hook_path_loads_only_stdlib_and_light_interlock_modules(agent, judged_gate, project):
    gate = judged_gate(by_command({}, judgement("allowed")))
    modules = loaded(agent, payload(agent, SHELL_FIXTURE[agent], project), str(gate.socket))
    ours = {m for m in modules if m.split(".")[0] == "tui"}
    adapter = "tui.agents." + agent.replace("-", "_")
    agents_modules = {m for m in ours if m.startswith("tui.agents.")}
    assert agents_modules == {m for m in HOOK_MODULES if m.startswith("tui.agents.")} | {adapter}
    assert ours >= HOOK_MODULES
    assert [m for m in ours if m.startswith(FORBIDDEN)] == []
    third_party = {m.split(".")[0] for m in modules - ours} - set(sys.stdlib_module_names) - {"__main__"}
    assert third_party == set()
    assert {m.split(".")[0] for m in modules} & HEAVY == set()
