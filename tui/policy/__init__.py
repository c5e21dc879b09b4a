"""The policy engine (headless): rules from YAML, actions parsed into units, risk, verdicts, reload.

Names load on first use (PEP 562), so `import tui.policy` costs almost nothing; the YAML loader,
tree-sitter and sqlglot load only when a policy is loaded or an action is parsed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.policy.engine import Evaluation, Policy
    from tui.policy.errors import PolicyError
    from tui.policy.loader import default_rules_dirs, load_policy, shipped_rules_dir

__all__ = ["Evaluation", "Policy", "PolicyError", "default_rules_dirs", "load_policy", "shipped_rules_dir"]
_HOME = {"Evaluation": "engine", "Policy": "engine", "PolicyError": "errors", "default_rules_dirs": "loader",
         "load_policy": "loader", "shipped_rules_dir": "loader"}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"tui.policy.{_HOME[name]}"), name)
    raise AttributeError(f"module 'tui.policy' has no attribute {name!r}")
