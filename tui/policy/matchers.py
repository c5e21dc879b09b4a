"""Match blocks compiled into checks: the conditions of a rule, run against one unit.

A block is a mapping of conditions that must all hold; a rule's `match` is one block or a list (any may
hold) and `unless` cancels it the same way. Each condition is compiled once at load time into a closure,
cheapest first, so evaluating an action costs a dictionary lookup per command and a few calls per rule.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from tui.policy.features import feature_mask, requires_of
from tui.policy.globs import GlobSet
from tui.policy.literals import literal_prefilter
from tui.policy.paths import PATH_CLASSES
from tui.policy.schema import (
    BOOL_KEYS,
    MATCH_KEYS,
    RECOGNISING,
    Where,
    as_bool,
    as_int,
    as_list,
    as_regex,
    check_keys,
)
from tui.policy.units import UNIT_TYPES, Unit

if TYPE_CHECKING:
    from tui.policy.facts import Facts

Check = Callable[[Unit, "Facts"], bool]
_COST = {"unit": 0, "kind": 0, "command": 0, "sql": 0, "method": 0, "environment": 1}
_BOOL_ATTRS = {"privileged", "nested", "decoded", "dynamic", "embedded", "obfuscated", "read_only", "known"}


@dataclass(frozen=True, slots=True)
class Block:
    utypes: frozenset[str]
    names: frozenset[str] | None  # exact command names (for the index), None when not indexable
    name_pattern: re.Pattern[str] | None  # command-name globs, so the index can pre-filter by name
    checks: tuple[Check, ...]
    recognises: bool
    second_pass: bool  # uses `known`/`read_only`, which exist only after the first pass
    detail: str  # what the reason shows: "text", "unicode", "homoglyph" or "environment"
    requires: frozenset[str] = frozenset()  # unit features that must be present (`features.features`)
    first_words: frozenset[str] | None = None  # literal first subcommand words, for the index
    #: `checks` less the command-name test, which a block found through the index by name always passes
    indexed_checks: tuple[Check, ...] = ()
    globs: tuple[tuple[str, GlobSet], ...] = ()  # its `reads:`/`writes:` globs, for the policy's GlobUnion
    need: int = 0  # `requires` as feature bits
    #: (key, test) for its `sql:`, `method:` or `tool:` condition as a test of the one value it looks at, so
    #: the index can file the block by statement, method or tool name (see `INDEXED_VALUES`)
    value_tests: tuple[tuple[str, Callable[[str], bool]], ...] = ()

    def admits(self, key: str, value: str | None) -> bool:
        """Whether its `key` condition can hold for a unit with this value for it (None: it has none)."""
        for name, test in self.value_tests:
            if name == key:
                return value is not None and test(value)
        return True

    def test(self, unit: Unit, facts: Facts) -> bool:
        if unit.utype not in self.utypes:
            return False
        for check in self.checks:  # noqa: SIM110 - measurably cheaper than all() over a generator
            if not check(unit, facts):
                return False
        return True


def compile_blocks(value: Any, key: str, container: Any, where: Where) -> tuple[Block, ...]:
    blocks = value if isinstance(value, list) else [value]
    if not blocks:
        raise where.error(f"{key} must not be empty", container, key)
    return tuple(compile_block(block, f"{key} block", where) for block in blocks)


def compile_block(data: Any, what: str, where: Where) -> Block:
    check_keys(data, MATCH_KEYS, what, where)
    if not data:
        raise where.error(f"{what} has no conditions (it would match everything)", data)
    utypes = set(UNIT_TYPES)
    for key in data:
        utypes &= set(MATCH_KEYS[key][1])
    if not utypes:
        raise where.error(f"{what} mixes conditions for different things ({', '.join(data)})", data)
    if "unit" in data:
        wanted = as_list(data["unit"], "unit", data, where)
        for name in wanted:
            if name not in UNIT_TYPES:
                raise where.error(f"unit must be among {', '.join(UNIT_TYPES)}, got {name!r}", data, "unit")
        utypes &= set(wanted)
    names = None
    name_pattern = None
    if "command" in data:
        listed = as_list(data["command"], "command", data, where)
        globbed = glob_regex(listed)
        names = frozenset(listed) if globbed is None else None
        name_pattern = None if globbed is None else re.compile(
            "|".join(fnmatch.translate(n) for n in listed))
    ordered = sorted(data, key=lambda k: _COST.get(k, 2))
    compiled: list[tuple[str, Check]] = []
    globs: list[tuple[str, GlobSet]] = []
    for key in ordered:
        if key == "unit":
            continue
        check, globset = _check(key, data[key], data, where)
        compiled.append((key, check))
        if globset is not None:
            globs.append((key, globset))
    checks = tuple(check for _, check in compiled)
    detail = next((d for k, d in (("unicode", "unicode"), ("homoglyph", "homoglyph"),
                                  ("environment", "environment"), ("env_conflict", "environment"))
                   if k in data), "text")
    requires = requires_of(data)
    value_tests = tuple((key, _value_test(key, as_list(data[key], key, data, where)))
                        for key in INDEXED_VALUES.values() if key in data)
    return Block(frozenset(utypes), names, name_pattern, checks, bool(RECOGNISING & data.keys()),
                 bool({"known", "read_only"} & data.keys()), detail, requires, _first_words(data),
                 tuple(check for key, check in compiled if key != "command"), tuple(globs),
                 feature_mask(requires), value_tests)


def _first_words(data: Any) -> frozenset[str] | None:
    """The first subcommand word of every listed sequence, when all are literal (`push`, `reset`, …)."""
    items = data.get("subcommand")
    if items is None:
        return None
    listed = items if isinstance(items, list) else [items]
    firsts = [item.split()[0] if item.split() else "" for item in listed]
    if any(not word or word == "$" or any(c in word for c in "*?[") for word in firsts):
        return None
    return frozenset(firsts)


def _check(key: str, value: Any, data: Any, where: Where) -> tuple[Check, GlobSet | None]:
    if key in BOOL_KEYS:
        return _bool_check(key, as_bool(value, key, data, where)), None
    if key in ("diff_added", "diff_removed", "diff_files"):
        limit = as_int(value, key, data, where, low=0, high=10**9)
        attr = key.removeprefix("diff_")
        return (lambda u, f: u.diff is not None and getattr(u.diff, attr) >= limit), None
    if key in ("line", "code", "text", "arg_regex", "url", "content", "payload"):
        return _regex_check(key, as_regex(value, key, data, where)), None
    items = as_list(value, key, data, where)
    if key in ("reads", "writes"):
        globs = GlobSet(items)
        return ((lambda u, f: globs.any(u.reads) is not None) if key == "reads" else
                (lambda u, f: globs.any(u.writes) is not None)), globs
    if key in ("paths", "writes_to"):
        for item in items:
            if item not in PATH_CLASSES:
                raise where.error(f"{key} must be among {', '.join(PATH_CLASSES)}, got {item!r}", data, key)
        wanted = frozenset(items)
        if key == "writes_to":
            return (lambda u, f: not wanted.isdisjoint(f.write_classes(u))), None
        return (lambda u, f: not wanted.isdisjoint(f.path_classes(u))), None
    if key in ("flags", "all_flags"):
        specs = [_flag_spec(item) for item in items]
        if key == "flags":
            return _any_flag(specs), None
        return (lambda u, f: all(_has_flag(u.flags, name, val) for name, val in specs)), None
    if key == "subcommand":
        match = subcommand_regex(items).match
        return (lambda u, f: match(u.joined) is not None), None
    return _list_check(key, items), None


def _bool_check(key: str, want: bool) -> Check:
    if key in _BOOL_ATTRS:
        return lambda u, f: bool(getattr(u, key)) is want
    simple: dict[str, Check] = {
        "remote": lambda u, f: bool(u.remote),
        "unicode": lambda u, f: bool(f.suspicious),
        "homoglyph": lambda u, f: bool(u.homoglyph or f.homoglyph_hosts),
        "parse_error": lambda u, f: f.parse_error,
        "env_conflict": lambda u, f: f.env_conflict,
        "narrowing": lambda u, f: u.sql is not None and u.sql.narrowing,
        "sql_parsed": lambda u, f: u.sql is not None and u.sql.parsed,
    }
    test = simple[key]
    return lambda u, f: test(u, f) is want


def _regex_check(key: str, pattern: re.Pattern[str]) -> Check:
    search = pattern.search
    may = literal_prefilter(pattern)
    if key in ("line", "code", "payload"):
        # the same for every unit of an action: decided once per action
        text_of: Callable[[Facts], str] = {
            "line": lambda f: f.line, "code": lambda f: f.code(), "payload": lambda f: f.payload_json()}[key]
        memo_key = id(pattern)

        def whole(u: Unit, f: Facts) -> bool:
            found = f.memo.get(memo_key)
            if found is None:
                text = text_of(f)
                found = f.memo[memo_key] = (may is None or may(text)) and search(text) is not None
            return found

        return whole
    if may is None:
        if key == "text":
            return lambda u, f: search(u.text) is not None
        if key == "arg_regex":
            return lambda u, f: _any(search, u.args)
        if key == "url":
            return lambda u, f: u.http is not None and search(u.http.url) is not None
        return lambda u, f: u.diff is not None and search(u.diff.added_text) is not None
    if key == "text":
        return lambda u, f: may(u.text) and search(u.text) is not None
    if key == "arg_regex":
        # no literal crosses a NUL, so none in the joined arguments means none in any one of them
        return lambda u, f: bool(u.args) and may("\x00".join(u.args)) and _any(search, u.args)
    if key == "url":
        return lambda u, f: u.http is not None and may(u.http.url) and search(u.http.url) is not None
    return lambda u, f: (u.diff is not None and may(u.diff.added_text)
                         and search(u.diff.added_text) is not None)


class StarGlobs:
    """`fnmatchcase` against any of several globs, faster than one regex of them all. Python's regex engine
    backtracks through every `.*` of every alternative, so the usual shapes are tested apart: `*text*` with
    one search for any of the texts, `text*` / `*text` with startswith / endswith; any other glob goes
    through the regex as before. With `ignore_case`, lowered ASCII is compared (exactly what the regex's
    IGNORECASE does there); other text goes through the regex of every glob.
    """

    __slots__ = ("_contains", "_fold", "_prefixes", "_regex", "_regex_all", "_suffixes")

    def __init__(self, items: list[str], *, ignore_case: bool = False) -> None:
        self._fold = ignore_case
        contains: list[str] = []
        prefixes: list[str] = []
        suffixes: list[str] = []
        rest: list[str] = []
        for item in dict.fromkeys(items):
            text = item.lower() if ignore_case else item
            inner = text.strip("*")
            simple = inner and not any(c in inner for c in "*?[") and (item.isascii() or not ignore_case)
            if simple and text == f"*{inner}*":
                contains.append(inner)
            elif simple and text == f"{inner}*":
                prefixes.append(inner)
            elif simple and text == f"*{inner}":
                suffixes.append(inner)
            else:
                rest.append(item)
        flags = re.IGNORECASE if ignore_case else 0
        self._contains = re.compile("|".join(map(re.escape, contains))).search if contains else None
        self._prefixes = tuple(prefixes)
        self._suffixes = tuple(suffixes)
        self._regex = re.compile("|".join(fnmatch.translate(i) for i in rest), flags).match if rest else None
        every = "|".join(fnmatch.translate(i) for i in items)
        self._regex_all = re.compile(every, flags).match if items else None

    def __bool__(self) -> bool:
        return self._regex_all is not None

    def match(self, value: str) -> bool:
        if self._fold:
            if not value.isascii():
                return self._regex_all is not None and self._regex_all(value) is not None
            value = value.lower()
        if self._contains is not None and self._contains(value) is not None:
            return True
        if self._prefixes and value.startswith(self._prefixes):
            return True
        if self._suffixes and value.endswith(self._suffixes):
            return True
        return self._regex is not None and self._regex(value) is not None


def glob_regex(items: list[str], *, ignore_case: bool = False) -> re.Pattern[str] | None:
    """One compiled pattern for every glob in `items` (None when none has a wildcard)."""
    globs = [fnmatch.translate(i) for i in items if any(c in i for c in "*?[")]
    return re.compile("|".join(globs), re.IGNORECASE if ignore_case else 0) if globs else None


def _word(glob: str) -> str:
    """One word glob as a pattern that cannot cross into the next word (words are NUL-separated)."""
    out = []
    for char in glob:
        out.append({"*": "[^\x00]*", "?": "[^\x00]"}.get(char) or re.escape(char))
    return "".join(out)


def subcommand_regex(items: list[str]) -> re.Pattern[str]:
    """Word-sequence globs (`"* delete-*"`, `"branch $"`) as one pattern over NUL-joined positionals."""
    alternatives = []
    for item in items:
        words = item.split()
        exact = bool(words) and words[-1] == "$"
        body = "\x00".join(_word(w) for w in (words[:-1] if exact else words))
        alternatives.append(body + ("\\Z" if exact else "(?:\x00|\\Z)"))
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.DOTALL)


#: Unit type → the key whose condition tests one value of such a unit (see `indexed_value`).
INDEXED_VALUES = {"sql": "sql", "http": "method", "tool": "tool"}


def indexed_value(unit: Unit) -> str | None:
    """The value `INDEXED_VALUES` names for this unit's type: its statement, method or tool name."""
    if unit.utype == "sql":
        return unit.sql.statement if unit.sql is not None else None
    if unit.utype == "http":
        return unit.http.method if unit.http is not None else None
    return unit.tool if unit.utype == "tool" else ""


