"""From parsed shell to units: look through wrappers and follow code hidden in strings and pipes.

`sudo env FOO=1 timeout 5 rm -rf /` is judged as `rm -rf /` run privileged; `bash -c`, `sh` fed by a heredoc
or `echo … | base64 -d`, `eval`, `ssh host CMD`, `su -c`, `watch`, `kubectl/docker exec`, `xargs` and
`find -exec` all run another command, so that command becomes a unit of its own (marked `nested`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from tui.policy import payloads, shell, special
from tui.policy.argv import command_name, file_effects, mixed_script, parse_flags
from tui.policy.tools import HTTP_CLIENTS, PRIVILEGED, RUNNERS, VALUE_FLAGS, WRAPPER_SKIP, WRAPPERS
from tui.policy.units import Unit
from tui.policy.web import from_client

MAX_COMMANDS = 2_000  # simple commands in one action; past this it is judged unreadable
MAX_CARRIED = 64  # upstream commands (and files they read) a pipeline stage remembers
MAX_DEPTH = 5
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
#: File operations inside inline code, as the shell command they amount to.
_CODE_FILES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(?:rmtree|rmSync|rmdirSync|promises\.rm|rimraf(?:\.sync)?|rm_rf|remove_dir|remove_tree)"
                r"\(\s*(['\"])(.+?)\1"),
     ("rm", "-rf")),
    (re.compile(r"(?:os\.remove|os\.unlink|os\.rmdir|unlink|fs\.unlinkSync|File\.delete|FileUtils\.rm|"
                r"Path)\(\s*(['\"])(.+?)\1\s*\)(?:\.unlink)?"), ("rm", "-f")),
    (re.compile(r"open\(\s*(['\"])(.+?)\1\s*,\s*['\"][wa]"), ("tee",)),
    (re.compile(r"(?:writeFileSync|appendFileSync|write_text|write_bytes|File\.write)\(\s*(['\"])(.+?)\1"),
     ("tee",)),
)
#: The same operations on a computed path (`rmtree(os.path.expanduser('~/.ssh'))`, `os.remove(p)`,
#: `fs.rmSync(path.join(os.homedir(), '.aws'), …)`): the path is worked out by `_code_path`.
_CODE_FILE_CALLS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(?:rmtree|rmSync|rmdirSync|promises\.rm|rimraf(?:\.sync)?|rm_rf|remove_dir(?:_all)?|remove_tree|"
                r"removedirs)\((?!\s*['\"])"), ("rm", "-rf")),
    (re.compile(r"(?:os\.remove|os\.unlink|os\.rmdir|unlink|unlinkSync|File\.delete|FileUtils\.rm(?:_f)?|"
                r"Files\.delete(?:IfExists)?)\((?!\s*['\"]|\s*\))"), ("rm", "-f")),
    (re.compile(r"(?:writeFileSync|appendFileSync|File\.write|IO\.write)\((?!\s*['\"])"), ("tee",)),
)
#: `open(<computed path>, 'w'|'a'…)`, and pathlib's `<path>.unlink()` / `.rmdir()` / `.write_text(…)`.
_CODE_OPEN = re.compile(r"\bopen\((?!\s*['\"])")
_CODE_METHOD = re.compile(r"\.(unlink|rmdir|write_text|write_bytes)\(")
_CODE_LITERAL = re.compile(r"(['\"])(.*?)\1")
_CODE_REQUIRE = re.compile(r"require\(\s*(['\"])[^'\"]*\1\s*\)")
_CODE_HOME = re.compile(r"expanduser|homedir|Path\.home|Dir\.home|expand_path|\bHOME\b|USERPROFILE|~")
#: What may surround the literals of a path expression without making it depend on program state.
_CODE_PATH_WORDS = re.compile(
    r"os\.path\.(?:join|expanduser|abspath|realpath|normpath)|path\.(?:join|resolve)|pathlib\.Path|Path\.home|"
    r"Path|\.expanduser|\.resolve|\.joinpath|\.join|\.absolute|os\.homedir|homedir|File\.(?:join|expand_path)|Dir\.home|"
    r"os\.getenv|os\.environ(?:\.get)?|process\.env|ENV|require|\bos\b|\bpath\b|\bfs\b|\bHOME\b|USERPROFILE")
_CODE_SHELL = re.compile(
    r"(?:os\.system|os\.popen|subprocess\.\w+|system|exec(?:Sync)?|spawnSync|popen)\(\s*(?:\[)?\s*"
    r"(['\"])(.+?)\1")


class Context(NamedTuple):
    """Where a script runs: set by whatever wrapped it (a NamedTuple: immutable, and a third of the cost of
    a frozen dataclass to build, which every script and nested command does)."""

    cwd: str = ""
    depth: int = 0
    nested: bool = False
    decoded: bool = False
    privileged: bool = False
    via: tuple[str, ...] = ()
    remote: str = ""


@dataclass(slots=True)
class Call:
    """One command on its way to becoming a unit (mutable while wrappers are peeled off)."""

    argv: list[str]
    text: str
    cwd: str
    raw: shell.RawCommand | None = None
    upstream: Unit | None = None
    via: list[str] = field(default_factory=list)
    assignments: dict[str, str] = field(default_factory=dict)
    redirects: list[tuple[str, str]] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)
    privileged: bool = False
    obfuscated: bool = False
    homoglyph: str = ""  # look-alike characters in a wrapper's name (a Cyrillic `s` in sudo)


class Expander:
    """Collects the units of one action; SQL found on the way is handed back for `sql.py`."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.sql: list[tuple[str, Context, str]] = []  # (text, context, client)
        self.parse_error = False
        self.scripts: list[str] = []  # every shell source parsed: the line, then nested ones

    def script(self, source: str, ctx: Context) -> None:
        if ctx.depth > MAX_DEPTH:
            self.units.append(Unit("command", source[:120], name="$NESTED", dynamic=True, nested=True))
            return
        self.scripts.append(source)
        try:
            parsed = shell.parse(source)
        except RecursionError:  # nested deeper than the walk can follow: judged as code nobody can read
            parsed = None
        if parsed is None or len(self.units) + len(parsed.commands) > MAX_COMMANDS:
            # too deep, or more commands than any real line has (a 150,000-stage pipeline took the gate's
            # memory): judged as code nobody can read, without walking it
            self.parse_error = True
            self.units.append(Unit("command", source[:120], name="$NESTED", dynamic=True, nested=True))
            return
        self.parse_error = self.parse_error or parsed.error
        made: dict[int, Unit] = {}
        for raw in parsed.commands:
            unit = self.raw(raw, ctx, made)
            if unit is not None:
                made[id(raw)] = unit

    def raw(self, raw: shell.RawCommand, ctx: Context, made: dict[int, Unit]) -> Unit | None:
        if raw.words:
            argv = [w.text for w in raw.words]
        elif raw.redirects or raw.assignments:
            argv = [":" if raw.redirects else ""]
        else:
            return None
        upstream = made.get(id(raw.upstream)) if raw.upstream is not None else None
        reads = [p for sub in raw.substitutions if id(sub) in made for p in made[id(sub)].reads] \
            if raw.substitutions else []
        first = raw.words[0] if raw.words else None
        call = Call(argv, raw.text, _join(ctx.cwd, raw.cwd), raw=raw, upstream=upstream,
                    assignments=dict(raw.assignments), redirects=list(raw.redirects), reads=reads,
                    privileged=ctx.privileged,
                    obfuscated=first is not None and not first.plain and not first.dynamic
                    and "/" not in first.text and not raw.declaration)
        return self.call(call, ctx)

    # --- one command --------------------------------------------------------------------------------

    def call(self, call: Call, ctx: Context) -> Unit:
        name, homoglyph = self.unwrap(call)
        args = call.argv[1:]
        homoglyph = homoglyph or call.homoglyph or mixed_script(args)
        flags, positionals = parse_flags(args, name)
        reads, writes = file_effects(name, flags, positionals, call.redirects, call.cwd)
        upstream = call.upstream
        if upstream is not None:
            reads = list(dict.fromkeys(reads + call.reads + list(upstream.reads)))[:MAX_CARRIED]
        elif call.reads:
            reads = reads + call.reads
        kept = tuple(positionals)
        unit = Unit(
            "command", _display(call, name, args), name=name, args=tuple(args), flags=flags,
            positionals=kept, assignments=call.assignments,
            via=ctx.via + tuple(call.via) if call.via else ctx.via,
            privileged=call.privileged or ctx.privileged, obfuscated=call.obfuscated, homoglyph=homoglyph,
            nested=ctx.nested, decoded=ctx.decoded, remote=ctx.remote, cwd=call.cwd,
            dynamic=name.startswith("$") or "$(" in name or "`" in name,
            stdin_from=_feeders(upstream),
            reads=tuple(reads), writes=tuple(writes), paths=kept,
        )
        if name in HTTP_CLIENTS:
            unit.http = from_client(name, flags, positionals)
        self.units.append(unit)
        self.follow(unit, call, ctx)
        return unit

    def unwrap(self, call: Call) -> tuple[str, str]:
        """Peel wrappers off until the command that actually runs is first; its name and look-alikes."""
        for _ in range(12):
            argv = call.argv
            name, homoglyph = command_name(argv[0])
            call.homoglyph = call.homoglyph or homoglyph
            if name in WRAPPERS and not (name in ("command", "builtin") and argv[1:2] in (["-v"], ["-V"])):
                start = _skip(argv, 1, WRAPPERS[name], call.assignments if name == "env" else None)
                start += WRAPPER_SKIP.get(name, 0)
            elif name in RUNNERS and argv[1:2] == [RUNNERS[name][0]]:
                start = _skip(argv, 2, RUNNERS[name][1])
            elif name == "xargs":
                call.argv = self.xargs(call)
                call.via.append("xargs")
                continue
            else:
                return name, homoglyph
            if start >= len(argv):
                return name, homoglyph
            call.via.append(name)
            call.privileged = call.privileged or name in PRIVILEGED
            call.argv = argv[start:]
        return command_name(call.argv[0])

    def xargs(self, call: Call) -> list[str]:
        start = _skip(call.argv, 1, VALUE_FLAGS["xargs"])
        inner = call.argv[start:] or ["echo"]
        flags, _ = parse_flags(call.argv[1:start], "xargs")
        replace_with = next(iter(flags.get("-I", ()) or flags.get("--replace", ()) or ()), "")
        item = self.placeholder(call)
        if replace_with:
            return [inner[0], *(a.replace(replace_with, item) for a in inner[1:])]
        return [*inner, item]

    def placeholder(self, call: Call) -> str:
        """What `xargs` will append: the upstream's output when it is literal, else its search roots."""
        if call.raw is not None and call.raw.upstream is not None:
            text = payloads.static_output(call.raw.upstream)
            if text is not None and text.strip():
                return text.split()[0]
        upstream = call.upstream
        if upstream is not None and upstream.name in ("find", "fd", "ls"):
            return upstream.paths[0] if upstream.paths else "./**"
        if upstream is not None and upstream.name in ("git", "grep", "rg"):
            return "./**"
        return "$STDIN"

    # --- commands that run other commands ----------------------------------------------------------

    def follow(self, unit: Unit, call: Call, ctx: Context) -> None:
        inner = ctx if not unit.privileged or ctx.privileged else ctx._replace(privileged=True)
        special.follow(self, unit, call, inner)

    def nested(self, unit: Unit, text: str, ctx: Context, *, decoded: bool = False, remote: str = "") -> None:
        unit.embedded = True
        self.script(text, ctx._replace(cwd="" if remote else unit.cwd, depth=ctx.depth + 1, nested=True,
                                  decoded=ctx.decoded or decoded, via=(*unit.via, unit.name),
                                  remote=remote or ctx.remote))

    def nested_argv(self, unit: Unit, argv: list[str], ctx: Context, *, remote: str = "") -> None:
        if not argv:
            return
        unit.embedded = True
        inner = ctx._replace(depth=ctx.depth + 1, nested=True, via=(*unit.via, unit.name),
                        remote=remote or ctx.remote)
        self.call(Call(list(argv), " ".join(argv), "" if remote else unit.cwd), inner)

    def code_strings(self, unit: Unit, code: str, ctx: Context) -> None:
        """Shell commands handed to os.system/subprocess/execSync inside `python -c` and friends, and the
        files its code deletes or writes (a path it computes is worked out, or left unknown: `$CODE_PATH`)."""
        for match in _CODE_SHELL.finditer(code):
            self.nested(unit, match.group(2), ctx)
        for pattern, argv in _CODE_FILES:
            for match in pattern.finditer(code):
                self.nested_argv(unit, [*argv, match.group(2)], ctx)
        for pattern, argv in _CODE_FILE_CALLS:
            for match in pattern.finditer(code):
                self.nested_argv(unit, [*argv, _code_path(_first_argument(code, match.end()))], ctx)
        for match in _CODE_OPEN.finditer(code):
            first = _first_argument(code, match.end())
            mode = code[match.end() + len(first):].lstrip()
            if mode.startswith(",") and re.match(r",\s*(?:mode\s*=\s*)?['\"][^'\"]*[wax+]", mode):
                self.nested_argv(unit, ["tee", _code_path(first)], ctx)
        for match in _CODE_METHOD.finditer(code):
            receiver = _receiver(code, match.start())
            if receiver and not re.match(r"\s*(?:pathlib\.)?Path\(\s*['\"][^'\"]*['\"]\s*\)\s*$", receiver):
                verb = ["rm", "-rf"] if match.group(1) == "rmdir" else \
                    ["rm", "-f"] if match.group(1) == "unlink" else ["tee"]
                self.nested_argv(unit, [*verb, _code_path(receiver)], ctx)


