"""The TUI process of one SSH session: make its PTY the controlling terminal, then run the TUI.

Run as `python -m tui.ssh.child` by pty_session.py in a new session (setsid). Owning the PTY as a
controlling terminal is what delivers SIGWINCH on resize without asyncssh's `set_redirect_pid`, which would
turn an SSH break (`~B`) into SIGINT and kill the app. Signals are reset to their defaults because ignored
signals survive exec: an app that ignores SIGHUP outlives its disconnected client spinning at 100% CPU.
"""

from __future__ import annotations

import fcntl
import signal
import sys
import termios


def main() -> int:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    for signum in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    from tui.cli import main as cli

    return cli(["tui"])


if __name__ == "__main__":
    sys.exit(main())
