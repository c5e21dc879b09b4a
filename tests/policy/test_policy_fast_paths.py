"""The engine's fast paths give exactly what the slow paths they stand in for give.

Each shortcut (quoted one-command lines without the grammar, a final newline for long pipelines, the
common diff without unidiff, the commonest SQL writes without sqlglot, glob lists without one big regex,
literal prefilters before rule regexes, the policy's union of path globs) is checked against the general
code on generated input, with fixed seeds.
"""

from __future__ import annotations

import random
import re

import pytest

from tui.policy import diffs, shell, sql
from tui.policy.globs import GlobSet, GlobUnion
from tui.policy.literals import literal_prefilter
from tui.policy.matchers import StarGlobs, glob_regex


def dump(script: shell.Script) -> tuple[object, ...]:
    return (
        tuple(
            (
                tuple((w.text, w.plain, w.dynamic) for w in c.words),
                c.text,
                tuple(sorted(c.assignments.items())),
                tuple(c.redirects),
                c.stdin_text,
                c.upstream is None,
                len(c.substitutions),
                c.cwd,
                c.declaration,
            )
            for c in script.commands
        ),
        script.error,
    )


def tree_only(source: str) -> shell.Script:
    """`parse_tree` as it was: the grammar on the line exactly as written."""
    ascii_source = source if source.isascii() else shell._NON_ASCII.sub("x", source)
    tree = shell._parser().parse(ascii_source.encode("ascii"))
    walker = shell._Walker(source)
    walker.statement(tree.root_node)
    return shell.Script(walker.commands, tree.root_node.has_error)


def test_quoted_one_command_lines_read_as_the_grammar_reads_them() -> None:
    rng = random.Random(3)
    names = [
        "ls",
        "git",
        "rg",
        "sed",
        "ssh",
        "echo",
        "python3",
        "./run.sh",
        "/bin/rm",
        "_x",
        "if",
        "export",
        "-",
    ]
    pieces = [
        "a",
        "-n",
        "--f=",
        "=",
        "a=b",
        "'q'",
        "''",
        "'a b'",
        '"d"',
        '""',
        "'#'",
        "'$x'",
        "'&&'",
        "~",
        "*",
        "%",
        ",",
        "@",
        ":",
        "+",
        ".",
        "/",
        "1",
        "1e5",
        "==",
        "'%H'",
        "--format=",
        "'fix 1'",
        '"x\'y"',
        "é",
        "'é'",
        "'\\'",
        "a'b'",
        "\"a\"'b'",
        "'!'",
    ]
    tried = 0
    for _ in range(6000):
        words = [rng.choice(names)] + [
            "".join(rng.choice(pieces) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(0, 4))
        ]
        line = " " * rng.randint(0, 1) + "  ".join(words)
        if ("'" in line or '"' in line) and shell._QUOTED_LINE.fullmatch(line):
            fast = shell._quoted(line)
            if fast is not None:
                tried += 1
                assert dump(fast) == dump(tree_only(line)), line
    assert tried > 300


def test_long_pipelines_parse_to_the_same_commands() -> None:
    rng = random.Random(4)
    parts = [
        "ls",
        "cat f",
        "grep -v x",
        "wc -l",
        "sort -u",
        "awk '{print $1}'",
        "xargs rm -f",
        "sh",
        "(cd a && ls)",
        "echo $(ls | wc -l)",
        'while read f; do rm "$f"; done',
        "tee out",
        "x=1",
        "! grep x",
        "ls \\",
    ]
    for _ in range(1500):
        line = rng.choice(parts)
        for _ in range(rng.randint(2, 5)):
            line += rng.choice([" | ", " |& ", " && ", "; ", "\n"]) + rng.choice(parts)
        line += rng.choice(["", " ", "'", " \\ ", " |", " # c", ")"])
        assert dump(shell.parse_tree(line)) == dump(tree_only(line)), line


def test_the_common_diff_reads_as_unidiff_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    contents = ["x", "", " ", "+", "-", "--- a", "@@ -1 +1 @@", "\\ No newline at end of file", "é", "\r"]
    texts = []
    for _ in range(2500):
        source, target = rng.choice(["a/x.py", "/dev/null", "x"]), rng.choice(["b/x.py", "/dev/null", "b/y"])
        parts = [f"--- {source}\n+++ {target}\n"]
        for _ in range(rng.randint(0, 3)):
            body, src, tgt = [], 0, 0
            for _ in range(rng.randint(0, 5)):
                kind = rng.choice("+- +")
                body.append(kind + rng.choice(contents) + "\n")
                src += kind in "- "
                tgt += kind in "+ "
            src += rng.choice([0, 0, 0, 1, -1])
            parts.append(f"@@ -1,{max(src, 0)} +1,{max(tgt, 0)} @@\n")
            parts.extend(body)
        text = "".join(parts)
        texts.append(text.rstrip("\n") if rng.random() < 0.3 else text)
    fast = [diffs.parse(t) for t in texts]
    monkeypatch.setattr(diffs, "_one_file", lambda text: None)
    assert fast == [diffs.parse(t) for t in texts]


