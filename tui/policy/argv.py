"""One command's argv, read the way the tool reads it: flags with their values, positionals, files.

`rm -rf` is `-r` and `-f`; `kubectl -n prod delete ns x` has subcommand `delete` because `-n` takes a
value; `--dry-run=client` and `--dry-run client` are the same flag. A flag's values are kept ("" when it
was given bare) so a rule can tell `--dry-run=client` from `--dry-run=none`.
"""

from __future__ import annotations

import re
import unicodedata

from tui.policy.globs import normalise
from tui.policy.tools import IN_PLACE, READERS, VALUE_FLAGS, WRITERS

#: Look-alike letters that NFKC does not fold (Cyrillic and Greek), mapped to the Latin they imitate.
CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁһӏԛԝвкмнтАВЕКМНОРСТХІЈЅαοрντυκιΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlqwbkmhtABEKMHOPCTXIJSaopvtukiABEZHIKMNOPTYX",
)


def command_name(text: str) -> tuple[str, str]:
    """The name bash looks up (`/usr/bin/rm` → `rm`) and a note naming look-alike characters, if any."""
    name = text.rsplit("/", 1)[-1] if "/" in text.rstrip("/") else text
    if name.isascii():
        return name, ""
    listed = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in dict.fromkeys(name)
                       if not c.isascii())
    skeleton = unicodedata.normalize("NFKC", name).translate(CONFUSABLES)
    return (skeleton if skeleton.isascii() else name), listed


_REMOTE = re.compile(r"^[\w.@-]+:(?!//)")  # scp/rsync `host:path`, not a local file
_LOOKALIKE = frozenset("аеорсухіјѕԁһӏԛԝвкмнтАВЕКМНОРСТХІЈЅαοрντυκιΑΒΕΖΗΙΚΜΝΟΡΤΥΧ")


def mixed_script(words: tuple[str, ...] | list[str]) -> str:
    """Look-alike letters mixed into an otherwise Latin word (Greek upsilon in `requests`), named."""
    if "".join(words).isascii():
        return ""
    found: dict[str, None] = {}
    for word in words:
        if word.isascii() or not any(c.isascii() and c.isalpha() for c in word):
            continue
        for c in word:
            if c in _LOOKALIKE:
                found[f"U+{ord(c):04X} {unicodedata.name(c, '?')}"] = None
    return ", ".join(found)


def parse_flags(  # noqa: PLR0912 - flat on purpose: hot path
    args: list[str] | tuple[str, ...], tool: str,
) -> tuple[dict[str, frozenset[str]], list[str]]:
    """Flags (each with the values it may carry) and positionals, up to and after `--`."""
    value_flags = VALUE_FLAGS.get(tool, _NONE)
    found: dict[str, set[str]] = {}
    positionals: list[str] = []
    i, n = 0, len(args)
    while i < n:
        arg = args[i]
        if len(arg) < 2 or arg[0] != "-":
            positionals.append(arg)
            i += 1
            continue
        if arg == "--":
            positionals.extend(args[i + 1 :])
            break
        if "=" in arg:
            key, value = arg.split("=", 1)
            if key in found:
                found[key].add(value)
            else:
                found[key] = {value}
        elif arg in value_flags and i + 1 < n:
            if arg in found:
                found[arg].add(args[i + 1])
            else:
                found[arg] = {args[i + 1]}
            i += 2
            continue
        else:
            values = found.get(arg)
            if values is None:
                values = found[arg] = set()
            values.add("")
            if i + 1 < n and not args[i + 1].startswith("-"):
                values.add(args[i + 1])  # perhaps its value: kept for `--flag=value` rules only
            if arg[1] != "-" and len(arg) > 2 and arg[1:].isalpha():
                for letter in arg[1:]:
                    short = "-" + letter
                    if short in found:
                        found[short].add("")
                    else:
                        found[short] = {""}
        i += 1
    return {key: frozenset(values) for key, values in found.items()}, positionals


