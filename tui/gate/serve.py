"""`interlock serve`: load settings, approvers and policy, open the store, bind both sockets, serve.

Refuses to start on a bad settings file, approvers file or policy (the gate never runs without a valid
policy). While running, the approvers file and the rules are watched: a valid change applies at once; an
invalid one keeps the last good version and is reported (log, change feed, `status`). Stopping
(SIGTERM/SIGINT) closes the sockets and leaves every pending action pending: a restarted gate picks them
up and submitters can resume waiting by id.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from tui.config import ConfigError, Settings, load_settings
from tui.gate.approvers import ApproversError, load_approvers
from tui.gate.protocol import CONTROL_OPS, SUBMIT_OPS
from tui.gate.server import GateAlreadyRunning, listen
from tui.gate.service import Gate
from tui.locations import config_dir, control_socket_path, default_db_url, socket_path, state_dir
from tui.store import StoreError, open_store

log = logging.getLogger("interlock.gate")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="interlock gate: %(message)s", stream=sys.stderr)
    logging.getLogger("asyncssh").setLevel(logging.WARNING)  # its INFO is per-packet chatter
    try:
        settings = load_settings(Path(args.config) if args.config else None)
        if args.ttl is not None:
            settings = _with_ttl(settings, args.ttl)
        approvers_path = config_dir() / "approvers.yaml"
        approvers = load_approvers(approvers_path)
        store = open_store(args.db or default_db_url())
    except (ConfigError, ApproversError, StoreError) as exc:
        log.error("%s", exc)
        return 2
    try:
        gate = Gate(store, settings=settings, approvers=approvers)
        return asyncio.run(serve(gate, socket_path(args.socket), approvers_path, ssh=args.ssh))
    finally:
        store.close()


def _with_ttl(settings: Settings, ttl: float) -> Settings:
    from dataclasses import replace

    if ttl <= 0:
        raise ConfigError(f"--ttl must be positive, got {ttl}")
    return replace(settings, ttl_s=ttl)


async def serve(
    gate: Gate,
    submit_path: os.PathLike[str] | str,
    approvers_path: Path | None = None,
    *,
    ssh: str | None = None,
) -> int:
    submit = Path(submit_path)
    control = Path(control_socket_path(submit))
    servers: list[asyncio.Server | Any] = []
    try:
        servers.append(await listen(gate, submit, SUBMIT_OPS))
        servers.append(await listen(gate, control, CONTROL_OPS))
        if ssh:
            from tui.ssh import server as ssh_server

            key = state_dir() / "ssh_host_ed25519_key"
            servers.append(await ssh_server.start(gate, ssh, key, str(submit)))
    except (GateAlreadyRunning, OSError, ValueError) as exc:
        log.error("cannot listen: %s", exc)
        for server in servers:
            server.close()
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    pending = gate.start()
    watchers = [asyncio.create_task(_watch_approvers(gate, approvers_path))] if approvers_path else []
    mode = (
        "single-user mode (no approvers file)"
        if gate.approvers.single_user
        else (f"{len(gate.approvers.people)} approvers")
    )
    log.info(
        "listening: submit %s, control %s; %d pending; ttl %ss; %s; pid %d",
        submit,
        control,
        pending,
        gate.ttl_s,
        mode,
        os.getpid(),
    )
    try:
        await stop.wait()
    finally:
        for task in watchers:
            task.cancel()
        for server in servers:
            server.close()
        gate.stop()
        for path in (submit, control):
            path.unlink(missing_ok=True)
    log.info("stopped; pending actions stay pending")
    return 0


async def _watch_approvers(gate: Gate, path: Path) -> None:
    """Hot-reload the approvers file; a broken edit keeps the last good list (and says so)."""
    import watchfiles

    path.parent.mkdir(parents=True, exist_ok=True)
    async for changes in watchfiles.awatch(path.parent, debounce=200, step=50):
        if not any(Path(changed).name == path.name for _, changed in changes):
            continue
        try:
            gate.approvers = load_approvers(path)
        except ApproversError as exc:
            log.error("approvers file not reloaded, keeping the last good one: %s", exc)
            gate.feed.publish({"event": "approvers", "ok": False, "error": str(exc)})
            continue
        log.info(
            "approvers reloaded: %s",
            "single-user mode" if gate.approvers.single_user else f"{len(gate.approvers.people)} approvers",
        )
        gate.feed.publish({"event": "approvers", "ok": True, "single_user": gate.approvers.single_user})
