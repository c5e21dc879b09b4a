"""Everything the rules look at for one action, computed once: its units, environment and text flags.

Each action kind becomes units its own way (shell is parsed, SQL split into statements, a file edit is
its paths and diff, an MCP tool call is its name plus any SQL, command or paths in its payload). An action
that yields nothing recognisable still gets one `action` unit, so "unknown" is judged, never skipped.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from tui.model import Action
from tui.policy import diffs
from tui.policy.commands import Context, Expander
from tui.policy.environment import infer, looks_like_conninfo
from tui.policy.features import action_features
from tui.policy.globs import normalise
from tui.policy.paths import guess_workspace
from tui.policy.settings import Settings
from tui.policy.shell import unquoted
from tui.policy.sql import looks_like_sql, statements
from tui.policy.units import Diff, Unit
from tui.policy.web import parse_request

_CLEAN = re.compile(r"[^\t\n\x20-\x7e]")
#: Every byte `_CLEAN` flags becomes NUL, every other one a space.
_CONTROL_BYTES = bytes(0 if (b < 0x20 and b not in (0x09, 0x0A)) or b == 0x7F else 0x20 for b in range(256))
_HOMOGLYPH_HOST = re.compile(r"[^\x00-\x7f]")
_WRITE_VERBS = re.compile(
    r"(?i)(write|edit|create|delete|remove|move|rename|update|put|upload|patch|set|save)")
_PAYLOAD_PATHS = ("path", "file_path", "filePath", "filename", "file", "target", "destination", "source")


@dataclass(slots=True)
class Facts:
    action: Action
    settings: Settings
    units: list[Unit]
    kind: str = ""
    line: str = ""
    environment: str = ""
    env_note: str = ""
    env_conflict: bool = False
    suspicious: tuple[str, ...] = ()
    homoglyph_hosts: str = ""
    parse_error: bool = False
    agent_kind: str = ""
    agent_id: str = ""
    features: int = 0  # the action-wide features, as `features.FEATURE_BITS`
    memo: dict[int, bool] = field(default_factory=dict)  # action-wide checks, decided once (matchers)
    _write_classes: dict[int, frozenset[str]] = field(default_factory=dict)
    _payload: str | None = None
    scripts: tuple[str, ...] = ()  # every shell script the action runs: the line, then nested ones
    _code: str | None = None

    def code(self) -> str:
        """The scripts as bash reads them for code, quoted data left out (`shell.unquoted`), one a line."""
        if self._code is None:
            self._code = "\n".join(unquoted(script) for script in self.scripts)
        return self._code

    def payload_json(self) -> str:
        if self._payload is None:
            payload = self.action.payload
            self._payload = "" if payload is None else json.dumps(payload, sort_keys=True, default=str)
        return self._payload

    def write_classes(self, unit: Unit) -> frozenset[str]:
        found = self._write_classes.get(id(unit))
        if found is None:
            classify = self.settings.classifier.classify
            found = frozenset([classify(p, "", self._workspace(unit, p)) for p in unit.writes])
            self._write_classes[id(unit)] = found
        return found

    def path_classes(self, unit: Unit) -> frozenset[str]:
        if unit.path_classes is None:
            classify = self.settings.classifier.classify
            cwd = unit.cwd
            workspace = self._workspace
            unit.path_classes = frozenset([classify(p, cwd, workspace(unit, p)) for p in unit.paths if p])
        return unit.path_classes

    def _workspace(self, unit: Unit, path: str) -> str:
        """The action's cwd; a file edit without one is assumed to be in the project its path names."""
        if self.action.cwd or unit.utype == "command":
            return self.action.cwd
        return guess_workspace(path)


def build(action: Action, settings: Settings) -> Facts:
    ex = Expander()
    kind = action.kind
    argv_line = shlex.join(action.argv) if action.argv else ""  # quoted as it runs: no word boundary lost
    line = action.command or argv_line
    if kind == "shell":
        ex.script(line, Context(action.cwd))
        if argv_line and argv_line != line:  # both given and they differ: whichever runs, it was judged
            ex.script(argv_line, Context(action.cwd))
    elif kind == "sql":
        ex.sql.append((line, Context(cwd=action.cwd), ""))
    elif kind == "http":
        ex.units.append(Unit("http", line[:160], http=parse_request(line)))
    elif kind in ("file_edit", "file_write"):
        _files(ex, action)
        line = action.path
    else:
        _tool(ex, action)
    if ex.sql:
        _sql_units(ex)
    if not ex.units:
        ex.units.append(Unit("action", (line or action.summary or kind)[:160], name=action.tool))
    environment, note, conflict = infer(action, ex.units, settings)
    facts = Facts(action, settings, ex.units, kind, line, environment, note, conflict,
                  parse_error=ex.parse_error, agent_kind=action.agent.kind, agent_id=action.agent.id,
                  scripts=tuple(ex.scripts))
    facts.suspicious = _suspicious(action)
    for unit in ex.units:  # a plain loop: most actions have no HTTP unit, let alone a non-ASCII host
        if unit.http is not None and not unit.http.host.isascii():
            facts.homoglyph_hosts = _homoglyph_hosts(ex.units)
            break
    facts.features = action_features(facts)
    return facts


