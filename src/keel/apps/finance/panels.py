"""Context builders for the panels finance adds to shared pages (see keel.web.panels)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from keel.apps.finance import selectors
from keel.apps.projects.access import Permission, project_permissions
from keel.apps.projects.models import Project

__all__ = ["item_context", "overview_context", "portfolio_context", "status_date_from"]


def status_date_from(request: HttpRequest) -> date:
    """The ``status_date`` query parameter, or today."""
    raw = request.GET.get("status_date", "")
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def overview_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    status_date = status_date_from(request)
    budget = selectors.budget_get(project)
    return {
        "project": project,
        "f": selectors.evm_for_project(project, status_date).total,
        "currency": budget.currency if budget else "",
        "status_date": status_date,
    }


def portfolio_context(request: HttpRequest, _obj: Any) -> dict[str, Any]:
    status_date = status_date_from(request)
    user = request.user
    projects = selectors.budget_projects(user)
    if not projects:
        return {"rows": [], "total": None}
    result = selectors.evm_for_projects(projects, status_date)
    by_key = {n.key: n for n in result.nodes}
    rows = []
    for p in projects:
        budget = getattr(p, "budget", None)
        rows.append(
            {
                "project": p,
                "f": by_key[p.key].figures,
                "currency": budget.currency if budget else "",
            }
        )
    currencies = {r["currency"] for r in rows if r["currency"]}
    return {
        "rows": rows,
        # Sums across currencies would mislead: the portfolio total needs one currency.
        "total": result.total if len(currencies) <= 1 else None,
        "currency": next(iter(currencies), ""),
        "mixed": len(currencies) > 1,
        "status_date": status_date,
    }


def item_context(request: HttpRequest, item: Any) -> dict[str, Any]:
    perms = project_permissions(request.user, item.project)
    actual, remaining = selectors.work_of_item(item)
    return {
        "item": item,
        "actual": actual,
        "remaining": remaining,
        "can_log": Permission.TIME_LOG in perms,
        "today": timezone.localdate(),
    }
