"""Policy settings from YAML: level thresholds, roles, per-level review, environments, path lists.

These are policy, not code (issue 3): an organisation that wants `high` to need two approvers, or calls its
production `live`, edits YAML. Defaults here only fill what no file says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.model import Requirement
from tui.policy.globs import GlobSet, normalise
from tui.policy.paths import PathClassifier
from tui.policy.schema import (
    LEVELS,
    REQUIRE_KEYS,
    SETTINGS_KEYS,
    Where,
    as_bool,
    as_int,
    as_list,
    check_keys,
)

DEFAULT_THRESHOLDS = {"medium": 30, "high": 60, "critical": 85}


@dataclass(frozen=True, slots=True)
class Environment:
    name: str
    aliases: frozenset[str]
    paths: GlobSet


@dataclass(frozen=True, slots=True)
class Settings:
    thresholds: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))
    roles: tuple[str, ...] = ("approver", "senior")
    requirements: dict[str, Requirement] = field(default_factory=dict)
    environments: tuple[Environment, ...] = ()  # riskiest first
    variables: frozenset[str] = frozenset()
    flags: dict[str, frozenset[str]] = field(default_factory=dict)  # tool (or "*") → flags
    subcommands: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    classifier: PathClassifier = field(default_factory=lambda: PathClassifier((), (), ()))
    payload_keys: frozenset[str] = frozenset()  # tool payload keys whose values may name an environment
    _path_envs: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _signal_flags: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def environment_of_path(self, path: str) -> str:
        """The environment whose path globs match `path` (memoised: agents work in few directories)."""
        found = self._path_envs.get(path)
        if found is None:
            full = normalise(path)
            found = next((e.name for e in self.environments if e.paths.match(full)), "")
            if len(self._path_envs) > 4096:
                self._path_envs.clear()
            self._path_envs[path] = found
        return found

    def signal_flags(self, tool: str) -> frozenset[str]:
        """Flags whose values name an environment for `tool` (its own plus the ones every tool shares)."""
        found = self._signal_flags.get(tool)
        if found is None:
            found = self.flags.get(tool, frozenset()) | self.flags.get("*", frozenset())
            if len(self._signal_flags) > 4096:
                self._signal_flags.clear()
            self._signal_flags[tool] = found
        return found

    def level_for(self, score: int) -> str:
        level = "low"
        for name in LEVELS[1:]:
            if score >= self.thresholds[name]:
                level = name
        return level

    def requirement(self, level: str) -> Requirement:
        return self.requirements.get(level) or Requirement()

    def rank(self, environment: str) -> float:
        """Riskiest first: production outranks staging outranks dev; unknown names sit in the middle."""
        names = [e.name for e in self.environments]
        if environment in names:
            return float(len(names) - names.index(environment))
        return 1.5 if environment else 0.0


def build_settings(data: dict[str, Any], sources: dict[str, Where], default: Where) -> Settings:
    """Validate the merged `settings:` mapping; `sources` says which file each key came from."""

    def where(key: str) -> Where:
        return sources.get(key, default)

    check_keys(data, SETTINGS_KEYS, "settings", default)
    thresholds = dict(DEFAULT_THRESHOLDS)
    if "levels" in data:
        thresholds = _levels(data["levels"], where("levels"))
    roles = tuple(as_list(data["roles"], "roles", data, where("roles"))) if "roles" in data \
        else ("approver", "senior")
    requirements = _requirements(data.get("requirements") or {}, roles, where("requirements"))
    environments = _environments(data.get("environments") or {}, where("environments"))
    signals = data.get("environment_signals") or {}
    check_keys(signals, {"variables": 1, "flags": 1, "subcommands": 1, "payload_keys": 1},
               "environment_signals", where("environment_signals"))
    w = where("environment_signals")
    flags = {tool: frozenset(as_list(v, tool, signals["flags"], w)) for tool, v in
             (signals.get("flags") or {}).items()}
    subcommands = {tool: tuple(tuple(s.split()) for s in as_list(v, tool, signals["subcommands"], w))
                   for tool, v in (signals.get("subcommands") or {}).items()}
    paths = data.get("paths") or {}
    check_keys(paths, {"system": 1, "temp": 1, "build": 1}, "settings.paths", where("paths"))
    wp = where("paths")
    classifier = PathClassifier(*(as_list(paths.get(k, []), k, paths, wp)
                                  for k in ("system", "temp", "build")))
    keys = as_list(signals.get("payload_keys", []), "payload_keys", signals, w)
    payload_keys = frozenset(k.lower() for k in keys)
    return Settings(thresholds, roles, requirements, environments,
                    frozenset(as_list(signals.get("variables", []), "variables", signals, w)), flags,
                    subcommands, classifier, payload_keys=payload_keys)


def _levels(data: Any, where: Where) -> dict[str, int]:
    check_keys(data, {"medium": 1, "high": 1, "critical": 1}, "settings.levels", where)
    values = {k: as_int(data.get(k, DEFAULT_THRESHOLDS[k]), k, data, where, low=1, high=100)
              for k in DEFAULT_THRESHOLDS}
    if not values["medium"] < values["high"] < values["critical"]:
        raise where.error("levels must rise: medium < high < critical", data)
    return values


def requirement(data: Any, roles: tuple[str, ...], what: str, where: Where) -> dict[str, Any]:
    """A (partial) requirement mapping, validated; used for per-level settings and rule `require:`."""
    check_keys(data, REQUIRE_KEYS, what, where)
    out: dict[str, Any] = {}
    if "approvals" in data:
        out["approvals"] = as_int(data["approvals"], "approvals", data, where, low=1, high=10)
    if "role" in data:
        if data["role"] not in roles:
            raise where.error(f"role must be one of {', '.join(roles)}, got {data['role']!r}", data, "role")
        out["role"] = data["role"]
    if "reason_required" in data:
        out["reason_required"] = as_bool(data["reason_required"], "reason_required", data, where)
    if "min_review_s" in data:
        value = data["min_review_s"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 86400:
            raise where.error(f"min_review_s must be 0..86400 seconds, got {value!r}", data, "min_review_s")
        out["min_review_s"] = float(value)
    return out


def _requirements(data: Any, roles: tuple[str, ...], where: Where) -> dict[str, Requirement]:
    check_keys(data, dict.fromkeys(LEVELS, 1), "settings.requirements", where)
    return {level: Requirement(**requirement(value, roles, f"requirements.{level}", where))
            for level, value in data.items()}


def _environments(data: Any, where: Where) -> tuple[Environment, ...]:
    check_keys(data, {k: 1 for k in data} if isinstance(data, dict) else {}, "settings.environments", where)
    out = []
    for name, spec in data.items():
        check_keys(spec, {"aliases": 1, "paths": 1}, f"environments.{name}", where)
        aliases = frozenset(a.lower() for a in as_list(spec.get("aliases", []), "aliases", spec, where))
        out.append(Environment(name, aliases | {name.lower()}, GlobSet(as_list(spec.get("paths", []), "paths",
                                                                               spec, where))))
    return tuple(out)
