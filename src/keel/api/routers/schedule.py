"""Scheduling a project with the critical path method: POST /projects/{key}/schedule."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from keel.api.schemas.schedule import ScheduleOut
from keel.apps.projects.access import Permission, access_project
from keel.apps.work.scheduling import schedule_recalculate

__all__ = ["router"]

router = Router(tags=["schedule"])


@router.post("/projects/{key}/schedule", response=ScheduleOut)
def schedule_run(request: HttpRequest, key: str) -> Any:
    """Schedule the project now: every item's early and late dates, floats and critical flag
    are stored (they are also kept up to date after each edit); returns the project finish
    and the critical path."""
    project = access_project(request.auth, key, Permission.SCHEDULE_RUN)
    return schedule_recalculate(actor=request.auth, project=project)
