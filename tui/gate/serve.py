"""`interlock serve`: open the store, bind both sockets, re-arm expiry, serve until told to stop.

Stopping (SIGTERM/SIGINT) closes the sockets and leaves every pending action pending: a restarted gate
picks them up and submitters can resume waiting by id.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from tui.gate.protocol import CONTROL_OPS, SUBMIT_OPS
from tui.gate.server import GateAlreadyRunning, listen
from tui.gate.service import DEFAULT_TTL_S, Gate
from tui.locations import control_socket_path, default_db_url, socket_path
from tui.store import StoreError, open_store

log = logging.getLogger("interlock.gate")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="interlock gate: %(message)s", stream=sys.stderr)
    ttl = args.ttl if args.ttl is not None else float(os.environ.get("INTERLOCK_TTL", DEFAULT_TTL_S))
    if ttl <= 0:
        log.error("--ttl must be positive, got %s", ttl)
        return 2
    try:
        store = open_store(args.db or default_db_url())
    except StoreError as exc:
        log.error("%s", exc)
        return 2
    try:
        return asyncio.run(serve(Gate(store, ttl_s=ttl), socket_path(args.socket)))
    finally:
        store.close()


async def serve(gate: Gate, submit_path: os.PathLike[str] | str) -> int:
    submit = Path(submit_path)
    control = Path(control_socket_path(submit))
    try:
        servers = [await listen(gate, submit, SUBMIT_OPS), await listen(gate, control, CONTROL_OPS)]
    except (GateAlreadyRunning, OSError) as exc:
        log.error("cannot listen: %s", exc)
        return 2
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    pending = gate.start()
    log.info(
        "listening: submit %s, control %s; %d pending; ttl %ss; pid %d",
        submit,
        control,
        pending,
        gate.ttl_s,
        os.getpid(),
    )
    try:
        await stop.wait()
    finally:
        for server in servers:
            server.close()
        gate.stop()
        for path in (submit, control):
            path.unlink(missing_ok=True)
    log.info("stopped; pending actions stay pending")
    return 0
