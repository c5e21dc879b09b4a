"""Bad input on the sockets gets a specific error; the gate keeps serving everyone and loses nothing."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GateProcess, shell_action
from tui.gate.client import GateError


class Raw:
    """A bare socket speaking frames by hand, to send what a well-behaved client never would."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(str(path))
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def reply(self) -> dict[str, Any]:
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        result: dict[str, Any] = json.loads(line)
        return result

    def ask(self, message: dict[str, Any]) -> dict[str, Any]:
        self.send(json.dumps(message).encode() + b"\n")
        return self.reply()


DEEP = b'{"op": "status", "n": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"


@pytest.mark.parametrize(
    ("frame", "code", "message"),
    [
        (b"{not json\n", "bad_json", "frame is not valid JSON"),
        (b"[1, 2]\n", "bad_request", "frame must be a JSON object"),
        (b'{"v": 1}\n', "bad_request", "frame needs a string 'op'"),
        (b'{"v": 2, "op": "status"}\n', "unsupported_version", "protocol version 2 not supported"),
        (b'{"op": "launch"}\n', "unknown_op", "unknown op 'launch' on this socket"),
        (b'{"op": "decide", "id": "x", "verdict": "approve"}\n', "unknown_op", "unknown op 'decide'"),
        (b'{"op": "submit"}\n', "bad_request", "submit needs an 'action' object"),
        (b'{"op": "submit", "action": {"kind": 3}}\n', "invalid_action", "field 'kind' must be a string"),
        (b'{"op": "wait", "id": 5}\n', "bad_request", "field 'id' must be a non-empty string"),
        (b'{"op": "wait", "id": "nope"}\n', "not_found", "no action with id nope"),
        (
            b'{"op": "wait", "id": "x", "timeout": -1}\n',
            "bad_request",
            "field 'timeout' must be a number from 0 to",
        ),
        (b'{"op": "cancel", "id": "x"}\n', "forbidden", "was not submitted on this connection"),
        (b"\xff\xfe\n", "bad_json", "frame is not valid JSON"),
        (b'{"v": true, "op": "status"}\n', "unsupported_version", "protocol version True not supported"),
        (b'{"v": 1.0, "op": "status"}\n', "unsupported_version", "protocol version 1.0 not supported"),
        (
            b'{"op": "submit", "action": {"kind": "http", "command": "", "agent": {"id": "a"}}}\n',
            "invalid_action",
            "a http action needs 'command' (METHOD URL)",
        ),
        (b'{"op": "status", "n": NaN}\n', "bad_json", "NaN is not a JSON number"),
        (b'{"op": "status", "n": -Infinity}\n', "bad_json", "-Infinity is not a JSON number"),
        (b'{"op": "status", "n": 1e400}\n', "bad_json", "number 1e400 is out of range"),
        pytest.param(DEEP, "bad_json", "nested too deeply", id="deeply-nested"),
        (
            b'{"op": "submit", "action": {"kind": "shell", "command": "rm \\ud800", "agent": {"id": "a"}}}\n',
            "bad_json",
            "lone UTF-16 surrogate in action.command (U+D800)",
        ),
        (
            b'{"op": "submit", "action": {"kind": "shell", "command": "x", "agent": {"id": "a"}, '
            b'"payload": {"list": ["ok", "\\udc00"]}}}\n',
            "bad_json",
            "lone UTF-16 surrogate in action.payload.list.1 (U+DC00)",
        ),
    ],
)
def test_bad_frames_on_submit_socket_get_specific_errors(
    gate: GateProcess, frame: bytes, code: str, message: str
) -> None:
    raw = Raw(gate.socket)
    raw.send(frame)
    reply = raw.reply()
    assert reply["ok"] is False
    assert reply["error"]["code"] == code
    assert message in reply["error"]["message"]
    assert raw.ask({"op": "status", "re": 9})["ok"] is True  # same connection still served


def test_control_socket_rejects_bad_fields(gate: GateProcess) -> None:
    raw = Raw(gate.control_socket)
    whole = "field 'limit' must be a whole number up to 1000"
    assert raw.ask({"op": "list", "limit": 5000})["error"]["message"] == whole
    assert raw.ask({"op": "list", "limit": 0.5})["error"]["message"] == whole
    assert raw.ask({"op": "list", "limit": "ten"})["error"]["code"] == "bad_request"
    bogus = raw.ask({"op": "list", "status": "bogus"})["error"]
    assert bogus["code"] == "bad_request" and "field 'status' must be one of pending" in bogus["message"]
    yes = raw.ask({"op": "subscribe", "pending": "yes"})["error"]
    assert yes == {"code": "bad_request", "message": "field 'pending' must be true or false"}
    assert raw.ask({"op": "submit", "action": {}})["error"]["code"] == "unknown_op"
    reply = raw.ask({"op": "decide", "id": "missing", "verdict": "approve"})
    assert reply["error"] == {"code": "not_found", "message": "no action with id missing"}


