"""Authentication: public keys from the approvers file only, identity bound when auth *completes*.

`validate_public_key` is also called for the unsigned probe a client sends before proving it holds the
private key, so the key seen there is only a candidate: the identity is taken in `auth_completed`, from
the last key that was validated, which with public-key as the only method is the one that signed
(reference: textual-ssh.md §2.4.5). Repeated failures from one address are counted; past the limit its
connections are refused outright.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

import asyncssh

from tui.gate.approvers import Identity
from tui.gate.service import Gate

log = logging.getLogger("interlock.ssh")


class FailureLimiter:
    """Failed logins per peer address within a sliding minute."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def blocked(self, peer: str) -> bool:
        window = self._failures.get(peer)
        if not window:
            return False
        while window and window[0] < self.clock() - 60:
            window.popleft()
        return len(window) >= self.limit > 0

    def fail(self, peer: str) -> None:
        self._failures.setdefault(peer, deque()).append(self.clock())


class GateSSHServer(asyncssh.SSHServer):
    """One per connection: refuses everything but public-key auth and sessions."""

    def __init__(self, gate: Gate, limiter: FailureLimiter) -> None:
        self.gate = gate
        self.limiter = limiter
        self.peer = "?"
        self.identity: Identity | None = None
        self._candidate: Identity | None = None
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.peer = str(peer[0])
        if self.limiter.blocked(self.peer):
            log.warning("ssh: refusing %s: too many failed logins in the last minute", self.peer)
            self.gate.audit.record(
                "ssh_login", {"peer": self.peer, "ok": False, "why": "rate limited", "at": time.time()}
            )
            conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.identity is None and self._candidate is not None:
            self.limiter.fail(self.peer)

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate; the SSH user name means nothing here (everyone is "oncall")

    def public_key_auth_supported(self) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        text = key.export_public_key("openssh").decode()
        self._candidate = self.gate.approvers.for_key(text)
        if self._candidate is None:
            self.limiter.fail(self.peer)
            log.warning("ssh: unknown key %s from %s", key.get_fingerprint("sha256"), self.peer)
            self.gate.audit.record(
                "ssh_login",
                {
                    "peer": self.peer,
                    "ok": False,
                    "why": "unknown key",
                    "fingerprint": key.get_fingerprint("sha256"),
                    "at": time.time(),
                },
            )
        return self._candidate is not None

    def auth_completed(self) -> None:
        self.identity = self._candidate
        assert self.identity is not None  # public key is the only method, so a validated key signed
        log.info("ssh: %s (%s) logged in from %s", self.identity.name, self.identity.fingerprint, self.peer)
        self.gate.audit.record(
            "ssh_login",
            {
                "peer": self.peer,
                "ok": True,
                "name": self.identity.name,
                "role": self.identity.role,
                "fingerprint": self.identity.fingerprint,
                "at": time.time(),
            },
        )

    # nothing but sessions: no forwarding of any kind
    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False
