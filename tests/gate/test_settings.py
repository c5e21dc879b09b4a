"""settings.yaml: every value the gate runs on is checked when it is read, with the file and key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import ConfigError, load_settings


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ttl_s: .inf\n", "ttl_s must be a non-negative float up to 31622400 (a year), got inf"),
        ("ttl_s: 1e300\n", "ttl_s must be a non-negative float up to 31622400 (a year)"),
        ("halt_grace_s: .nan\n", "halt_grace_s must be a non-negative float"),
        ("ttl_s: 0\n", "ttl_s must be positive"),
        ("incident_level: trusted\n", "incident_level must be one of halt, observe"),
        ("breaker_clamp: autonomous\n", "breaker_clamp must be one of halt, observe, supervised"),
        ("default_autonomy: yolo\n", "default_autonomy must be one of halt, observe"),
        ("tll_s: 60\n", "unknown setting 'tll_s'"),
    ],
)
def test_values_the_gate_cannot_run_on_are_refused_at_load(tmp_path: Path, text: str, message: str) -> None:
    """Found by probing: ttl_s .inf started a gate on which every held submission was an internal error,
    and incident_level trusted left the incident key refusing at the moment it is needed."""
    path = tmp_path / "settings.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)


def test_a_settings_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_bytes(b"ttl_s: 60\n# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"settings\.yaml: 'utf-8' codec can't decode"):
        load_settings(path)


def test_sane_values_load(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("ttl_s: 120\nincident_level: observe\nbreaker_clamp: supervised\n")
    settings = load_settings(path)
    assert settings.ttl_s == 120.0
    assert (settings.incident_level, settings.breaker_clamp) == ("observe", "supervised")
