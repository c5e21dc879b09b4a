"""Unit features: what a unit has (written paths, SQL, a wrapper, …), as bits, so the index can skip the
blocks that need a feature the unit lacks with one integer test, and memoise candidates by the set of them.

A block requires the features its conditions cannot hold without (`writes_to:` needs a written path,
`privileged: true` a privileged unit: `requires_of`, kept as names and as `Block.need` bits); `features`
gives a unit's as bits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.policy.globs import GlobUnion
from tui.policy.units import Unit

if TYPE_CHECKING:
    from tui.policy.facts import Facts

#: Conditions that can only hold when the unit has a feature: a cheap bit test skips the block early.
_FEATURE_OF_TRUE = {"privileged": "privileged", "obfuscated": "obfuscated", "dynamic": "dynamic",
                    "decoded": "decoded", "nested": "nested", "remote": "remote", "unicode": "unicode",
                    "homoglyph": "homoglyph", "parse_error": "parse_error", "env_conflict": "env_conflict"}
_FEATURE_OF_KEY = {"writes": "writes-glob", "writes_to": "writes", "reads": "reads-glob",
                   "env_vars": "assignments",
                   "stdin_from": "stdin", "via": "via", "method": "http", "url": "http", "host": "http",
                   "environment": "environment", "sql": "sql", "sql_object": "sql", "sql_function": "sql",
                   "narrowing": "sql", "sql_parsed": "sql", "diff_added": "diff", "diff_removed": "diff",
                   "diff_files": "diff", "content": "diff", "paths": "paths"}


def requires_of(data: Any) -> frozenset[str]:
    """The features a match block's conditions need (names of `FEATURE_BITS`)."""
    found = {_FEATURE_OF_KEY[k] for k in data if k in _FEATURE_OF_KEY}
    found |= {_FEATURE_OF_TRUE[k] for k, v in data.items() if k in _FEATURE_OF_TRUE and v is True}
    if "environment" in data and "unknown" in (data["environment"] if isinstance(data["environment"], list)
                                               else [data["environment"]]):
        found.discard("environment")
    return frozenset(found)


#: Unit features as bits: a unit's set of them is an int, cheap to build, hash (the index memoises by it)
#: and test (`Block.need & features == Block.need`).
FEATURE_BITS: dict[str, int] = {name: 1 << bit for bit, name in enumerate((
    "homoglyph", "unicode", "parse_error", "env_conflict", "environment", "privileged", "obfuscated",
    "dynamic", "decoded", "nested", "remote", "writes", "writes-glob", "reads", "reads-glob", "assignments",
    "stdin", "via", "http", "sql", "diff", "paths"))}
_PRIVILEGED, _OBFUSCATED, _DYNAMIC, _DECODED, _NESTED, _REMOTE = (
    FEATURE_BITS[n] for n in ("privileged", "obfuscated", "dynamic", "decoded", "nested", "remote"))
_WRITES, _WRITES_GLOB, _READS, _READS_GLOB, _ASSIGNMENTS, _STDIN, _VIA = (
    FEATURE_BITS[n] for n in ("writes", "writes-glob", "reads", "reads-glob", "assignments", "stdin", "via"))
_HTTP, _SQL, _DIFF, _PATHS, _HOMOGLYPH = (
    FEATURE_BITS[n] for n in ("http", "sql", "diff", "paths", "homoglyph"))
_UNICODE, _PARSE_ERROR, _ENV_CONFLICT, _ENVIRONMENT = (
    FEATURE_BITS[n] for n in ("unicode", "parse_error", "env_conflict", "environment"))


def feature_mask(names: frozenset[str] | set[str] | list[str]) -> int:
    mask = 0
    for name in names:
        mask |= FEATURE_BITS[name]
    return mask


def action_features(facts: Facts) -> int:
    """The features every unit of the action has (`Facts.features`)."""
    found = 0
    if facts.homoglyph_hosts:
        found |= _HOMOGLYPH
    if facts.suspicious:
        found |= _UNICODE
    if facts.parse_error:
        found |= _PARSE_ERROR
    if facts.env_conflict:
        found |= _ENV_CONFLICT
    if facts.environment:
        found |= _ENVIRONMENT
    return found


def features(unit: Unit, facts: Facts, writes: GlobUnion | None = None,  # noqa: PLR0912 - flat on purpose: hot path
             reads: GlobUnion | None = None) -> int:
    """The features a unit has (`FEATURE_BITS`), for `Block.need` (and the joined positionals subcommands
    match).

    `writes-glob` / `reads-glob`: some path written / read may match a `writes:` / `reads:` glob of the
    policy (`writes` and `reads` are the policy's unions of them; without them, any path may).
    """
    unit.joined = "\x00".join(unit.positionals)
    found = facts.features
    if unit.privileged:
        found |= _PRIVILEGED
    if unit.obfuscated:
        found |= _OBFUSCATED
    if unit.dynamic:
        found |= _DYNAMIC
    if unit.decoded:
        found |= _DECODED
    if unit.nested:
        found |= _NESTED
    if unit.remote:
        found |= _REMOTE
    if unit.writes:
        found |= _WRITES
        if writes is None or writes.any(unit.writes):
            found |= _WRITES_GLOB
    if unit.reads:
        found |= _READS
        if reads is None or reads.any(unit.reads):
            found |= _READS_GLOB
    if unit.assignments:
        found |= _ASSIGNMENTS
    if unit.stdin_from:
        found |= _STDIN
    if unit.via:
        found |= _VIA
    if unit.http is not None:
        found |= _HTTP
    if unit.sql is not None:
        found |= _SQL
    if unit.diff is not None:
        found |= _DIFF
    if unit.paths:
        found |= _PATHS
    if unit.homoglyph and not facts.homoglyph_hosts:
        found |= _HOMOGLYPH
    return found
