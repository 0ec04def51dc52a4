"""Reads for the risk register, RAID log, change requests, heat maps and the burn-down.

``risk_list(project)`` is the name other areas call; keep it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from keel.apps.projects.access import Permission
from keel.apps.projects.models import Project
from keel.apps.projects.permitted import permitted_projects_q
from keel.apps.risk.models import (
    OPEN_STATUSES,
    Assumption,
    ChangeRequest,
    Decision,
    ProjectIssue,
    Risk,
    RiskChange,
    SimulationRun,
    TaskEstimate,
)
from keel.apps.risk.services import approver_roles_of, matrix_of, scale_of
from keel.apps.work.models import WorkItem

__all__ = [
    "approver_roles_of",
    "assumption_list",
    "burn_down",
    "change_request_list",
    "decision_list",
    "heat_map",
    "issue_list",
    "matrix_of",
    "numbered_get",
    "portfolio_heat_map",
    "reviews_overdue",
    "risk_get",
    "risk_list",
    "risk_rollup",
    "rollup_projects",
    "scale_of",
    "simulation_run_get",
    "simulation_run_list",
    "task_estimate_list",
]

SORTS = {
    "key": ("number",),
    "score": ("-score", "number"),
    "title": ("title", "number"),
    "proximity": ("proximity", "number"),
    "next_review": ("next_review", "number"),
    "status": ("status", "number"),
}


def risk_list(project: Project, **filters: Any) -> QuerySet[Risk]:
    """The project's risks, by key, with owner and linked items loaded.

    Filters: ``status`` (a status or ``open``), ``category``, ``kind``, ``rating``, ``owner``
    (a user), ``q`` (text in title), ``probability`` and ``impact`` (a heat-map cell; with
    ``residual=True`` the cell after response), ``sort`` (one of SORTS).
    """
    qs = (
        Risk.objects.filter(project=project)
        .select_related("owner", "project")
        .prefetch_related(
            Prefetch("threatened_items", queryset=WorkItem.objects.order_by("number")),
            Prefetch("response_actions", queryset=WorkItem.objects.select_related("status")),
        )
    )
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    for name in ("category", "kind", "rating"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("owner") is not None:
        qs = qs.filter(owner=filters["owner"])
    if filters.get("q"):
        qs = qs.filter(title__icontains=filters["q"])
    if filters.get("probability") and filters.get("impact"):
        p, i = int(filters["probability"]), int(filters["impact"])
        if filters.get("residual"):
            rows = [r.pk for r in qs.filter(status__in=OPEN_STATUSES) if _after(r) == (p, i)]
            qs = qs.filter(pk__in=rows)
        else:
            qs = qs.filter(probability=p, impact=i)
    return qs.order_by(*SORTS.get(filters.get("sort") or "key", SORTS["key"]))


def _number(text: Any, prefix: str) -> int:
    raw = str(text).strip().upper()
    if raw.startswith(f"{prefix}-"):
        raw = raw[len(prefix) + 1 :]
    if not raw.isdigit():
        raise Http404(f"No such {prefix} key.")
    return int(raw)


def risk_get(project: Project, key: Any) -> Risk:
    """One risk by key (R-3) or number; Http404 when the project has none."""
    found = risk_list(project).filter(number=_number(key, "R")).first()
    if found is None:
        raise Http404("No such risk.")
    return found


_MODELS = {"I": ProjectIssue, "A": Assumption, "D": Decision, "CR": ChangeRequest}


def numbered_get(project: Project, prefix: str, key: Any) -> Any:
    """A RAID issue (I), assumption (A), decision (D) or change request (CR) by key."""
    model = _MODELS[prefix]
    found = (
        model.objects.filter(project=project, number=_number(key, prefix))
        .prefetch_related("items")
        .first()
    )
    if found is None:
        raise Http404("Not found.")
    return found


def issue_list(project: Project) -> QuerySet[ProjectIssue]:
    return (
        ProjectIssue.objects.filter(project=project)
        .select_related("owner", "risk")
        .prefetch_related("items")
    )


def assumption_list(project: Project) -> QuerySet[Assumption]:
    return (
        Assumption.objects.filter(project=project).select_related("owner").prefetch_related("items")
    )


def decision_list(project: Project) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(project=project).select_related("owner").prefetch_related("items")
    )


def change_request_list(project: Project, status: str | None = None) -> QuerySet[ChangeRequest]:
    qs = (
        ChangeRequest.objects.filter(project=project)
        .select_related("requested_by", "decided_by")
        .prefetch_related("items")
    )
    return qs.filter(status=status) if status else qs


def task_estimate_list(project: Project) -> QuerySet[TaskEstimate]:
    return (
        TaskEstimate.objects.filter(item__project=project)
        .select_related("item")
        .order_by("item__outline_sort", "item__number")
    )


def simulation_run_list(project: Project) -> QuerySet[SimulationRun]:
    return SimulationRun.objects.filter(project=project).select_related("requested_by")


def simulation_run_get(project: Project, run_id: int) -> SimulationRun:
    found = simulation_run_list(project).filter(pk=run_id).first()
    if found is None:
        raise Http404("No such simulation run.")
    return found


def _after(risk: Risk) -> tuple[int, int]:
    """The cell a risk sits in after its response (the inherent one if none is assessed)."""
    return (
        risk.residual_probability or risk.probability,
        risk.residual_impact or risk.impact,
    )


def heat_map(project: Project, risks: list[Risk] | None = None) -> dict[str, Any]:
    """Counts of open risks per probability × impact cell, before and after response.

    Returns ``{"probability_levels", "impact_levels", "rows": [{"impact", "label", "cells":
    [{"probability", "rating", "before", "after"}]}]}`` with the highest impact first.
    """
    scale, cells = scale_of(project), matrix_of(project).cells
    if risks is None:
        risks = list(Risk.objects.filter(project=project, status__in=OPEN_STATUSES))
    else:
        risks = [r for r in risks if r.status in OPEN_STATUSES]
    before: dict[tuple[int, int], int] = defaultdict(int)
    after: dict[tuple[int, int], int] = defaultdict(int)
    for risk in risks:
        before[(risk.probability, risk.impact)] += 1
        after[_after(risk)] += 1
    rows = []
    for i_level in reversed(scale.impact_levels):
        i = i_level["level"]
        rows.append(
            {
                "impact": i,
                "label": i_level["label"],
                "cells": [
                    {
                        "probability": p_level["level"],
                        "rating": cells.get(f"{p_level['level']},{i}", "low"),
                        "before": before[(p_level["level"], i)],
                        "after": after[(p_level["level"], i)],
                    }
                    for p_level in scale.probability_levels
                ],
            }
        )
    return {
        "probability_levels": scale.probability_levels,
        "impact_levels": scale.impact_levels,
        "rows": rows,
        "open_count": len(risks),
    }


def rollup_projects(
    user: Any, *, portfolio: int | None = None, program: int | None = None
) -> list[Project]:
    """The projects ``user`` may see risks on, optionally only those of one portfolio and/or
    one program (by id): what the portfolio and program roll-ups cover."""
    # One query whatever the number of projects (not a permission check per project).
    projects = Project.objects.filter(permitted_projects_q(user, Permission.RISK_VIEW))
    if portfolio is not None:
        projects = projects.filter(portfolio_id=portfolio)
    if program is not None:
        projects = projects.filter(program_id=program)
    return list(projects.distinct().order_by("key"))


def risk_rollup(
    user: Any, *, portfolio: int | None = None, program: int | None = None
) -> QuerySet[Risk]:
    """Open risks across the projects ``user`` may see risks on (see :func:`rollup_projects`),
    highest score first."""
    projects = rollup_projects(user, portfolio=portfolio, program=program)
    return (
        Risk.objects.filter(project__in=projects, status__in=OPEN_STATUSES)
        .select_related("project", "owner")
        .order_by("-score", "project__key", "number")
    )


def portfolio_heat_map(
    user: Any, *, portfolio: int | None = None, program: int | None = None
) -> dict[str, Any]:
    """One heat map over the open risks of every project ``user`` may see risks on, on the
    default 5 × 5 grid (levels above 5 count as 5); ``projects`` lists what it covers.
    ``portfolio`` and ``program`` (ids) narrow it to one portfolio or program."""
    projects = rollup_projects(user, portfolio=portfolio, program=program)
    grid: dict[str, dict[tuple[int, int], int]] = {"before": defaultdict(int), "after": {}}
    grid["after"] = defaultdict(int)
    risks = Risk.objects.filter(project__in=projects, status__in=OPEN_STATUSES)
    from keel.apps.risk.services import default_matrix

    cells = default_matrix()
    for risk in risks:
        grid["before"][(min(risk.probability, 5), min(risk.impact, 5))] += 1
        p, i = _after(risk)
        grid["after"][(min(p, 5), min(i, 5))] += 1
    rows = [
        {
            "impact": i,
            "label": str(i),
            "cells": [
                {
                    "probability": p,
                    "rating": cells[f"{p},{i}"],
                    "before": grid["before"][(p, i)],
                    "after": grid["after"][(p, i)],
                }
                for p in range(1, 6)
            ],
        }
        for i in range(5, 0, -1)
    ]
    return {
        "projects": [p.key for p in projects],
        "rows": rows,
        "probability_levels": [{"level": n, "label": str(n)} for n in range(1, 6)],
        "open_count": sum(grid["before"].values()),
    }


def burn_down(
    project: Project, *, as_of: date | None = None, days: int = 90
) -> list[tuple[date, int]]:
    """Total exposure (the sum of open risks' scores) at the end of each day, from the first
    recorded change (or ``days`` before ``as_of``, whichever is later) to ``as_of``."""
    as_of = as_of or timezone.localdate()
    changes = list(
        RiskChange.objects.filter(project=project).values_list("risk_number", "at", "exposure")
    )
    if not changes:
        return []
    zone = timezone.get_current_timezone()
    first = min(timezone.localtime(at, zone).date() for _n, at, _e in changes)
    start = max(first, as_of - timedelta(days=days))
    latest: dict[int, int] = {}
    series = []
    changes.sort(key=lambda c: c[1])
    index = 0
    day = first
    while day <= as_of:
        while index < len(changes) and timezone.localtime(changes[index][1], zone).date() <= day:
            number, _at, exposure = changes[index]
            latest[number] = exposure
            index += 1
        if day >= start:
            series.append((day, sum(latest.values())))
        day += timedelta(days=1)
    return series


def reviews_overdue(
    *, project: Project | None = None, owner: Any = None, as_of: date | None = None
) -> QuerySet[Risk]:
    """Open risks whose next review date has passed, for a project and/or an owner."""
    as_of = as_of or timezone.localdate()
    qs = Risk.objects.filter(status__in=OPEN_STATUSES, next_review__lt=as_of).select_related(
        "owner", "project"
    )
    if project is not None:
        qs = qs.filter(project=project)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.order_by("next_review", "project__key", "number")
