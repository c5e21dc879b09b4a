"""Hot reload with watchfiles: valid edits swap the policy, invalid ones keep the last good one.

No sleeps: every wait is on the watcher's next event, with a timeout. Until the OS watcher is known to be
running, a change is re-written (same content) each time a short wait passes without an event.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.policy import load_policy
from tui.policy.reload import PolicyEvent, PolicyReloaded, PolicyReloadFailed, watch_policy

RULE = """\
  - id: {id}
    reason: {reason}
    match: {{command: {command}}}
    score: 10
    examples: {{match: ["{command} x"]}}
"""


def rules(*specs: tuple[str, str]) -> str:
    return "rules:\n" + "".join(RULE.format(id=i, reason=f"about {c}", command=c) for i, c in specs)


class Watcher:
    def __init__(self, directory: Path) -> None:
        self.stop = asyncio.Event()
        self.initial = load_policy([directory])  # before any change, as the gate does at start
        self.gen = watch_policy([directory], self.initial, stop_event=self.stop, debounce_ms=50, step_ms=20)
        self.pending: asyncio.Task[PolicyEvent] | None = None

    def _task(self) -> asyncio.Task[PolicyEvent]:
        if self.pending is None:
            self.pending = asyncio.ensure_future(anext(self.gen))
        return self.pending

    async def next(self, timeout: float = 10.0) -> PolicyEvent:
        event = await asyncio.wait_for(asyncio.shield(self._task()), timeout)
        self.pending = None
        return event

    async def after(self, change: Callable[[], None], timeout: float = 15.0) -> PolicyEvent:
        """Apply `change` until the watcher reports something (covers the watcher's start-up)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            change()
            try:
                return await self.next(timeout=0.5)
            except TimeoutError:
                if loop.time() > deadline:
                    raise

    async def ready(self, directory: Path) -> None:
        """Prove the OS watcher is running: add a rule file until its reload is reported."""
        event = await self.after(lambda: (directory / "warm.yaml").write_text(rules(("warm-up", "warm"))))
        assert isinstance(event, PolicyReloaded) and event.added == {"warm-up"}

    async def close(self) -> None:
        self.stop.set()
        if self.pending is not None:
            with pytest.raises(StopAsyncIteration):
                await asyncio.wait_for(self.pending, 10)
        await self.gen.aclose()


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    (tmp_path / "a.yaml").write_text(rules(("rule-a", "frob"), ("rule-b", "zap")))
    (tmp_path / "b.yaml").write_text(rules(("rule-c", "blip")))
    return tmp_path


async def test_valid_edit_swaps_the_policy_and_lists_changes(rules_dir: Path) -> None:
    before = load_policy([rules_dir])
    watcher = Watcher(rules_dir)
    text = rules(("rule-a", "frobnicate"), ("rule-d", "zing"))
    event = await watcher.after(lambda: (rules_dir / "a.yaml").write_text(text))
    assert isinstance(event, PolicyReloaded)
    assert (event.added, event.removed, event.changed) == ({"rule-d"}, {"rule-b"}, {"rule-a"})
    assert event.policy.hash != before.hash and event.policy.hash == load_policy([rules_dir]).hash
    await watcher.close()


async def test_invalid_edit_keeps_the_last_good_policy_and_names_the_line(rules_dir: Path) -> None:
    good = load_policy([rules_dir])
    watcher = Watcher(rules_dir)
    broken = rules(("rule-c", "blip")).replace("score: 10", "scroe: 10")
    event = await watcher.after(lambda: (rules_dir / "b.yaml").write_text(broken))
    assert isinstance(event, PolicyReloadFailed)
    assert str(event.error).startswith(f"{rules_dir / 'b.yaml'}:5: rule rule-c: unknown key 'scroe'")
    assert event.policy.hash == good.hash
    (rules_dir / "b.yaml").write_text(rules(("rule-c", "blip"), ("rule-e", "bop")))
    fixed = await watcher.next()
    while isinstance(fixed, PolicyReloadFailed):  # a save may be seen half-written first
        fixed = await watcher.next()
    assert isinstance(fixed, PolicyReloaded) and fixed.added == {"rule-e"}
    await watcher.close()


async def test_deleting_a_file_removes_its_rules(rules_dir: Path) -> None:
    watcher = Watcher(rules_dir)
    await watcher.ready(rules_dir)
    (rules_dir / "b.yaml").unlink()
    event = await watcher.next()
    assert isinstance(event, PolicyReloaded) and event.removed == {"rule-c"} and not event.added
    assert "rule-c" not in event.policy.rule_ids
    await watcher.close()


async def test_deleting_every_file_is_an_error_not_an_empty_policy(rules_dir: Path) -> None:
    good = load_policy([rules_dir])
    watcher = Watcher(rules_dir)

    def remove_all() -> None:
        for path in rules_dir.glob("*.yaml"):
            path.unlink()

    await watcher.ready(rules_dir)
    remove_all()
    event = await watcher.next()
    while isinstance(event, PolicyReloaded):  # one file's deletion may be seen before the other's
        event = await watcher.next()
    assert isinstance(event, PolicyReloadFailed) and "no rule files" in str(event.error)
    assert event.policy.rule_ids <= good.rule_ids | {"warm-up"} and event.policy.rule_ids
    await watcher.close()


async def test_a_burst_of_edits_settles_on_the_last_one(rules_dir: Path) -> None:
    watcher = Watcher(rules_dir)
    first = await watcher.after(lambda: (rules_dir / "a.yaml").write_text(rules(("rule-a", "v0"))))
    assert isinstance(first, PolicyReloaded)
    for n in range(1, 21):
        (rules_dir / "a.yaml").write_text(rules(("rule-a", f"v{n}")))
    final = load_policy([rules_dir]).hash
    events = []
    while not events or not (isinstance(events[-1], PolicyReloaded) and events[-1].policy.hash == final):
        events.append(await watcher.next())
    assert len(events) < 20  # debounced, not one reload per save
    assert events[-1].policy.by_id["rule-a"].reason == "about v20"
    await watcher.close()


async def test_no_valid_policy_at_start_raises(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("rules: [")
    gen = watch_policy([tmp_path])
    with pytest.raises(Exception, match=r"a\.yaml:2: invalid YAML"):
        await anext(gen)


BOMB = """rules:
  - id: bomb
    description: x
    reason: x
    match: {command: [zzz]}
    score: 10
    examples:
      match: [{kind: other, payload: {l0: &l0 [x, x], l1: &l1 [*l0, *l0], l2: [*l1, *l1]}}]
"""


async def test_an_alias_bomb_is_refused_with_its_line_and_the_watch_goes_on(rules_dir: Path) -> None:
    """Found by probing: nested YAML aliases stalled the gate for a minute, and the MemoryError killed the
    watch silently (later valid edits were never applied)."""
    watcher = Watcher(rules_dir)
    event = await watcher.after(lambda: (rules_dir / "c.yaml").write_text(BOMB))
    assert isinstance(event, PolicyReloadFailed)
    assert f"{rules_dir / 'c.yaml'}:8: an anchored value (&name) may not contain aliases" in str(event.error)
    (rules_dir / "c.yaml").write_text(rules(("rule-f", "zzz")))
    fixed = await watcher.next()
    while isinstance(fixed, PolicyReloadFailed):
        fixed = await watcher.next()
    assert isinstance(fixed, PolicyReloaded) and fixed.added == {"rule-f"}
    await watcher.close()


async def test_any_failure_to_load_is_reported_and_the_watch_goes_on(
    rules_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loader failure that is not a PolicyError (MemoryError, a bug) must not end the watch."""
    from tui.policy import reload

    real, calls = reload.load_policy, []

    def failing_once(paths):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise MemoryError("simulated")
        return real(paths)

    watcher = Watcher(rules_dir)
    monkeypatch.setattr(reload, "load_policy", failing_once)
    event = await watcher.after(lambda: (rules_dir / "c.yaml").write_text(rules(("rule-g", "qq"))))
    assert isinstance(event, PolicyReloadFailed) and "MemoryError: simulated" in str(event.error)
    (rules_dir / "c.yaml").write_text(rules(("rule-g", "qq"), ("rule-h", "rr")))
    fixed = await watcher.next()
    assert isinstance(fixed, PolicyReloaded) and {"rule-g", "rule-h"} <= fixed.added
    await watcher.close()
