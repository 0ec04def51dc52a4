"""Route-walk declarations for baselines (see tests/api/walk/__init__.py)."""

from collections.abc import Callable
from typing import Any

from tests.api.walk import PROJECT, P

from keel.apps.work.services import baseline_capture

ROUTES: dict[tuple[str, str], tuple[str, Any]] = {
    ("GET", "/projects/{key}/baselines"): (PROJECT, P.ITEM_VIEW),
    ("POST", "/projects/{key}/baselines"): (PROJECT, P.BASELINE_MANAGE),
    ("GET", "/projects/{key}/baselines/{number}"): (PROJECT, P.ITEM_VIEW),
    ("POST", "/projects/{key}/baselines/{number}/current"): (PROJECT, P.BASELINE_MANAGE),
}
BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("POST", "/projects/{key}/baselines"): lambda w: {"name": "Re-plan", "reason": "Walk"},
}


def world_extend(world: dict[str, Any]) -> None:
    """A baseline to read and make current."""
    project = world["project"]
    baseline = baseline_capture(actor=project.manager, project=project, name="Approved plan")
    world["baseline"] = baseline
    world["params"]["number"] = baseline.number