def _homoglyph_hosts(units: list[Unit]) -> str:
    hosts = [u.http.host for u in units if u.http is not None and not u.http.host.isascii()]
    return ", ".join(h for h in hosts if _HOMOGLYPH_HOST.search(h)) if hosts else ""


def _files(ex: Expander, action: Action) -> None:
    changes = diffs.parse(action.diff) if action.diff else []
    content = _payload_text(action.payload)
    paths = [action.path] + [c.path for c in changes if c.path and c.path != action.path]
    by_path = {c.path: c.diff for c in changes}
    first = changes[0].diff if changes else None
    for path in paths:
        diff = by_path.get(path) or (first if path == action.path else None)
        if diff is None and content:
            diff = Diff(1, content.count("\n") + 1, 0, content)
        ex.units.append(Unit("file", path, name=action.kind, writes=(normalise(path, action.cwd),),
                             paths=(path,), cwd=action.cwd, diff=diff))


def _payload_text(payload: Any) -> str:
    if isinstance(payload, dict):
        for key in ("content", "new_string", "new_str", "file_text", "text"):
            if isinstance(payload.get(key), str):
                return str(payload[key])
    return ""


def _tool(ex: Expander, action: Action) -> None:
    """MCP tools and other calls: the tool itself, plus SQL, shell or paths found in its payload.

    A tool whose name says it runs SQL (`execute_sql`, `run_query`, …) is judged by every SQL statement in
    its payload, whatever the key; connection strings and URLs in the payload say where it runs. The tool
    unit is `embedded` when something it will run was found (an executing tool without is held by policy).
    """
    payload = action.payload if isinstance(action.payload, dict) else {}
    tool = action.tool or action.command.split(" ", 1)[0]
    paths = tuple(str(v) for k, v in payload.items() if k in _PAYLOAD_PATHS and isinstance(v, str) and v)
    normal = tuple(normalise(p, action.cwd) for p in paths)
    writes = bool(_WRITE_VERBS.search(tool))
    strings = _payload_strings(payload) if payload else []
    places = tuple(dict.fromkeys(v for v in strings if "://" in v or looks_like_conninfo(v)))
    unit = Unit("tool", (action.command or tool)[:160], name=tool, tool=tool, paths=paths, args=places,
                cwd=action.cwd, writes=normal if writes else (), reads=() if writes else normal)
    ex.units.append(unit)
    found = len(ex.sql), len(ex.units)
    sql_keys = ("sql", "query", "statement")
    for key in sql_keys:
        value = payload.get(key)
        if isinstance(value, str) and looks_like_sql(value):
            ex.sql.append((value, Context(cwd=action.cwd, nested=True), ""))
    if _SQL_TOOL.search(tool):  # statements under any other key (the ones above are read already)
        rest = [v for k, v in payload.items() if k not in sql_keys or not isinstance(v, str)]
        for value in _payload_strings(rest):
            if looks_like_sql(value):
                ex.sql.append((value, Context(cwd=action.cwd, nested=True), ""))
    for key in ("command", "cmd", "script"):
        value = payload.get(key)
        if isinstance(value, str):
            ex.script(value, Context(cwd=action.cwd, nested=True))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            ex.script(shlex.join(value), Context(cwd=action.cwd, nested=True))
    unit.embedded = (len(ex.sql), len(ex.units)) != found


#: Tool names that say the tool runs SQL: its payload is searched for statements under any key.
_SQL_TOOL = re.compile(r"(?i)sql|(?:exec|execute|run)_?(?:query|queries|statement)")


def _payload_strings(value: Any, depth: int = 0) -> list[str]:
    """The string values of a payload (not its keys), nested ones included."""
    if isinstance(value, str):
        return [value]
    if depth > 20:
        return []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _payload_strings(v, depth + 1)]
    if isinstance(value, list):
        return [s for v in value for s in _payload_strings(v, depth + 1)]
    return []


def _sql_units(ex: Expander) -> None:
    for text, ctx, client in ex.sql:
        for stmt in statements(text, client):
            ex.units.append(Unit("sql", f"{stmt.statement} {' '.join(stmt.tables[:3])}".strip(), sql=stmt,
                                 nested=ctx.nested, via=ctx.via))


def _strings(value: Any, depth: int = 0) -> list[str]:
    """Every string inside a JSON payload (keys too), without JSON's escaping of control characters."""
    if isinstance(value, str):
        return [value]
    if depth > 20:
        return []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v, depth + 1))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v, depth + 1)]
    return []


def _suspicious(action: Action) -> tuple[str, ...]:
    """Trojan-Source and terminal tricks anywhere in what the agent sent (CRLF in files is fine)."""
    data = [action.diff, *_strings(action.payload)]
    joined = "\n".join(data)
    if "\r" in joined:
        joined = "\n".join([text.replace("\r\n", "\n") for text in data])
    blob = "\n".join([action.command, *action.argv, action.path, action.summary, action.tool, action.cwd,
                      joined])
    # `_CLEAN.search(blob) is None` as byte operations: ASCII, and no control byte but tab and newline
    if blob.isascii() and b"\x00" not in blob.encode("ascii").translate(_CONTROL_BYTES):
        return ()
    from tui.safe_text import suspicious_code_points

    return tuple(suspicious_code_points(blob))
