"""The records the shell parser produces, and the small text helpers bash's quoting rules need.

Kept apart from `shell.py` (the tree walker) so the expander and payload decoder can use them without the
grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ANSI_C = re.compile(r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|.)", re.S)
_ANSI_C_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
                  "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


@dataclass(slots=True)
class Word:
    text: str
    plain: bool = True  # written as a bare word: no quotes, escapes or expansions
    dynamic: bool = False  # depends on something only known at run time ($X, $(cmd))


@dataclass(slots=True)
class RawCommand:
    """One simple command as bash will run it, before wrappers are looked through."""

    words: list[Word]
    text: str
    assignments: dict[str, str] = field(default_factory=dict)
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (operator, target)
    stdin_text: str | None = None  # heredoc or here-string body
    upstream: RawCommand | None = None  # the pipeline stage feeding stdin
    substitutions: list[RawCommand] = field(default_factory=list)  # $(…) whose output it receives
    cwd: str = ""  # where earlier `cd`s in the same line left it ("" = the action's cwd)
    declaration: bool = False  # export/local/declare: words are assignments, not a command


@dataclass(slots=True)
class Script:
    commands: list[RawCommand]
    error: bool  # the grammar could not parse everything: judge what we saw, and say so


def ansi_c(body: str) -> str:
    """Decode the body of a `$'…'` string the way bash does (so `$'\\x72m'` is `rm`)."""

    def one(match: re.Match[str]) -> str:
        esc = match.group(1)
        if esc[0] in "xuU" and len(esc) > 1:
            return chr(min(int(esc[1:], 16), 0x10FFFF))
        if esc[0].isdigit():
            return chr(int(esc, 8) & 0xFF)
        return _ANSI_C_SIMPLE.get(esc, "\\" + esc)

    return _ANSI_C.sub(one, body)


def listing_of(command: RawCommand) -> str:
    """The paths a listing command prints, as a glob (`find ./logs -name '*.log'` → `./logs/**/*.log`)."""
    words = [w.text for w in command.words]
    if not words or words[0] not in ("find", "fd", "ls", "git"):
        return ""
    if words[0] == "git":
        return "./**" if words[1:2] == ["ls-files"] else ""
    names = [words[i + 1] for i in range(len(words) - 1) if words[i] in ("-name", "-iname")]
    first = words[1] if len(words) > 1 else ""
    root = first if words[0] == "find" and first and not first.startswith("-") and first not in "(!)" else "."
    root = root.rstrip("/") or "/"
    return f"{root}/**/{names[0]}" if names else f"{root}/**"


def unescape_word(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return re.sub(r"\\(\n|.)", lambda m: "" if m.group(1) == "\n" else m.group(1), raw)




