"""Plain reads (SELECT / WITH) classified from their tokens, and the commonest ones tokenized without sqlglot.

A statement whose tokens are all reads is classified from the tokens alone: its tables follow FROM/JOIN, its
functions are names before `(`. sqlglot's tokenizer is pure Python and costs more than the rest of a
simple query's evaluation, so `plain_reads` tokenizes the subset most agent queries are written in (bare
words, numbers, plain strings, `, ( ) . * = < > ;` and spaces) itself, giving each word the token type
sqlglot's postgres keyword table gives it. Anything outside that subset, or any word that could start a
keyword of several words (`GROUP BY`), returns None and sqlglot tokenizes it as before.
"""

from __future__ import annotations

import functools
import itertools
import re

from tui.policy.units import Sql

#: Token types that can make a statement do more than read: any of them sends it to the full parser.
WRITE_TOKENS = frozenset({
    "DELETE", "UPDATE", "INSERT", "MERGE", "DROP", "TRUNCATE", "ALTER", "CREATE", "GRANT", "REVOKE", "INTO",
    "COPY", "REPLACE", "EXECUTE", "COMMAND", "SET", "LOCK", "CALL", "UPSERT", "LOAD", "RENAME", "COMMENT",
})

#: One token of the subset, after optional spaces: a word, a number, a plain string or a punctuation mark.
#: A number or string touching a word character (`1e5`, `e'…'`, `x.1`) is left to sqlglot.
_TOKEN = re.compile(
    r"[ \t\n]*(?:([A-Za-z_][A-Za-z0-9_]*)|(?<![A-Za-z0-9_.])(\d+(?:\.\d+)?)(?![A-Za-z0-9_.'])|"
    r"(?<![A-Za-z0-9_'])('[^'\\\n]*')(?![A-Za-z0-9_'])|([,().*=<>;]))")
_PUNCTUATION = {"(": "L_PAREN", ";": "SEMICOLON"}  # the only marks `reads_of` tells apart


def reads_of(tokens: list[tuple[str, str]]) -> list[Sql] | None:
    """Every statement of (token type, text) pairs as a read, or None if one may do more than read."""
    out: list[Sql] = []
    statement: list[tuple[str, str]] = []
    for token in [*tokens, None]:
        if token is not None and token[0] != "SEMICOLON":
            statement.append(token)
            continue
        if not statement:
            continue
        types = [kind for kind, _ in statement]
        if types[0] not in ("SELECT", "WITH") or WRITE_TOKENS.intersection(types):
            return None
        functions = tuple(dict.fromkeys(
            text.lower() for (kind, text), (after, _) in itertools.pairwise(statement)
            if kind == "VAR" and after == "L_PAREN"))
        tables = tuple(dict.fromkeys(
            text for (before, _), (kind, text) in itertools.pairwise(statement)
            if before in ("FROM", "JOIN") and kind == "VAR"))
        out.append(Sql("select", frozenset(), True, tables[:20], functions[:20]))
        statement = []
    return out or None


def plain_reads(body: str) -> list[Sql] | None:
    """`reads_of` sqlglot's postgres tokens of `body`, for text in the subset (else None: ask sqlglot)."""
    keywords, firsts = _keywords()
    tokens: list[tuple[str, str]] = []
    pos, end = 0, len(body.rstrip(" \t\n"))
    while pos < end:
        match = _TOKEN.match(body, pos)
        if match is None:
            return None
        word, number, string, mark = match.groups()
        if word is not None:
            upper = word.upper()
            if upper in firsts:
                return None  # perhaps one token of several words: sqlglot's keyword trie decides
            tokens.append((keywords.get(upper, "VAR"), word))
        elif mark is not None:
            tokens.append((_PUNCTUATION.get(mark, "MARK"), mark))
        elif number is not None:
            tokens.append(("NUMBER", number))
        else:
            tokens.append(("STRING", string))
        pos = match.end()
    return reads_of(tokens)


@functools.cache
def _keywords() -> tuple[dict[str, str], frozenset[str]]:
    """Postgres keyword → token type name, and the first words of keywords of several words."""
    from tui.policy.sql import _dialect

    table = _dialect("postgres").tokenizer_class.KEYWORDS
    return ({word: kind.name for word, kind in table.items()},
            frozenset(word.split()[0] for word in table if " " in word))
