"""Non-interactive SSH commands (`ssh gate ls --json`): an allow-list, then the same `interlock` CLI.

The command runs as a subprocess of the gate with a session token, so it acts for the key's approver,
prints exactly what the local CLI prints and exits with the same codes. No shell is involved: the
command line is split with shlex and passed as argv. Options that would point the CLI at other files
(`--socket`, `--db`, `--config`) are refused: over SSH there is one gate, this one.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
import sys

import asyncssh

APPROVER_COMMANDS = frozenset(
    {"ls", "show", "approve", "reject", "autonomy", "halt", "incident", "report", "status"}
)
AGENT_COMMANDS = frozenset({"submit", "wait", "status"})
FORBIDDEN_OPTIONS = ("--socket", "--db", "--config")


class Refused(Exception):
    """The command is not allowed for this key; the message says what is."""


def parse(command: str, role: str) -> list[str]:
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise Refused(f"cannot parse the command: {exc}") from None
    allowed = AGENT_COMMANDS if role == "agent" else APPROVER_COMMANDS
    if not words or words[0] not in allowed:
        got = repr(words[0]) if words else "nothing"
        raise Refused(
            f"{got} is not available to a {role} key over SSH; commands: {', '.join(sorted(allowed))}"
        )
    for word in words:
        if word.startswith(FORBIDDEN_OPTIONS):
            raise Refused(f"{word.split('=')[0]} is not available over SSH")
    return words


async def run(process: asyncssh.SSHServerProcess[bytes], words: list[str], env: dict[str, str]) -> int:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tui.cli",
        *words,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    feeding = asyncio.create_task(_feed(process, child.stdin))
    await asyncio.gather(_copy(child.stdout, process.stdout), _copy(child.stderr, process.stderr))
    code = await child.wait()
    feeding.cancel()
    return code if code >= 0 else 128 - code


async def _feed(process: asyncssh.SSHServerProcess[bytes], sink: asyncio.StreamWriter) -> None:
    """The client's stdin (Action JSON for `submit`) into the command, until EOF."""
    with contextlib.suppress(ConnectionError, asyncssh.Error, BrokenPipeError):
        while data := await process.stdin.read(65536):
            sink.write(data)
            await sink.drain()
    with contextlib.suppress(ConnectionError, BrokenPipeError):
        sink.close()


async def _copy(source: asyncio.StreamReader, sink: asyncssh.SSHWriter[bytes]) -> None:
    while data := await source.read(65536):
        with contextlib.suppress(ConnectionError, asyncssh.Error):
            sink.write(data)
            await sink.drain()
