"""Determinism across processes: the same action and policy give the same score, level, verdict and
reasons whatever PYTHONHASHSEED is (set iteration order must never leak into results)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CORPORA = [Path(__file__).parents[1] / "data" / name for name in ("actions.jsonl", "holdout.jsonl")]

SCRIPT = """
import json, sys
from tui.model import from_submission
from tui.policy import default_rules_dirs, load_policy
policy = load_policy(default_rules_dirs())
for path in sys.argv[1:]:
    for line in open(path):
        action = from_submission(json.loads(line)["action"], now=0.0)
        ev = policy.evaluate(action)
        print(ev.risk.score, ev.risk.level, ev.rule_verdict, [(r.rule, r.text) for r in ev.risk.reasons])
"""


def run_with_seed(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", SCRIPT, *map(str, CORPORA)], env=env, capture_output=True,
                          text=True, timeout=600, check=True)
    return done.stdout


def test_every_corpus_action_judges_the_same_under_different_hash_seeds() -> None:
    first, second = run_with_seed("1"), run_with_seed("2")
    assert len(first.splitlines()) == 878
    assert first == second
