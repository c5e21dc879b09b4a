"""`interlock audit verify|export|tail` and `interlock report`: read the audit log straight from the store.

They open the store (not the gate's socket): an auditor must be able to check the log with the gate
stopped, and a gate that lied about its own log would defeat the point. Exit codes: verify 0 intact,
1 tampered (or unverifiable: records but no key); 2 bad usage or no such store.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable

from tui.audit import metrics
from tui.audit.events import loads, rows
from tui.audit.export import WRITERS
from tui.audit.keys import KeyMissing, KeyUnavailable, load_key
from tui.audit.render import bucket_for, to_json, to_text
from tui.audit.verify import verify
from tui.audit.when import parse_when
from tui.commands.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, emit_json, fail
from tui.locations import default_db_url
from tui.model import iso
from tui.safe_text import visible
from tui.store import Store, StoreError, open_store
from tui.store.base import AuditRow

POLL_S = 0.5
"""How often `audit tail` looks for new records: a blocking poll, not a busy loop."""


class BadUsage(Exception):
    """An argument nobody can act on (exit 2)."""


def _when(text: str, now: float) -> float:
    try:
        when = parse_when(text, now)
    except (ValueError, OverflowError) as exc:
        raise BadUsage(str(exc)) from None
    if not 0 <= when <= now + 366 * 86400:  # False for NaN; before 1970 has no audit records anyway
        raise BadUsage(f"{text!r} is before 1970 or too far ahead")
    return when


def run(args: argparse.Namespace) -> int:
    try:
        store = _open(args.db)
    except StoreError as exc:
        return fail(str(exc), EXIT_USAGE)
    try:
        if args.command == "report":
            return _report(args, store)
        commands = {"verify": _verify, "export": _export, "tail": _tail}
        return commands[args.audit_command](args, store)
    except (BadUsage, StoreError) as exc:
        return fail(str(exc), EXIT_USAGE)
    finally:
        store.close()


def _open(db: str | None) -> Store:
    """Open an existing store only: verifying a path with a typo must not create an empty, "intact" log."""
    url = db or default_db_url()
    path = url.removeprefix("sqlite:///")
    if "://" not in path and not os.path.exists(path):
        raise StoreError(f"no store at {path}")
    return open_store(url)


def _verify(args: argparse.Namespace, store: Store) -> int:
    try:
        key = load_key(create=False)
    except KeyMissing as exc:
        if store.audit_head() is None:
            print("ok: the audit log is empty")
            return EXIT_OK
        return fail(f"{exc}: the records cannot be authenticated", EXIT_REFUSED)
    except KeyUnavailable as exc:
        return fail(str(exc), EXIT_USAGE)
    try:
        verdict = verify(store, key)
    except StoreError as exc:  # the log itself unreadable (a dropped table, say): not intact
        return fail(f"{exc}: the audit log cannot be verified", EXIT_REFUSED)
    if verdict.problem is None:
        head = f", head {verdict.head_hash[:16]}" if verdict.records else ""
        print(f"ok: {verdict.records} records intact{head} (key {key.id}, {key.where})")
        return EXIT_OK
    print(f"TAMPERED: {visible(verdict.problem.describe())}")
    if verdict.records:
        print(f"  records 1-{verdict.head_seq} before it are intact")
    return EXIT_REFUSED


def _export(args: argparse.Namespace, store: Store) -> int:
    now = time.time()
    since = _when(args.since, now) if args.since else None
    until = _when(args.until, now) if args.until else None
    try:
        WRITERS[args.format](rows(store, since=since, until=until), sys.stdout)
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        sys.stderr.close()
    return EXIT_OK


def _tail(args: argparse.Namespace, store: Store) -> int:
    if args.n < 0:
        raise BadUsage("-n must be zero or more")
    head = store.audit_head()
    after = max(0, (head.seq if head else 0) - args.n)
    try:
        after = _print(store.audit_rows(after=after, limit=max(args.n, 1)), after) if args.n else after
        while not args.no_follow:
            batch = store.audit_rows(after=after)
            if batch:
                after = _print(batch, after)
            else:
                time.sleep(POLL_S)
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    return EXIT_OK


def _print(batch: Iterable[AuditRow], after: int) -> int:
    for row in batch:
        sys.stdout.write(line(row) + "\n")
        after = row.seq
    sys.stdout.flush()
    return after


def line(row: AuditRow) -> str:
    """`seq  time  kind  key=value ...`: one record a line, agent text made visible."""
    data = loads(row.data)
    if data is None:
        brief = row.data
    else:
        brief = " ".join(f"{k}={_value(v)}" for k, v in data.items() if k != "at" and v not in (None, "", []))
    when = iso(row.at) if isinstance(row.at, int | float) else str(row.at)
    return visible(f"{row.seq:>7}  {when}  {row.kind:<11} {brief}")


def _value(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _report(args: argparse.Namespace, store: Store) -> int:
    until = time.time()
    since = _when(args.since, until)
    if since >= until:
        raise BadUsage(f"--since {args.since} is not in the past")
    thresholds = metrics.Thresholds(bucket_s=bucket_for(until - since))
    report = metrics.from_store(store, since=since, until=until, rule_ids=_rule_ids(), thresholds=thresholds)
    if args.json:
        emit_json(to_json(report))
    else:
        sys.stdout.write(to_text(report))
    return EXIT_OK


def _rule_ids() -> frozenset[str] | None:
    """The shipped + user policy's rule ids, for "rules that never fire"; None if it will not load.

    Best effort on purpose: the report is about the log, and a broken rules file must not hide it.
    """
    try:
        from tui.policy import default_rules_dirs, load_policy

        return load_policy(default_rules_dirs()).rule_ids
    except Exception:
        return None
