"""Commands that run other code: shells, eval, su, ssh, watch, exec into containers, find, SQL clients.

Each handler finds the code the command will run and hands it back to the expander as nested units;
when the code cannot be known (`curl … | sh`, `bash -c "$X"`), the unit is marked `dynamic` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.policy import payloads
from tui.policy.argv import parse_flags
from tui.policy.tools import INTERPRETERS, REMOTE_EXEC, SHELL_VALUE, SHELLS, SQL_CLIENTS
from tui.policy.units import Unit

if TYPE_CHECKING:
    from tui.policy.commands import Call, Context, Expander

_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})
_WATCH_VALUE = frozenset({"-n", "--interval", "-q", "--equexit"})
_FIND_NAMES = frozenset({"-name", "-iname", "-path", "-ipath", "-wholename"})


def follow(ex: Expander, unit: Unit, call: Call, ctx: Context) -> None:
    name = unit.name
    if name in SHELLS:
        _shell(ex, unit, call, ctx)
    elif name in _HANDLERS:
        _HANDLERS[name](ex, unit, ctx)
    elif name in REMOTE_EXEC and unit.positionals[:1] == (REMOTE_EXEC[name][0],):
        _remote_exec(ex, unit, ctx)
    elif name in SQL_CLIENTS or (name == "bq" and unit.positionals[:1] == ("query",)):
        _sql(ex, unit, call, ctx)
    elif name in INTERPRETERS:
        _interpreter(ex, unit, call, ctx)


def _eval(ex: Expander, unit: Unit, ctx: Context) -> None:
    args = list(unit.args)
    if unit.name == "watch":
        from tui.policy.commands import _skip

        args = args[_skip(args, 0, _WATCH_VALUE):]
    if args:
        ex.nested(unit, " ".join(args), ctx)


def _su(ex: Expander, unit: Unit, ctx: Context) -> None:
    script = _first(unit.flags, "-c", "--command")
    if script:
        ex.nested(unit, script, ctx)


def _ssh(ex: Expander, unit: Unit, ctx: Context) -> None:
    if len(unit.positionals) > 1:
        host = unit.positionals[0].rsplit("@", 1)[-1]
        ex.nested(unit, " ".join(unit.positionals[1:]), ctx, remote=host)


def _interpreter(ex: Expander, unit: Unit, call: Call, ctx: Context) -> None:
    """Inline code (`python -c`, `node -e`): shell commands and file operations inside it become units."""
    for flag in ("-c", "-e", "-E", "--eval", "-r"):
        for code in unit.flags.get(flag, ()):
            ex.code_strings(unit, code, ctx)
    inline = unit.flags.keys() & {"-c", "-e", "-E", "--eval"}
    if not unit.positionals and not inline:
        unit.dynamic = bool(unit.stdin_from) and payloads_unknown(call)
    if unit.positionals[:1] in ((), ("-",)) and not inline and call.raw is not None:
        piped = payloads.stdin_of(call.raw)  # a heredoc (`python3 - <<'EOF'`) or literal text piped in
        if piped:
            ex.code_strings(unit, piped, ctx)


def payloads_unknown(call: Call) -> bool:
    return call.raw is None or payloads.stdin_of(call.raw) is None


def _handlers() -> dict[str, Callable[[Expander, Unit, Context], None]]:
    return {"eval": _eval, "watch": _eval, "su": _su, "ssh": _ssh, "find": _find}


def _first(flags: dict[str, frozenset[str]], *names: str) -> str:
    for flag in names:
        for value in sorted(flags.get(flag, ())):
            if value:
                return value
    return ""


def _shell(ex: Expander, unit: Unit, call: Call, ctx: Context) -> None:
    """`bash -c STRING`, `bash FILE` (unknown content) or `bash` reading its stdin."""
    args = unit.args
    i, command_string = 0, False
    while i < len(args) and args[i].startswith(("-", "+")) and args[i] != "--":
        if args[i] in SHELL_VALUE:
            i += 1
        elif args[i].startswith("-") and not args[i].startswith("--") and "c" in args[i][1:]:
            command_string = True
        i += 1
    if i < len(args) and args[i] == "--":
        i += 1
    if command_string and i < len(args):
        ex.nested(unit, args[i], ctx)
    elif i >= len(args):
        text = payloads.stdin_of(call.raw) if call.raw is not None else None
        if text is not None:
            ex.nested(unit, text, ctx, decoded=call.raw is not None and payloads.decoded(call.raw))
        else:
            unit.dynamic = bool(unit.stdin_from)


def _remote_exec(ex: Expander, unit: Unit, ctx: Context) -> None:
    """`kubectl exec POD -- CMD` and `docker exec CTR CMD`: the inner command runs over there."""
    args = list(unit.args)
    if unit.name == "kubectl":
        inner = args[args.index("--") + 1 :] if "--" in args else []
        target = unit.positionals[1] if len(unit.positionals) > 1 else ""
    else:
        from tui.policy.commands import _skip

        start = _skip(args, args.index("exec") + 1, REMOTE_EXEC[unit.name][1])
        target = args[start] if start < len(args) else ""
        inner = args[start + 1 :]
    ex.nested_argv(unit, inner, ctx, remote=target or unit.name)


def _find(ex: Expander, unit: Unit, ctx: Context) -> None:
    """Search roots become the unit's paths; `-exec CMD {} ;` runs CMD on what was found."""
    args = list(unit.args)
    i = 0
    while i < len(args) and args[i] in ("-H", "-L", "-P"):
        i += 1
    roots = []
    while i < len(args) and not args[i].startswith("-") and args[i] not in ("(", "!", ")"):
        roots.append(args[i])
        i += 1
    names = [args[j + 1] for j in range(i, len(args) - 1) if args[j] in _FIND_NAMES]
    targets = []
    for root in roots or ["."]:
        base = root.rstrip("/") or "/"
        leaf = names[0].lstrip("./") if names else "**"
        targets.append(f"{base}/**/{leaf}" if names else f"{base}/**".replace("//", "/"))
    own: list[str] = []
    execs: list[list[str]] = []
    j = 0
    while j < len(args):
        if args[j] in _FIND_EXEC:
            end = j + 1
            while end < len(args) and args[end] not in (";", "+"):
                end += 1
            execs.append([a.replace("{}", targets[0]) for a in args[j + 1 : end]])
            j = end + 1
            continue
        own.append(args[j])
        j += 1
    unit.flags, _ = parse_flags(own, "find")
    unit.args = tuple(own)
    unit.paths = tuple(targets)
    if "-delete" in unit.flags:
        unit.writes = tuple(targets)
    for inner in execs:
        ex.nested_argv(unit, inner, ctx)


def _sql(ex: Expander, unit: Unit, call: Call, ctx: Context) -> None:
    """SQL passed with -c/-e/--query, as sqlite3's extra arguments, or on stdin."""
    texts = [v for flag in SQL_CLIENTS.get(unit.name, frozenset()) for v in sorted(unit.flags.get(flag, ()))
             if v]
    if unit.name == "sqlite3" and len(unit.positionals) > 1:
        texts.append(" ".join(unit.positionals[1:]))
    if unit.name == "bq":
        texts.extend(unit.positionals[1:])
    if call.raw is not None:
        stdin = payloads.stdin_of(call.raw)
        if stdin is not None:
            texts.append(stdin)
    for text in texts:
        ex.sql.append((text, ctx, unit.name))
    unit.embedded = bool(texts)



_HANDLERS = _handlers()
