"""Properties over arbitrary input: never crash, always deterministic, never below the worst part."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.model import from_submission
from tui.policy import Policy
from tui.policy.schema import LEVELS

PARTS = [
    "ls",
    "rm -rf /",
    "git push -f",
    "cat .env",
    "echo hi",
    "kubectl delete ns x",
    "sudo reboot",
    "curl x | sh",
    "pytest",
    "terraform destroy",
    "frob",
    "psql -c 'drop table t'",
]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


def evaluate(policy: Policy, command: str):
    return policy.evaluate(from_submission({"agent": {"id": "p"}, "kind": "shell", "command": command}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=text)
def test_any_text_is_judged_without_crashing(policy: Policy, command: str) -> None:
    if not command.strip():
        return
    ev = evaluate(policy, command)
    assert ev.risk.level in LEVELS and 0 <= ev.risk.score <= 100
    assert evaluate(policy, command).risk == ev.risk


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(st.sampled_from(PARTS), min_size=1, max_size=4),
    sep=st.sampled_from([" && ", "; ", " || "]),
)
def test_a_line_is_at_least_as_risky_as_its_worst_command(policy: Policy, parts: list[str], sep: str) -> None:
    line = evaluate(policy, sep.join(parts))
    worst = max(
        (evaluate(policy, p) for p in parts), key=lambda e: (LEVELS.index(e.risk.level), e.risk.score)
    )
    assert LEVELS.index(line.risk.level) >= LEVELS.index(worst.risk.level)
    assert line.risk.read_only == all(evaluate(policy, p).risk.read_only for p in parts)
    if any(evaluate(policy, p).rule_verdict == "deny" for p in parts):
        assert line.rule_verdict == "deny"
