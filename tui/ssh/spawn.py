"""Starting a session's TUI process: forked from the zygote when it is up, else a fresh interpreter.

Both give back something with a `pid` (the session's process group) and an awaitable exit code.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import logging
import socket
import sys
import tempfile
from pathlib import Path
from typing import Protocol

log = logging.getLogger("interlock.ssh")


class SessionProcess(Protocol):
    @property
    def pid(self) -> int: ...

    async def wait(self) -> int: ...


class ForkedSession:
    def __init__(self, pid: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.pid = pid
        self._reader = reader
        self._writer = writer
        self._code: int | None = None

    async def wait(self) -> int:
        if self._code is None:
            line = await self._reader.readline()
            self._code = int(json.loads(line)["exit"]) if line else 1  # zygote gone: report failure
            self._writer.close()
        return self._code


class Zygote:
    """The fork server (zygote.py), owned by the gate: its stdin is our pipe, so it dies with us."""

    def __init__(
        self, process: asyncio.subprocess.Process, path: Path, folder: tempfile.TemporaryDirectory[str]
    ) -> None:
        self.process = process
        self.path = path
        self._folder = folder

    @classmethod
    async def start(cls) -> Zygote | None:
        folder = tempfile.TemporaryDirectory(prefix="interlock-zygote-")
        path = Path(folder.name) / "zygote.sock"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tui.ssh.zygote",
            str(path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        try:
            ready = await asyncio.wait_for(process.stdout.readline(), 60)
        except TimeoutError:
            ready = b""
        if ready.strip() != b"ready":
            log.warning("ssh: fork server did not start; sessions will start fresh interpreters")
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            folder.cleanup()
            return None
        return cls(process, path, folder)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    async def spawn(self, slave: int, env: dict[str, str]) -> ForkedSession:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(str(self.path))
        sock.sendmsg(
            [json.dumps({"env": env}).encode()],
            [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [slave]).tobytes())],
        )
        reader, writer = await asyncio.open_unix_connection(sock=sock)
        reply = json.loads(await reader.readline() or b'{"error": "fork server closed"}')
        if "pid" not in reply:
            writer.close()
            raise OSError(f"fork server refused the session: {reply.get('error')}")
        return ForkedSession(int(reply["pid"]), reader, writer)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self._folder.cleanup()


async def spawn(zygote: Zygote | None, slave: int, env: dict[str, str]) -> SessionProcess:
    if zygote is not None and zygote.alive:
        try:
            return await zygote.spawn(slave, env)
        except OSError as exc:
            log.warning("ssh: fork server failed (%s); starting a fresh interpreter", exc)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tui.ssh.child",
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
