"""Route-walk declarations for interchange (see tests/api/walk/__init__.py)."""

from collections.abc import Callable
from typing import Any

from tests.api.walk import PROJECT, P  # noqa: F401

ROUTES: dict[tuple[str, str], tuple[str, Any]] = {}
BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {}


def world_extend(world: dict[str, Any]) -> None:
    """Add this area's objects to the walk's world and its path parameters to world["params"]."""
