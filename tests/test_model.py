"""The Action record: submission validation, content hash, ids and the status machine."""

from __future__ import annotations

import pytest

from tui.model import Action, InvalidAction, content_hash, from_submission, new_id

BASE = {"kind": "shell", "command": "ls -la", "agent": {"id": "a1"}}


def test_submission_becomes_a_pending_action_with_hash_and_summary() -> None:
    action = from_submission({**BASE, "cwd": "/src"}, now=1000.0, ttl_s=60)
    assert action.status == "pending"
    assert action.created_at == 1000.0 and action.expires_at == 1060.0
    assert action.summary == "ls -la"
    assert action.content_hash == content_hash(action) and len(action.content_hash) == 64
    assert action.agent.kind == "other"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "action must be a JSON object, got array"),
        ({**BASE, "status": "approved"}, "field 'status' is set by the gate"),
        ({**BASE, "comand": "x"}, "unknown field 'comand'"),
        ({"command": "ls", "agent": {"id": "a"}}, "missing field 'kind'"),
        ({**BASE, "kind": "nuke"}, "field 'kind' must be one of"),
        ({**BASE, "command": 7}, "field 'command' must be a string, got number"),
        ({**BASE, "argv": ["ls", 1]}, "field 'argv' must be an array of strings"),
        ({"kind": "shell", "agent": {"id": "a"}}, "a shell action needs 'command' or 'argv'"),
        ({"kind": "file_edit", "agent": {"id": "a"}}, "a file_edit action needs 'path'"),
        ({"kind": "shell", "command": "ls"}, "missing field 'agent'"),
        ({**BASE, "agent": {"id": ""}}, "field 'agent.id' must not be empty"),
        ({**BASE, "agent": {"id": "a", "evil": 1}}, "unknown field 'agent.evil'"),
        ({**BASE, "agent": {"id": "a", "kind": "skynet"}}, "field 'agent.kind' must be one of"),
        ({**BASE, "target": "prod"}, "field 'target' must be an object, got string"),
    ],
)
def test_bad_submissions_get_specific_errors(data: object, message: str) -> None:
    with pytest.raises(InvalidAction, match=message.replace("(", r"\(").replace(")", r"\)")):
        from_submission(data)


def test_content_hash_covers_what_runs_and_nothing_else() -> None:
    one = from_submission(BASE)
    assert (
        from_submission({**BASE, "summary": "harmless", "agent": {"id": "other"}}).content_hash
        == one.content_hash
    )
    for change in (
        {"command": "ls -la /"},
        {"cwd": "/etc"},
        {"target": {"environment": "prod"}},
        {"payload": {"x": 1}},
        {"argv": ["ls", "-la"]},
    ):
        assert from_submission({**BASE, **change}).content_hash != one.content_hash, change


def test_argv_only_submission_gets_a_quoted_command() -> None:
    action = from_submission({"kind": "shell", "argv": ["rm", "-rf", "my dir"], "agent": {"id": "a"}})
    assert action.command == "rm -rf 'my dir'"


def test_ids_are_uuid7_and_sort_by_time() -> None:
    first, second = new_id(1000.0), new_id(1000.002)
    assert first[14] == "7" and first[19] in "89ab"
    assert first < second
    assert len({new_id(5.0) for _ in range(1000)}) == 1000


def test_json_round_trip_is_lossless() -> None:
    action = from_submission({**BASE, "payload": {"raw": [1, "two"]}, "diff": "--- a\n+++ b\n"}, ttl_s=5)
    assert Action.from_json(action.to_json()) == action


def test_status_machine_refuses_moves_out_of_terminal_states() -> None:
    action = from_submission(BASE)
    approved = action.with_status("approved", 2.0)
    assert approved.status == "approved" and approved.resolved_at == 2.0
    with pytest.raises(ValueError, match="cannot move from approved to rejected"):
        approved.with_status("rejected", 3.0)
    with pytest.raises(ValueError, match="cannot move from pending to allowed"):
        action.with_status("allowed", 3.0)
