"""Make untrusted text (anything an agent sends) safe to show on a terminal, exactly.

Standard library only, so the CLI can use it as well as the TUI (which wraps the result in Content, never
markup). Control and C1 characters become visible `\\xNN` escapes; bidi controls and every format,
private-use, surrogate or unassigned character become `<U+XXXX>` markers. Nothing is dropped, so a person
sees every character that will run, and no byte from agent text can drive the terminal.
"""

from __future__ import annotations

import unicodedata

_BIDI = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
_MARKED_CATEGORIES = frozenset({"Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def _is_control(code: int) -> bool:
    return code < 0x20 or code == 0x7F or 0x80 <= code <= 0x9F


def _is_invisible(char: str) -> bool:
    return ord(char) in _BIDI or unicodedata.category(char) in _MARKED_CATEGORIES


def _escape(char: str, keep_newlines: bool) -> str:
    code = ord(char)
    if char == "\n" and keep_newlines:
        return char
    if char == "\t":
        return "    "
    if _is_control(code):
        return f"\\x{code:02x}"
    if _is_invisible(char):
        return f"<U+{code:04X}>"
    return char


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """The text with every dangerous or invisible character replaced by a visible stand-in."""
    if text.isascii() and text.isprintable():
        return text  # the common case, fast
    return "".join(_escape(char, keep_newlines) for char in text)


def suspicious_code_points(text: str) -> list[str]:
    """`U+XXXX NAME` for each distinct bidi/format/control character: Trojan-Source flags for policy."""
    found: dict[int, str] = {}
    for char in text:
        code = ord(char)
        if char not in "\n\t" and (_is_control(code) or _is_invisible(char)):
            found.setdefault(code, unicodedata.name(char, "CONTROL"))
    return [f"U+{code:04X} {name}" for code, name in sorted(found.items())]
