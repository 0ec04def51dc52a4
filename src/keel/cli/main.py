"""Entry point of the `keel` console script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from keel import __version__
from keel.cli import accounts, data, finance, interchange, plan, resources, risk, server

# Each module adds its sub-commands; order here is the order `keel --help` lists them.
COMMAND_MODULES = (server, data, accounts, plan, resources, finance, risk, interchange)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keel",
        description="Keel: project-management and PMO platform.",
    )
    parser.add_argument("--version", action="version", version=f"keel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
