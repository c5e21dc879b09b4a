"""An interactive SSH session: the TUI in its own process on its own PTY, bytes pumped both ways.

One process per session (reference: textual-ssh.md §0): a slow or crashed session never stalls another,
and Textual's process-global state stays per session. We pump the bytes ourselves rather than use
asyncssh's redirect, because the pump sees every keystroke (the idle timeout needs that) and every
window-change (applied to the PTY with TIOCSWINSZ; the kernel then sends the child SIGWINCH).
When the client goes away the child's whole process group gets SIGHUP, then SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import pty
import signal
import struct
import termios

import asyncssh

from tui.ssh.spawn import Zygote, spawn

GRACE_S = 1.0


def set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


async def run(
    process: asyncssh.SSHServerProcess[bytes],
    env: dict[str, str],
    idle_timeout_s: float,
    zygote: Zygote | None,
) -> int:
    master, slave = pty.openpty()
    cols, rows, _, _ = process.term_size
    set_size(master, cols or 80, rows or 24)
    try:
        child = await spawn(zygote, slave, env)
    finally:
        os.close(slave)
    to_client = asyncio.create_task(_pty_to_client(master, process))
    from_client = asyncio.create_task(_client_to_pty(process, master, idle_timeout_s))
    exited = asyncio.create_task(child.wait())
    try:
        await asyncio.wait({exited, from_client}, return_when=asyncio.FIRST_COMPLETED)
        if not exited.done():  # the client left (or idled out): the app goes too, whole group
            await _stop(child.pid, exited)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(to_client), GRACE_S)  # flush the last frame
    finally:
        for task in (to_client, from_client, exited):
            task.cancel()
        with contextlib.suppress(OSError):
            os.close(master)
    code = exited.result() if exited.done() and not exited.cancelled() else 1
    return code if code >= 0 else 128 - code


async def _stop(pid: int, exited: asyncio.Task[int]) -> None:
    for signum in (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signum)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(exited), GRACE_S)
            return


async def _pty_to_client(master: int, process: asyncssh.SSHServerProcess[bytes]) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(os.dup(master), "rb", buffering=0)
    )
    try:
        while data := await reader.read(65536):
            process.stdout.write(data)
            await process.stdout.drain()
    except (OSError, ConnectionError, asyncssh.Error):
        pass  # EIO: the child closed the PTY; or the channel went away
    finally:
        transport.close()


async def _client_to_pty(
    process: asyncssh.SSHServerProcess[bytes], master: int, idle_timeout_s: float
) -> None:
    """Keystrokes into the PTY; returns on EOF, a closed channel, or no keystroke for idle_timeout_s."""
    timeout = idle_timeout_s or None
    while True:
        try:
            data = await asyncio.wait_for(process.stdin.read(65536), timeout)
        except asyncssh.TerminalSizeChanged as change:
            set_size(master, change.width, change.height)
            continue
        except (asyncssh.BreakReceived, asyncssh.SignalReceived):
            continue  # a break is not a kill switch for the on-call's screen
        except TimeoutError:
            process.stderr.write(b"\r\ninterlock: idle timeout, closing the session\r\n")
            return
        except (ConnectionError, asyncssh.Error):
            return
        if not data:
            return
        await asyncio.get_running_loop().run_in_executor(None, os.write, master, data)
