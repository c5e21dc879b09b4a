"""Store contract: what every backend must do, decided exactly once whoever races."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from tui.model import Action, Decision, from_submission
from tui.store import Conflict, NotFound, Store


def make_action(command: str = "ls", agent: str = "a1", now: float = 1000.0) -> Action:
    return from_submission({"kind": "shell", "command": command, "agent": {"id": agent}}, now=now, ttl_s=600)


def approve(by: str = "alice", at: float = 1001.0) -> Decision:
    return Decision(by=by, verdict="approve", at=at, reason="looks fine")


def test_insert_then_get_round_trips(store: Store) -> None:
    action = make_action()
    store.insert(action)
    assert store.get(action.id) == action


def test_get_unknown_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no action with id nope"):
        store.get("nope")


def test_list_is_newest_first_filters_by_status_and_pages(store: Store) -> None:
    actions = [make_action(f"cmd {i}", now=1000.0 + i) for i in range(5)]
    for action in actions:
        store.insert(action)
    store.update_pending(actions[1].id, at=2000.0, status="expired")
    assert [a.id for a in store.list_actions()] == [a.id for a in reversed(actions)]
    assert [a.id for a in store.list_actions(status="expired")] == [actions[1].id]
    page = store.list_actions(status="pending", limit=2)
    assert [a.id for a in page] == [actions[4].id, actions[3].id]
    rest = store.list_actions(status="pending", limit=10, before=page[-1].id)
    assert [a.id for a in rest] == [actions[2].id, actions[0].id]


def test_pending_is_oldest_first(store: Store) -> None:
    first, second = make_action("one", now=1.0), make_action("two", now=2.0)
    store.insert(first)
    store.insert(second)
    assert [a.id for a in store.pending()] == [first.id, second.id]
    assert store.pending_ids() == [first.id, second.id]
    store.update_pending(first.id, at=3.0, status="expired")
    assert store.pending_ids() == [second.id]


def test_update_pending_records_decision_and_resolves_once(store: Store) -> None:
    action = make_action()
    store.insert(action)
    done = store.update_pending(action.id, at=1001.0, decision=approve(), status="approved")
    assert done.status == "approved" and done.resolved_at == 1001.0 and done.decisions == (approve(),)
    assert store.get(action.id) == done
    with pytest.raises(Conflict) as lost:
        store.update_pending(action.id, at=1002.0, decision=approve("bob"), status="rejected")
    assert lost.value.action.status == "approved"
    assert store.get(action.id).decisions == (approve(),)


def test_partial_decision_keeps_action_pending(store: Store) -> None:
    action = make_action()
    store.insert(action)
    partial = store.update_pending(action.id, at=1001.0, decision=approve())
    assert partial.status == "pending" and len(partial.decisions) == 1
    final = store.update_pending(action.id, at=1002.0, decision=approve("bob", 1002.0), status="approved")
    assert [d.by for d in final.decisions] == ["alice", "bob"]


def test_update_unknown_raises_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.update_pending("missing", at=1.0, status="expired")


def test_an_approval_is_claimed_at_most_once(store: Store) -> None:
    action = make_action("deploy")
    store.insert(action)
    store.update_pending(action.id, at=1001.0, decision=approve(), status="approved")
    assert store.claim_approval("other-agent", action.content_hash, since=0, by="x") is None
    assert store.claim_approval("a1", action.content_hash, since=1002.0, by="x") is None  # too old
    assert store.claim_approval("a1", action.content_hash, since=0, by="retry-1") == action.id
    assert store.claim_approval("a1", action.content_hash, since=0, by="retry-2") is None
    assert store.consume(action.id, by="wait") is False


def test_consume_only_approved_and_only_once(store: Store) -> None:
    pending, approved = make_action("a"), make_action("b")
    store.insert(pending)
    store.insert(approved)
    store.update_pending(approved.id, at=1001.0, status="approved", decision=approve())
    assert store.consume(pending.id, by="wait") is False
    assert store.consume(approved.id, by="wait") is True
    assert store.consume(approved.id, by="wait") is False
    assert store.claim_approval("a1", approved.content_hash, since=0, by="x") is None


def test_data_survives_reopening(open_stores: Callable[[], Store]) -> None:
    first = open_stores()
    action = make_action()
    first.insert(action)
    first.close()
    assert open_stores().get(action.id) == action


def test_two_deciders_race_on_1000_actions_each_resolved_exactly_once(
    open_stores: Callable[[], Store],
) -> None:
    setup = open_stores()
    actions = [make_action(f"job {i}", now=1000.0 + i / 1000) for i in range(1000)]
    for action in actions:
        setup.insert(action)
    wins: dict[str, list[str]] = {"approve": [], "reject": []}
    start = threading.Barrier(2)

    def decider(verdict: str, store: Store) -> None:
        start.wait()
        status = "approved" if verdict == "approve" else "rejected"
        for action in actions:
            decision = Decision(by=verdict, verdict=verdict, at=2000.0, reason="race")
            try:
                store.update_pending(action.id, at=2000.0, decision=decision, status=status)
            except Conflict:
                continue
            wins[verdict].append(action.id)

    threads = [threading.Thread(target=decider, args=(v, open_stores())) for v in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = wins["approve"] + wins["reject"]
    assert sorted(winners) == sorted(a.id for a in actions)  # every action won exactly once
    for action in setup.list_actions(limit=1000):
        assert action.status in ("approved", "rejected")
        assert len(action.decisions) == 1
        assert action.decisions[0].verdict == ("approve" if action.status == "approved" else "reject")


def test_find_pending_matches_agent_and_content(store: Store) -> None:
    first, other = make_action("deploy"), make_action("deploy", agent="a2")
    store.insert(first)
    store.insert(other)
    assert store.find_pending("a1", first.content_hash) == first
    assert store.find_pending("a1", "0" * 64) is None
    store.update_pending(first.id, at=1001.0, status="expired")
    assert store.find_pending("a1", first.content_hash) is None


def test_grants_state_and_views_round_trip(store: Store) -> None:
    store.put_grant("bot", {"level": "observe"})
    store.put_grant("bot", {"level": "halt"})
    assert store.grants() == {"bot": {"level": "halt"}}
    store.put_grant("bot", None)
    assert store.grants() == {}
    assert store.state("incident") is None
    store.put_state("incident", {"level": "halt"})
    assert store.state("incident") == {"level": "halt"}
    assert store.record_view("x", "alice", 5.0) == 5.0
    assert store.record_view("x", "alice", 9.0) == 5.0  # the first opening counts
    assert store.record_view("x", "bob", 9.0) == 9.0
