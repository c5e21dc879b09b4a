"""A fork server for SSH sessions: the TUI is imported once, and each session is a fork of it.

Starting the TUI as a fresh process costs most of a second here (Python plus Textual imports); a fork of a
process that already imported them shows its first frame in a fraction of that, and 20 sessions
connecting at once no longer queue behind 20 imports (reference textual-ssh.md §0; issue 7's target).
Each forked session is still its own process (own PTY, own event loop, killable as a group), which keeps
the isolation the one-process-per-session design is for.

Protocol (one Unix connection per session): the gate sends one JSON line `{"env": {...}}` with the
session PTY's slave fd attached (SCM_RIGHTS); the zygote answers `{"pid": N}` once forked and
`{"exit": CODE}` when that session process ends. The zygote exits when its stdin (a pipe from the gate)
closes, so it never outlives the gate. Run as `python -m tui.ssh.zygote SOCKET`.
"""

from __future__ import annotations

import array
import contextlib
import json
import os
import select
import signal
import socket
import sys

RESET = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE)


def receive(conn: socket.socket) -> tuple[dict[str, str], int]:
    """One request: the environment for the session and its PTY slave fd."""
    fds = array.array("i")
    data, ancillary, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
    if len(fds) != 1:
        raise ValueError("expected exactly one PTY fd")
    return dict(json.loads(data)["env"]), fds[0]


def become_session(slave: int, env: dict[str, str]) -> int:
    """In the forked child: own the PTY as controlling terminal, take the session's environment, run."""
    import fcntl
    import termios

    os.setsid()
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    if slave > 2:
        os.close(slave)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.set_wakeup_fd(-1)
    for signum in RESET:
        signal.signal(signum, signal.SIG_DFL)
    os.environ.clear()
    os.environ.update(env)
    # the zygote's own streams were opened under the gate's locale: rebuild them on the PTY as UTF-8
    streams = [open(fd, mode, encoding="utf-8", closefd=False) for fd, mode in ((0, "r"), (1, "w"), (2, "w"))]  # noqa: SIM115
    sys.stdin, sys.stdout, sys.stderr = streams
    setattr(sys, "__stdin__", streams[0])  # noqa: B010  (Textual's driver reads the dunder streams)
    setattr(sys, "__stdout__", streams[1])  # noqa: B010
    setattr(sys, "__stderr__", streams[2])  # noqa: B010
    from tui.launch import run_tui

    return run_tui(None)


# Modules a session would otherwise import after the fork, at every start (the terminal driver and its
# key parser, layouts, scroll bars): ~7 ms a session, measured with `sys.modules` before and after a run.
PRELOAD = (
    "textual.drivers.linux_driver",
    "textual._xterm_parser",
    "textual.scrollbar",
    "textual.layouts.factory",
    "textual.pilot",
)


def serve(path: str) -> None:
    import gc
    import importlib

    import tui.app  # the expensive imports, once, before any fork
    import tui.launch  # noqa: F401

    for name in PRELOAD:
        importlib.import_module(name)
    gc.freeze()  # what is imported now is shared by every fork: keep the collector from touching it

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    sessions: dict[int, socket.socket] = {}
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([listener, wake_r, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 1):
            return  # the gate is gone
        if wake_r in ready:
            os.read(wake_r, 4096)
            _reap(sessions)
        if listener in ready:
            conn, _ = listener.accept()
            _fork_session(conn, listener, sessions)


def _fork_session(conn: socket.socket, listener: socket.socket, sessions: dict[int, socket.socket]) -> None:
    try:
        env, slave = receive(conn)
    except (OSError, ValueError) as exc:
        conn.sendall(json.dumps({"error": str(exc)}).encode() + b"\n")
        conn.close()
        return
    pid = os.fork()
    if pid == 0:
        listener.close()
        conn.close()
        code = 1
        try:
            code = become_session(slave, env)
        finally:
            os._exit(code)
    os.close(slave)
    conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    sessions[pid] = conn


def _reap(sessions: dict[int, socket.socket]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = sessions.pop(pid, None)
        if conn is not None:
            code = os.waitstatus_to_exitcode(status)
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
            conn.close()


if __name__ == "__main__":
    serve(sys.argv[1])
