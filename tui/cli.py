"""The `interlock` command: parse arguments, then import only the one command that runs.

Agent hooks run `interlock submit/exec/hook` on every tool call, so this module and the client commands
import the standard library only; the gate, policy and TUI load only when their command is chosen.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage, which is our contract too; this only sharpens the message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"interlock: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="interlock", description="Change control for AI agents.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    from tui.commands import registry

    registry.register_all(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:  # bare `interlock` is the TUI (DESIGN.md command line)
        args = build_parser().parse_args(["tui", *(argv or [])])
    module = importlib.import_module(args.module)
    code: int = module.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