def _value_test(key: str, items: list[str]) -> Callable[[str], bool]:
    """The `sql:` (statement globs), `method:` (names) or `tool:` (case-insensitive globs) test of a value."""
    exact = frozenset(items)
    globbed = [i for i in items if any(c in i for c in "*?[")]
    if key == "tool":
        tool_match = StarGlobs(globbed, ignore_case=True).match
        return lambda value: value.lower() in exact or tool_match(value)
    if key == "method":
        return lambda value: value in exact
    globs = StarGlobs(globbed)
    glob_match = globs.match if globs else None
    return lambda value: value in exact or (glob_match is not None and glob_match(value))


def _list_check(key: str, items: list[str]) -> Check:
    exact = frozenset(items)
    globs = StarGlobs([i for i in items if any(c in i for c in "*?[")])
    glob_match = globs.match if globs else None

    def hit(value: str) -> bool:
        return value in exact or (glob_match is not None and glob_match(value))

    if key == "host":  # fnmatchcase against any of them, as one pattern
        host_match = re.compile("|".join(fnmatch.translate(g) for g in items)).match
        return lambda u, f: u.http is not None and _host(u.http.host, host_match)
    if key in ("sql", "method", "tool"):
        test = _value_test(key, items)
        if key == "sql":
            return lambda u, f: u.sql is not None and test(u.sql.statement)
        if key == "method":
            return lambda u, f: u.http is not None and test(u.http.method)
        return lambda u, f: test(u.tool)
    table: dict[str, Check] = {
        "kind": lambda u, f: f.kind in exact,
        "environment": lambda u, f: (f.environment or "unknown") in exact,
        "agent": lambda u, f: hit(f.agent_kind) or hit(f.agent_id),
        "command": lambda u, f: hit(u.name),
        "args": lambda u, f: _any(hit, u.positionals),
        "stdin_from": lambda u, f: _any(hit, u.stdin_from),
        "via": lambda u, f: _any(hit, u.via),
        "env_vars": lambda u, f: any(hit(k) or hit(f"{k}={v}") for k, v in u.assignments.items()),
        "sql_object": lambda u, f: u.sql is not None and _any(hit, u.sql.objects),
        "sql_function": lambda u, f: u.sql is not None and _any(hit, u.sql.functions),
    }
    return table[key]


