"""Route-walk declarations for project calendars (see tests/api/walk/__init__.py)."""

from collections.abc import Callable
from typing import Any

from tests.api.walk import PROJECT, P

ROUTES: dict[tuple[str, str], tuple[str, Any]] = {
    ("GET", "/projects/{key}/calendar"): (PROJECT, P.PROJECT_VIEW),
    ("PUT", "/projects/{key}/calendar"): (PROJECT, P.PROJECT_EDIT),
}
BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("PUT", "/projects/{key}/calendar"): lambda w: {
        "version": 0,
        "country": "CN",
        "workdays": "12345",
        "hours": [["09:00", "12:00"], ["13:00", "18:00"]],
        "exceptions": [{"start": "2026-12-31", "name": "Year-end close"}],
    },
}


def world_extend(world: dict[str, Any]) -> None:
    """The walked project stays on the standard calendar (version 0)."""
