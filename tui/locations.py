"""Where Interlock keeps things, in one place.

Socket paths are plain strings built with os.path: the submit path (agent hooks) needs them on every call
and importing pathlib would cost it ~10 ms. The state and config directories come from platformdirs and
are only needed by the gate and approvers.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # see module docstring: no typing/pathlib import on the hook path
if TYPE_CHECKING:
    from pathlib import Path

APP = "interlock"


def socket_path(explicit: str | os.PathLike[str] | None = None) -> str:
    """The submit socket: --socket, else INTERLOCK_SOCKET, else the per-user runtime dir.

    The runtime dir (tmpfs, per user, 0700) is where sockets belong; without XDG_RUNTIME_DIR (cron, CI,
    root shells) a per-uid directory under /tmp is used, created 0700 by the gate.
    """
    chosen = os.fspath(explicit) if explicit else os.environ.get("INTERLOCK_SOCKET")
    if chosen:
        return chosen
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = os.path.join(runtime, APP) if runtime else f"/tmp/{APP}-{os.getuid()}"
    return os.path.join(base, "submit.sock")


def control_socket_path(submit: str | os.PathLike[str]) -> str:
    """The control socket sits beside the submit socket (DESIGN.md: separate sockets, separate rights)."""
    stem, suffix = os.path.splitext(os.fspath(submit))
    return f"{stem}.control{suffix}"


def state_dir() -> Path:
    import pathlib

    import platformdirs

    return pathlib.Path(platformdirs.user_state_dir(APP))


def config_dir() -> Path:
    import pathlib

    explicit = os.environ.get("INTERLOCK_CONFIG_DIR")
    if explicit:
        return pathlib.Path(explicit)
    import platformdirs

    return pathlib.Path(platformdirs.user_config_dir(APP))


def default_db_url() -> str:
    """INTERLOCK_DB, else a SQLite file in the user state dir."""
    return os.environ.get("INTERLOCK_DB") or f"sqlite:///{state_dir() / 'interlock.db'}"
