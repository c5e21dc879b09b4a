"""The units a rule is matched against: one per simple command, SQL statement, HTTP request, file, tool.

An action is judged unit by unit and takes the worst: `git status && rm -rf /` is as dangerous as its
worst part, and a routine part never dilutes it. Units are plain records built once per evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNIT_TYPES: tuple[str, ...] = ("command", "sql", "http", "file", "tool", "action")


@dataclass(frozen=True, slots=True)
class Http:
    method: str
    url: str
    host: str
    path: str


@dataclass(frozen=True, slots=True)
class Sql:
    statement: str  # drop, truncate, delete, update, insert, select, alter, grant, create, …
    objects: frozenset[str] = frozenset()  # table, database, schema, column, user, …
    narrowing: bool = True  # DELETE/UPDATE: a WHERE that actually narrows the rows
    tables: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()  # called functions (pg_terminate_backend, …), lower case
    parsed: bool = True  # False: sqlglot could not parse it; classified by its first keyword


@dataclass(frozen=True, slots=True)
class Diff:
    files: int = 0
    added: int = 0
    removed: int = 0
    added_text: str = ""


@dataclass(slots=True)
class Unit:
    utype: str
    text: str
    name: str = ""
    args: tuple[str, ...] = ()
    flags: dict[str, frozenset[str]] = field(default_factory=dict)  # flag → values ("" = bare)
    positionals: tuple[str, ...] = ()
    assignments: dict[str, str] = field(default_factory=dict)
    via: tuple[str, ...] = ()
    privileged: bool = False
    obfuscated: bool = False  # the command name was quoted, escaped or built from variables
    homoglyph: str = ""  # the look-alike characters in the command name, if any
    nested: bool = False  # came out of a string: bash -c, eval, ssh host CMD, a decoded payload
    decoded: bool = False  # came out of base64/xxd-decoded data
    dynamic: bool = False  # runs code we cannot see (eval "$X", bash -c "$(curl …)")
    embedded: bool = False  # its payload was parsed into units of its own (psql -c, bash -c)
    stdin_from: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()  # normalised paths read (including through its stdin)
    writes: tuple[str, ...] = ()  # normalised paths written or deleted
    paths: tuple[str, ...] = ()  # arguments that name files, as written (classified lazily)
    path_classes: frozenset[str] | None = None
    http: Http | None = None
    sql: Sql | None = None
    diff: Diff | None = None
    tool: str = ""
    remote: str = ""  # the host it runs on (ssh), if not here
    cwd: str = ""
    joined: str = ""  # positionals joined by NUL, for subcommand patterns (set by the engine)
    known: bool = False  # set by the engine: some rule recognised it
    read_only: bool = False  # set by the engine
