"""The engine: an immutable compiled Policy whose `evaluate(action)` gives score, level, reasons, verdict.

Each unit of the action is scored on its own (sum of matching rules' scores, raised to the highest level
floor); the action takes its worst unit. Read-only needs a rule saying so for every unit and nothing
written. Unknown units are whatever the policy's `known: false` rule says (a middle level). Sums and maxima
do not depend on order, so the same action and policy always give the same result.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tui.model import Action, Reason, Requirement, Risk
from tui.policy.facts import Facts, build
from tui.policy.features import features
from tui.policy.globs import GlobUnion
from tui.policy.matchers import INDEXED_VALUES, Block, indexed_value
from tui.policy.rules import Rule
from tui.policy.schema import LEVELS
from tui.policy.settings import Settings
from tui.policy.units import Unit
from tui.safe_text import visible

Candidate = tuple[Rule, Block]
_Key = tuple[str, str | None, str, int]
_Entry = tuple[Rule, Block, tuple[Callable[[Unit, Facts], bool], ...], tuple[Block, ...]]
#: Evaluations kept per policy (a new policy starts empty, so a reload never serves stale verdicts).
CACHE_SIZE = 4096
_HARMLESS_WRITES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"})


@dataclass(frozen=True, slots=True)
class Evaluation:
    risk: Risk
    environment: str
    rule_verdict: str | None  # "allow" | "deny" | None
    requirement: Requirement
    needs_human: bool
    policy_hash: str
    matched: frozenset[str]  # every rule id that matched any unit (for examples and explain)


@dataclass(slots=True)
class _Scored:
    unit: Unit
    rules: list[tuple[Rule, Block]]
    score: int
    level: str


class _Index:
    """Candidate (rule, block) pairs per unit type and command name, split by pass.

    Blocks naming exact commands are found by dictionary lookup; blocks with command globs are tested
    against a name once and the resulting candidate list is memoised per name (names repeat: ls, git, …).
    A first positional that no block names as its first subcommand word is memoised as "" (it filters
    exactly as any other such word would), so paths and values do not defeat the memo. SQL, HTTP and tool
    units are filed the same way by their statement, method or tool name (`matchers.INDEXED_VALUES`): a
    `DELETE` is not tested against the dozen blocks that want other statements.
    """

    _MEMO_LIMIT = 4096

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.by_name: tuple[dict[str, list[Candidate]], ...] = ({}, {})
        self.globbed: tuple[list[Candidate], ...] = ([], [])
        self.generic: tuple[dict[str, list[Candidate]], ...] = ({}, {})
        self.memo: tuple[dict[tuple[str, str], list[Candidate]], ...] = ({}, {})
        self.filtered: tuple[dict[_Key, list[Candidate]], ...] = ({}, {})
        self.prepared: tuple[dict[_Key, tuple[list[_Entry], bool]], ...] = ({}, {})
        firsts: set[str] = set()
        for rule in rules:
            second = int(rule.second_pass)
            for block in rule.match:
                if block.first_words is not None:
                    firsts |= block.first_words
                if block.names is not None:
                    for name in block.names:
                        self.by_name[second].setdefault(name, []).append((rule, block))
                elif block.name_pattern is not None:
                    self.globbed[second].append((rule, block))
                else:
                    for utype in block.utypes:
                        self.generic[second].setdefault(utype, []).append((rule, block))
        self.first_words = frozenset(firsts)
        blocks = [block for rule in rules for block in rule.match]
        self.writes = GlobUnion(g for block in blocks for key, g in block.globs if key == "writes")
        self.reads = GlobUnion(g for block in blocks for key, g in block.globs if key == "reads")

    def entries(self, unit: Unit, second: int, key: _Key) -> tuple[list[_Entry], bool]:
        """`candidates` ready to run: (rule, block, its checks, the rule's unless), and whether a rule
        appears more than once (only then must later blocks of a matched rule be skipped). `key` is
        `key(unit, features)`, worked out once for both passes."""
        memo = self.prepared[second]
        found = memo.get(key)
        if found is None:
            listed = self.candidates(unit, second, key)
            ids = [rule.id for rule, _ in listed]
            found = ([(rule, block, block.indexed_checks, rule.unless) for rule, block in listed],
                     len(set(ids)) != len(ids))
            if len(memo) >= self._MEMO_LIMIT:
                memo.clear()
            memo[key] = found
        return found

    def key(self, unit: Unit, feats: int) -> _Key:
        if unit.utype == "command":
            first = unit.positionals[0] if unit.positionals else ""
            return "command", unit.name, first if first in self.first_words else "", feats
        return unit.utype, indexed_value(unit), "", feats

    def candidates(self, unit: Unit, second: int, key: _Key) -> list[Candidate]:
        """The blocks worth testing on `unit`: right name, right first word, required features present."""
        memo = self.filtered[second]
        found = memo.get(key)
        if found is None:
            feats = key[3]
            found = [(r, b) for r, b in self._by_name(unit, second, key) if b.need & feats == b.need]
            if len(memo) >= self._MEMO_LIMIT:
                memo.clear()
            memo[key] = found
        return found

    def _by_name(self, unit: Unit, second: int, unit_key: _Key) -> list[Candidate]:
        if unit.utype != "command":
            generic = self.generic[second].get(unit.utype, [])
            field = INDEXED_VALUES.get(unit.utype)
            if field is None:
                return generic
            return [(r, b) for r, b in generic if b.admits(field, unit_key[1])]
        first = unit_key[2]
        key = (unit.name, first)
        memo = self.memo[second]
        found = memo.get(key)
        if found is None:
            named = [(r, b) for r, b in self.by_name[second].get(unit.name, [])
                     if b.first_words is None or first in b.first_words]
            pattern_hits = [(r, b) for r, b in self.globbed[second]
                            if b.name_pattern is not None and b.name_pattern.match(unit.name)
                            and (b.first_words is None or first in b.first_words)]
            found = named + pattern_hits + self.generic[second].get("command", [])
            if len(memo) >= self._MEMO_LIMIT:
                memo.clear()
            memo[key] = found
        return found


class Policy:
    """A loaded policy. Immutable: hot reload swaps the whole object."""

    def __init__(self, rules: tuple[Rule, ...], settings: Settings, digest: str, files: list[Path]) -> None:
        self.rules = rules
        self.settings = settings
        self.hash = digest
        self.files = files
        self.rule_ids = frozenset(r.id for r in rules)
        self.by_id = {r.id: r for r in rules}
        self._index = _Index(rules)
        #: a score's level rank (scores are clamped to 0..100) and each level's base requirement, worked
        #: out once: every unit needs the one, every evaluation the other
        self._score_rank = tuple(_RANK[settings.level_for(score)] for score in range(101))
        self._base_requirement = {level: settings.requirement(level) for level in LEVELS}
        #: each rule's place among reasons: heaviest first (its score, or its level's threshold if higher)
        self._weights = {r.id: -max(r.score, settings.thresholds.get(r.level or "", 0)) for r in rules}
        self._requiring = frozenset(r.id for r in rules if r.require)  # rules that raise the requirement
        self._cache: OrderedDict[tuple[str, ...], Evaluation] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Policy({len(self.rules)} rules, {len(self.files)} files, hash {self.hash[:12]})"

    def evaluate(self, action: Action) -> Evaluation:
        """Judge `action`. Results are memoised by what the rules can see (agents repeat commands)."""
        key = _cache_key(action)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        result = self.evaluate_uncached(action)
        with self._lock:
            self._cache[key] = result
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return result

    def evaluate_uncached(self, action: Action) -> Evaluation:
        """Always parse and match (benchmarks of the cold path, and tests of the cache itself)."""
        facts = build(action, self.settings)
        scored = [self._unit(unit, facts) for unit in facts.units]
        worst = scored[0] if len(scored) == 1 else max(scored, key=lambda s: (_RANK[s.level], s.score))
        rules: dict[str, Rule] = {}
        deny = human = False
        allow = read_only = True
        for s in scored:
            allowed = False
            for rule, _ in s.rules:
                rules[rule.id] = rule
                verdict = rule.verdict
                if verdict == "allow":
                    allowed = True
                elif verdict == "deny":
                    deny = True
                human = human or rule.human
            allow = allow and allowed
            read_only = read_only and s.unit.read_only
        risk = Risk(worst.score, worst.level, self._reasons(scored, facts), read_only)
        return Evaluation(risk, facts.environment, "deny" if deny else ("allow" if allow else None),
                          self._requirement(worst.level, rules), human, self.hash, frozenset(rules))

    def _unit(self, unit: Unit, facts: Facts) -> _Scored:
        index = self._index
        key = index.key(unit, features(unit, facts, index.writes, index.reads))
        first = self._matching(unit, facts, 0, key)
        known = read_only = False
        not_read_only = False
        for rule, block in first:
            known = known or block.recognises
            if rule.read_only is True:
                read_only = True
            elif rule.read_only is False:
                not_read_only = True
        unit.known = known
        unit.read_only = read_only and not not_read_only and not _writes(unit)
        found = first + self._matching(unit, facts, 1, key)
        total = 0
        floor = 0
        for rule, _ in found:
            total += rule.score
            floor = max(floor, _RANK[rule.level])
        total = 0 if total < 0 else (100 if total > 100 else total)
        rank = self._score_rank[total]
        level = LEVELS[rank if rank > floor else floor]
        if level != "low":
            total = max(total, self.settings.thresholds[level])
        return _Scored(unit, found, total, level)

    def _matching(self, unit: Unit, facts: Facts, second: int, key: _Key) -> list[Candidate]:
        out: list[Candidate] = []
        entries, repeats = self._index.entries(unit, second, key)
        seen: set[str] = set()
        for rule, block, checks, unless in entries:
            # candidates are indexed by unit type and name, so only the block's other checks are left to run
            if repeats and rule.id in seen:
                continue
            for check in checks:
                if not check(unit, facts):
                    break
            else:
                if unless and _cancelled(unless, unit, facts):
                    continue
                if repeats:
                    seen.add(rule.id)
                out.append((rule, block))
        return out

    def _reasons(self, scored: list[_Scored], facts: Facts) -> tuple[Reason, ...]:
        best: dict[str, tuple[int, str, Reason]] = {}  # sorted as (-weight, rule id): ids are unique
        order = scored if len(scored) == 1 else sorted(scored, key=lambda s: (-_RANK[s.level], -s.score))
        weights = self._weights
        for s in order:
            for rule, block in s.rules:
                if rule.id in best:
                    continue
                text = f"{rule.reason}: {_detail(block, s.unit, facts)}"
                best[rule.id] = (weights[rule.id], rule.id, Reason(rule.id, text, rule.score))
        return tuple([entry[2] for entry in sorted(best.values())])

    def _requirement(self, level: str, rules: dict[str, Rule]) -> Requirement:
        base = self._base_requirement[level]
        if self._requiring.isdisjoint(rules):
            return base  # immutable: shared by every evaluation at this level that no rule adds to
        roles = self.settings.roles
        approvals, role, reason, review = base.approvals, base.role, base.reason_required, base.min_review_s
        for rule in rules.values():
            for key, value in rule.require:
                if key == "approvals":
                    approvals = max(approvals, value)
                elif key == "role" and _rank(roles, value) > _rank(roles, role):
                    role = value
                elif key == "reason_required":
                    reason = reason or value
                elif key == "min_review_s":
                    review = max(review, value)
        return Requirement(approvals, role, reason, review)


def _cache_key(action: Action) -> tuple[str, ...]:
    """Every field a rule can look at (not the stored content hash, which a caller could leave stale)."""
    payload = "" if action.payload is None else json.dumps(action.payload, sort_keys=True, default=str)
    return (action.kind, action.command, "\x00".join(action.argv), action.cwd, action.path, action.diff,
            action.target.environment, action.target.resource, payload, action.tool, action.summary,
            action.agent.kind, action.agent.id)


#: A level's rank (None: no floor, which ranks with `low`).
_RANK: dict[str | None, int] = {None: 0, **{level: i for i, level in enumerate(LEVELS)}}


def _cancelled(unless: tuple[Block, ...], unit: Unit, facts: Facts) -> bool:
    """Whether an `unless` block holds (a block naming other commands is skipped without a call)."""
    name = unit.name
    for block in unless:
        if block.names is not None and name not in block.names:
            continue
        if block.test(unit, facts):
            return True
    return False


def _rank(roles: tuple[str, ...], role: str) -> int:
    return roles.index(role) if role in roles else -1


def _writes(unit: Unit) -> bool:
    return not _HARMLESS_WRITES.issuperset(unit.writes)


def _detail(block: Block, unit: Unit, facts: Facts) -> str:
    if block.detail == "unicode":
        return ", ".join(facts.suspicious)
    if block.detail == "homoglyph":
        return unit.homoglyph or facts.homoglyph_hosts
    if block.detail == "environment":
        return facts.env_note or facts.environment
    return visible(unit.text)