def test_reply_echoes_the_request_tag(gate: GateProcess) -> None:
    raw = Raw(gate.socket)
    assert raw.ask({"op": "status", "re": "tag-42"})["re"] == "tag-42"


def test_oversized_frame_closes_only_that_connection(gate: GateProcess) -> None:
    raw, bystander = Raw(gate.socket), Raw(gate.socket)
    raw.send(b'{"op": "submit", "action": "' + b"x" * (1 << 20) + b'"}\n')
    reply = raw.reply()
    assert reply["error"]["code"] == "frame_too_large"
    with pytest.raises((EOFError, ConnectionError)):
        raw.reply()
    assert bystander.ask({"op": "status"})["ok"] is True


def test_frame_just_under_the_limit_is_accepted(gate: GateProcess) -> None:
    padding = "y" * ((1 << 20) - 300)
    reply = Raw(gate.socket).ask({"op": "submit", "action": shell_action("echo hi", payload=padding)})
    assert reply["ok"] is True and reply["action"]["payload"] == padding


def test_client_disconnecting_mid_wait_loses_nothing(gate: GateProcess) -> None:
    raw = Raw(gate.socket)
    action = raw.ask({"op": "submit", "action": shell_action("make deploy")})["action"]
    raw.send(json.dumps({"op": "wait", "id": action["id"]}).encode() + b"\n")
    raw.sock.close()
    with gate.control() as control:
        assert control.request("show", id=action["id"])["action"]["status"] == "pending"
        decided = control.request("decide", id=action["id"], verdict="approve")["action"]
    assert decided["status"] == "approved"


def test_one_connection_can_wait_and_ask_at_once(gate: GateProcess) -> None:
    raw = Raw(gate.socket)
    action = raw.ask({"op": "submit", "action": shell_action("make deploy")})["action"]
    raw.send(json.dumps({"op": "wait", "id": action["id"], "re": "w"}).encode() + b"\n")
    assert raw.ask({"op": "status", "re": "s"})["re"] == "s"  # not blocked behind the wait
    with gate.control() as control:
        control.request("decide", id=action["id"], verdict="reject", reason="not today")
    reply = raw.reply()
    assert reply["re"] == "w" and reply["action"]["status"] == "rejected"
    assert reply["action"]["decisions"][0]["reason"] == "not today"


def test_subscribe_pushes_new_and_changed_actions(gate: GateProcess) -> None:
    watcher = Raw(gate.control_socket)
    assert watcher.ask({"op": "subscribe", "re": 1}) == {"v": 1, "re": 1, "ok": True, "subscribed": True}
    with gate.client() as agent:
        action = agent.submit(shell_action("terraform apply"))
    created = watcher.reply()
    assert created["event"] == "action" and created["action"]["id"] == action["id"]
    with gate.control() as control:
        control.request("decide", id=action["id"], verdict="approve")
    changed = watcher.reply()
    assert (
        changed["action"]["status"] == "approved"
        and changed["action"]["decisions"][0]["verdict"] == "approve"
    )


def test_decisions_are_compare_and_set_over_the_socket(gate: GateProcess) -> None:
    with gate.client() as agent, gate.control() as control:
        action = agent.submit(shell_action("kubectl delete ns x"))
        control.request("decide", id=action["id"], verdict="approve")
        with pytest.raises(GateError) as refused:
            control.request("decide", id=action["id"], verdict="reject", reason="too late")
    assert refused.value.code == "conflict"
    assert refused.value.reply["action"]["status"] == "approved"


def test_decision_binds_to_the_reviewed_content(gate: GateProcess) -> None:
    with gate.client() as agent, gate.control() as control:
        action = agent.submit(shell_action("rm -rf build"))
        with pytest.raises(GateError, match="not the content you reviewed"):
            control.request("decide", id=action["id"], verdict="approve", content_hash="0" * 64)
        ok = control.request(
            "decide", id=action["id"], verdict="approve", content_hash=action["content_hash"]
        )
    assert ok["action"]["status"] == "approved"


