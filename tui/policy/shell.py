"""Bash, parsed with the real grammar (tree-sitter-bash) into the simple commands that will run.

Judging text is how peers get fooled (`FOO=1 rm -rf /`, `r\\m`, `"rm"`, `$'\\x72m'`), so this module hands
the engine every simple command wherever it sits — in pipelines, lists, subshells, loops, functions,
command and process substitutions, heredoc pipelines — with its words unquoted the way bash would, the
variables assigned earlier in the same line substituted, its redirections, the command feeding its stdin,
any literal stdin (heredoc, here-string) and the directory `cd` left it in. What the words *mean*
(wrappers, `bash -c`, `xargs`, …) is `commands.py`'s job.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from tui.policy.words import RawCommand, Script, Word, ansi_c, listing_of, unescape_word

__all__ = ["RawCommand", "Script", "Word", "ansi_c", "parse", "parse_tree"]

_PARSER: Any = None
_WRITE_OPS = frozenset({">", ">>", "&>", "&>>", ">|"})
_PLAIN = re.compile(r"^[A-Za-z0-9_./:=@%+,~^-]+$")
_STATEMENTS = frozenset({
    "program", "list", "compound_statement", "subshell", "do_group", "if_statement", "elif_clause",
    "else_clause", "while_statement", "for_statement", "c_style_for_statement", "case_statement",
    "case_item", "negated_command", "function_definition", "ERROR", "test_command", "unary_expression",
    "binary_expression", "parenthesized_expression", "arithmetic_expansion",
})


def _parser() -> Any:
    """Loaded on first use so importing the policy stays cheap for clients that never parse."""
    global _PARSER
    if _PARSER is None:
        import tree_sitter_bash
        from tree_sitter import Language, Parser

        _PARSER = Parser(Language(tree_sitter_bash.language()))
    return _PARSER


#: A line made only of these characters has no shell syntax at all (no quoting, expansion, operators,
#: redirection, grouping or comments): bash reads it as whitespace-separated words, and so does this.
_NO_SYNTAX = re.compile(r"[A-Za-z0-9_./:=@%+,^*?~\- ]+")
#: In a first word, what makes it something other than a plain command name: an assignment or a glob.
_NOT_PLAIN_NAME = re.compile(r"[=*?]")


#: One simple command of bare words and quoted strings (no expansion, escape, operator, redirection or
#: glob anywhere): what tree-sitter makes of it is known, so it is read here without the grammar. Words
#: start with a letter, `-`, `.`, `/`, `_` or a quote (the grammar reads `=x`, `==` and `1e5` its own way).
_BARE = r"[A-Za-z0-9_./:=@%+,-]"
_SINGLE = r"'([^'\n]*)'"
_DOUBLE = r'"([^"$`\\\n!]*)"'
_QUOTED_WORD = f"""(?=[A-Za-z_./'"-])(?!\\S*==)(?:{_BARE}|{_SINGLE}|{_DOUBLE})+"""
_QUOTED_LINE = re.compile(f" *{_QUOTED_WORD}(?: +{_QUOTED_WORD})* *")
_QUOTED_WORDS = re.compile(_QUOTED_WORD.replace("(", "(?:").replace("(?:?", "(?"))
_QUOTED_PART = re.compile(f"{_BARE}+|{_SINGLE}|{_DOUBLE}")
_BARE_NAME = re.compile(r"[A-Za-z_./][A-Za-z0-9_./-]*")
#: First words the grammar reads as something other than a simple command's name.
_NOT_A_NAME = frozenset({"if", "then", "else", "elif", "fi", "case", "esac", "for", "select", "while",
                         "until", "do", "done", "in", "function", "time", "coproc", "export", "local",
                         "declare", "readonly", "typeset", "unset"})


#: Simple commands of such words joined by `|`, `&&`, `||` and `;` (no `&`, `|&`, empty command or
#: trailing operator): the grammar's list and pipeline nodes are wired here the way the walker wires them.
_JOIN = r"(?:\|\||&&|\||;)"
_COMMAND_WORDS = f"{_QUOTED_WORD}(?: +{_QUOTED_WORD})*"
_LIST_LINE = re.compile(f" *{_COMMAND_WORDS}(?: *{_JOIN} *{_COMMAND_WORDS})+ *")
_TOKEN = f"(?:{_BARE}|{_SINGLE}|{_DOUBLE})+".replace("(", "(?:").replace("(?:?", "(?")  # on a matched line
_TOKENS = re.compile(_TOKEN)
_SEGMENT = re.compile(f" *({_TOKEN}(?: +{_TOKEN})*) *({_JOIN}|$)")


def unquoted(source: str) -> str:
    """`source` with the insides of its quoted strings and escaped characters left out: the part bash
    reads as code rather than as data (`printf ':(){ :|:& };:'` prints a fork bomb, it does not run one).
    A double-quoted string holding a command substitution is kept whole: that part runs. Strings that do
    run (`bash -c '…'`, `eval`) are scripts of their own, seen unquoted when they are parsed.
    """
    if "'" not in source and '"' not in source and "\\" not in source:
        return source
    return _QUOTED_OR_ESCAPED.sub(_data_left_out, source)


_QUOTED_OR_ESCAPED = re.compile(r"""\\.|'[^']*'?|"(?:[^"\\]|\\.)*"?""", re.S)


def _data_left_out(found: re.Match[str]) -> str:
    text = found.group()
    if text[0] == "\\":
        return " "
    if text[0] == "'":
        return "''"
    return text if "$(" in text or "`" in text else '""'


def parse(source: str) -> Script:
    """Every simple command in `source`, in execution order (substitutions before their command)."""
    if _NO_SYNTAX.fullmatch(source):
        words = source.split()
        if words and not _NOT_PLAIN_NAME.search(words[0]) and words[0] not in _NOT_A_NAME:
            # a glob (`r?m`, `/???/r?`), an assignment or a keyword (`coproc rm …`) in the name: the
            # grammar decides, as for the quoted and list shortcuts below
            return Script([RawCommand([Word(w) for w in words], source)], False)
    elif ("'" in source or '"' in source) and _QUOTED_LINE.fullmatch(source):
        quoted = _quoted(source)
        if quoted is not None:
            return quoted
    elif ("|" in source or ";" in source or "&" in source) and _LIST_LINE.fullmatch(source):
        listed = _listed(source)
        if listed is not None:
            return listed
    return parse_tree(source)


def _quoted(source: str) -> Script | None:
    """A line `_QUOTED_LINE` matched, as the tree walker reads it (None: leave it to the grammar)."""
    tokens = _QUOTED_WORDS.findall(source)
    if not _BARE_NAME.fullmatch(tokens[0]) or tokens[0] in _NOT_A_NAME:
        return None  # a quoted name, an assignment, a declaration or a keyword: the grammar decides
    return Script([RawCommand(_words(tokens), source.strip(" "))], False)


def _listed(source: str) -> Script | None:
    """A line `_LIST_LINE` matched, as the tree walker reads it (None: leave it to the grammar)."""
    walker = _Walker(source)
    upstream: RawCommand | None = None
    for segment in _SEGMENT.finditer(source):
        text, joiner = segment.groups()
        tokens = _TOKENS.findall(text)
        if not _BARE_NAME.fullmatch(tokens[0]) or tokens[0] in _NOT_A_NAME:
            return None  # as `_quoted`: the grammar decides
        command = RawCommand(_words(tokens), text, upstream=upstream, cwd=walker.cwd)
        walker.commands.append(command)
        walker._track_cd(command)
        walker.bind_read(command)
        upstream = command if joiner == "|" else None
    return Script(walker.commands, False)


def _words(tokens: list[str]) -> list[Word]:
    """Bare tokens are plain (their characters are a subset of `_PLAIN`'s); quoted ones are unquoted."""
    return [Word(token) if "'" not in token and '"' not in token else
            Word("".join(part.group(1) if part.group(1) is not None else
                         part.group(2) if part.group(2) is not None else part.group(0)
                         for part in _QUOTED_PART.finditer(token)), plain=False)
            for token in tokens]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PLAIN_END = re.compile(rb"[A-Za-z0-9_./'\"-]")


def parse_tree(source: str) -> Script:
    """`parse` without the no-syntax shortcut: always the tree-sitter grammar.

    The grammar only ever sees ASCII: every other character becomes `x`. Bash's syntax is all ASCII and
    any other character is an ordinary word character, so the tree is the same, and byte offsets in the
    ASCII text are character offsets in `source` (where node text is read from). It also keeps agent text
    away from a tree-sitter-bash crash: `{` followed by some astral code points segfaults its scanner.
    """
    ascii_source = source if source.isascii() else _NON_ASCII.sub("x", source)
    data = ascii_source.encode("ascii")
    tree = None
    if data.count(b"|") > 1 and _PLAIN_END.match(data[-1:]) and b"<<" not in data:
        # A line ending in a pipeline of three or more stages sends tree-sitter-bash into error recovery
        # at end of input (about 100 µs per parse, the same tree); a final newline ends it cleanly. Only
        # a tree without errors is kept; anything else is parsed as written.
        tree = _parser().parse(data + b"\n")
        if tree.root_node.has_error:
            tree = None
    if tree is None:
        tree = _parser().parse(data)
    walker = _Walker(source)
    walker.statement(tree.root_node)
    if "$(" in source or "<(" in source or ">(" in source:  # no substitution can exist without one
        walker.unwalked_substitutions(tree.root_node)
    if "`" in source:
        for start, inner in backticks(source, walker.heredocs):
            if not any(first <= start < end for first, end in walker.spans):
                walker.commands.extend(parse_tree(inner).commands)  # a backquote the grammar left as text
    return Script(walker.commands, tree.root_node.has_error)


def backticks(source: str, heredocs: list[tuple[int, int, bool]]) -> list[tuple[int, str]]:
    """Each backquoted command bash would run, as (offset, text): outside single quotes, inside double
    quotes too, and in the body of a heredoc whose delimiter is not quoted (`heredocs`: body start, end,
    quoted). tree-sitter-bash leaves some of these as plain text (`${a:-`…`}`, heredoc bodies)."""
    text = list(source)
    for first, end, quoted in heredocs:
        for i in range(first, min(end, len(text))):
            if quoted or text[i] in "'\"":
                text[i] = " "  # a quoted body is data; in an open one, quote characters are just text
    masked = "".join(text)
    found: list[tuple[int, str]] = []
    state, i, n = "", 0, len(masked)
    while i < n:
        c = masked[i]
        if c == "\\" and state != "'":
            i += 2
            continue
        if c == "'" and state != '"':
            state = "" if state == "'" else "'"
        elif c == '"' and state != "'":
            state = "" if state == '"' else '"'
        elif c == "`" and state != "'":
            end = masked.find("`", i + 1)
            if end < 0:
                break
            found.append((i, masked[i + 1 : end]))
            i = end
        i += 1
    return found


class _Walker:
    """Depth-first over the syntax tree, tracking variables and `cd` the way the line runs."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.commands: list[RawCommand] = []
        self.variables: dict[str, str] = {}
        self.cwd = ""
        self.pending_upstream: RawCommand | None = None  # the stage feeding a loop's `read`
        self.walked: set[int] = set()  # ids of the substitution nodes already walked
        self.spans: list[tuple[int, int]] = []  # and where they are in the source
        self.heredocs: list[tuple[int, int, bool]] = []  # heredoc bodies: start, end, delimiter quoted

    def unwalked_substitutions(self, root: Any) -> None:
        """The safety net: every `$(…)`, `` `…` `` and `<(…)` in the tree runs, wherever the grammar put it
        (`${a:-$(…)}`, `$(( $(…) ))`, `${a[$(…)]}`, heredoc bodies); any the walk above did not reach is
        walked now, so its commands are judged. Iterative: a deeply nested line must not exhaust the stack.
        """
        stack = [root]
        while stack:
            node = stack.pop()
            if node.type in ("command_substitution", "process_substitution"):
                if node.id not in self.walked:
                    self.substitution(node)
                continue  # walking it walked what is inside
            stack.extend(reversed(node.children))

    # --- statements -------------------------------------------------------------------------------

    def statement(self, node: Any) -> list[RawCommand]:
        """Walk one statement; returns its top-level commands (for pipeline wiring)."""
        kind = node.type
        if kind == "command":
            return [self.command(node)]
        if kind == "pipeline":
            return self.pipeline(node.named_children)
        if kind == "redirected_statement":
            return self.redirected(node)
        if kind in ("variable_assignment", "variable_assignments"):
            bare = RawCommand([], self._text(node), assignments=self.assignment(node), cwd=self.cwd)
            self.commands.append(bare)  # `HISTFILE=/dev/null` on its own still changes the shell
            return [bare]
        if kind in ("declaration_command", "unset_command"):
            return [self.declaration(node)]
        if kind in ("command_substitution", "process_substitution"):
            self.substitution(node)
            return []
        if kind == "for_statement":
            return self.for_loop(node)
        out: list[RawCommand] = []
        if kind in _STATEMENTS or node.is_named:
            for child in node.named_children:
                out.extend(self.statement(child))
        return out

    def _text(self, node: Any) -> str:
        return self.source[node.start_byte : node.end_byte]

    def for_loop(self, node: Any) -> list[RawCommand]:
        """Walk the body once per literal value (up to 4), so `for d in dist build` is judged as such."""
        name_node = node.child_by_field_name("variable")
        values = [self.word(c) for c in node.children_by_field_name("value")]
        body = node.child_by_field_name("body")
        name = self._text(name_node) if name_node is not None else ""
        literal = values and len(values) <= 4 and not any(v.dynamic for v in values)
        out: list[RawCommand] = []
        for value in values if literal else [None]:
            if value is None:
                self.variables.pop(name, None)
            else:
                self.variables[name] = value.text
            if body is not None:
                out.extend(self.statement(body))
        return out

    def pipeline(self, stages: list[Any], upstream: RawCommand | None = None) -> list[RawCommand]:
        out: list[RawCommand] = []
        for stage in stages:
            self.pending_upstream = upstream
            commands = self.statement(stage)
            self.pending_upstream = None
            if commands and upstream is not None and commands[0].upstream is None:
                commands[0].upstream = upstream
            if commands:
                upstream = commands[-1]
            out.extend(commands)
        return out

    def redirected(self, node: Any) -> list[RawCommand]:
        body = node.child_by_field_name("body")
        commands = self.statement(body) if body is not None else []
        target = commands[-1] if commands else self._empty(node)
        if not commands:
            commands = [target]
        for child in node.children:
            if child.type == "file_redirect":
                self.file_redirect(child, target)
            elif child.type == "herestring_redirect":
                target.stdin_text = self.herestring(child)
            elif child.type == "heredoc_redirect":
                commands.extend(self.heredoc(child, target))
        return commands

    def heredoc(self, node: Any, target: RawCommand) -> list[RawCommand]:
        """tree-sitter nests the rest of the line (`| sh`, `&& rm x`) inside the heredoc node."""
        out: list[RawCommand] = []
        start = next((c for c in node.named_children if c.type == "heredoc_start"), None)
        quoted = start is not None and any(q in self._text(start) for q in "'\"\\")
        for child in node.named_children:
            kind = child.type
            if kind == "heredoc_body":
                self.heredocs.append((child.start_byte, child.end_byte, quoted))
                target.stdin_text = self._text(child)
                for sub in child.named_children:
                    if sub.type == "command_substitution":
                        self.substitution(sub)
            elif kind == "file_redirect":
                self.file_redirect(child, target)
            elif kind == "pipeline":
                out.extend(self.pipeline(child.named_children, upstream=target))
            elif kind not in ("heredoc_start", "heredoc_end", "heredoc_content"):
                out.extend(self.statement(child))
        return out

    def assignment(self, node: Any) -> dict[str, str]:
        found: dict[str, str] = {}
        for child in node.named_children if node.type == "variable_assignments" else [node]:
            name = child.child_by_field_name("name")
            value = child.child_by_field_name("value")
            word = self.word(value) if value is not None else Word("")
            key = self._text(name) if name is not None else ""
            found[key] = word.text
            if not word.dynamic:
                self.variables[key] = word.text
        return found

    def declaration(self, node: Any) -> RawCommand:
        words: list[Word] = []
        for child in node.children:
            if child.type == "variable_assignment":
                values = self.assignment(child)
                words.extend(Word(f"{k}={v}") for k, v in values.items())
            elif child.is_named:
                words.append(self.word(child))
            else:
                words.append(Word(self._text(child)))
        command = RawCommand(words, self._text(node), cwd=self.cwd, declaration=True)
        self.commands.append(command)
        return command

    # --- commands ---------------------------------------------------------------------------------

    def command(self, node: Any) -> RawCommand:
        command = RawCommand([], self._text(node), cwd=self.cwd)
        if self.pending_upstream is not None:
            command.upstream, self.pending_upstream = self.pending_upstream, None
        mark = len(self.commands)
        for child in node.children:
            kind = child.type
            if kind == "variable_assignment":
                command.assignments.update(self.assignment(child))
            elif kind == "command_name":
                command.words.append(self.word(child.named_children[0] if child.named_children else child))
            elif kind == "file_redirect":
                self.file_redirect(child, command)
            elif kind == "herestring_redirect":
                command.stdin_text = self.herestring(child)
            elif child.is_named:
                command.words.append(self.word(child))
        command.substitutions = self.commands[mark:]
        self.commands.append(command)
        self._track_cd(command)
        self.bind_read(command)
        return command

    def bind_read(self, command: RawCommand) -> None:
        """`find … | while read f` binds `f` to what find lists, so `rm "$f"` is judged by those paths."""
        if not command.words or command.words[0].text != "read" or command.upstream is None:
            return
        names = [w.text for w in command.words[1:] if not w.text.startswith("-")]
        listed = listing_of(command.upstream)
        for name in names[:1]:
            if listed:
                self.variables[name] = listed

    def _empty(self, node: Any) -> RawCommand:
        """A redirection with no command (`> file`) still truncates the file."""
        command = RawCommand([], self._text(node), cwd=self.cwd)
        self.commands.append(command)
        return command

    def _track_cd(self, command: RawCommand) -> None:
        if not command.words or command.words[0].text not in ("cd", "pushd"):
            return
        args = [w for w in command.words[1:] if not w.text.startswith("-")]
        if not args:
            self.cwd = "~"
        elif args[0].dynamic:
            self.cwd = "$UNKNOWN"
        else:
            self.cwd = posixpath.join(self.cwd, args[0].text) if self.cwd else args[0].text

    def file_redirect(self, node: Any, command: RawCommand) -> None:
        op = next((self._text(c) for c in node.children if not c.is_named), "")
        destination = node.child_by_field_name("destination")
        target = self.word(destination).text if destination is not None else ""
        if op in _WRITE_OPS or (op == ">&" and not target.isdigit() and target != "-"):
            command.redirects.append((">" if op == ">&" else op, target))
        elif op == "<":
            command.redirects.append(("<", target))

    def herestring(self, node: Any) -> str:
        parts = [self.word(c).text for c in node.named_children]
        return " ".join(parts) + "\n"

    def substitution(self, node: Any) -> list[RawCommand]:
        self.walked.add(node.id)
        self.spans.append((node.start_byte, node.end_byte))
        saved = self.cwd
        out: list[RawCommand] = []
        for child in node.named_children:
            out.extend(self.statement(child))
        self.cwd = saved  # a subshell's cd does not leak out
        return out

    # --- words ------------------------------------------------------------------------------------

    def word(self, node: Any) -> Word:
        kind = node.type
        if kind in ("word", "number"):
            raw = self._text(node)
            return Word(unescape_word(raw), plain=bool(_PLAIN.match(raw)))
        if kind == "raw_string":
            return Word(self._text(node)[1:-1], plain=False)
        if kind == "ansi_c_string":
            return Word(ansi_c(self._text(node)[2:-1]), plain=False)
        if kind in ("string", "translated_string", "concatenation"):
            return self.compound(node)
        if kind in ("simple_expansion", "expansion"):
            return self.expansion(node)
        if kind == "command_substitution":
            return self.command_output(node)
        if kind == "process_substitution":
            self.substitution(node)
            return Word("/dev/fd/63", plain=False, dynamic=True)
        if kind == "string_content":
            return Word(re.sub(r"\\([\\$`\"\n])", r"\1", self._text(node)), plain=False)
        return Word(self._text(node), plain=False, dynamic=kind != "arithmetic_expansion")

    def compound(self, node: Any) -> Word:
        parts: list[str] = []
        dynamic = False
        for child in node.named_children:
            sub = self.word(child)
            parts.append(sub.text)
            dynamic = dynamic or sub.dynamic
        return Word("".join(parts), plain=False, dynamic=dynamic)

    def expansion(self, node: Any) -> Word:
        names = [c for c in node.named_children if c.type in ("variable_name", "special_variable_name")]
        name = self._text(names[0]) if names else ""
        simple = len(node.named_children) == 1
        if simple and name in self.variables:
            return Word(self.variables[name], plain=False)
        return Word(self._text(node), plain=False, dynamic=name not in ("HOME", "PWD"))

    def command_output(self, node: Any) -> Word:
        from tui.policy.payloads import static_output

        inner = self.substitution(node)
        text = static_output(inner[-1]) if inner else None
        if text is None:
            return Word(self._text(node), plain=False, dynamic=True)
        return Word(text.rstrip("\n"), plain=False)
