"""The server's host key: generated once (ed25519, 0600) in the state dir, reused after, fingerprinted."""

from __future__ import annotations

import os
from pathlib import Path

import asyncssh


def load_or_create(path: Path) -> asyncssh.SSHKey:
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise PermissionError(f"host key {path} is readable by others (mode {mode:o}); chmod 600 it")
        return asyncssh.read_private_key(str(path))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="interlock gate host key")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.export_private_key())
    return key


def fingerprint(key: asyncssh.SSHKey) -> str:
    return str(key.get_fingerprint("sha256"))
