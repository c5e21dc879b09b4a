"""`interlock serve`: load settings, approvers, policy and the audit key; open the store; serve.

Refuses to start on a bad settings file, approvers file or policy (the gate never runs without a valid
policy), or without its audit key (it never runs unaudited). While running, the approvers file and the
rules are watched: a valid change applies at once; an invalid one keeps the last good version and is
reported (log, change feed, audit log, `status`). Stopping (SIGTERM/SIGINT) closes the sockets and leaves
every pending action pending: a restarted gate picks them up and submitters can resume waiting by id.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
from dataclasses import replace
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
    from tui.audit import KeyUnavailable, open_audit_log
    from tui.policy import PolicyError, default_rules_dirs, load_policy

    rules = [Path(d) for d in args.rules] if args.rules else default_rules_dirs()
    try:
        settings = load_settings(Path(args.config) if args.config else None)
        if args.ttl is not None:
            settings = _with_ttl(settings, args.ttl)
        approvers_path = config_dir() / "approvers.yaml"
        approvers = load_approvers(approvers_path)
        policy = load_policy(rules)
        url = args.db or default_db_url()
        store = open_store(url)
    except (ConfigError, ApproversError, StoreError) as exc:
        log.error("%s", exc)
        return 2
    except PolicyError as exc:
        log.error("refusing to start without a valid policy: %s", exc)
        return 2
    try:
        audit = open_audit_log(store)
    except KeyUnavailable as exc:
        store.close()
        log.error("refusing to start unaudited: %s", exc)
        return 2
    try:
        gate = Gate(store, settings=settings, approvers=approvers, policy=policy, audit=audit)
        gate.store_url = url
        log.info(
            "policy %s: %d rules from %s",
            policy.hash[:12],
            len(policy.rule_ids),
            ", ".join(str(d) for d in rules),
        )
        return asyncio.run(serve(gate, socket_path(args.socket), approvers_path, ssh=args.ssh, rules=rules))
    finally:
        store.close()


def _with_ttl(settings: Settings, ttl: float) -> Settings:
    if ttl <= 0:
        raise ConfigError(f"--ttl must be positive, got {ttl}")
    return replace(settings, ttl_s=ttl)


async def serve(
    gate: Gate,
    submit_path: os.PathLike[str] | str,
    approvers_path: Path | None = None,
    *,
    ssh: str | None = None,
    rules: list[Path] | None = None,
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
    watchers = []
    if approvers_path:
        watchers.append(asyncio.create_task(_watch_approvers(gate, approvers_path)))
    if rules and gate.policy is not None:
        watchers.append(asyncio.create_task(_watch_rules(gate, rules, stop)))
    gc.freeze()  # what was loaded at start (policy, Textual-free modules) is never collected: shorter pauses
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
            gate.audit.record("approvers", {"ok": False, "error": str(exc), "at": gate.clock()})
            gate.feed.publish({"event": "approvers", "ok": False, "error": str(exc)})
            continue
        people = sorted(p.name for p in gate.approvers.people)
        log.info(
            "approvers reloaded: %s",
            "single-user mode" if gate.approvers.single_user else f"{len(people)} approvers",
        )
        gate.audit.record(
            "approvers",
            {"ok": True, "single_user": gate.approvers.single_user, "people": people, "at": gate.clock()},
        )
        gate.feed.publish({"event": "approvers", "ok": True, "single_user": gate.approvers.single_user})


async def _watch_rules(gate: Gate, rules: list[Path], stop: asyncio.Event) -> None:
    """Hot-reload the policy: swap atomically on a valid change; keep the last good one on an invalid one."""
    from tui.policy.reload import PolicyReloaded, watch_policy

    assert gate.policy is not None
    async for event in watch_policy(rules, gate.policy, stop_event=stop):
        if isinstance(event, PolicyReloaded):
            gate.policy, gate.policy_error, gate.policy_loaded_at = event.policy, "", gate.clock()
            change = {
                "added": sorted(event.added),
                "removed": sorted(event.removed),
                "changed": sorted(event.changed),
            }
            log.info("policy reloaded: %s (%s)", event.policy.hash[:12], change)
            gate.audit.record(
                "policy_reload", {"ok": True, "hash": event.policy.hash, **change, "at": gate.clock()}
            )
            gate.feed.publish({"event": "policy", "ok": True, "hash": event.policy.hash, **change})
        else:
            gate.policy_error = str(event.error)
            log.error("policy not reloaded, keeping %s: %s", event.policy.hash[:12], event.error)
            gate.audit.record(
                "policy_reload",
                {"ok": False, "hash": event.policy.hash, "error": str(event.error), "at": gate.clock()},
            )
            gate.feed.publish(
                {"event": "policy", "ok": False, "hash": event.policy.hash, "error": str(event.error)}
            )
