"""Context of the risk panels on the project overview and the portfolio page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from keel.apps.risk import selectors
from keel.apps.risk.models import OPEN_STATUSES


def overview_context(request: HttpRequest, project: Any) -> dict[str, Any]:
    """A small heat map and the five highest-scored open risks."""
    top = list(selectors.risk_list(project, sort="score").filter(status__in=OPEN_STATUSES)[:5])
    return {"project": project, "heat": selectors.heat_map(project), "top": top}


def _id(request: HttpRequest, name: str) -> int | None:
    raw = (request.GET.get(name) or "").strip()
    return int(raw) if raw.isdigit() else None


def portfolio_context(request: HttpRequest, obj: Any) -> dict[str, Any]:
    """The heat map and the ten highest-scored open risks over every project on which the
    viewer may see risks; the page's ``?portfolio=`` (and ``?program=``) narrow both."""
    scope = {"portfolio": _id(request, "portfolio"), "program": _id(request, "program")}
    return {
        "heat": selectors.portfolio_heat_map(request.user, **scope),
        "top": list(selectors.risk_rollup(request.user, **scope)[:10]),
    }
