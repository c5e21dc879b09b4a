"""Hot reload: watch the rule files with watchfiles and swap the policy atomically on valid changes.

The gate never runs without a policy: a change that does not load (bad YAML, unknown key, a deleted
directory) yields `PolicyReloadFailed` with the `file:line` error and the last good policy stays in force;
a change that loads yields `PolicyReloaded` with the new policy and which rule ids were added, removed or
changed. A burst of saves is debounced by watchfiles into one reload; edits that leave the content as it was
(same policy hash) yield nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.policy.engine import Policy
from tui.policy.errors import PolicyError
from tui.policy.loader import SUFFIXES, load_policy


@dataclass(frozen=True, slots=True)
class PolicyReloaded:
    policy: Policy
    added: frozenset[str] = field(default_factory=frozenset)
    removed: frozenset[str] = field(default_factory=frozenset)
    changed: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class PolicyReloadFailed:
    error: PolicyError
    policy: Policy  # the last good policy, still in force


PolicyEvent = PolicyReloaded | PolicyReloadFailed


def diff(old: Policy, new: Policy) -> PolicyReloaded:
    """The change event from `old` to `new`."""
    both = old.rule_ids & new.rule_ids
    changed = frozenset(r for r in both if old.by_id[r].digest != new.by_id[r].digest)
    return PolicyReloaded(new, new.rule_ids - old.rule_ids, old.rule_ids - new.rule_ids, changed)


def _watched(paths: Sequence[Path], policy: Policy) -> list[Path]:
    """Directories to watch: the given ones, plus the parents of every loaded file (extends included)."""
    dirs = {p.resolve() if p.is_dir() else p.resolve().parent for p in paths if p.exists()}
    dirs |= {f.parent for f in policy.files}
    return sorted(dirs)


def _relevant(changes: set[tuple[Any, str]], policy: Policy) -> bool:
    loaded = {str(f) for f in policy.files}
    return any(path.endswith(SUFFIXES) or path in loaded for _, path in changes)


async def watch_policy(
    paths: Sequence[Path | str],
    current: Policy | None = None,
    *,
    stop_event: asyncio.Event | None = None,
    debounce_ms: int = 200,
    step_ms: int = 50,
    force_polling: bool | None = None,
) -> AsyncIterator[PolicyEvent]:
    """Yield an event for every effective change to the rule files until `stop_event` is set.

    Without `current`, the policy is loaded first; if that fails, PolicyError propagates (refuse to start).
    """
    from watchfiles import awatch

    roots = [Path(p) for p in paths]
    policy = current if current is not None else load_policy(roots)
    while stop_event is None or not stop_event.is_set():
        watched = _watched(roots, policy)
        async for changes in awatch(*watched, stop_event=stop_event, debounce=debounce_ms, step=step_ms,
                                    force_polling=force_polling, recursive=False):
            if not _relevant(changes, policy):
                continue
            try:
                fresh = load_policy(roots)
            except PolicyError as exc:
                yield PolicyReloadFailed(exc, policy)
                continue
            except Exception as exc:  # whatever broke, the watch must go on, the last good policy kept
                failed = PolicyError(f"could not load the rules ({type(exc).__name__}: {exc})")
                yield PolicyReloadFailed(failed, policy)
                continue
            if fresh.hash == policy.hash:
                continue
            event = diff(policy, fresh)
            policy = fresh
            yield event
            if _watched(roots, policy) != watched:
                break  # a new `extends:` target: watch it too
        else:
            return
