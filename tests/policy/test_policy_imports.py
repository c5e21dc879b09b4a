"""tui.policy is headless: importing and using it never loads textual or asyncssh (STYLE.md)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
before = set(sys.modules)
import tui.policy
cheap = sorted(m for m in ('yaml', 'tree_sitter', 'sqlglot', 'unidiff', 'watchfiles') if m in sys.modules)
from tui.model import from_submission
from tui.policy import load_policy, shipped_rules_dir
from tui.policy.reload import watch_policy
from tui.policy.cli import run
policy = load_policy([shipped_rules_dir()])
for command in ('ls', 'ls | wc -l', 'ls | wc -l > n', 'psql -c "drop table x"', 'curl -X DELETE https://x.example'):
    policy.evaluate(from_submission({'agent': {'id': 'a'}, 'kind': 'shell', 'command': command}))
policy.evaluate(from_submission({'agent': {'id': 'a'}, 'kind': 'file_edit', 'path': 'x', 'diff': '+a'}))
loaded = sorted({m.split('.')[0] for m in set(sys.modules) - before})
print(json.dumps({'cheap': cheap, 'loaded': loaded}))
"""


def test_policy_never_imports_ui_or_ssh_and_imports_parsers_lazily() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["cheap"] == []  # `import tui.policy` alone loads no parser or YAML library
    assert not {"textual", "asyncssh", "rich"} & set(result["loaded"])
    assert {"yaml", "tree_sitter", "sqlglot", "unidiff"} <= set(result["loaded"])
