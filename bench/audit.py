"""What the audit log costs the gate: throughput with and without audit writes, in the same run.

Two in-process Gates on real SQLite stores (WAL, as `interlock serve` runs them), one with `AuditLog`
and one without, get the same submission mix in alternating blocks on one event loop, so both see the
same machine (it is shared and noisy: a slow second hits both, not one). The mix: low-risk actions
(allowed at once), medium ones (held, approved by an approver) and high ones (held, opened and approved
by a senior). Every submission and decision is an audit event: the audited gate writes one record per
submission and two per decided action, each committed before the gate returns.

Measured twice: with a trivial judge, where the audit write is the largest share of the work (the worst
case), and with the shipped policy pack, which is what a real gate runs. (Through the socket, with
submitter processes on this 2-CPU machine, client and scheduling noise swamped the difference either
way, so the in-process figures are the ones that can hold a target.)

Target: audit costs at most 20% of throughput.

Usage: python bench/audit.py [--actions N] [--rounds R] [--block B]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gate.inprocess import PEOPLE, risk_judge, who  # noqa: E402
from tui.audit import AuditLog, load_key  # noqa: E402
from tui.config import Settings  # noqa: E402
from tui.gate.approvers import _indexed  # noqa: E402
from tui.gate.service import Gate  # noqa: E402
from tui.store.sqlite import SqliteStore  # noqa: E402

#: No rate limit or breaker: the bench submits far faster than any agent budget, and the mix must not
#: change under it (a rate-limited action is held, which would change what is measured).
SETTINGS = Settings(rate_per_min=10**9, breaker_rejections=0, breaker_criticals=0)
#: Eight submissions in each cycle: five allowed at once, two held medium, one held high.
MIX = ("low",) * 5 + ("medium",) * 2 + ("high",)
TRIVIAL = {
    "low": "git status --short {n} risk=low read-only",
    "medium": "kubectl rollout restart deployment/web-{n} -n staging risk=medium",
    "high": "psql prod -c 'delete from sessions where id = {n}' risk=high",
}
SHIPPED = {
    "low": "git status --short docs/{n}.md",
    "medium": "kubectl rollout restart deployment/web-{n} -n staging",
    "high": "psql -h db.prod -c 'DELETE FROM sessions WHERE id = {n}'",
}


def make_gate(path: Path, audited: bool, **judging: Any) -> Gate:
    store = SqliteStore(path)
    audit = AuditLog(store, load_key(create=True)) if audited else None
    return Gate(store, settings=SETTINGS, approvers=_indexed(PEOPLE, "bench"), audit=audit, **judging)


def block(gate: Gate, commands: dict[str, str], first: int, size: int) -> int:
    """Submit `size` actions of the mix, deciding the held ones; returns operations done."""
    alice, bob = who("alice"), who("bob")
    ops = 0
    for n in range(first, first + size):
        level = MIX[n % len(MIX)]
        action = gate.submit(
            {"kind": "shell", "command": commands[level].format(n=n), "agent": {"id": f"agent-{n % 4}"}}
        )
        ops += 1
        if action.status == "pending":
            approver = bob if level == "high" else alice
            gate.view(action.id, approver)
            gate.decide(action.id, "approve", approver)
            ops += 1
    return ops


async def one_round(
    tmp: Path, tag: str, actions: int, size: int, commands: dict[str, str], **judging: Any
) -> tuple[float, float, float]:
    """Both gates through the same blocks, alternating which goes first: (cost, plain/s, audited/s)."""
    gates = {audited: make_gate(tmp / f"{tag}-{audited}.db", audited, **judging) for audited in (False, True)}
    elapsed, ops = {False: 0.0, True: 0.0}, {False: 0, True: 0}
    for index, first in enumerate(range(0, actions, size)):
        for audited in (index % 2 == 0, index % 2 == 1):
            started = time.perf_counter()
            ops[audited] += block(gates[audited], commands, first, size)
            elapsed[audited] += time.perf_counter() - started
    for gate in gates.values():
        gate.stop()
        gate.store.close()
    plain, audited = ops[False] / elapsed[False], ops[True] / elapsed[True]
    print(f"    round {tag}: {plain:,.0f} vs {audited:,.0f} ops/s, cost {(plain - audited) / plain:.1%}")
    return (plain - audited) / plain, plain, audited


def compare(
    label: str, actions: int, rounds: int, size: int, commands: dict[str, str], **judging: Any
) -> None:
    print(f"{label}:")
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(one_round(Path(tmp), "warm", size * 2, size, commands, **judging))  # imports, caches
        results = [
            asyncio.run(one_round(Path(tmp), str(r), actions, size, commands, **judging))
            for r in range(rounds)
        ]
    cost = statistics.median(r[0] for r in results)
    plain = statistics.median(r[1] for r in results)
    audited = statistics.median(r[2] for r in results)
    print(
        f"  => without audit {plain:,.0f} ops/s | with audit {audited:,.0f} ops/s | median cost {cost:.1%}"
        f" (target <= 20%) | {rounds} rounds x {actions} submissions in blocks of {size}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--block", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as keys:
        os.environ["INTERLOCK_KEYRING_FILE"] = str(Path(keys) / "keyring.cfg")  # never the user's keyring
        compare(
            "trivial judge (worst case)", args.actions, args.rounds, args.block, TRIVIAL, judge=risk_judge
        )
        try:
            from tui.policy import load_policy, shipped_rules_dir
        except ImportError:
            print("shipped policy: not in this checkout; skipped")
            return
        policy = load_policy(shipped_rules_dir())
        compare("shipped policy", args.actions // 4, args.rounds, args.block // 4, SHIPPED, policy=policy)


if __name__ == "__main__":
    main()
