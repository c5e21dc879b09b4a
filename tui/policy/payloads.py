"""What a pipeline stage prints, when that is knowable without running it.

`echo cm0gLXJmIC8K | base64 -d | sh` and `bash -c "$(printf 'r\\x6d -rf /')"` hide the command that runs
inside data. Following the few commands attackers use to build a payload (echo, printf, cat with a heredoc,
base64/xxd decoding, rev) recovers it, so the engine can judge it like any other command; anything else
is `None` (unknown), which the rules treat as dynamic code.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.policy.words import RawCommand

_MAX = 64 * 1024
_PRINTF_SPEC = re.compile(r"%[-+ #0]*\d*(?:\.\d+)?[sbdiqc]")
_DECODERS = frozenset({"base64", "base32", "xxd", "rev", "openssl"})


def _echo(args: list[str]) -> str:
    escapes = False
    newline = True
    while args and re.fullmatch(r"-[neE]+", args[0]):
        escapes = escapes or "e" in args[0]
        newline = newline and "n" not in args[0]
        args = args[1:]
    text = " ".join(args)
    if escapes:
        from tui.policy.words import ansi_c

        text = ansi_c(text)
    return text + ("\n" if newline else "")


def _printf(args: list[str]) -> str | None:
    from tui.policy.words import ansi_c

    if not args:
        return None
    fmt, rest = ansi_c(args[0]), list(args[1:])
    if not rest:
        return fmt.replace("%%", "%")
    return _PRINTF_SPEC.sub(lambda _: rest.pop(0) if rest else "", fmt).replace("%%", "%")


def _decode(name: str, args: list[str], data: str) -> str | None:
    flags = set(args)
    try:
        if name in ("base64", "base32") and flags & {"-d", "--decode", "-D"}:
            raw = "".join(data.split())
            decoded = base64.b64decode(raw + "=" * (-len(raw) % 4)) if name == "base64" \
                else base64.b32decode(raw + "=" * (-len(raw) % 8))
            return decoded.decode("utf-8", "replace")
        if name == "xxd" and "-r" in flags:
            return binascii.unhexlify("".join(data.split())).decode("utf-8", "replace")
        if name == "openssl" and args[:1] in (["base64"], ["enc"]) and "-d" in flags:
            raw = "".join(data.split())
            return base64.b64decode(raw + "=" * (-len(raw) % 4)).decode("utf-8", "replace")
    except (ValueError, binascii.Error):
        return None
    if name == "rev":
        return "\n".join(line[::-1] for line in data.splitlines()) + "\n"
    return None


def stdin_of(command: RawCommand) -> str | None:
    """The literal text on `command`'s stdin: its heredoc, or what its upstream stage prints."""
    if command.stdin_text is not None:
        return command.stdin_text
    if command.upstream is not None:
        return static_output(command.upstream)
    return None


def static_output(command: RawCommand, depth: int = 0) -> str | None:
    """What `command` prints, if it only transforms literal text; else None."""
    if depth > 8 or not command.words or any(w.dynamic for w in command.words):
        return None
    name, args = command.words[0].text, [w.text for w in command.words[1:]]
    if name == "echo":
        return _echo(args)[:_MAX]
    if name == "printf":
        return (_printf(args) or "")[:_MAX] or None
    if name == "cat" and not args:
        return stdin_of(command)
    if name in _DECODERS:
        data = command.stdin_text if command.stdin_text is not None else (
            static_output(command.upstream, depth + 1) if command.upstream is not None else None)
        return None if data is None else _decode(name, args, data[:_MAX])
    return None


def decoded(command: RawCommand) -> bool:
    """Whether the stdin of `command` passed through a decoder (base64, xxd -r, …)."""
    stage = command.upstream
    while stage is not None:
        if stage.words and stage.words[0].text in _DECODERS:
            return True
        stage = stage.upstream
    return False