def test_rejection_needs_a_reason(gate: GateProcess) -> None:
    with gate.client() as agent, gate.control() as control:
        action = agent.submit(shell_action("rm -rf build"))
        with pytest.raises(GateError, match="a rejection needs a reason"):
            control.request("decide", id=action["id"], verdict="reject", reason="  ")


def test_submitter_may_cancel_its_own_action_only(gate: GateProcess) -> None:
    with gate.client() as mine, gate.client() as other:
        action = mine.submit(shell_action("sleep 1"))
        with pytest.raises(GateError, match="was not submitted on this connection"):
            other.cancel(action["id"])
        assert mine.cancel(action["id"])["status"] == "cancelled"


def test_the_gate_judges_with_the_loaded_policy(gate: GateProcess) -> None:
    with gate.client() as agent:
        action = agent.submit(shell_action("ls"))
    assert action["status"] == "pending"
    assert action["risk"]["reasons"][0]["rule"] == "test-everything-medium"
    assert len(action["policy_hash"]) == 64


def test_a_gate_dying_mid_request_is_reported_as_such(tmp_path: Path) -> None:
    """A peer that closes with our request unread makes recv() fail with ECONNRESET, not EOF; both mean
    the gate went away mid-request, and neither may read as "start it with `interlock serve`"."""
    import threading

    from tui.gate.client import GateClient, GateUnreachable

    path = tmp_path / "dying.sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    received = threading.Event()

    def die() -> None:
        conn, _ = server.accept()
        while not received.is_set():
            received.wait(0.01)
        conn.close()  # the request is still unread: the client's recv sees a reset

    dying = threading.Thread(target=die)
    dying.start()
    with GateClient(path, timeout=5.0) as client:
        sock = client._connect()
        sock.sendall(b'{"op": "status", "re": 0}\n' * 100)
        received.set()
        with pytest.raises(GateUnreachable, match="the gate closed the connection"):
            client.request("status")
    dying.join()
    server.close()


def test_an_escaped_surrogate_pair_is_ordinary_text(gate: GateProcess) -> None:
    """JSON encoders that escape non-ASCII write an emoji as a pair of surrogate escapes: that is fine."""
    raw = Raw(gate.socket)
    raw.send(b'{"op": "submit", "re": 1, "action": {"kind": "shell", "command": "echo \\ud83d\\ude00", '
             b'"agent": {"id": "a"}}}\n')
    reply = raw.reply()
    assert reply["ok"] is True and reply["action"]["command"] == "echo \U0001f600"


def test_submit_refuses_a_lone_surrogate_on_stdin_with_a_usage_error(gate: GateProcess) -> None:
    action = '{"kind": "shell", "command": "rm \\ud800", "agent": {"id": "a"}}'
    done = gate.cli("submit", "--no-wait", stdin=action)
    assert done.returncode == 2, done.stderr
    assert "lone UTF-16 surrogate in action.command (U+D800)" in done.stderr
    assert "Traceback" not in done.stderr


def test_submit_refuses_numbers_json_cannot_hold(gate: GateProcess) -> None:
    action = '{"kind": "shell", "command": "x", "agent": {"id": "a"}, "n": NaN}'
    done = gate.cli("submit", "--no-wait", stdin=action)
    assert done.returncode == 2 and "stdin is not valid JSON: NaN is not a JSON number" in done.stderr


@pytest.mark.parametrize("since", [1e11, 1e300])
def test_a_report_period_past_any_calendar_is_a_bad_request(gate: GateProcess, since: float) -> None:
    """Found by probing: since_s 1e11 reached the calendar as year -1142 (an internal error)."""
    with gate.control() as control, pytest.raises(GateError) as refused:
        control.request("report", since_s=since)
    assert refused.value.code == "bad_request" and "since_s" in refused.value.message


def test_report_since_before_1970_is_a_usage_error(gate: GateProcess) -> None:
    done = gate.cli("report", "--since", "99999999d")
    assert done.returncode == 2 and "before 1970" in done.stderr and "Traceback" not in done.stderr


def test_an_error_the_gate_could_not_tag_is_still_the_answer(gate: GateProcess) -> None:
    """Found by probing: a reply with `re: null` was skipped and the client waited, then said unreachable."""
    with gate.client() as agent:
        agent._connect().sendall(b"{not json\n")
        agent._tag = 0
        with pytest.raises(GateError) as refused:
            agent.request("status")
    assert refused.value.code == "bad_json"
