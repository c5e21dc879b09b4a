"""SQL statements, parsed with sqlglot: what each does to which objects, and whether a WHERE narrows.

`SELECT 'DROP TABLE users'` is a read; `DELETE FROM t WHERE 1=1 OR id=3` deletes every row. Statements
sqlglot cannot parse are classified by their first keyword and marked unparsed (never read-only by rule).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from typing import Any

from tui.policy.sqlreads import plain_reads, reads_of
from tui.policy.units import Sql

_DIALECTS = {"mysql": "mysql", "mariadb": "mysql", "mycli": "mysql", "sqlite3": "sqlite",
             "duckdb": "duckdb", "clickhouse-client": "clickhouse", "bq": "bigquery", "snowsql": "snowflake",
             "sqlcmd": "tsql"}
_META_EXEC = ("\\!", "\\i", "\\ir", "\\o", "\\copy", "\\gexec", "\\w", "\\e", ".shell", ".system", ".read",
              ".output", ".once", ".import", ".save", ".restore", ".load", ".backup", ".excel")
_META = ("\\", ".")  # psql backslash commands, sqlite3 dot commands
_KEYWORD = re.compile(r"[A-Za-z_]+")
_READY = False


def _setup() -> None:
    global _READY
    if not _READY:
        logging.getLogger("sqlglot").setLevel(logging.ERROR)  # it warns on every fallback to Command
        _READY = True


_SQL_START = re.compile(
    r"(?is)^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(select|insert|update|delete|drop|truncate|alter|create|grant|"
    r"revoke|with|merge|copy|explain|show|describe|desc|vacuum|analyze|begin|start|commit|rollback|set|call|do|"
    r"replace|upsert|pragma|use|values|table|lock|comment|refresh|reindex|cluster|execute|exec|load|attach|"
    r"detach|kill|shutdown|\\|\.)\b")


def looks_like_sql(text: str) -> bool:
    """Whether a payload string is SQL at all (an MCP `query` may be a search string)."""
    return bool(_SQL_START.match(text))


def statements(text: str, client: str = "") -> list[Sql]:
    """Every statement in `text` (psql meta-commands included), in order."""
    _setup()
    lines = text.splitlines()
    meta = [line.strip() for line in lines if line.strip().startswith(_META)]
    body = "\n".join(line for line in lines if not line.strip().startswith(_META))
    out = [Sql("meta-exec" if m.split()[0] in _META_EXEC else "meta", parsed=False) for m in meta]
    if body.strip():
        out.extend(_parse(body, _DIALECTS.get(client, "postgres")))
    return out


def _quick_reads(body: str, dialect: str) -> list[Sql] | None:
    """Plain SELECT/WITH reads, classified from sqlglot's tokens alone (the parser is several times slower).

    String literals are tokens of their own, so `SELECT 'DROP TABLE x'` is still a read; anything with a
    write-capable keyword token (a DELETE inside a CTE, SELECT … INTO) returns None for the full parser.
    """
    from sqlglot.errors import TokenError

    try:
        tokens = _tokenizer(dialect).tokenize(body)
    except (TokenError, ValueError):
        return None
    return _reads_of(tokens)


def _reads_of(tokens: list[Any]) -> list[Sql] | None:
    """`_quick_reads` on tokens already made."""
    return reads_of([(token.token_type.name, token.text) for token in tokens])


def _parse(body: str, dialect: str) -> list[Sql]:
    from sqlglot.errors import ParseError, TokenError

    if dialect == "postgres":
        simple = _simple(body)
        if simple is not None:
            return [simple]
        plain = plain_reads(body)
        if plain is not None:
            return plain
    tokens: list[Any] | None
    try:
        tokens = _tokenizer(dialect).tokenize(body)
    except (TokenError, ValueError):
        tokens = None
    if tokens is not None:
        quick = _reads_of(tokens)
        if quick is not None:
            return quick
    for read in dict.fromkeys((dialect, "postgres", "mysql")):
        try:
            # the tokens of the first dialect are reused (tokenizing is deterministic); a dialect whose
            # tokenizer failed is tokenized again here, so it fails inside the same `try` as before
            words = tokens if read == dialect and tokens is not None else _tokenizer(read).tokenize(body)
            trees = _parser(read).parse(words, body)
        except (ParseError, TokenError, ValueError):
            continue
        return [classify(tree) for tree in trees if tree is not None]
    return [_fallback(part) for part in body.split(";") if part.strip()]


@functools.cache
def _dialect(name: str) -> Any:
    """Dialect lookup costs more than parsing a short statement: do it once per dialect."""
    from sqlglot.dialects.dialect import Dialect

    return Dialect.get_or_raise(name)


#: sqlglot's tokenizers, parsers and generators reset their state on every call, but are not thread-safe:
#: one of each per dialect and thread (building them costs more than tokenizing a short statement).
_LOCAL = threading.local()


def _tools() -> dict[tuple[str, str], Any]:
    tools: dict[tuple[str, str], Any] | None = getattr(_LOCAL, "tools", None)
    if tools is None:
        tools = _LOCAL.tools = {}
    return tools


def _tokenizer(name: str) -> Any:
    tools = _tools()
    found = tools.get(("tokenizer", name))
    if found is None:
        found = tools["tokenizer", name] = _dialect(name).tokenizer()
    return found


def _parser(name: str) -> Any:
    tools = _tools()
    found = tools.get(("parser", name))
    if found is None:
        found = tools["parser", name] = _dialect(name).parser()
    return found


def _sql_text(node: Any) -> str:
    """`node.sql()`, without its copy of the tree and new generator for the leaves WHEREs compare.

    The default dialect's generator writes a column, literal, boolean or NULL without changing it (no
    transform applies to a node that has a parent), so those are generated in place by one generator per
    thread; anything else goes through `sql()` as always.
    """
    from sqlglot import exp

    if type(node) in (exp.Literal, exp.Boolean, exp.Null) or (
            type(node) is exp.Column and node.parent is not None
            and all(value is None or type(value) in (exp.Identifier, exp.Star)
                    for value in node.args.values())):
        tools = _tools()
        generator = tools.get(("generator", ""))
        if generator is None:
            generator = tools["generator", ""] = _dialect("").generator()
        return str(generator.generate(node, copy=False))
    return str(node.sql())


def _fallback(text: str) -> Sql:
    words = _KEYWORD.findall(text.lower())
    first = words[0] if words else "unknown"
    # an unparsed WHERE cannot be shown to narrow anything: fail closed
    return Sql(first, objects=frozenset(words[1:2]), narrowing=False, parsed=False)


def classify(tree: Any) -> Sql:
    from sqlglot import exp

    tables = tuple(dict.fromkeys(t.name for t in tree.find_all(exp.Table)))[:20]
    functions = tuple(dict.fromkeys(f.name.lower() for f in tree.find_all(exp.Anonymous)))[:20]
    statement, objects, narrowing = _kind(tree)
    return Sql(statement, frozenset(objects), narrowing, tables, functions)


def _kind(tree: Any) -> tuple[str, set[str], bool]:
    from sqlglot import exp

    if isinstance(tree, exp.Query):
        dml = tree.find(exp.Delete, exp.Update, exp.Insert, exp.Merge)
        if dml is not None:  # `WITH d AS (DELETE … RETURNING *) SELECT …` deletes
            return _kind(dml)
        return ("create" if tree.args.get("into") else "select"), set(), True
    if isinstance(tree, (exp.Delete, exp.Update)):
        where = tree.args.get("where")
        narrow = (where is not None and _narrows(where.this)) or tree.args.get("limit") is not None
        return type(tree).__name__.lower(), {"table"}, narrow
    if isinstance(tree, exp.Drop):
        return "drop", {str(tree.args.get("kind") or "table").lower()}, True
    if isinstance(tree, exp.TruncateTable):
        return "truncate", {"table"}, True
    if isinstance(tree, exp.Alter):
        actions = tree.args.get("actions") or []
        dropping = any("drop" in type(a).__name__.lower() for a in actions)
        return ("alter-drop" if dropping else "alter"), {str(tree.args.get("kind") or "table").lower()}, True
    if isinstance(tree, exp.Create):
        return "create", {str(tree.args.get("kind") or "table").lower()}, True
    if isinstance(tree, exp.Command):
        return _command(str(tree.this), str(tree.expression or ""))
    if isinstance(tree, exp.Copy):
        text = tree.sql().upper()
        return "copy", {"program"} if "PROGRAM" in text else set(), True
    simple = {exp.Insert: "insert", exp.Merge: "merge", exp.Grant: "grant", exp.Revoke: "revoke",
              exp.Transaction: "transaction", exp.Commit: "transaction", exp.Rollback: "transaction",
              exp.Set: "set", exp.Use: "use", exp.Show: "show", exp.Describe: "describe",
              exp.Pragma: "pragma"}
    for cls, name in simple.items():
        if isinstance(tree, cls):
            return name, set(), True
    return type(tree).__name__.lower(), set(), True


def _command(keyword: str, rest: str) -> tuple[str, set[str], bool]:
    """Statements sqlglot keeps as raw commands (SHOW, EXPLAIN, CREATE USER, VACUUM, DO, …)."""
    keyword = keyword.lower()
    words = _KEYWORD.findall(rest.lower())
    if keyword == "explain":
        if words[:1] == ["analyze"] and len(words) > 1 and words[1] not in ("select", "with"):
            inner = statements(rest.split(None, 1)[1]) if len(rest.split(None, 1)) > 1 else []
            if inner:
                return inner[0].statement, set(inner[0].objects), inner[0].narrowing
        return "explain", set(), True
    if keyword in ("alter", "create", "drop") and words:
        return (f"{keyword}-drop" if keyword == "alter" and "drop" in words else keyword), {words[0]}, True
    if keyword == "desc":
        keyword = "describe"
    return keyword, set(words[:1]), True


_CREATED = re.compile(
    r"(?i)^(created|inserted|added|registered|signed_?up|first_seen)(_?(at|on|date|time|ts))?$")
_NOW = re.compile(
    r"(?i)^(now\(\)|current_timestamp(\(\))?|current_date|localtimestamp|sysdate(\(\))?|getdate\(\))$")


def _before_now(node: Any) -> bool:
    """`created_at < now()` is every row: creation times are always in the past."""
    from sqlglot import exp

    column, bound = node.left, node.right
    if isinstance(node, (exp.GT, exp.GTE)):
        column, bound = bound, column
    if not isinstance(column, exp.Column):
        return False
    return bool(_CREATED.match(column.name)) and bool(_NOW.match(_sql_text(bound)))


def _narrows(cond: Any) -> bool:
    """A WHERE narrows when it mentions a column and is not always true (`1=1`, `x=x`, `… OR true`)."""
    from sqlglot import exp

    return cond.find(exp.Column) is not None and not _always_true(cond)


def _always_true(node: Any) -> bool:
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        return _always_true(node.this)
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Or):
        return _always_true(node.left) or _always_true(node.right)
    if isinstance(node, exp.And):
        return _always_true(node.left) and _always_true(node.right)
    if isinstance(node, exp.Not):
        inner = node.this
        return (isinstance(inner, exp.Boolean) and not inner.this) or isinstance(inner, exp.Null)
    if isinstance(node, (exp.EQ, exp.GTE, exp.LTE, exp.NullSafeEQ)) and \
            _sql_text(node.left) == _sql_text(node.right):
        return True
    if isinstance(node, (exp.LT, exp.LTE, exp.GT, exp.GTE)):
        return _before_now(node)
    if isinstance(node, exp.Like):
        pattern = node.expression
        return isinstance(pattern, exp.Literal) and str(pattern.this).strip("%") == ""
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        return False
    return node.find(exp.Column) is None


# --- the commonest writes, read without sqlglot ------------------------------------------------------------
#
# `DELETE FROM t WHERE id = 4`, `UPDATE t SET a = 'x', b = 2 WHERE c > 1 AND d = e` and
# `DROP TABLE [IF EXISTS] t`, with bare (not keyword) identifiers, numbers and plain strings only:
# parsing them costs sqlglot more than all the rules together, and what it would make of them is fixed.
# `_simple` reads exactly that language and classifies it the way `classify` classifies sqlglot's tree
# (same statement, objects, narrowing, tables and functions); anything else returns None for sqlglot.

_SIMPLE_TOKEN = re.compile(
    r"\s*(?:([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)|(\d+(?:\.\d+)?)(?![A-Za-z0-9_.])|"
    r"('[^'\\\n]*')(?!')|(<=|>=|<>|!=|=|<|>|,|;))")
_SIMPLE_CHARS = re.compile(r"[A-Za-z0-9_.\s'<>=!,;]*")
_COMPARISONS = frozenset({"=", "<>", "!=", "<", ">", "<=", ">="})
#: Words the parser reads as more than a name in these statements, besides the tokenizer's keywords.
_SPECIAL_WORDS = frozenset({"IF", "ONLY", "CASCADE", "RESTRICT", "PURGE", "ORDER", "GROUP", "LIMIT",
                            "RETURNING", "USING", "CURRENT", "LOCAL", "GLOBAL", "TEMPORARY", "TEMP",
                            "CONCURRENTLY"})
_Operand = tuple[str, str]  # ("column" | "number" | "string", text as written)


def _simple(body: str) -> Sql | None:
    if not _SIMPLE_CHARS.fullmatch(body):
        return None
    tokens = _simple_tokens(body)
    if tokens is None:
        return None
    while tokens and tokens[-1] == ";":
        tokens.pop()
    if not tokens or ";" in tokens:
        return None  # several statements (or none): sqlglot splits them
    words = [t.upper() for t in tokens]
    if words[:2] == ["DELETE", "FROM"] and len(tokens) >= 3 and _name(tokens[2]):
        return _dml("delete", tokens[2], tokens[3:])
    if words[0] == "UPDATE" and len(tokens) >= 6 and _name(tokens[1]) and words[2] == "SET":
        rest = tokens[3:]
        while True:  # col = operand [, col = operand]…
            if len(rest) < 3 or not _name(rest[0]) or rest[1] != "=" or _operand(rest[2]) is None:
                return None
            rest = rest[3:]
            if not rest or rest[0] != ",":
                break
            rest = rest[1:]
        return _dml("update", tokens[1], rest)
    if words[:2] == ["DROP", "TABLE"]:
        rest = tokens[2:]
        if [w.upper() for w in rest[:2]] == ["IF", "EXISTS"]:
            rest = rest[2:]
        if len(rest) == 1 and _name(rest[0]):
            return Sql("drop", frozenset({"table"}), True, (rest[0].rsplit(".", 1)[-1],), ())
    return None


def _simple_tokens(body: str) -> list[str] | None:
    out: list[str] = []
    pos, end = 0, len(body.rstrip())
    while pos < end:
        match = _SIMPLE_TOKEN.match(body, pos)
        if match is None:
            return None
        out.append(match.group(0).strip())
        pos = match.end()
    return out


def _name(token: str) -> bool:
    """A bare identifier (or `schema.name`) that no dialect reads as anything else."""
    if not (token[0].isalpha() or token[0] == "_") or "'" in token:
        return False
    keywords = _dialect("postgres").tokenizer_class.KEYWORDS
    return all(part.upper() not in keywords and part.upper() not in _SPECIAL_WORDS and not _NOW.match(part)
               for part in token.split("."))


def _operand(token: str) -> _Operand | None:
    if token[0] == "'":
        return ("string", token)
    if token[0].isdigit():
        return ("number", token)
    return ("column", token) if _name(token) else None


def _dml(statement: str, table: str, rest: list[str]) -> Sql | None:
    """DELETE/UPDATE with an optional `WHERE a <op> b [AND|OR …]`, classified like `_kind`."""
    narrow = False
    if rest:
        if rest[0].upper() != "WHERE":
            return None
        where = _condition(rest[1:])
        if where is None:
            return None
        has_column, always = where
        narrow = has_column and not always
    return Sql(statement, frozenset({"table"}), narrow, (table.rsplit(".", 1)[-1],), ())


def _condition(tokens: list[str]) -> tuple[bool, bool] | None:
    """(mentions a column, always true) for comparisons joined by AND/OR, as `_narrows` decides them."""
    if not tokens or len(tokens) % 4 != 3:
        return None
    any_column = False
    disjuncts: list[bool] = []  # OR of ANDs: each conjunction is always true when all its parts are
    conjunction = True
    for i in range(0, len(tokens), 4):
        left, op, right = _operand(tokens[i]), tokens[i + 1], _operand(tokens[i + 2])
        if left is None or right is None or op not in _COMPARISONS:
            return None
        columns = left[0] == "column" or right[0] == "column"
        any_column = any_column or columns
        conjunction = conjunction and _comparison_always(left, op, right, columns)
        joiner = tokens[i + 3].upper() if i + 3 < len(tokens) else ""
        if joiner not in ("", "AND", "OR"):
            return None
        if joiner in ("", "OR"):
            disjuncts.append(conjunction)
            conjunction = True
    return any_column, any(disjuncts)


def _comparison_always(left: _Operand, op: str, right: _Operand, columns: bool) -> bool:
    """`_always_true` for one comparison of bare operands (their SQL is the text as written)."""
    if op in ("=", ">=", "<=") and left[1] == right[1]:
        return True
    if op in ("<", "<=", ">", ">="):
        column, bound = (right, left) if op in (">", ">=") else (left, right)
        return column[0] == "column" and bool(_CREATED.match(column[1].rsplit(".", 1)[-1])) and \
            bool(_NOW.match(bound[1]))
    return not columns
