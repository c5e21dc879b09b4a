"""Three classes a holdout corpus found allowed at `low`: production reached through the connection itself,
inline interpreter code that deletes, writes or touches secrets, and tools that execute SQL or commands."""

from __future__ import annotations

import pytest

from tui.policy.verdict import compose

LEVELS = ("low", "medium", "high", "critical")


def at_least(level: str, floor: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(floor)


# --- 1. production named by a connection string or URI -------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "psql 'host=ledger-db.prod.acme.internal dbname=ledger user=ledger_app' "
        "-c \"DELETE FROM payouts WHERE status = 'pending'\"",
        'psql "host=ledger-db.prod.acme.internal port=5432 dbname=ledger" '
        '-c "UPDATE payouts SET x = 1 WHERE id = 2"',
        "psql postgresql://ledger_app@ledger-db.prod.acme.internal/ledger "
        '-c "DELETE FROM payouts WHERE id = 7"',
        "psql 'postgres://app:pw@db-prod-2.acme.internal:5432/ledger' -c \"UPDATE t SET a = 1 WHERE id = 3\"",
        "pg_dump 'host=db.production.acme.internal dbname=ledger' | psql 'host=db.production.acme.internal "
        'dbname=copy\' -c "DELETE FROM payouts WHERE id = 1"',
    ],
)
def test_connection_strings_naming_production_set_the_environment(judge, command: str) -> None:
    ev = judge(command, cwd="/home/dev/src/app")
    assert ev.environment == "production", ev.risk.reasons
    assert at_least(ev.risk.level, "medium"), ev.risk.reasons
    assert compose(ev, "supervised") != "allow"


def test_a_narrowed_write_in_production_is_never_low(judge) -> None:
    for environment in ("production", "prod", "live"):
        ev = judge(
            kind="sql", command="DELETE FROM payouts WHERE id = 7", target={"environment": environment}
        )
        assert at_least(ev.risk.level, "medium"), (environment, ev.risk.reasons)
        assert "sql-write-production" in ev.matched


def test_connection_strings_elsewhere_stay_routine(judge) -> None:
    staging = judge(
        "psql 'host=ledger-db.staging.acme.internal dbname=ledger' -c \"DELETE FROM t WHERE id = 7\""
    )
    assert staging.environment == "staging"
    assert "sql-write-production" not in staging.matched
    read = judge("psql 'host=ledger-db.prod.acme.internal dbname=ledger' -c 'SELECT count(*) FROM payouts'")
    assert read.environment == "production"
    assert read.risk.level == "low"
    assert judge('psql -h localhost -c "DELETE FROM t WHERE id = 7"').risk.level == "low"


def test_only_whole_connection_strings_are_read_as_such(judge) -> None:
    # a word that merely contains `host=` is not a connection string
    assert judge("echo 'see host=prod-1 in the docs'").environment == ""
    assert judge("grep -r host=prod config/").environment == ""


# --- 2. inline interpreter code ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "floor"),
    [
        ("python3 -c \"import shutil, os; shutil.rmtree(os.path.expanduser('~/.ssh'))\"", "critical"),
        (
            'python3 -c "from pathlib import Path; '
            "(Path.home() / '.aws').joinpath('credentials').unlink()\"",
            "high",
        ),
        ("python3 -c \"from pathlib import Path; (Path.home() / '.ssh' / 'id_rsa').unlink()\"", "high"),
        (
            "node -e \"require('fs').rmSync(require('path').join(require('os').homedir(), '.aws'), "
            '{recursive: true})"',
            "critical",
        ),
        ("ruby -e \"File.delete(File.expand_path('~/.netrc'))\"", "high"),
        ('python3 -c "import os; os.remove(path)"', "medium"),
        ('python3 -c "import shutil; shutil.rmtree(target)"', "high"),
        ("node -e \"require('fs').writeFileSync(process.argv[1], 'x')\"", "medium"),
        ("python3 -c \"open(os.path.join(base, 'settings.py'), 'w').write('')\"", "medium"),
        ("python3 -c \"print(open('/home/dev/.aws/credentials').read())\"", "high"),
        ("perl -e 'open(F, \"$ENV{HOME}/.ssh/id_ed25519\"); print <F>'", "high"),
        (
            "python3 - <<'EOF'\nimport shutil, os\nshutil.rmtree(os.path.expanduser('~/.ssh'))\nEOF",
            "critical",
        ),
    ],
)
def test_inline_code_that_deletes_writes_or_touches_secrets_is_not_low(
    judge, command: str, floor: str
) -> None:
    ev = judge(command, cwd="/home/dev/src/app")
    assert at_least(ev.risk.level, floor), ev.risk.reasons
    assert compose(ev, "supervised") != "allow"


