"""Where Interlock keeps things, in one place.

`socket_path()` is standard library only because the submit path (agent hooks) needs it on every call;
the state and config directories come from platformdirs and are only needed by the gate and approvers.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "interlock"


def socket_path(explicit: str | None = None) -> Path:
    """The submit socket: --socket, else INTERLOCK_SOCKET, else the per-user runtime dir.

    The runtime dir (tmpfs, per user, 0700) is where sockets belong; without XDG_RUNTIME_DIR (cron, CI,
    root shells) a per-uid directory under /tmp is used, created 0700 by the gate.
    """
    chosen = explicit or os.environ.get("INTERLOCK_SOCKET")
    if chosen:
        return Path(chosen)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / APP if runtime else Path(f"/tmp/{APP}-{os.getuid()}")
    return base / "submit.sock"


def control_socket_path(submit: Path) -> Path:
    """The control socket sits beside the submit socket (DESIGN.md: separate sockets, separate rights)."""
    return submit.with_name(submit.stem + ".control" + submit.suffix)


def state_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir(APP))


def config_dir() -> Path:
    explicit = os.environ.get("INTERLOCK_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP))


def default_db_url() -> str:
    """INTERLOCK_DB, else a SQLite file in the user state dir."""
    return os.environ.get("INTERLOCK_DB") or f"sqlite:///{state_dir() / 'interlock.db'}"
