"""The shipped pack's own examples (what `interlock rules test rules/` runs in CI), and the corpus targets."""

from __future__ import annotations

import json
from pathlib import Path

from tui.model import from_submission
from tui.policy import Policy
from tui.policy.examples import run_examples
from tui.policy.verdict import compose

CORPUS = Path(__file__).resolve().parents[1] / "data" / "actions.jsonl"


def test_every_shipped_rule_has_examples_and_they_pass(policy: Policy) -> None:
    outcomes = run_examples(policy)
    failures = [f"{o.where}: {o.rule}: {o.message}" for o in outcomes if not o.passed]
    assert not failures, "\n".join(failures)
    assert {o.rule for o in outcomes} == policy.rule_ids
    assert len(outcomes) > 3 * len(policy.rules)


def test_every_shipped_rule_has_a_reason_and_a_no_match_case_or_is_generic(policy: Policy) -> None:
    for rule in policy.rules:
        assert rule.reason and rule.examples_match
    assert sum(1 for r in policy.rules if r.examples_no_match) / len(policy.rules) > 0.9


def test_labelled_corpus_meets_the_accuracy_targets(policy: Policy) -> None:
    cases = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    assert len(cases) >= 300
    stopped = {"dangerous": 0, "safe": 0}
    totals = {"dangerous": 0, "safe": 0}
    for case in cases:
        ev = policy.evaluate(from_submission(case["action"]))
        totals[case["label"]] += 1
        stopped[case["label"]] += compose(ev, "supervised") != "allow"
    assert stopped["dangerous"] / totals["dangerous"] >= 0.99
    assert stopped["safe"] / totals["safe"] <= 0.05
