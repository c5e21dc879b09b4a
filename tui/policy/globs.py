"""Path globs for rules (gitignore-like) and the path normalisation they match against.

Rules name sensitive files the way people write them (`.env`, `~/.ssh/*`, `.claude/settings*.json`), so a
pattern without a slash matches a file name anywhere, `~/` and `/` anchor it, and any other pattern matches
at a directory boundary. `!pattern` excludes (`.env.*` but not `!.env.example`). Every path is normalised
first (`$HOME` and `/home/USER` become `~`, `..` is resolved against the working directory) so
`./.claude/../.claude//settings.json` cannot slip past `.claude/settings*.json`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

_HOME_PREFIX = re.compile(r"^(?:\$HOME|\$\{HOME\}|/home/[^/]+|/Users/[^/]+)(?=/|$)")


_HOME_STARTS = ("$HOME", "${HOME}", "/home/", "/Users/")  # every string _HOME_PREFIX can match starts so
#: A path in which normpath changes nothing: not empty, no `//`, no `.` or `..` component, no final `/`.
_NEEDS_NORMPATH = re.compile(r"//|(?:^|/)\.\.?(?:/|$)|/$")


def _home(path: str) -> str:
    """`_HOME_PREFIX.sub("~", path)`, by hand: `/home/USER`, `/Users/USER`, `$HOME` or `${HOME}` → `~`."""
    if not path.startswith(_HOME_STARTS):
        return path
    if path[0] == "/":  # /home/USER or /Users/USER: a non-empty name up to the next `/` or the end
        start = 6 if path[1] == "h" else 7
        end = path.find("/", start)
        if end < 0:
            return "~" if len(path) > start else path
        return path if end == start else "~" + path[end:]
    rest = path[5:] if path[1] == "H" else path[7:]
    # the pattern's `(?=/|$)`: a `/`, the end, or (as `$` allows) a final newline
    return "~" + rest if not rest or rest[0] == "/" or rest == "\n" else path


def _normpath(path: str) -> str:
    if path and "//" not in path and "/." not in path and path[0] != "." and path[-1] not in "/\n":
        return path  # none of what _NEEDS_NORMPATH looks for can be there (its `$` also sees a final newline)
    return path if path and _NEEDS_NORMPATH.search(path) is None else posixpath.normpath(path)


def normalise(path: str, cwd: str = "") -> str:
    """The absolute (or `~`-anchored) form of `path` as the shell would resolve it from `cwd`."""
    path = _home(path.strip())
    if not path:
        return path
    if not path.startswith(("/", "~")) and cwd:
        base = _home(cwd)  # posixpath.join(base, path), `path` being relative
        path = base + path if not base or base[-1] == "/" else base + "/" + path
    if path == "~" or path.startswith("~/"):
        rest = _normpath("/" + path[1:].lstrip("/"))
        return "~" if rest == "/" else "~" + rest
    normal = _normpath(path)
    return "/" + normal.lstrip("/") if normal.startswith("//") else normal


def _component(pattern: str, start: int) -> tuple[str, int]:
    """Translate one bracket expression starting at `start`; a lone `[` is literal."""
    end = pattern.find("]", start + 2)
    if end < 0:
        return re.escape("["), start + 1
    body = pattern[start + 1 : end]
    if body.startswith("!"):
        body = "^" + body[1:]
    return "[" + body.replace("\\", "\\\\") + "]", end + 1


def translate(pattern: str) -> str:
    """A glob as an anchored regular expression (`**` crosses directories, `*` does not)."""
    if pattern.startswith("./"):
        pattern = pattern[2:]
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("(?:/.*)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            text, i = _component(pattern, i)
            out.append(text)
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    anchored = pattern.startswith(("/", "~"))
    return ("^" if anchored else "(?:^|/)") + body + "$"  # used with search(): cheap at a boundary


def _strip_leading_any(pattern: str) -> str:
    """`**/x` is `x` at any directory boundary, which is how unanchored patterns match anyway."""
    while pattern.startswith("**/") and len(pattern) > 3:
        pattern = pattern[3:]
    return pattern


_BOUNDARY = "(?:^|/)"


class _Part:
    """One side (include or exclude) of a GlobSet, split so most tests are a set lookup or a short match.

    Patterns are kept without their anchors: anchored ones are only ever tried at the start (`match`), and
    the others at a directory boundary, which `/` + path turns into a search for `/` + pattern (a literal
    first character the regex engine scans for, instead of trying `(?:^|/)` of each at every position).
    File-name globs `*.ext` and `name*` are string tests (`endswith`, `startswith`) on the last component.
    """

    __slots__ = ("anchored", "ends", "name_globs", "names", "sources", "starts", "suffixes")

    def __init__(self, patterns: list[str]) -> None:
        plain = [_strip_leading_any(p.removeprefix("./")) for p in patterns]
        self.names = frozenset(p for p in plain if "/" not in p and not any(c in p for c in "*?["))
        globbed = [p for p in plain if "/" not in p and any(c in p for c in "*?[")]
        anchored = _unique(translate(p)[1:] for p in plain if p.startswith(("/", "~")))
        suffixes = _unique(translate(p)[len(_BOUNDARY) :] for p in plain
                           if "/" in p and not p.startswith(("/", "~")))
        ends = tuple(p[1:] for p in globbed if p[:1] == "*" and _literal(p[1:]))
        starts = tuple(p[:-1] for p in globbed if p[-1:] == "*" and _literal(p[:-1]))
        rest = _unique(translate(p)[len(_BOUNDARY) :] for p in globbed
                       if not (p[:1] == "*" and _literal(p[1:])) and not (p[-1:] == "*" and _literal(p[:-1])))
        self.sources = (ends, starts, rest, anchored, suffixes)  # for GlobUnion
        self.ends = ends or None
        self.starts = starts or None
        self.name_globs = _alternatives("", rest)
        self.anchored = _alternatives("", anchored)
        self.suffixes = _alternatives("/", suffixes)

    def match(self, path: str) -> bool:
        base = path.rsplit("/", 1)[-1]
        if base in self.names or (self.name_globs is not None and self.name_globs.match(base)):
            return True
        ends = self.ends
        # `*.ext` is `[^/]*\.ext$`, and `$` also matches before a final newline
        if ends is not None and (base.endswith(ends) or (base[-1:] == "\n" and base[:-1].endswith(ends))):
            return True
        if self.starts is not None and base.startswith(self.starts):
            return True
        if self.anchored is not None and self.anchored.match(path):
            return True
        return self.suffixes is not None and self.suffixes.search("/" + path) is not None


def _literal(text: str) -> bool:
    return bool(text) and not any(c in text for c in "*?[")


class GlobSet:
    """Any-of path globs with `!` exclusions."""

    __slots__ = ("_exclude", "_include", "patterns")

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self._include = _Part([p for p in self.patterns if not p.startswith("!")])
        excluded = [p[1:] for p in self.patterns if p.startswith("!")]
        self._exclude = _Part(excluded) if excluded else None

    def match(self, path: str) -> bool:
        """`path` must already be normalised."""
        return self._include.match(path) and (self._exclude is None or not self._exclude.match(path))

    def any(self, paths: Iterable[str]) -> str | None:
        """The first path that matches, for the reason text."""
        for path in paths:
            if self.match(path):
                return path
        return None


class GlobUnion:
    """A quick test that none of many GlobSets matches a path: `maybe` holds whenever any of them would.

    A policy's `writes:` and `reads:` conditions hold dozens of globs between them and most paths an agent
    touches match none, so one test here replaces a test per rule.
    """

    __slots__ = ("anchored", "ends", "name_globs", "names", "starts", "suffixes")

    def __init__(self, sets: Iterable[GlobSet]) -> None:
        names: set[str] = set()
        sources: tuple[dict[str, None], ...] = ({}, {}, {}, {}, {})
        for globs in sets:
            part = globs._include
            names |= part.names
            for into, found in zip(sources, part.sources, strict=True):
                into.update(dict.fromkeys(found))
        ends, starts, rest, anchored, suffixes = (list(found) for found in sources)
        self.names = frozenset(names)
        self.ends = tuple(ends) or None
        self.starts = tuple(starts) or None
        self.name_globs = _alternatives("", rest)
        self.anchored = _alternatives("", anchored)
        self.suffixes = _alternatives("/", suffixes)

    def maybe(self, path: str) -> bool:
        base = path.rsplit("/", 1)[-1]
        if base in self.names or (self.name_globs is not None and self.name_globs.match(base)):
            return True
        ends = self.ends  # as in `_Part.match`
        if ends is not None and (base.endswith(ends) or (base[-1:] == "\n" and base[:-1].endswith(ends))):
            return True
        if self.starts is not None and base.startswith(self.starts):
            return True
        if self.anchored is not None and self.anchored.match(path):
            return True
        return self.suffixes is not None and self.suffixes.search("/" + path) is not None

    def any(self, paths: Iterable[str]) -> bool:
        for path in paths:  # noqa: SIM110 - cheaper than any() over a generator
            if self.maybe(path):
                return True
        return False


def _unique(sources: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(sources))


def _alternatives(prefix: str, sources: list[str]) -> re.Pattern[str] | None:
    if not sources:
        return None
    return re.compile(prefix + "(?:" + "|".join(f"(?:{source})" for source in sources) + ")")
