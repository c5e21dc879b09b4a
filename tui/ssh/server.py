"""Start the gate's SSH server: hardened asyncssh options in one place.

Public keys only (no password, keyboard-interactive, GSS or host-based auth); no agent or X11
forwarding, no port or socket forwarding, no SFTP/SCP; byte-transparent sessions without asyncssh's line
editor. Binding beyond loopback is allowed but warned about.
"""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path

import asyncssh

from tui.gate.service import Gate
from tui.ssh import hostkey, session
from tui.ssh.auth import FailureLimiter, GateSSHServer
from tui.ssh.spawn import Zygote

log = logging.getLogger("interlock.ssh")


def parse_listen(text: str) -> tuple[str, int]:
    """`PORT` or `HOST:PORT` (`[::1]:PORT` for IPv6); loopback when no host is given."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"--ssh wants [HOST:]PORT, got {text!r}")
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def start(gate: Gate, listen: str, key_path: Path, gate_socket: str) -> asyncssh.SSHAcceptor:
    host, port = parse_listen(listen)
    key = hostkey.load_or_create(key_path)
    limiter = FailureLimiter(gate.settings.ssh_max_auth_failures)
    sessions = session.Sessions(limit=gate.settings.ssh_max_sessions, zygote=await Zygote.start())

    async def on_process(process: asyncssh.SSHServerProcess[bytes]) -> None:
        await session.handle(process, gate, gate_socket, sessions)

    acceptor = await asyncssh.create_server(
        lambda: GateSSHServer(gate, limiter),
        host,
        port,
        server_host_keys=[key],
        process_factory=on_process,
        encoding=None,
        line_editor=False,
        password_auth=False,
        kbdint_auth=False,
        gss_kex=False,
        gss_auth=False,
        host_based_auth=False,
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        login_timeout=30,
        keepalive_interval=30,
    )
    bound = acceptor.get_port()
    if not is_loopback(host):
        log.warning("ssh: listening on %s beyond loopback; only keys in the approvers file can log in", host)
    log.info("ssh: listening on %s:%d; host key %s", host, bound, hostkey.fingerprint(key))
    return acceptor
