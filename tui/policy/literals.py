"""Literal prefilters for rule regexes: substring tests that must pass before the regex can match.

`(\\w+)\\(\\)\\s*\\{…` can only match text containing `()`, and
`/var/run/docker\\.sock|/run/docker\\.sock` only text containing one of its two paths. Python's regex
engine tries every start position; a substring test is a single C scan, so most units are ruled out
without running the regex. The prefilter never rejects text the regex would match: it is built from
literals every match must contain, or not built at all.

A pattern may require several things at once (`"env": "…prod…"` needs `": "` *and* one of `prod`, `live`,
…): up to three such sets are tested, each must pass. A set of many alternatives (sixty monitoring agents'
names under `(?i)`) is tested by one case-sensitive regex of the literals as a trie, which Python's engine
runs an order of magnitude faster than the case-insensitive alternation it stands in for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

try:  # the regex parser is internal to `re`; without it there is simply no prefilter
    import re._parser as _sre  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python < 3.11
    _sre = None

_MIN_LENGTH = 2
#: Sets tested per prefilter: each one more is another scan of text that passed the ones before.
_MAX_SETS = 3
#: Up to this many literals a set is tested with `in`; more, with one regex of them all.
_IN_LIMIT = 4

Literals = tuple[str, ...]


def required_literals(pattern: re.Pattern[str]) -> tuple[list[Literals], bool] | None:
    """Sets of strings, every match containing one of each set, and whether they compare case-insensitively.

    Sets are ordered most selective first (longest shortest literal, then fewest literals).
    """
    if _sre is None or pattern.flags & re.LOCALE:
        return None
    try:
        parsed = _sre.parse(pattern.pattern, pattern.flags)
    except Exception:  # whatever the internal parser does, there is just no prefilter
        return None
    fold = bool(parsed.state.flags & re.IGNORECASE)
    kept: dict[Literals, None] = {}
    for required in _sequence(list(parsed)):
        found = required
        if fold:
            if not all(lit.isascii() for lit in found):
                continue  # a non-ASCII literal folds in ways `lower()` does not: no test from this set
            found = tuple(lit.lower() for lit in found)
        if min(len(lit) for lit in found) < _MIN_LENGTH or any("\x00" in lit for lit in found):
            continue  # too common to be worth a scan; NUL separates joined arguments (matchers)
        kept[_minimal(found)] = None
    if not kept:
        return None
    return sorted(kept, key=_selectivity)[:_MAX_SETS], fold


def literal_prefilter(pattern: re.Pattern[str]) -> Callable[[str], bool] | None:
    """A test that is False only for text `pattern.search` cannot match, or None when there is none."""
    found = required_literals(pattern)
    if found is None:
        return None
    sets, fold = found
    tests = [_contains_any(literals) for literals in sets]
    if fold:
        # case-insensitive matching of ASCII literals in ASCII text is exactly a case-sensitive test on the
        # lowered text; other text (Kelvin sign, long s, …) goes straight to the regex
        def folded(text: str) -> bool:
            if not text.isascii():
                return True
            lowered = text.lower()
            for test in tests:  # noqa: SIM110 - cheaper than all() over a generator
                if not test(lowered):
                    return False
            return True

        return folded
    if len(tests) == 1:
        return tests[0]

    def all_of(text: str) -> bool:
        for test in tests:  # noqa: SIM110 - cheaper than all() over a generator
            if not test(text):
                return False
        return True

    return all_of


def _contains_any(literals: Literals) -> Callable[[str], bool]:
    """Whether text contains one of `literals` (compared exactly)."""
    if len(literals) == 1:
        only = literals[0]
        return lambda text: only in text
    if len(literals) <= _IN_LIMIT:

        def any_of(text: str) -> bool:
            for literal in literals:  # noqa: SIM110 - cheaper than any() over a generator
                if literal in text:
                    return True
            return False

        return any_of
    search = re.compile(_trie(literals)).search
    return lambda text: search(text) is not None


def _trie(literals: Literals) -> str:
    """A regex matching exactly `literals`, prefixes shared, so each start position costs a branch or two."""
    root: dict[str, Any] = {}
    for literal in literals:
        node = root
        for char in literal:
            node = node.setdefault(char, {})
        node[""] = {}  # the end of a literal

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def _minimal(literals: Literals) -> Literals:
    """Without literals that contain another one: a text containing them contains that one too."""
    unique = tuple(dict.fromkeys(literals))
    return tuple(lit for lit in unique if not any(other != lit and other in lit for other in unique))


def _selectivity(literals: Literals) -> tuple[int, int]:
    return -min(len(lit) for lit in literals), len(literals)


def _best(sets: list[Literals]) -> Literals | None:
    """The most selective of the sets one branch requires (None: it requires none)."""
    usable = [s for s in sets if all(s)]
    return min(usable, key=_selectivity) if usable else None


def _sequence(items: list[tuple[Any, Any]]) -> list[Literals]:
    """Sets of literals a match of this sequence of regex items contains one of each."""
    found: list[Literals] = []
    run: list[str] = []
    for op, arg in items:
        if op is _sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            found.append(("".join(run),))
            run = []
        if op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = arg
            if not add_flags and not del_flags:  # a group with its own flags (`(?i:…)`) is skipped
                found.extend(_sequence(list(sub)))
        elif op is _sre.BRANCH:
            alternatives = [_best(_sequence(list(branch))) for branch in arg[1]]
            if all(alt is not None for alt in alternatives):
                found.append(tuple(lit for alt in alternatives if alt for lit in alt))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and arg[0] >= 1:
            found.extend(_sequence(list(arg[2])))  # at least one repetition: what it requires, a match has
    if run:
        found.append(("".join(run),))
    return found
