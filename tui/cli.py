"""The `interlock` command: parse arguments, then import only the one command that runs.

Agent hooks run `interlock submit/exec/hook` on every tool call, so this module and the client commands
import the standard library only; the gate, policy and TUI load only when their command is chosen.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ms on every hook call
if TYPE_CHECKING:
    from collections.abc import Sequence


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage, which is our contract too; this only sharpens the message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"interlock: {message} (see `{self.prog} --help`)\n")

    def _get_formatter(self) -> argparse.HelpFormatter:
        """argparse builds a formatter on every add_argument, and its default imports shutil (and
        bz2, lzma...) to size it: ~4 ms on every hook call. os knows the terminal width just as well."""
        columns = os.environ.get("COLUMNS", "")
        try:
            width = int(columns) if columns.isdigit() else os.get_terminal_size(1).columns
        except OSError:  # stdout is not a terminal
            width = 80
        return argparse.HelpFormatter(prog=self.prog, width=max(width - 2, 20))


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="interlock", description="Change control for AI agents.")
    # prog= given: otherwise argparse builds a help formatter (importing shutil) on every call
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, prog="interlock"
    )
    from tui.commands import registry

    registry.register(subparsers, only=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(words[0] if words else None).parse_args(words)
    if args.command is None:  # bare `interlock` is the TUI (DESIGN.md command line)
        args = build_parser("tui").parse_args(["tui", *words])
    module = importlib.import_module(args.module)
    code: int = module.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
