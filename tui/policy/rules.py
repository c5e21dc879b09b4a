"""One rule: conditions (`match`, `unless`) and effects (score, level floor, verdict, read-only, review).

A rule contributes to each unit it matches; the engine adds scores and takes the highest floor, so the
order of rules and files never changes a result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.policy.matchers import Block, compile_blocks
from tui.policy.schema import (
    EXAMPLE_KEYS,
    LEVELS,
    RULE_ID,
    RULE_KEYS,
    Where,
    as_bool,
    as_choice,
    as_int,
    check_keys,
)
from tui.policy.settings import requirement
from tui.policy.yamlsrc import line_of

EFFECTS = ("score", "level", "verdict", "read_only", "require", "human")


@dataclass(frozen=True, slots=True)
class Example:
    data: Any  # a shell command string, or a submission mapping
    line: int


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    file: str
    line: int
    reason: str
    match: tuple[Block, ...]
    unless: tuple[Block, ...]
    score: int = 0
    level: str | None = None
    verdict: str | None = None
    read_only: bool | None = None
    require: tuple[tuple[str, Any], ...] = ()
    human: bool = False
    examples_match: tuple[Example, ...] = ()
    examples_no_match: tuple[Example, ...] = ()
    digest: str = ""  # of the rule's YAML content, for "changed" in reload events

    @property
    def recognises(self) -> bool:
        return any(block.recognises for block in self.match)

    @property
    def second_pass(self) -> bool:
        return any(block.second_pass for block in (*self.match, *self.unless))

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def build_rule(data: Any, file: Path, line: int, roles: tuple[str, ...]) -> Rule | None:
    """A validated Rule, or None when it says `enabled: false`."""
    rule_id = data.get("id") if isinstance(data, dict) else None
    where = Where(file, rule_id if isinstance(rule_id, str) else "")
    if not isinstance(data, dict):
        raise where.error(f"each rule must be a mapping, got {type(data).__name__}", data)
    check_keys(data, RULE_KEYS, "rule", where)
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise where.error(f"rule id must be kebab-case (a-z, 0-9, -), got {rule_id!r}", data, "id")
    if "enabled" in data and not as_bool(data["enabled"], "enabled", data, where):
        return None
    if "match" not in data:
        raise where.error("rule has no `match`", data)
    if not any(key in data for key in EFFECTS):
        raise where.error(f"rule has no effect (one of {', '.join(EFFECTS)})", data)
    reason = data.get("reason", data.get("description", rule_id))
    if not isinstance(reason, str) or not reason.strip():
        raise where.error("reason must be a non-empty string", data, "reason")
    match = compile_blocks(data["match"], "match", data, where)
    unless = compile_blocks(data["unless"], "unless", data, where) if "unless" in data else ()
    read_only = as_bool(data["read_only"], "read_only", data, where) if "read_only" in data else None
    if read_only is not None and any(b.second_pass for b in (*match, *unless)):
        raise where.error("a rule that sets read_only cannot also match on read_only or known", data,
                          "read_only")
    examples = _examples(data.get("examples"), data, where)
    return Rule(
        id=rule_id, file=str(file), line=line_of(data, "id", getattr(data, "line", line)),
        reason=reason.strip(),
        match=match, unless=unless,
        score=as_int(data.get("score", 0), "score", data, where, low=-100, high=100),
        level=as_choice(data["level"], "level", data, where, LEVELS) if "level" in data else None,
        verdict=as_choice(data["verdict"], "verdict", data, where, ("allow", "deny")) if "verdict" in data
        else None,
        read_only=read_only,
        require=tuple(sorted(requirement(data["require"], roles, "require", where).items()))
        if "require" in data else (),
        human=as_bool(data["human"], "human", data, where) if "human" in data else False,
        examples_match=examples[0], examples_no_match=examples[1],
        digest=hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest(),
    )


def _examples(value: Any, data: Any, where: Where) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    if value is None:
        return (), ()
    check_keys(value, {"match": 1, "no_match": 1}, "examples", where)
    out: list[tuple[Example, ...]] = []
    for key in ("match", "no_match"):
        items = value.get(key) or []
        if not isinstance(items, list):
            raise where.error(f"examples.{key} must be a list", value, key)
        parsed = []
        for index, item in enumerate(items):
            if not isinstance(item, (str, dict)) or not item:
                raise where.error(f"examples.{key} items are commands or action mappings", value, key)
            if isinstance(item, dict):
                check_keys(item, EXAMPLE_KEYS, f"examples.{key} action", where)
            parsed.append(Example(item, line_of(items, index, line_of(value, key))))
        out.append(tuple(parsed))
    return out[0], out[1]
