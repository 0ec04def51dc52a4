"""`keel` sub-commands for interchange."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's sub-commands to `keel`."""
