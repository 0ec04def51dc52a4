"""This area's part of the demo portfolio, loaded after the demo projects (see projects.demo)."""

from __future__ import annotations

from typing import Any


def demo_extend(*, head: Any, users: dict[str, Any]) -> str:
    """Add this area's demo data to the loaded demo projects; return a summary sentence."""
    return ""


def demo_delete() -> None:
    """Delete what demo_extend made that does not go with the demo projects' own rows."""
