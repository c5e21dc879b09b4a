"""`interlock rules check|test|explain`: validate the policy, run its examples, explain a verdict.

Exit codes follow DESIGN.md: 0 done, 1 failed (examples fail), 2 bad usage or bad input (an invalid rule
file, unreadable Action JSON). `explain --json` prints the contract shape: score, level, verdict,
read_only, environment, reasons (rule, text), plus requirement and policy hash.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any, TextIO

from tui.policy.errors import PolicyError


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "rules_command", None)
    try:
        policy = _load(getattr(args, "dir", None))
    except PolicyError as exc:
        sys.stderr.write(f"interlock rules: {exc}\n")
        return 2
    if command == "check":
        print(f"ok: {len(policy.rules)} rules in {len(policy.files)} files (policy {policy.hash[:12]})")
        return 0
    if command == "test":
        return _test(policy)
    if command == "explain":
        return _explain(policy, args, sys.stdin, sys.stdout)
    sys.stderr.write("interlock rules: choose check, test or explain\n")
    return 2


def _load(directory: str | None) -> Any:
    from tui.policy.loader import default_rules_dirs, load_policy

    return load_policy([Path(directory)] if directory else default_rules_dirs())


def _test(policy: Any) -> int:
    from tui.policy.examples import run_examples

    outcomes = run_examples(policy)
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        print(f"{outcome.where}: rule {outcome.rule}: {outcome.message}")
    print(f"examples: {len(outcomes) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def _explain(policy: Any, args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from tui.model import InvalidAction

    argv = list(args.argv or [])
    if argv[:1] == ["--"]:
        argv = argv[1:]
    try:
        submissions = [_from_argv(argv, args)] if argv else _from_stdin(stdin, args)
    except (ValueError, InvalidAction) as exc:
        sys.stderr.write(f"interlock rules explain: {exc}\n")
        return 2
    if not submissions:
        sys.stderr.write("interlock rules explain: give a command after `--`, or Action JSON on stdin\n")
        return 2
    for submission in submissions:
        try:
            result = explain_one(policy, submission, args.autonomy)
        except InvalidAction as exc:
            sys.stderr.write(f"interlock rules explain: {exc}\n")
            return 2
        stdout.write(json.dumps(result) + "\n" if args.json else render(result))
    return 0


def _from_argv(argv: list[str], args: argparse.Namespace) -> dict[str, Any]:
    text = argv[0] if len(argv) == 1 else (shlex.join(argv) if args.kind == "shell" else " ".join(argv))
    submission: dict[str, Any] = {"kind": args.kind}
    if args.kind in ("file_edit", "file_write"):
        submission["path"] = text
    elif args.kind in ("mcp_tool", "other"):
        submission["tool"] = text
    else:
        submission["command"] = text
    return _defaults(submission, args)


def _from_stdin(stdin: TextIO, args: argparse.Namespace) -> list[dict[str, Any]]:
    text = stdin.read()
    if not text.strip():
        return []
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        docs = [json.loads(line) for line in text.splitlines() if line.strip()]
    for doc in docs:
        if not isinstance(doc, dict):
            raise ValueError("each action must be a JSON object")
    return [_defaults(doc, args) for doc in docs]


def _defaults(submission: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    submission.setdefault("agent", {"id": "explain", "kind": "other"})
    if args.env and not (submission.get("target") or {}).get("environment"):
        submission["target"] = {**(submission.get("target") or {}), "environment": args.env}
    return submission


def explain_one(policy: Any, submission: dict[str, Any], autonomy: str = "supervised") -> dict[str, Any]:
    """The `explain --json` contract for one submission."""
    from tui.model import from_submission
    from tui.policy.verdict import compose

    action = from_submission(submission)
    ev = policy.evaluate(action)
    req = ev.requirement
    return {
        "summary": action.summary, "kind": action.kind, "score": ev.risk.score, "level": ev.risk.level,
        "verdict": compose(ev, autonomy), "autonomy": autonomy, "read_only": ev.risk.read_only,
        "environment": ev.environment, "rule_verdict": ev.rule_verdict, "needs_human": ev.needs_human,
        "requirement": {"approvals": req.approvals, "role": req.role, "reason_required": req.reason_required,
                        "min_review_s": req.min_review_s},
        "reasons": [{"rule": r.rule, "text": r.text, "contribution": r.contribution}
                    for r in ev.risk.reasons],
        "policy_hash": ev.policy_hash,
    }


def render(result: dict[str, Any]) -> str:
    from tui.safe_text import visible

    req = result["requirement"]
    need = f"{req['approvals']} approval(s) from {req['role']}"
    if req["reason_required"]:
        need += ", written reason"
    if req["min_review_s"]:
        need += f", at least {req['min_review_s']:g}s on review"
    lines = [
        f"{visible(result['summary'])}",
        f"  verdict:     {result['verdict']} (at {result['autonomy']})"
        + (f"; rule verdict {result['rule_verdict']}" if result["rule_verdict"] else ""),
        f"  risk:        {result['level']} ({result['score']}/100)"
        + ("  read-only" if result["read_only"] else ""),
        f"  environment: {result['environment'] or 'unknown'}",
        f"  requirement: {need}" + ("; a human must look" if result["needs_human"] else ""),
        "  reasons:",
        *(f"    {r['contribution']:+4d}  {r['rule']}: {visible(r['text'])}" for r in result["reasons"]),
    ]
    return "\n".join(lines) + "\n"
