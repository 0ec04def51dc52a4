"""Baselines of a project: /projects/{key}/baselines."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Router, Status

from keel.api.schemas.baselines import BaselineDetailOut, BaselineIn, BaselineOut
from keel.apps.projects.access import Permission, access_project
from keel.apps.work import selectors, services

__all__ = ["router"]

router = Router(tags=["baselines"])


@router.get("/projects/{key}/baselines", response=list[BaselineOut])
def baseline_list(request: HttpRequest, key: str) -> Any:
    """The project's baselines, oldest first; one of them is current."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    return selectors.baseline_list(project).annotate(item_count=Count("items"))


@router.post("/projects/{key}/baselines", response={201: BaselineOut})
def baseline_capture(request: HttpRequest, key: str, payload: BaselineIn) -> Any:
    """Schedule the project and save its plan as the next baseline, which becomes current."""
    project = access_project(request.auth, key, Permission.BASELINE_MANAGE)
    baseline = services.baseline_capture(
        actor=request.auth, project=project, name=payload.name, reason=payload.reason
    )
    return Status(201, baseline)


@router.get("/projects/{key}/baselines/{number}", response=BaselineDetailOut)
def baseline_get(request: HttpRequest, key: str, number: int) -> Any:
    """One baseline with every item as it stood then."""
    project = access_project(request.auth, key, Permission.ITEM_VIEW)
    return selectors.baseline_get(project, number)


@router.post("/projects/{key}/baselines/{number}/current", response=BaselineOut)
def baseline_make_current(request: HttpRequest, key: str, number: int) -> Any:
    """Measure variances and earned value against this baseline from now on."""
    project = access_project(request.auth, key, Permission.BASELINE_MANAGE)
    selectors.baseline_get(project, number)
    return services.baseline_make_current(actor=request.auth, project=project, number=number)
