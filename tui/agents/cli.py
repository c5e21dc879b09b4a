"""`interlock hook | install | uninstall | doctor`: dispatch, importing only what the command needs.

`hook` is on every agent tool call: it imports the registry, the adapters and the light gate client,
all standard library; the installer and doctor load only when asked for.
"""

from __future__ import annotations

import argparse
import sys

from tui.locations import socket_path

EXIT_USAGE = 2


def run(args: argparse.Namespace) -> int:
    from tui.agents.registry import ADAPTERS
    from tui.agents.registry import adapter as find

    adapter = find(args.agent) if args.command != "doctor" else None
    if args.command != "doctor" and adapter is None:
        sys.stderr.write(f"interlock: unknown agent {args.agent!r}; known: {', '.join(ADAPTERS)}\n")
        return EXIT_USAGE
    if args.command == "hook":
        from tui.agents import hook

        assert adapter is not None
        options = hook.Options(
            socket=socket_path(args.socket), timeout_s=args.timeout, fallback=args.fallback, defer=args.defer
        )
        return hook.main(adapter, options)
    if args.command in ("install", "uninstall"):
        from tui.agents import install

        assert adapter is not None
        return install.run(adapter, args)
    from tui.agents import doctor

    return doctor.run(args)
