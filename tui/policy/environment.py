"""Which environment an action reaches: declared, or inferred from what the command itself says.

Signals come from the command line (`--context prod-eu`, `-n production`, `--profile prod`,
`-var-file=prod.tfvars`, `RAILS_ENV=production`, `terraform workspace select prod`), from hosts in URLs,
DSNs and ssh targets, from `cd` into a directory, and from path globs — the patterns are policy (YAML).
A declared environment wins unless the command reaches a riskier one: an action that *claims* dev but
reaches prod is judged as prod, and says so.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tui.model import Action
from tui.policy.settings import Settings
from tui.policy.units import Unit

_TOKEN = re.compile(r"[a-z0-9]+")
_USER_HOST = re.compile(r"^[\w.-]+@([\w.-]+)")


#: (environment, "" when unknown; the note saying why, for reasons; whether the declared environment
#: understates what the command reaches): a plain tuple, built once per action and unpacked at once
Inferred = tuple[str, str, bool]


def environment_of(value: str, settings: Settings) -> str:
    """The environment a word names (`prod-eu-1` → production), or ""."""
    tokens = set(_TOKEN.findall(value.lower()))
    if not tokens:
        return ""
    for env in settings.environments:
        if tokens & env.aliases:
            return env.name
    return ""


def _signals(unit: Unit, settings: Settings) -> list[tuple[str, str]]:  # noqa: PLR0912 - flat on purpose: hot path
    out: list[tuple[str, str]] = []
    if unit.assignments:
        for key, value in unit.assignments.items():
            if key in settings.variables:
                out.append((value, f"{key}={value}"))
    if unit.flags:
        named = settings.signal_flags(unit.name) & unit.flags.keys()
        # sorted: the same reasons in every process, whatever the hash seed
        for flag in sorted(named) if named else ():
            out.extend((v, f"{flag} {v}") for v in sorted(unit.flags[flag]) if v)
    if unit.name in settings.subcommands:
        for sequence in settings.subcommands[unit.name]:
            n = len(sequence)
            if unit.positionals[:n] == sequence and len(unit.positionals) > n:
                out.append((unit.positionals[n], f"{unit.name} {' '.join(sequence)} {unit.positionals[n]}"))
    if unit.name in ("cd", "pushd") and unit.positionals:
        out.append((unit.positionals[0], f"cd {unit.positionals[0]}"))
    args = unit.args
    joined = "\x00".join(args)  # no argument names a host or a connection string without `://`, `@` or `=`
    if "://" in joined or "@" in joined or "=" in joined:
        for arg in args:
            if "://" in arg or "@" in arg:
                host = _host(arg)
                if host:
                    out.append((host, host))
            elif (
                "=" in arg
                and (unit.name in _LIBPQ_CLIENTS or arg.count("=") > 1)
                and _CONNINFO.fullmatch(arg)
            ):
                out.extend((value, f"{key}={value}") for key, value in _conninfo(arg))
    if unit.remote:
        out.append((unit.remote, f"runs on {unit.remote}"))
    if unit.http is not None:
        out.append((unit.http.host, unit.http.host))
    return out


#: A libpq connection string (`host=db.prod.internal dbname=ledger user=app`): every word is KEY=VALUE and
#: at least one key names where it connects (psql, pg_dump, …, and DSNs in tool payloads).
_CONNINFO_PAIR = r"""[a-z_]+\s*=\s*(?:'(?:[^'\\]|\\.)*'|[^\s'=]+)"""
_CONNINFO = re.compile(
    rf"\s*(?=.*\b(?:host|hostaddr|dbname|service)\s*=){_CONNINFO_PAIR}(?:\s+{_CONNINFO_PAIR})*\s*", re.DOTALL
)
_CONNINFO_PLACE = re.compile(r"""\b(host|hostaddr|dbname|service)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s']+))""")


#: Clients that take a connection string as an argument; elsewhere one needs two KEY=VALUE words to count
#: (`grep host=prod` is a pattern, `'host=db.prod dbname=app'` a connection string).
_LIBPQ_CLIENTS = frozenset(
    {
        "psql",
        "pg_dump",
        "pg_dumpall",
        "pg_restore",
        "pgbench",
        "pg_isready",
        "pgcli",
        "vacuumdb",
        "createdb",
        "dropdb",
        "reindexdb",
        "clusterdb",
        "pg_basebackup",
        "pg_receivewal",
        "pg_recvlogical",
    }
)


def looks_like_conninfo(text: str) -> bool:
    """A connection string of two or more KEY=VALUE words, one of them naming a place."""
    return text.count("=") > 1 and _CONNINFO.fullmatch(text) is not None


def _conninfo(text: str) -> list[tuple[str, str]]:
    """(key, value) for the keys of a connection string that name a place: host, hostaddr, dbname, service."""
    return [
        (m.group(1), m.group(2) if m.group(2) is not None else m.group(3))
        for m in _CONNINFO_PLACE.finditer(text)
    ]


def _host(arg: str) -> str:
    if "://" in arg:
        try:
            return urlsplit(arg).hostname or ""
        except ValueError:
            return ""
    match = _USER_HOST.match(arg)
    return match.group(1) if match else ""


def infer(action: Action, units: list[Unit], settings: Settings) -> Inferred:  # noqa: PLR0912 - flat on purpose: hot path
    found: list[tuple[str, str]] = []
    for unit in units:
        for value, where in _signals(unit, settings):
            env = environment_of(value, settings)
            if env:
                found.append((env, where))
    if settings.payload_keys and isinstance(action.payload, dict):
        for key, value in action.payload.items():  # {"project_id": "acme-prod", …} on a tool call
            if (
                isinstance(value, str)
                and value
                and isinstance(key, str)
                and key.lower() in settings.payload_keys
            ):
                env = environment_of(value, settings)
                if env:
                    found.append((env, f"{key} {value}"))
    if action.target.resource:
        env = environment_of(action.target.resource, settings)
        if env:
            found.append((env, f"resource {action.target.resource}"))
    for path in (action.path, action.cwd):
        if path.startswith(("/", "~")):
            env = settings.environment_of_path(path)
            if env:
                found.append((env, path))
    inferred, note = max(found, key=lambda f: settings.rank(f[0])) if found else ("", "")
    declared_raw = action.target.environment.strip()
    if not declared_raw:
        return inferred, f"inferred from {note}" if inferred else "", False
    declared = environment_of(declared_raw, settings) or declared_raw.lower()
    if inferred and settings.rank(inferred) > settings.rank(declared):
        return inferred, f"declared {declared_raw} but reaches {inferred} ({note})", True
    if inferred and settings.rank(inferred) < settings.rank(declared) <= settings.rank("dev"):
        return inferred, f"declared {declared_raw}, runs on {inferred} ({note})", False
    return declared, f"declared {declared_raw}", False
