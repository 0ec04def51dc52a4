"""A project's working calendar: /projects/{key}/calendar.

The calendar carries one ``version`` (0 while the project is on the standard calendar); a PUT
replaces it whole, exceptions included, and re-schedules the project.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from keel.api.concurrency import expected_version
from keel.api.schemas.calendars import CalendarIn, CalendarOut
from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Project
from keel.apps.work import selectors, services
from keel.apps.work.models import standard_hours

__all__ = ["router"]

router = Router(tags=["calendars"])

CAL = "/projects/{key}/calendar"


def _render(project: Project) -> dict[str, Any]:
    row = selectors.project_calendar_get(project)
    if row is None:
        return {
            "version": 0,
            "standard": True,
            "country": "",
            "workdays": "12345",
            "hours": standard_hours(),
            "exceptions": [],
        }
    return {
        "version": row.version,
        "standard": False,
        "country": row.country,
        "workdays": row.workdays,
        "hours": row.hours,
        "exceptions": [
            {
                "start": e.start,
                "finish": e.finish,
                "working": e.working,
                "name": e.name,
                "hours": e.hours,
            }
            for e in row.exceptions.all()
        ],
    }


@router.get(CAL, response=CalendarOut)
def calendar_get(request: HttpRequest, key: str) -> Any:
    """Working days, hours, holiday country and exceptions; the ETag is the calendar's version."""
    project = access_project(request.auth, key, Permission.PROJECT_VIEW)
    return _render(project)


@router.put(CAL, response=CalendarOut)
def calendar_replace(request: HttpRequest, key: str, payload: CalendarIn) -> Any:
    """Replace the calendar (needs project.edit); the project is re-scheduled on it."""
    project = access_project(request.auth, key, Permission.PROJECT_EDIT)
    version = expected_version(request, payload.version)
    services.calendar_update(
        actor=request.auth,
        project=project,
        version=version,
        country=payload.country,
        workdays=payload.workdays,
        hours=payload.hours,
        exceptions=[e.model_dump() for e in payload.exceptions],
    )
    return _render(project)
