"""`interlock rules check|test|explain` through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.policy import shipped_rules_dir

RULES = str(shipped_rules_dir())


def interlock(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_check_and_test_pass_on_the_shipped_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "check", RULES]) == 0
    assert "rules in" in capsys.readouterr().out
    assert main(["rules", "test", RULES]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("examples: ") and last.endswith(" passed, 0 failed")


def test_check_reports_file_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.yaml").write_text("rules:\n  - id: r\n    match: {command: x}\n    scroe: 3\n")
    assert main(["rules", "check", str(tmp_path)]) == 2
    assert f"{tmp_path / 'x.yaml'}:4: rule r: unknown key 'scroe'" in capsys.readouterr().err


def test_test_fails_on_a_broken_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.yaml").write_text(
        "rules:\n  - id: r\n    match: {command: frob}\n    score: 3\n"
        "    examples:\n      match: [frob, 'ls -la']\n      no_match: [frob]\n"
        "  - id: bare\n    match: {command: zap}\n    score: 1\n"
    )
    assert main(["rules", "test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'x.yaml'}:6: rule r: did not match match example: 'ls -la'" in out
    assert f"{tmp_path / 'x.yaml'}:7: rule r: matched no_match example: 'frob'" in out
    assert "rule bare: rule has no `match` examples" in out
    assert out.strip().endswith("examples: 1 passed, 3 failed")


def test_explain_json_contract_through_the_console_script() -> None:
    done = interlock("rules", "explain", "--rules", RULES, "--json", "--", "sudo", "rm", "-rf", "/")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"score", "level", "verdict", "read_only", "environment", "reasons"} <= result.keys()
    assert (result["level"], result["verdict"]) == ("critical", "deny")
    assert all({"rule", "text"} <= r.keys() for r in result["reasons"])


def test_explain_text_env_kind_and_autonomy(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["rules", "explain", "--rules", RULES, "--env", "production", "--", "kubectl apply -f x"]) == 0
    )
    out = capsys.readouterr().out
    assert "verdict:     hold (at supervised)" in out and "environment: production" in out
    assert (
        main(
            [
                "rules",
                "explain",
                "--rules",
                RULES,
                "--kind",
                "sql",
                "--autonomy",
                "trusted",
                "--json",
                "--",
                "DELETE FROM t WHERE id = 1",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert (result["kind"], result["verdict"], result["autonomy"]) == ("sql", "allow", "trusted")


def test_explain_reads_one_object_or_json_lines_from_stdin() -> None:
    one = json.dumps({"kind": "shell", "command": "ls", "agent": {"id": "a"}})
    done = interlock("rules", "explain", "--rules", RULES, "--json", stdin=one)
    assert done.returncode == 0 and json.loads(done.stdout)["verdict"] == "allow"
    lines = "\n".join(json.dumps({"kind": "shell", "command": c}) for c in ("ls", "rm -rf /", "git push -f"))
    done = interlock("rules", "explain", "--rules", RULES, "--json", stdin=lines)
    verdicts = [json.loads(line)["verdict"] for line in done.stdout.splitlines()]
    assert verdicts == ["allow", "deny", "hold"]


@pytest.mark.parametrize("stdin", ["", "not json", '{"kind": "shell"}', "[1, 2]"])
def test_explain_bad_input_exits_2(stdin: str) -> None:
    done = interlock("rules", "explain", "--rules", RULES, stdin=stdin)
    assert done.returncode == 2 and done.stderr.startswith("interlock rules explain:")
