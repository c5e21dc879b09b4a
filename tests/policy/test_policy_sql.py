"""SQL statements parsed with sqlglot: what they do, to what, and whether a WHERE really narrows."""

from __future__ import annotations

import pytest

from tui.policy.sql import looks_like_sql, statements


def kinds(text: str, client: str = "") -> list[tuple[str, bool]]:
    return [(s.statement, s.narrowing) for s in statements(text, client)]


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("DROP TABLE users", "drop"),
        ("TRUNCATE orders", "truncate"),
        ("GRANT ALL ON t TO bob", "grant"),
        ("REVOKE ALL ON t FROM bob", "revoke"),
        ("ALTER TABLE t DROP COLUMN c", "alter-drop"),
        ("ALTER TABLE t ADD COLUMN c int", "alter"),
        ("CREATE INDEX i ON t(a)", "create"),
        ("INSERT INTO t VALUES (1)", "insert"),
        ("SELECT 'DROP TABLE users'", "select"),
        ("EXPLAIN SELECT 1", "explain"),
        ("EXPLAIN ANALYZE DELETE FROM t", "delete"),
        ("ALTER USER app WITH SUPERUSER", "alter"),
        ("VACUUM", "vacuum"),
        ("BEGIN", "transaction"),
        ("WITH d AS (DELETE FROM events RETURNING *) SELECT count(*) FROM d", "delete"),
        ("\\dt", "meta"),
        ("\\! rm -rf /", "meta-exec"),
        (".tables", "meta"),
        (".shell ls", "meta-exec"),
    ],
)
def test_statement_kinds(text: str, statement: str) -> None:
    assert statements(text)[0].statement == statement


@pytest.mark.parametrize(
    ("text", "narrowing"),
    [
        ("DELETE FROM t", False),
        ("DELETE FROM t WHERE 1=1", False),
        ("DELETE FROM t WHERE true", False),
        ("UPDATE t SET a=1 WHERE id IN (1,2) OR 1=1", False),
        ("DELETE FROM t WHERE a = a", False),
        ("DELETE FROM t WHERE name LIKE '%'", False),
        ("UPDATE orders SET s='x' WHERE created_at < now()", False),
        ("DELETE FROM t WHERE id = 5", True),
        ("UPDATE t SET a=1 WHERE id IN (1,2)", True),
        ("DELETE FROM sessions WHERE expires_at < now()", True),
        ("DELETE FROM t WHERE created_at < now() - interval '30 days'", True),
        ("DELETE FROM t WHERE 1=1 AND id = 3", True),
    ],
)
def test_where_narrowing(text: str, narrowing: bool) -> None:
    assert statements(text)[0].narrowing is narrowing


def test_multiple_statements_and_objects() -> None:
    found = statements("select 1; drop schema public cascade")
    assert [s.statement for s in found] == ["select", "drop"]
    assert found[1].objects == frozenset({"schema"})


def test_admin_functions_and_copy_program_are_visible() -> None:
    (select,) = statements("SELECT pg_terminate_backend(pid) FROM pg_stat_activity")
    assert "pg_terminate_backend" in select.functions
    (copy,) = statements("COPY (SELECT 1) TO PROGRAM 'curl x'")
    assert copy.statement == "copy" and "program" in copy.objects


def test_unparseable_sql_falls_back_to_its_first_keyword() -> None:
    (stmt,) = statements("DELETE FROM t WHERE id = (((")
    assert (stmt.statement, stmt.parsed, stmt.narrowing) == ("delete", False, False)


def test_mysql_backticks_parse_with_the_client_dialect() -> None:
    assert kinds("DELETE FROM `orders`", "mysql") == [("delete", False)]


def test_payload_strings_are_only_sql_when_they_look_like_it() -> None:
    assert looks_like_sql("  -- note\nselect 1") and looks_like_sql("WITH x AS (SELECT 1) SELECT * FROM x")
    assert not looks_like_sql("is:unresolved assigned:me") and not looks_like_sql("how to drop a table")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT 'DROP TABLE users'",
        "select a, count(*) from t join u on t.id = u.t_id group by a",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
        "select 1; select 2",
        "SELECT now() - interval '1 day'",
    ],
)
def test_token_fast_path_agrees_with_the_parser(text: str) -> None:
    from tui.policy.sql import _dialect, _quick_reads, classify

    quick = _quick_reads(text, "postgres")
    assert quick is not None
    full = [classify(tree) for tree in _dialect("postgres").parse(text) if tree is not None]
    assert [
        (s.statement, s.narrowing, set(s.functions) >= {"pg_terminate_backend"} & set(f.functions))
        for s, f in zip(quick, full, strict=True)
    ] == [(f.statement, f.narrowing, True) for f in full]


@pytest.mark.parametrize(
    "text",
    ["WITH d AS (DELETE FROM t RETURNING *) SELECT 1", "SELECT * INTO backup FROM t", "DELETE FROM t"],
)
def test_token_fast_path_leaves_writes_to_the_parser(text: str) -> None:
    from tui.policy.sql import _quick_reads

    assert _quick_reads(text, "postgres") is None
