"""Property: whatever happens, no critical action goes ahead without its full requirement, and nothing
a halted agent submits is ever allowed."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.gate.inprocess import PEOPLE, Clock, risk_judge, who
from tui.config import Settings
from tui.gate import controls
from tui.gate.approvers import ROLE_RANK, _indexed
from tui.gate.review import RefusedDecision
from tui.gate.service import Gate
from tui.store import Conflict
from tui.store.sqlite import SqliteStore

AGENTS = ("a", "b")
NAMES = tuple(p.name for p in PEOPLE)

ops = st.one_of(
    st.tuples(
        st.just("submit"), st.sampled_from(AGENTS), st.sampled_from(("low", "medium", "high", "critical"))
    ),
    st.tuples(
        st.just("level"),
        st.sampled_from(AGENTS),
        st.sampled_from(("halt", "observe", "supervised", "trusted", "autonomous")),
        st.sampled_from(NAMES),
    ),
    st.tuples(st.just("approve"), st.integers(0, 4), st.sampled_from(NAMES), st.sampled_from(("", "ok"))),
    st.tuples(st.just("approve"), st.integers(0, 4), st.sampled_from(("bob", "carol")), st.just("ok")),
    st.tuples(st.just("reject"), st.integers(0, 4), st.sampled_from(NAMES)),
    st.tuples(st.just("view"), st.integers(0, 4), st.sampled_from(NAMES)),
    st.tuples(st.just("wait"), st.sampled_from((1.0, 31.0, 31.0))),
    st.tuples(st.just("incident"), st.sampled_from(("start", "end")), st.sampled_from(NAMES)),
)


def run_sequence(steps: list[tuple[object, ...]]) -> None:
    async def scenario() -> None:
        clock = Clock()
        gate = Gate(
            SqliteStore(Path(":memory:")),
            judge=risk_judge,
            settings=Settings(rate_per_min=0),
            approvers=_indexed(PEOPLE, "test"),
            clock=clock,
        )
        ids: list[str] = []
        halted_at_submit: set[str] = set()
        for step in steps:
            kind = step[0]
            with contextlib.suppress(RefusedDecision, Conflict):
                if kind == "submit":
                    agent, level = str(step[1]), str(step[2])
                    was_halted = gate.autonomy.level(agent, clock.now)[0] == "halt"
                    action = gate.submit(
                        {"kind": "shell", "command": f"x risk={level}", "agent": {"id": agent}}
                    )
                    ids.append(action.id)
                    if was_halted:
                        halted_at_submit.add(action.id)
                elif kind == "level":
                    controls.set_level(gate, str(step[1]), str(step[2]), who(str(step[3])))
                elif kind in ("approve", "reject", "view") and ids:
                    action_id = ids[int(step[1]) % len(ids)]
                    if kind == "view":
                        gate.view(action_id, who(str(step[2])))
                    elif kind == "approve":
                        gate.decide(action_id, "approve", who(str(step[2])), reason=str(step[3]))
                    else:
                        gate.decide(action_id, "reject", who(str(step[2])), reason="no")
                elif kind == "wait":
                    clock.advance(float(step[1]))  # type: ignore[arg-type]
                elif kind == "incident":
                    if step[1] == "start":
                        controls.start_incident(gate, who(str(step[2])), reason="test")
                    else:
                        controls.end_incident(gate, who(str(step[2])))
            # what a connecting TUI is sent is the store's pending set, exactly, after every step
            sent = [json.loads(item) for item in gate.snapshot.encoded(gate.store)]
            assert sent == [action.to_json() for action in gate.store.pending()]
        for action_id in ids:
            action = gate.show(action_id)
            if action.status not in ("allowed", "approved"):
                continue
            assert action_id not in halted_at_submit, action
            if action.risk.level == "critical":
                approvals = [d for d in action.decisions if d.verdict == "approve"]
                assert action.status == "approved"
                assert len({d.by for d in approvals}) >= 2
                assert any(ROLE_RANK[d.role] >= ROLE_RANK["senior"] for d in approvals)
                assert all(d.reason.strip() for d in approvals)
        gate.stop()

    asyncio.run(scenario())


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ops, max_size=40))
def test_no_critical_without_full_requirement_and_nothing_from_halted_agents(
    steps: list[tuple[object, ...]],
) -> None:
    run_sequence(steps)
