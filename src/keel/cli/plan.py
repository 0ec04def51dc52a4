"""Plan-file commands that need no database: `keel schedule` (and later `keel level`, …)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Plan-as-code commands are registered here."""
