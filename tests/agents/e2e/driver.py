"""Run the real Claude Code CLI once against a scripted model API, inside the caller's network namespace.

Invoked as `python driver.py CONFIG_JSON` under `unshare --net`: brings loopback up, serves a fake
Anthropic Messages API on 127.0.0.1 (first turn: one `Bash` tool_use with the command under test; after
the tool result: a final text), runs `claude -p`, and prints one JSON report on stdout: the CLI's exit
code and output, and every request the CLI sent (so a test can read what the model was told).
Standard library only: it runs outside pytest.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import struct
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def sse(events: list[dict[str, Any]]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def message(blocks: list[dict[str, Any]], deltas: list[dict[str, Any]], stop: str) -> bytes:
    events: list[dict[str, Any]] = [
        {
            "type": "message_start",
            "message": {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": "claude-fake",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            },
        }
    ]
    for index, (block, delta) in enumerate(zip(blocks, deltas, strict=True)):
        events += [
            {"type": "content_block_start", "index": index, "content_block": block},
            {"type": "content_block_delta", "index": index, "delta": delta},
            {"type": "content_block_stop", "index": index},
        ]
    events += [
        {
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": None},
            "usage": {"output_tokens": 1},
        },
        {"type": "message_stop"},
    ]
    return sse(events)


def text(words: str) -> bytes:
    return message([{"type": "text", "text": ""}], [{"type": "text_delta", "text": words}], "end_turn")


def tool_use(command: str) -> bytes:
    block = {"type": "tool_use", "id": "toolu_e2e_1", "name": "Bash", "input": {}}
    delta = {
        "type": "input_json_delta",
        "partial_json": json.dumps({"command": command, "description": "e2e command"}),
    }
    return message([block], [delta], "tool_use")


def has_tool_result(body: dict[str, Any]) -> bool:
    for msg in body.get("messages", []):
        content = msg.get("content")
        if isinstance(content, list) and any(
            isinstance(c, dict) and c.get("type") == "tool_result" for c in content
        ):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    bash_command = ""
    requests: list[dict[str, Any]] = []  # noqa: RUF012 - one run per process

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        self.requests.append({"path": self.path, "body": body})
        tools = [t.get("name") for t in body.get("tools", []) if isinstance(t, dict)]
        if "Bash" not in tools:
            reply = text("ok")  # side queries (titles, summaries): answer plainly
        elif has_tool_result(body):
            reply = text("done")
        else:
            reply = tool_use(self.bash_command)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def do_GET(self) -> None:
        self.requests.append({"path": self.path, "body": None})
        self.send_response(404)
        self.end_headers()


def loopback_up() -> None:
    """`ip link set lo up` without needing iproute2: a fresh network namespace starts with lo down."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14s", b"lo", 0, b"")
        flags = struct.unpack("16sH14s", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH14s", b"lo", flags | iff_up, b""))


def main() -> int:
    config = json.loads(sys.argv[1])
    loopback_up()
    Handler.bash_command = config["command"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": config["home"],
        "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{server.server_address[1]}",
        "ANTHROPIC_API_KEY": "sk-ant-fake",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
        "IS_SANDBOX": "1",
        **config.get("env", {}),
    }
    argv = [
        config["claude"],
        "-p",
        "run the command",
        "--output-format",
        "json",
        "--permission-mode",
        config.get("mode", "default"),
        *config.get("args", []),
    ]
    try:
        done = subprocess.run(
            argv,
            check=False,
            cwd=config["project"],
            env=env,
            capture_output=True,
            text=True,
            timeout=config.get("timeout", 120),
            stdin=subprocess.DEVNULL,
        )
        result = {"exit": done.returncode, "stdout": done.stdout, "stderr": done.stderr[-4000:]}
    except subprocess.TimeoutExpired as exc:
        result = {"exit": None, "stdout": str(exc.stdout), "stderr": str(exc.stderr)[-4000:]}
    server.shutdown()
    print(json.dumps({**result, "requests": Handler.requests}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