@pytest.mark.parametrize(
    "command",
    [
        "python3 -c 'print(1+1)'",
        "python3 -c \"import json; print(json.load(open('package.json'))['version'])\"",
        "python3 -c \"import shutil; shutil.rmtree('build')\"",
        'node -e "console.log(process.env.NODE_ENV)"',
        "python3 -c \"import os; print(os.environ.get('HOME'))\"",
    ],
)
def test_inline_code_that_reads_the_workspace_stays_low(judge, command: str) -> None:
    assert judge(command, cwd="/home/dev/src/app").risk.level == "low"


def test_computed_paths_are_worked_out_from_their_literals() -> None:
    from tui.policy.commands import _code_path

    assert _code_path("os.path.expanduser('~/.ssh')") == "~/.ssh"
    assert _code_path("Path.home() / '.aws' / 'credentials'") == "~/.aws/credentials"
    assert _code_path("os.path.join(os.environ['HOME'], '.kube', 'config')") == "~/.kube/config"
    assert _code_path("require('path').join(require('os').homedir(), '.docker')") == "~/.docker"
    assert _code_path("'/etc/passwd'") == "/etc/passwd"
    assert _code_path("path") == "$CODE_PATH"
    assert _code_path("os.path.join(base, 'x')") == "$CODE_PATH/x"


# --- 3. tools that execute SQL or commands -----------------------------------------------------------------


def tool(judge, tool_name: str, **payload: object):
    return judge(kind="mcp_tool", tool=tool_name, payload=payload)


@pytest.mark.parametrize("key", ["query", "sql", "statement", "sql_text", "sql_query", "body"])
def test_an_sql_tool_is_judged_by_its_sql_whatever_the_key(judge, key: str) -> None:
    ev = tool(judge, "mcp__supabase__execute_sql", project_id="abcd", **{key: "DELETE FROM payouts"})
    assert ev.risk.level == "high", ev.risk.reasons
    assert "sql-unbounded-write" in ev.matched
    nested = tool(judge, "mcp__supabase__execute_sql", project_id="abcd", params={key: "DROP TABLE payouts"})
    assert "sql-drop" in nested.matched


def test_an_sql_tool_in_production_holds_any_write(judge) -> None:
    ev = tool(
        judge,
        "mcp__supabase__execute_sql",
        project_id="ledger-prod",
        query="UPDATE accounts SET balance = 0 WHERE id = 42",
    )
    assert ev.environment == "production"
    assert at_least(ev.risk.level, "medium")
    dsn = tool(
        judge,
        "mcp__postgres__execute_sql",
        connection="postgresql://app@db.prod.acme.internal/ledger",
        sql="DELETE FROM payouts WHERE id = 1",
    )
    assert dsn.environment == "production"
    assert at_least(dsn.risk.level, "medium")


def test_an_executing_tool_without_readable_sql_or_command_is_held(judge) -> None:
    for name, payload in [
        ("mcp__supabase__execute_sql", {"project_id": "abcd", "migration": 9}),
        ("mcp__db__run_query", {"query_id": 42}),
        ("mcp__k8s__pods_exec", {"name": "api-0"}),
    ]:
        ev = tool(judge, name, **payload)
        assert ev.risk.level == "medium", (name, ev.risk.reasons)
        assert compose(ev, "supervised") != "allow"


def test_executing_tools_with_readable_reads_stay_low(judge) -> None:
    assert tool(judge, "mcp__supabase__execute_sql", project_id="abcd", query="SELECT 1").risk.level == "low"
    assert tool(judge, "mcp__k8s__pods_exec", name="api-0", command=["ls", "/app"]).risk.level == "low"
    # text that merely looks like SQL in a tool that does not run SQL is data
    issue = tool(
        judge, "mcp__github__create_issue", title="Update the docs", body="DELETE FROM users is slow"
    )
    assert issue.risk.level == "low"
