"""The shortcuts that make evaluation cheap give exactly what the general code gives.

Lists and pipelines of plain commands without the grammar, plain SELECTs without sqlglot's tokenizer,
literal prefilters that require several literals or many alternatives, glob sets as string tests, path
normalisation by hand, the index that files SQL, HTTP and tool blocks by statement, method and tool name:
each is checked against the general code (or a brute-force evaluation) on generated input, fixed seeds.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from tui.model import Action, from_submission
from tui.policy import Policy, globs, shell, sql, sqlreads
from tui.policy.engine import _cancelled
from tui.policy.examples import example_action
from tui.policy.facts import _CLEAN, _CONTROL_BYTES, build
from tui.policy.literals import literal_prefilter

DATA = Path(__file__).resolve().parent.parent / "data"


def dump(script: shell.Script) -> tuple[object, ...]:
    """Everything the expander reads of a parsed line, upstreams by position."""
    where = {id(c): i for i, c in enumerate(script.commands)}
    return (
        tuple(
            (
                tuple((w.text, w.plain, w.dynamic) for w in c.words),
                c.text,
                tuple(sorted(c.assignments.items())),
                tuple(c.redirects),
                c.stdin_text,
                None if c.upstream is None else where.get(id(c.upstream), -1),
                len(c.substitutions),
                c.cwd,
                c.declaration,
            )
            for c in script.commands
        ),
        script.error,
    )


def test_lists_and_pipelines_of_plain_commands_read_as_the_grammar_reads_them() -> None:
    rng = random.Random(21)
    names = [
        "ls",
        "git",
        "cd",
        "rm",
        "wc",
        "read",
        "echo",
        "./run.sh",
        "/bin/rm",
        "_x",
        "if",
        "do",
        "done",
        "export",
        "time",
        "-",
        "x=1",
        "'q'",
        "pushd",
        "in",
        "{",
        "!",
        "sh",
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
        "'$x'",
        "'&&'",
        "'|'",
        "~",
        ",",
        "@",
        ":",
        "+",
        ".",
        "/",
        "1",
        "==",
        "'fix 1'",
        "é",
        "a'b'",
        "src/x",
        "..",
        "done",
        "then",
        "{",
        "-",
        "--",
        "'.items[3]'",
        "/srv/a",
        "'a;b'",
    ]
    joins = [" | ", " && ", " || ", "; ", ";", "|", "&&", " & ", " |& ", ";;", " |", "\n"]
    tried = 0
    for _ in range(40000):
        line = ""
        for i in range(rng.randint(1, 4)):
            words = [rng.choice(names)] + [rng.choice(pieces) for _ in range(rng.randint(0, 3))]
            line += (rng.choice(joins) if i else "") + " " * rng.randint(0, 1) + " ".join(words)
        if rng.random() < 0.1:
            line += rng.choice(joins)
        if not shell._LIST_LINE.fullmatch(line):
            continue
        fast = shell._listed(line)
        if fast is not None:
            tried += 1
            assert dump(fast) == dump(shell.parse_tree(line)), line
    assert tried > 500


def test_plain_selects_read_as_sqlglots_tokens_read() -> None:
    rng = random.Random(22)
    words = [
        "SELECT",
        "select",
        "WITH",
        "FROM",
        "JOIN",
        "join",
        "WHERE",
        "AND",
        "LIMIT",
        "AS",
        "ON",
        "count",
        "id",
        "name",
        "user",
        "t_1",
        "d",
        "x.y",
        "INTO",
        "delete",
        "set",
        "order",
        "group",
        "BY",
        "exists",
        "null",
        "e",
        "X",
        "now",
        "union",
        "all",
        "values",
        "table",
        "similar",
        "to",
        "double",
        "primary",
        "selected",
        "_a",
        "replace",
        "comment",
        "copy",
        "call",
        "returning",
    ]
    marks = [
        ",",
        "(",
        ")",
        ".",
        "*",
        "=",
        "<",
        ">",
        ";",
        "<=",
        "<>",
        "==",
        "=>",
        "'x'",
        "''",
        "'DROP TABLE x'",
        "1",
        "1.5",
        ".5",
        "1.",
        "'",
        "e'x'",
        "'a''b'",
        "-",
        "--",
        "/*",
        "$1",
        "::",
        "!=",
        "é",
        "\r",
        "\t",
    ]
    fixed = [
        "SELECT a FROM order BY x",
        "SELECT a FROM t group  by a",
        "SELECT a FROM similar to",
        "SELECT id FROM users_1 WHERE org_id = 3 LIMIT 50",
        "SELECT count(*) FROM d; SELECT 1",
    ]
    tried = 0
    for i in range(30000):
        parts = [rng.choice(["SELECT", "WITH", "select", "(SELECT"])]
        parts += [
            rng.choice(words) if rng.random() < 0.6 else rng.choice(marks) for _ in range(rng.randint(1, 10))
        ]
        body = fixed[i] if i < len(fixed) else "".join(p + rng.choice([" ", "", "\n"]) for p in parts)
        fast = sqlreads.plain_reads(body)
        if fast is not None:
            tried += 1
            assert fast == sql._reads_of(sql._tokenizer("postgres").tokenize(body)), body
    assert tried > 2000


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r'(?i)"(env|stage)": "[^"]*\b(prod|live)\b', '{"env": "PROD-eu"}'),
        (
            r"(?i)(datadog|dd-agent|newrelic|prometheus|node[_-]exporter|grafana|falco|osquery|wazuh)",
            "Node-Exporter",
        ),
        (r"(foo)+bar(baz){2}", "foofoobarbazbaz"),
        (r"(?i)api.?key", "API_KEY"),
    ],
)
def test_conjoined_and_large_literal_prefilters_never_reject_a_match(pattern: str, text: str) -> None:
    compiled = re.compile(pattern)
    assert compiled.search(text) is not None
    prefilter = literal_prefilter(compiled)
    assert prefilter is not None and prefilter(text)


def test_literal_prefilters_on_random_patterns() -> None:
    rng = random.Random(23)
    atoms = [
        "ab",
        "cd",
        "(?:ef|gh)",
        "x+",
        "(ij)+",
        "k{2,3}",
        "l?",
        "[mn]",
        ".",
        r"\d",
        "(op|qr|st|uv|wx|yz)",
        r"\b",
        "^",
        "$",
        "é",
        "(?i:ab)",
        "A",
        "ſ",
        "K",
        "(?:abc|abd|abe|xy|zz)",
    ]
    alphabet = [
        *"abcdefghijklmnopqrstuvwxyzABKS0123 _-",
        "é",
        "\u212a",
        "ſ",
        "ab",
        "gh",
        "op",
        "abc",
        "xy",
        "zz",
    ]
    for _ in range(1500):
        source = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 6)))
        compiled = re.compile(("(?i)" if rng.random() < 0.3 else "") + source)
        prefilter = literal_prefilter(compiled)
        if prefilter is None:
            continue
        for _ in range(200):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
            if compiled.search(text) is not None:
                assert prefilter(text), (compiled.pattern, text)


def reference(patterns: list[str], path: str) -> bool:
    """Whether any pattern matches, as GlobSet used to decide it: one regex per pattern."""
    plain = [globs._strip_leading_any(p.removeprefix("./")) for p in patterns]
    base = path.rsplit("/", 1)[-1]
    if any(p == base for p in plain if "/" not in p and not any(c in p for c in "*?[")):
        return True
    if any(
        re.match(globs.translate(p)[len("(?:^|/)") :], base)
        for p in plain
        if "/" not in p and any(c in p for c in "*?[")
    ):
        return True
    return any(re.search(globs.translate(p), path) for p in plain if "/" in p or p.startswith(("/", "~")))


def test_glob_sets_match_as_one_regex_per_pattern_does() -> None:
    rng = random.Random(24)
    pieces = [
        "~",
        "",
        ".",
        "..",
        "a",
        "b.py",
        ".env",
        ".env.example",
        ".ssh",
        "id_rsa",
        ".git",
        "hooks",
        "*",
        "**",
        "?",
        "[ab]",
        "[!a]",
        "*.py",
        "id_*",
        "a*",
        "*a",
        "etc",
        "log",
        "\n",
        "b.py\n",
        "a\n",
        "é",
    ]
    paths = ["/".join(rng.choice(pieces) for _ in range(rng.randint(1, 5))) for _ in range(3000)]
    paths += ["/" + p for p in paths] + ["~/" + p for p in paths]
    for _ in range(300):
        patterns = [
            ("!" if rng.random() < 0.15 else "")
            + "/".join(rng.choice(pieces) for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(1, 5))
        ]
        include = [p for p in patterns if not p.startswith("!")]
        exclude = [p[1:] for p in patterns if p.startswith("!")]
        glob_set = globs.GlobSet(patterns)
        union = globs.GlobUnion([glob_set])
        for path in rng.sample(paths, 300):
            included = reference(include, path)
            assert glob_set.match(path) == (included and not reference(exclude, path)), (patterns, path)
            assert union.maybe(path) == included, (patterns, path)


def test_paths_normalise_as_the_regexes_say() -> None:
    rng = random.Random(25)
    pieces = [
        "~",
        "",
        ".",
        "..",
        "a",
        "$HOME",
        "${HOME}",
        "$HOMEX",
        "/home",
        "home",
        "Users",
        "/Users",
        "dev",
        "/",
        "//",
        "\n",
        " ",
        "é",
        "x\n",
        "$",
        "h",
        "H",
    ]
    for _ in range(20000):
        path = "".join(rng.choice(pieces) + rng.choice(["/", "", "//"]) for _ in range(rng.randint(0, 5)))
        assert globs._home(path) == (
            globs._HOME_PREFIX.sub("~", path) if path.startswith(globs._HOME_STARTS) else path
        ), repr(path)
        assert globs._normpath(path) == (
            path if path and globs._NEEDS_NORMPATH.search(path) is None else globs.posixpath.normpath(path)
        ), repr(path)


def test_the_control_byte_table_flags_what_the_clean_regex_flags() -> None:
    for code in range(128):
        char = chr(code)
        assert (b"\x00" in char.encode("ascii").translate(_CONTROL_BYTES)) == (
            _CLEAN.search(char) is not None
        )


def corpus(policy: Policy) -> list[Action]:
    actions = [
        example_action(ex.data)
        for rule in policy.rules
        for ex in (*rule.examples_match, *rule.examples_no_match)
    ]
    for name in ("actions.jsonl", "holdout.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                actions.append(from_submission(json.loads(line)["action"]))
    return actions


def test_the_index_finds_exactly_the_rules_a_brute_force_match_finds(policy: Policy) -> None:
    """Every rule block tried on every unit: the index (names, first words, features, statements, methods,
    tool names) may only skip blocks that cannot match."""
    checked = 0
    for action in corpus(policy):
        facts = build(action, policy.settings)
        for unit in facts.units:
            found = {rule.id for rule, _ in policy._unit(unit, facts).rules}  # sets known / read_only too
            brute = {
                rule.id
                for rule in policy.rules
                if any(block.test(unit, facts) for block in rule.match)
                and not (rule.unless and _cancelled(rule.unless, unit, facts))
            }
            assert found == brute, (unit.utype, unit.text)
            checked += unit.utype in ("sql", "http", "tool")
    assert checked > 100