def _any(test: Callable[[str], object], values: Iterable[str]) -> bool:
    """`any(test(v) for v in values)`, without a generator (these run for every candidate unit)."""
    for value in values:  # noqa: SIM110 - cheaper than any() over a generator
        if test(value):
            return True
    return False


def _any_flag(specs: list[tuple[str, str | None]]) -> Check:
    """`flags:` — any spec holds. Only a flag the unit has can satisfy a spec naming it exactly, so those
    are looked up by the unit's flags; specs with a `*` in the name are tried one by one."""
    exact: dict[str, list[str | None]] = {}
    globbed: list[tuple[str, str | None]] = []
    for name, value in specs:
        if "*" in name:
            globbed.append((name, value))
        else:
            exact.setdefault(name, []).append(value)
    names = frozenset(exact)

    def check(u: Unit, f: Facts) -> bool:
        flags = u.flags
        if flags and not names.isdisjoint(flags):
            for name in names.intersection(flags):
                for value in exact[name]:
                    if _has_flag(flags, name, value):
                        return True
        for name, value in globbed:  # noqa: SIM110 - cheaper than any() over a generator
            if _has_flag(flags, name, value):
                return True
        return False

    return check


def _host(host: str, match: Callable[[str], re.Match[str] | None]) -> bool:
    if match(host) is not None:
        return True
    return host.count(":") == 1 and match(host.rsplit(":", 1)[0]) is not None


def _flag_spec(item: str) -> tuple[str, str | None]:
    if "=" in item:
        name, value = item.split("=", 1)
        return name, value
    return item, None


def _has_flag(flags: dict[str, frozenset[str]], name: str, value: str | None) -> bool:
    keys = [k for k in flags if fnmatchcase(k, name)] if "*" in name else ([name] if name in flags else [])
    for key in keys:
        values = flags[key]
        if value is None or (value == "" and "" in values):
            return True
        if value and any(fnmatchcase(v, value) for v in values):
            return True
    return False


