"""Shared fixtures: the shipped policy (loaded once) and a helper that judges one submission."""

from __future__ import annotations

from typing import Any

import pytest

from tui.model import from_submission
from tui.policy import Evaluation, Policy, load_policy, shipped_rules_dir


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy([shipped_rules_dir()])


def submission(command: str | None = None, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"agent": {"id": "test-agent", "kind": "claude-code"}, "kind": "shell", **fields}
    if command is not None:
        data["command"] = command
    return data


@pytest.fixture
def judge(policy: Policy):
    def run(command: str | None = None, **fields: Any) -> Evaluation:
        return policy.evaluate(from_submission(submission(command, **fields)))

    return run
