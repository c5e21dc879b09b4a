"""The gate with the shipped policy: real verdicts, refusal to start on a bad policy, hot reload."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import GateProcess, shell_action
from tests.gate.test_controls_cli import wait_for_event


def test_shipped_policy_allows_routine_work_and_holds_or_denies_danger(gate_factory) -> None:
    gate = gate_factory(rules=None).start()
    with gate.client() as agent:
        routine = agent.submit(shell_action("git status"))
        wipe = agent.submit(shell_action("rm -rf /"))
        prod = agent.submit(shell_action("kubectl --context prod-eu delete namespace payments"))
    assert routine["status"] == "allowed" and routine["risk"]["level"] == "low"
    assert wipe["status"] in ("pending", "denied") and wipe["risk"]["level"] == "critical"
    assert prod["status"] == "pending" and prod["risk"]["level"] in ("high", "critical")
    assert prod["requirement"]["role"] == "senior"


def test_the_environment_the_policy_judged_is_stored_and_shown(gate_factory) -> None:
    """An agent's `target.environment` is a claim: the action records where the policy says it reaches,
    and `interlock show` says where that came from."""
    gate = gate_factory(rules=None).start()
    with gate.client() as agent:
        silent = agent.submit(shell_action("kubectl --context prod-eu delete pod api-1"))
        claims_dev = agent.submit(
            shell_action("kubectl --context prod-eu delete pod api-2", target={"environment": "dev"})
        )
        plain = agent.submit(shell_action("git status"))
    assert silent["target"]["environment"] == "" and silent["risk"]["environment"] == "production"
    assert claims_dev["target"]["environment"] == "dev" and claims_dev["risk"]["environment"] == "production"
    assert plain["risk"]["environment"] == ""
    shown = gate.cli("show", silent["id"]).stdout
    assert "env production (inferred)" in shown
    assert "env production (declared dev)" in gate.cli("show", claims_dev["id"]).stdout


def test_gate_refuses_to_start_on_an_invalid_policy(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text("rules:\n  - id: no-match-here\n    scroe: 10\n")
    gate = GateProcess(tmp_path, rules=rules)
    done = gate.cli(*gate.serve_args()[3:])
    assert done.returncode == 2
    assert "refusing to start without a valid policy" in done.stderr and "bad.yaml:" in done.stderr


def test_policy_hot_reload_through_the_gate(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).parents[1] / "data" / "rules-hold", rules)
    gate = GateProcess(tmp_path, rules=rules).start()
    try:
        with gate.client() as agent:
            assert agent.submit(shell_action("ls"))["status"] == "pending"
        loaded = json.loads(gate.cli("status", "--json").stdout)["gate"]["policy"]
        assert loaded["files"] == [str(rules / "hold.yaml")] and loaded["rules"] == 1
        policy = rules / "hold.yaml"
        broken = wait_for_event(gate, "policy", lambda: policy.write_text("rules: [{id: x, nonsense: 1}]\n"))
        assert broken["ok"] is False and "hold.yaml:" in str(broken["error"])
        status = json.loads(gate.cli("status", "--json").stdout)["gate"]["policy"]
        assert status["loaded"] is True and "hold.yaml" in status["error"]
        with gate.client() as agent:  # the last good policy still holds everything
            assert agent.submit(shell_action("ls -la"))["status"] == "pending"
        text = (Path(__file__).parents[1] / "data" / "rules-hold" / "hold.yaml").read_text()
        relaxed = text.replace("score: 40", "score: 0").replace("level: medium", "level: low")
        fixed = wait_for_event(gate, "policy", lambda: policy.write_text(relaxed))
        assert fixed["ok"] is True and fixed["changed"] == ["test-everything-medium"]
        reloaded = json.loads(gate.cli("status", "--json").stdout)["gate"]["policy"]
        assert reloaded["loaded_at"] > loaded["loaded_at"] and reloaded["error"] == ""
        with gate.client() as agent:
            assert agent.submit(shell_action("ls -l"))["status"] == "allowed"
    finally:
        gate.stop()
