"""Loading rule files: every mistake is a PolicyError naming file:line and rule id; extends and hashes."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tui.model import from_submission
from tui.policy import PolicyError, load_policy, shipped_rules_dir
from tui.policy.loader import default_rules_dirs

GOOD = """\
rules:
  - id: no-frob
    reason: frob is forbidden
    match: {command: frob}
    verdict: deny
    examples:
      match: ["frob x"]
      no_match: ["ls"]
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def error_of(directory: Path) -> str:
    with pytest.raises(PolicyError) as info:
        load_policy([directory])
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "rules:\n  - id: a-rule\n    reason: r\n    mach: {command: x}\n    score: 1\n",
            4,
            "rule a-rule: unknown key 'mach' in rule (did you mean 'match'?)",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {comand: x}\n    score: 1\n",
            4,
            "rule a-rule: unknown key 'comand' in match block (did you mean 'command'?)",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {command: x}\n    score: 1000\n",
            5,
            "rule a-rule: score must be an integer from -100 to 100",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {command: x}\n    level: severe\n",
            5,
            "rule a-rule: level must be one of low, medium, high, critical",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {text: '(['}\n    score: 1\n",
            4,
            "rule a-rule: text: invalid regular expression",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {paths: [lava]}\n    score: 1\n",
            4,
            "rule a-rule: paths must be among",
        ),
        ("rules:\n  - id: A_Rule\n    reason: r\n    match: {command: x}\n    score: 1\n", 2, "kebab-case"),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {command: x}\n",
            2,
            "rule a-rule: rule has no effect",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {command: x, sql: drop}\n    score: 1\n",
            4,
            "mixes conditions",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {command: x}\n    score: 1\n    score: 2\n",
            6,
            "duplicate key 'score'",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {command: x}\n    read_only: true\n"
            "    unless: {known: false}\n",
            5,
            "cannot also match on read_only or known",
        ),
        (
            "rules:\n  - id: a-rule\n    reason: r\n    match: {command: x}\n    require: {role: boss}\n"
            "    score: 1\n",
            5,
            "role must be one of approver, senior",
        ),
        ("settings:\n  levels: {medium: 50, high: 40, critical: 90}\n", 2, "levels must rise"),
        ("rules: [\n", 2, "invalid YAML"),
        ("rulez: []\n", 1, "unknown key 'rulez' in rule file (did you mean 'rules'?)"),
    ],
)
def test_errors_name_file_line_and_rule(tmp_path: Path, text: str, line: int, message: str) -> None:
    write(tmp_path, "bad.yaml", text)
    error = error_of(tmp_path)
    assert error.startswith(f"{tmp_path / 'bad.yaml'}:{line}:"), error
    assert message in error


def test_duplicate_ids_across_unrelated_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD)
    error = error_of(tmp_path)
    assert "rule no-frob: duplicate rule id (also at" in error and "a.yaml:2" in error


def test_missing_or_empty_directories_refuse_to_load(tmp_path: Path) -> None:
    assert "no rule files" in error_of(tmp_path)
    assert "no such file or directory" in error_of(tmp_path / "missing")


def test_extends_default_and_overrides(tmp_path: Path) -> None:
    write(
        tmp_path,
        "local.yaml",
        """\
        extends: default
        rules:
          - id: unknown-command
            reason: unknown is high here
            match: {known: false}
            score: 70
            examples: {match: ["frob"]}
          - id: git-read
            enabled: false
            match: {command: git}
            read_only: true
        """,
    )
    policy = load_policy([tmp_path])
    shipped = load_policy([shipped_rules_dir()])
    assert "git-read" not in policy.rule_ids and "sql-drop" in policy.rule_ids
    assert policy.hash != shipped.hash
    frob = from_submission({"agent": {"id": "a"}, "kind": "shell", "command": "frob"})
    assert policy.evaluate(frob).risk.level == "high"
    assert shipped.evaluate(frob).risk.level == "medium"


def test_settings_defaults_when_no_file_sets_them(tmp_path: Path) -> None:
    write(tmp_path, "only.yaml", GOOD)
    policy = load_policy([tmp_path])
    ev = policy.evaluate(from_submission({"agent": {"id": "a"}, "kind": "shell", "command": "frob now"}))
    assert ev.rule_verdict == "deny" and policy.settings.thresholds == {
        "medium": 30,
        "high": 60,
        "critical": 85,
    }


def test_hash_is_stable_and_ignores_formatting_but_not_content(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", GOOD)
    one = load_policy([tmp_path]).hash
    assert load_policy([tmp_path]).hash == one
    first.write_text("# a comment\n" + GOOD.replace("rules:\n", "rules:\n\n"))
    assert load_policy([tmp_path]).hash == one
    first.write_text(GOOD.replace("frob is forbidden", "frob is banned"))
    assert load_policy([tmp_path]).hash != one


def test_file_order_does_not_change_results(tmp_path: Path) -> None:
    shipped = sorted(shipped_rules_dir().glob("*.yaml"))
    mirrored = tmp_path / "mirrored"
    mirrored.mkdir()
    for index, path in enumerate(reversed(shipped)):
        (mirrored / f"{index:02d}-{path.name}").write_text(path.read_text())
    a, b = load_policy([shipped_rules_dir()]), load_policy([mirrored])
    assert a.hash == b.hash
    for command in ("sudo rm -rf /", "git push -f", "ls", "kubectl --context prod apply -f x"):
        action = from_submission({"agent": {"id": "a"}, "kind": "shell", "command": command})
        assert a.evaluate(action).risk == b.evaluate(action).risk


def test_default_rules_dirs_adds_user_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERLOCK_CONFIG_DIR", str(tmp_path))
    assert default_rules_dirs() == [shipped_rules_dir()]
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules", "mine.yaml", GOOD)
    assert default_rules_dirs() == [shipped_rules_dir(), tmp_path / "rules"]
    assert "no-frob" in load_policy(default_rules_dirs()).rule_ids


def test_the_source_checkout_uses_the_repo_rules() -> None:
    assert shipped_rules_dir() == Path(__file__).resolve().parents[2] / "rules"
