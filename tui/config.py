"""The gate's typed settings: `settings.yaml` in the config dir (or --config FILE), then INTERLOCK_* env.

Unknown keys and wrong types are refused with the file and key named: a misspelt `breaker_rejections`
silently ignored would leave a runaway agent unclamped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from tui.statuses import AUTONOMY_LEVELS, MAX_SECONDS


class ConfigError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    ttl_s: float = 600.0
    """How long a held action waits for a human before it expires (a denial)."""
    default_autonomy: str = "supervised"
    rate_per_min: int = 120
    """Actions per minute one agent may submit before the rest are held with reason "rate limit"."""
    breaker_rejections: int = 3
    """This many rejections of one agent within `breaker_window_s` clamp it (0 turns this off)."""
    breaker_criticals: int = 3
    """This many critical actions from one agent within `breaker_window_s` clamp it (0: off)."""
    breaker_window_s: float = 600.0
    breaker_clamp: str = "observe"
    incident_level: str = "halt"
    """Where `interlock incident start` clamps every agent: `observe` or `halt`."""
    halt_grace_s: float = 5.0
    """A halted `interlock exec` child gets SIGTERM, then SIGKILL after this many seconds."""
    allow_self_approval: bool = False
    """With an approvers file, may a person approve an action their own OS user's agent submitted?"""
    ssh_max_sessions: int = 32
    ssh_idle_timeout_s: float = 900.0
    """An interactive SSH session with no keystroke for this long is closed (0: never)."""
    ssh_max_auth_failures: int = 5
    """Failed logins one address may make per minute before its connections are refused."""


_ENV = {"ttl_s": "INTERLOCK_TTL", "default_autonomy": "INTERLOCK_DEFAULT_AUTONOMY"}


def load_settings(path: Path | None = None) -> Settings:
    """Defaults, then the file (if present, or if named explicitly it must exist), then environment."""
    from tui.locations import config_dir

    explicit = path is not None
    path = path or config_dir() / "settings.yaml"
    values: dict[str, Any] = {}
    if path.exists():
        values = _read(path)
    elif explicit:
        raise ConfigError(f"{path}: no such settings file")
    for name, var in _ENV.items():
        if var in os.environ:
            values[name] = os.environ[var]
    return _validated(Settings(), values, str(path))


def _read(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: settings must be a mapping of key: value")
    return data


def _validated(base: Settings, values: dict[str, Any], where: str) -> Settings:
    types = {f.name: type(getattr(base, f.name)) for f in fields(base)}
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if key not in types:
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(types))})")
        clean[key] = _coerce(key, value, types[key], where)
    settings = replace(base, **clean)
    allowed = {
        "default_autonomy": AUTONOMY_LEVELS,
        "breaker_clamp": ("halt", "observe", "supervised"),  # a breaker only ever lowers autonomy
        "incident_level": ("halt", "observe"),  # what the incident op accepts: else `I` fails at 3 a.m.
    }
    for key, levels in allowed.items():
        if getattr(settings, key) not in levels:
            raise ConfigError(f"{where}: {key} must be one of {', '.join(levels)}")
    if settings.ttl_s <= 0:
        raise ConfigError(f"{where}: ttl_s must be positive")
    return settings


def _coerce(key: str, value: Any, kind: type, where: str) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false", "1", "0"):
            return str(value).lower() in ("true", "1")
    elif kind in (int, float) and not isinstance(value, bool):
        try:
            number = kind(value)
        except (TypeError, ValueError):
            pass
        else:
            limit = MAX_SECONDS if key.endswith("_s") else 1e9
            if 0 <= number <= limit:  # False for NaN; .inf and 1e300 broke every held submission
                return number
    elif kind is str and isinstance(value, str):
        return value
    bound = f" up to {MAX_SECONDS:.0f} (a year)" if key.endswith("_s") else ""
    raise ConfigError(
        f"{where}: {key} must be a {'non-negative ' if kind in (int, float) else ''}"
        f"{kind.__name__}{bound}, got {value!r}"
    )
