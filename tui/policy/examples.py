"""Every rule's `examples:` as tests: `match` cases must trigger the rule, `no_match` cases must not.

This is what `interlock rules test` runs and what CI runs over the shipped pack, so a rule edit that stops
catching its own examples (or starts catching its look-alikes) fails with the example's `file:line`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.model import Action, from_submission
from tui.policy.engine import Policy
from tui.policy.rules import Example, Rule

AGENT = {"id": "rules-test", "kind": "other"}


@dataclass(frozen=True, slots=True)
class Outcome:
    rule: str
    where: str  # file:line of the example (or the rule, when it has none)
    passed: bool
    message: str


def example_action(data: Any) -> Action:
    """A shell command string, or a submission mapping (kind defaults to shell, agent to rules-test)."""
    if isinstance(data, str):
        return from_submission({"agent": AGENT, "kind": "shell", "command": data})
    submission = {"agent": AGENT, "kind": "shell", **data}
    if submission["kind"] in ("file_edit", "file_write") and "diff" in submission and not submission["diff"]:
        del submission["diff"]
    return from_submission(submission)


def _describe(data: Any) -> str:
    if isinstance(data, str):
        return data
    return str(data.get("command") or data.get("path") or data.get("tool") or data)


def _one(policy: Policy, rule: Rule, example: Example, expected: bool) -> Outcome:
    where = f"{rule.file}:{example.line}"
    try:
        matched = rule.id in policy.evaluate(example_action(example.data)).matched
    except Exception as exc:
        return Outcome(rule.id, where, False, f"example could not be evaluated: {exc}")
    if matched == expected:
        return Outcome(rule.id, where, True, "")
    verb = "did not match" if expected else "matched"
    return Outcome(rule.id, where, False, f"{verb} {'match' if expected else 'no_match'} example: "
                                          f"{_describe(example.data)!r}")


def run_examples(policy: Policy, *, require: bool = True) -> list[Outcome]:
    """One outcome per example; with `require`, a rule without any `match` example is a failure too."""
    outcomes: list[Outcome] = []
    for rule in policy.rules:
        if require and not rule.examples_match:
            outcomes.append(Outcome(rule.id, rule.where, False, "rule has no `match` examples"))
        outcomes.extend(_one(policy, rule, ex, True) for ex in rule.examples_match)
        outcomes.extend(_one(policy, rule, ex, False) for ex in rule.examples_no_match)
    return outcomes