def _first_argument(code: str, start: int) -> str:
    """The text of a call's first argument, from just after its `(` (brackets and quotes balanced)."""
    depth = 0
    i = start
    quote = ""
    while i < len(code):
        char = code[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif char == "," and depth == 0:
            break
        i += 1
    return code[start:i]


def _receiver(code: str, end: int) -> str:
    """The expression a method is called on: back from `end` to the start of its statement."""
    depth = 0
    i = end - 1
    while i >= 0:
        char = code[i]
        if char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and char in ";\n=,":
            break
        i -= 1
    return code[i + 1 : end].strip()


def _code_path(expression: str) -> str:
    """The path a code expression names, as far as its literals tell: `os.path.expanduser('~/.ssh')` is
    `~/.ssh`, `Path.home() / '.aws'` is `~/.aws`; anything it depends on that is not a literal makes it
    `$CODE_PATH` (unknown, so judged like `rm -rf "$X"`)."""
    expression = _CODE_REQUIRE.sub("", expression)  # `require('path').join(…)`: a module, not a path
    literals = [m.group(2) for m in _CODE_LITERAL.finditer(expression)
                if m.group(2) not in ("HOME", "USERPROFILE")]
    home = _CODE_HOME.search(expression) is not None
    unknown = re.search(r"[A-Za-z_]", _CODE_PATH_WORDS.sub("", _CODE_LITERAL.sub("", expression))) is not None
    path = ""
    for part in literals:
        path = part if not path or part.startswith(("/", "~")) else path.rstrip("/") + "/" + part
    if unknown:
        return "$CODE_PATH" + ("/" + path.lstrip("/~") if path else "")
    if home and not path.startswith(("/", "~")):
        return "~/" + path if path else "~"
    return path or "$CODE_PATH"


def _skip(argv: list[str], start: int, value_flags: frozenset[str],
          assignments: dict[str, str] | None = None) -> int:
    """Index of the first word after a wrapper's own options (and `env`'s NAME=VALUE words)."""
    i = start
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            return i + 1
        if assignments is not None and _ASSIGNMENT.match(arg):
            key, value = arg.split("=", 1)
            assignments[key] = value
        elif assignments is not None and arg in ("-S", "--split-string") and i + 1 < len(argv):
            argv[i : i + 2] = argv[i + 1].split()
            continue
        elif arg.startswith("-") and len(arg) > 1:
            if arg in value_flags:
                i += 1
        else:
            return i
        i += 1
    return i


def _join(base: str, cwd: str) -> str:
    if not cwd:
        return base
    if cwd.startswith(("/", "~", "$")) or not base:
        return cwd
    return posixpath.join(base, cwd)


def _display(call: Call, name: str, args: list[str]) -> str:
    words = [*call.via, name, *args]
    text = " ".join(words)
    if text.count(" ") != len(words) - 1 or "" in words:  # a word with a space, or an empty word: quoted
        text = " ".join(w if w and " " not in w else repr(w) for w in words)
    return text if len(text) <= 160 else text[:157] + "..."



def _feeders(upstream: Unit | None) -> tuple[str, ...]:
    """Every command feeding this stage's stdin, nearest first, each once. Past MAX_CARRIED distinct ones
    the farthest are dropped (so a long pipeline costs linear, not quadratic, memory) and a `$PIPELINE`
    name stands in for them, which no allow rule knows: the stage is then judged as unknown."""
    if upstream is None:
        return ()
    names = tuple(dict.fromkeys((upstream.name, *upstream.stdin_from)))
    return names if len(names) <= MAX_CARRIED else (*names[: MAX_CARRIED - 1], "$PIPELINE")