_NONE: frozenset[str] = frozenset()


def file_effects(  # noqa: PLR0912 - flat on purpose: hot path
    tool: str, flags: dict[str, frozenset[str]], positionals: list[str], redirects: list[tuple[str, str]],
    cwd: str,
) -> tuple[list[str], list[str]]:
    """(reads, writes) as normalised paths: what the command takes in and what it changes or deletes."""
    if not redirects and tool not in _AFFECTS:
        return [], []
    reads: list[str] = []
    writes: list[str] = []
    for op, target in redirects:
        (reads if op == "<" else writes).append(target)
    skip = READERS.get(tool)
    if skip is not None:
        if skip and ({"-e", "--regexp", "-f", "--file", "--expression"} & flags.keys()):
            skip = 0
        reads.extend(positionals[skip:])
    mode = WRITERS.get(tool)
    if mode == "all":
        writes.extend(positionals)
    elif mode == "last" and positionals:
        writes.append(positionals[-1])
    elif mode == "rest":
        writes.extend(positionals[1:])
    if tool in ("cp", "mv", "ln", "install"):
        for flag in ("-t", "--target-directory"):
            writes.extend(flags.get(flag, ()))
    if tool in IN_PLACE:
        in_place = any(f in flags for f in IN_PLACE[tool]) or (
            tool == "sed" and any(k.startswith("-i") for k in flags))
        if in_place:
            writes.extend(positionals[1:] if tool == "sed" and "-e" not in flags else positionals)
    if tool == "dd":
        writes.extend(p[3:] for p in positionals if p.startswith("of="))
        reads.extend(p[3:] for p in positionals if p.startswith("if="))
    if tool in _OUTPUT_FLAGS:
        writes.extend(_output_files(tool, flags))
    if tool in _UPLOADERS:
        reads.extend(_upload_files(tool, flags))
    return ([normalise(p, cwd) for p in reads if p and not _REMOTE.match(p)] if reads else reads,
            [normalise(p, cwd) for p in writes if p and not _REMOTE.match(p)] if writes else writes)


_UPLOADERS = frozenset({"curl", "http", "xh", "wget", "openssl", "ssh-keygen"})
_OUTPUT_FLAGS = {"curl": ("-o", "--output"), "wget": ("-O", "--output-document"), "sort": ("-o", "--output"),
                 "openssl": ("-out",), "gpg": ("-o", "--output")}


#: Every tool `file_effects` knows to read or write files: any other reads and writes only its redirections.
_AFFECTS = frozenset({*READERS, *WRITERS, "cp", "mv", "ln", "install", *IN_PLACE, "dd", *_OUTPUT_FLAGS,
                      *_UPLOADERS})


def _output_files(tool: str, flags: dict[str, frozenset[str]]) -> list[str]:
    names = _OUTPUT_FLAGS.get(tool, ())
    return [v for name in names for v in flags.get(name, ()) if v and v != "-"]


def _upload_files(tool: str, flags: dict[str, frozenset[str]]) -> list[str]:
    if tool in ("curl", "http", "xh"):
        out = []
        for name in ("-d", "--data", "--data-binary", "--data-urlencode", "-F", "--form", "--json"):
            for value in flags.get(name, ()):
                at = value.find("@")
                if at >= 0 and value[at + 1 :] not in ("", "-"):
                    out.append(value[at + 1 :].split(";")[0])
        out.extend(v for name in ("-T", "--upload-file") for v in flags.get(name, ()) if v)
        return out
    if tool == "wget":
        return [v for name in ("--post-file", "--body-file") for v in flags.get(name, ()) if v]
    if tool == "openssl":
        return [v for name in ("-in", "-inkey", "-key") for v in flags.get(name, ()) if v]
    if tool == "ssh-keygen":
        return [v for v in flags.get("-f", ()) if v]
    return []
