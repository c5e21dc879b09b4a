"""Literal prefilters for rule regexes: a substring test that must pass before the regex can match.

`(\\w+)\\(\\)\\s*\\{…` can only match text containing `()`, and
`/var/run/docker\\.sock|/run/docker\\.sock` only text containing one of its two paths. Python's regex
engine tries every start position; a substring test is a single C scan, so most units are ruled out
without running the regex. The prefilter never rejects text the regex would match: it is built from
literals every match must contain, or not built at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

try:  # the regex parser is internal to `re`; without it there is simply no prefilter
    import re._parser as _sre  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python < 3.11
    _sre = None

#: More alternatives than this and the substring tests cost about what the regex does.
_MAX_ALTERNATIVES = 8
_MIN_LENGTH = 2


def required_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """Strings one of which every match contains, and whether they compare case-insensitively."""
    if _sre is None or pattern.flags & re.LOCALE:
        return None
    try:
        parsed = _sre.parse(pattern.pattern, pattern.flags)
    except Exception:  # whatever the internal parser does, there is just no prefilter
        return None
    fold = bool(parsed.state.flags & re.IGNORECASE)
    found = _sequence(list(parsed))
    if found is None or min(len(lit) for lit in found) < _MIN_LENGTH:
        return None
    if fold:
        if not all(lit.isascii() for lit in found):
            return None
        found = tuple(dict.fromkeys(lit.lower() for lit in found))
    return found, fold


def literal_prefilter(pattern: re.Pattern[str]) -> Callable[[str], bool] | None:
    """A test that is False only for text `pattern.search` cannot match, or None when there is none."""
    found = required_literals(pattern)
    if found is None:
        return None
    literals, fold = found
    if fold:
        # case-insensitive matching of ASCII literals in ASCII text is exactly `in` on the lowered text;
        # other text (Kelvin sign, long s, …) goes straight to the regex
        def folded(text: str) -> bool:
            if not text.isascii():
                return True
            lowered = text.lower()
            for literal in literals:  # noqa: SIM110 - cheaper than any() over a generator
                if literal in lowered:
                    return True
            return False

        return folded
    if len(literals) == 1:
        only = literals[0]
        return lambda text: only in text

    def any_of(text: str) -> bool:
        for literal in literals:  # noqa: SIM110 - cheaper than any() over a generator
            if literal in text:
                return True
        return False

    return any_of


def _better(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The more selective of two literal sets: longer shortest literal, then fewer alternatives."""
    if b is None or len(b) > _MAX_ALTERNATIVES or not all(b):
        return a
    if a is None:
        return b
    key_a, key_b = (min(map(len, a)), -len(a)), (min(map(len, b)), -len(b))
    return b if key_b > key_a else a


def _sequence(items: list[tuple[Any, Any]]) -> tuple[str, ...] | None:
    """Literals one of which any match of this sequence of regex items contains (None: none known)."""
    best: tuple[str, ...] | None = None
    run: list[str] = []
    for op, arg in items:
        if op is _sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            best = _better(best, ("".join(run),))
            run = []
        if op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = arg
            if not add_flags and not del_flags:  # a group with its own flags (`(?i:…)`) is skipped
                best = _better(best, _sequence(list(sub)))
        elif op is _sre.BRANCH:
            alternatives = [_sequence(list(branch)) for branch in arg[1]]
            if all(alt is not None for alt in alternatives):
                best = _better(best, tuple(dict.fromkeys(lit for alt in alternatives if alt for lit in alt)))
    if run:
        best = _better(best, ("".join(run),))
    return best