def test_the_commonest_sql_writes_classify_as_sqlglot_does(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(6)
    idents = [
        "id",
        "a",
        "t",
        "s.t",
        "status",
        "created_at",
        "Id",
        "x.y",
        "name",
        "limit",
        "if",
        "only",
        "now",
    ]
    operands = [*idents, "1", "4", "1.5", "'x'", "''", "'now()'"]

    def condition() -> str:
        joiners = ["AND", "OR", "and", "or"]
        comparisons = ["=", "<>", "!=", "<", ">", "<=", ">="]
        return f" {rng.choice(joiners)} ".join(
            f"{rng.choice(operands)} {rng.choice(comparisons)} {rng.choice(operands)}"
            for _ in range(rng.randint(1, 3))
        )

    statements = []
    for _ in range(1500):
        kind = rng.random()
        if kind < 0.4:
            text = f"DELETE FROM {rng.choice(idents)}" + (
                f" WHERE {condition()}" if rng.random() < 0.8 else ""
            )
        elif kind < 0.8:
            text = f"UPDATE {rng.choice(idents)} SET {rng.choice(idents)} = {rng.choice(operands)}" + (
                f" WHERE {condition()}" if rng.random() < 0.8 else ""
            )
        else:
            text = f"DROP TABLE {rng.choice(['', 'IF EXISTS '])}{rng.choice(idents)}"
        statements.append(text + rng.choice(["", ";", " ;\n"]))
    fast = {text: sql._simple(text) for text in statements}
    assert sum(result is not None for result in fast.values()) > 300
    monkeypatch.setattr(sql, "_simple", lambda body: None)
    for text, result in fast.items():
        if result is not None:
            assert [result] == sql._parse(text, "postgres"), text


def test_glob_lists_match_as_fnmatch_does() -> None:
    rng = random.Random(7)
    alphabet = [*"ab_*", "__", "get", "A", "é", "K", "ſ", "?", "[ab]", "*"]
    values = [*"ab_", "__", "get", "A", "B", "é", "K", "k", "ſ", "s", "\n", "*"]
    for _ in range(3000):
        items = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(3)]
        items = [i for i in items if any(c in i for c in "*?[")] or ["*"]
        for fold in (False, True):
            globs, regex = StarGlobs(items, ignore_case=fold), glob_regex(items, ignore_case=fold)
            assert regex is not None
            for _ in range(5):
                value = "".join(rng.choice(values) for _ in range(rng.randint(0, 6)))
                assert globs.match(value) == (regex.match(value) is not None), (items, fold, value)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r":\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}|(\w+)\(\)\s*\{\s*\1\s*\|\s*\1\s*&", "f(){ f|f& }"),
        (r"/var/run/docker\.sock|/run/docker\.sock", "-v=/run/docker.sock:/x"),
        (r"(?i)(datadog|dd-agent)", "systemctl stop DATADOG-agent"),
        (r"(?i)KEY", "\u212aey"),  # the Kelvin sign matches k case-insensitively: no prefilter may drop it
        (r"a(?i:bc)d", "aBCd"),
    ],
)
def test_literal_prefilters_never_reject_a_match(pattern: str, text: str) -> None:
    compiled = re.compile(pattern)
    assert compiled.search(text) is not None
    prefilter = literal_prefilter(compiled)
    assert prefilter is None or prefilter(text)


def test_literal_prefilters_on_random_text() -> None:
    rng = random.Random(8)
    patterns = [
        r"foo(bar|baz)",
        r"(?i)secret|token",
        r"x\d+y",
        r"(ab|cd)ef|gh",
        r"^/etc/(passwd|shadow)$",
        r"(?i)\.ssh\b|id_rsa",
        r"a+bc",
        r"(?:pre)?fix",
    ]
    for source in patterns:
        compiled = re.compile(source)
        prefilter = literal_prefilter(compiled)
        if prefilter is None:
            continue
        for _ in range(3000):
            text = "".join(
                rng.choice(
                    [
                        "foo",
                        "bar",
                        "baz",
                        "SeCrEt",
                        "tok",
                        "en",
                        "x1y",
                        "ab",
                        "ef",
                        "gh",
                        "/etc/",
                        "passwd",
                        ".SSH",
                        "id_",
                        "rsa",
                        "bc",
                        "fix",
                        "pre",
                        " ",
                        "é",
                    ]
                )
                for _ in range(rng.randint(0, 5))
            )
            if compiled.search(text) is not None:
                assert prefilter(text), (source, text)


def test_a_glob_union_admits_every_path_any_of_its_sets_matches() -> None:
    sets = [
        GlobSet([".env", ".env.*", "!.env.example"]),
        GlobSet(["~/.ssh/*", "**/.git/hooks/**"]),
        GlobSet(["*.pem", "/etc/shadow", ".github/workflows/**", "Jenkinsfile"]),
    ]
    union = GlobUnion(sets)
    rng = random.Random(9)
    parts = [
        "~",
        "",
        ".env",
        ".env.example",
        ".ssh",
        "id_rsa",
        ".git",
        "hooks",
        "pre-commit",
        "x.pem",
        "etc",
        "shadow",
        ".github",
        "workflows",
        "ci.yml",
        "Jenkinsfile",
        "src",
        "a.py",
    ]
    for _ in range(5000):
        path = "/".join(rng.choice(parts) for _ in range(rng.randint(1, 4)))
        if any(s.match(path) for s in sets):
            assert union.maybe(path), path
