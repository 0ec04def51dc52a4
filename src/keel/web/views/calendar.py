"""The project calendar page /p/<KEY>/calendar/: working week, hours, public holidays of the
project's years (China's 调休 working weekends marked) and the project's own exceptions, with a
form for those who may edit the project (``project.edit``); everyone else only reads it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from keel.apps.projects.access import Permission, access_project, has_permission
from keel.apps.projects.models import Project
from keel.apps.work import selectors
from keel.apps.work.models import standard_hours
from keel.apps.work.services.calendars import calendar_update, known_countries
from keel.web.tabs import tab_register
from keel.web.views._common import attempt

__all__ = ["project_calendar"]

tab_register("calendar", gettext_lazy("Calendar"), "project-calendar", Permission.PROJECT_VIEW, 93)

BLANK_ROWS = 3
MAX_YEARS = 3


def _weekdays() -> list[tuple[str, str]]:
    return [
        ("1", _("Monday")),
        ("2", _("Tuesday")),
        ("3", _("Wednesday")),
        ("4", _("Thursday")),
        ("5", _("Friday")),
        ("6", _("Saturday")),
        ("7", _("Sunday")),
    ]


def hours_text(hours: Any) -> str:
    """[["09:00", "12:00"], ...] as "09:00-12:00, 13:00-18:00"."""
    return ", ".join(f"{a}-{b}" for a, b in hours or [])


def parse_hours(text: str, field: str) -> list[list[str]]:
    """ "09:00-12:00, 13:00-18:00" as [["09:00", "12:00"], ["13:00", "18:00"]]."""
    out = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        bounds = [b.strip() for b in part.replace("–", "-").split("-")]
        if len(bounds) != 2:
            raise ValidationError({field: [_("Write working hours as 09:00-12:00, 13:00-18:00.")]})
        out.append(bounds)
    return out


def _years(project: Project) -> list[int]:
    first = (project.start_date or project.created_at.date()).year
    last = project.finish_date.year if project.finish_date else first + 1
    return list(range(first, max(first, min(last, first + MAX_YEARS - 1)) + 1))


def _exceptions_from(data: Any) -> list[dict[str, Any]]:
    rows = []
    for n in range(int(data.get("rows") or 0)):
        start = data.get(f"exc-{n}-start", "").strip()
        if not start:
            continue  # an emptied row is removed
        working = data.get(f"exc-{n}-working") == "on"
        rows.append(
            {
                "start": start,
                "finish": data.get(f"exc-{n}-finish", "").strip(),
                "working": working,
                "name": data.get(f"exc-{n}-name", ""),
                "hours": parse_hours(data.get(f"exc-{n}-hours", ""), f"exceptions.{n + 1}")
                if working
                else [],
            }
        )
    return rows


def _save(request: HttpRequest, project: Project) -> Any:
    data = request.POST
    return calendar_update(
        actor=request.user,  # type: ignore[arg-type]
        project=project,
        version=int(data.get("version") or 0),
        country=data.get("country", ""),
        workdays="".join(data.getlist("workdays")),
        hours=parse_hours(data.get("hours", ""), "hours"),
        exceptions=_exceptions_from(data),
    )


@login_required
def project_calendar(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.PROJECT_VIEW)
    can_edit = has_permission(request.user, project, Permission.PROJECT_EDIT)
    if request.method == "POST":
        project = access_project(request.user, key, Permission.PROJECT_EDIT)
        outcome = attempt(lambda: _save(request, project))
        if outcome.ok:
            messages.success(request, _("Calendar saved; the project is scheduled on it."))
        else:
            messages.error(request, outcome.error)
        return redirect("keel-web:project-calendar", project.key)
    row = selectors.project_calendar_get(project)
    exceptions = list(row.exceptions.all()) if row is not None else []
    country = row.country if row is not None else ""
    workdays = row.workdays if row is not None else "12345"
    years = _years(project)
    holidays = [
        {"day": day, "name": name, "working": working}
        for day, name, working in selectors.calendar_holidays(country, years, get_language() or "")
    ]
    overridden = {
        day
        for e in exceptions
        for day in (
            date.fromordinal(o) for o in range(e.start.toordinal(), e.finish.toordinal() + 1)
        )
    }
    for holiday in holidays:
        holiday["overridden"] = holiday["day"] in overridden
    rows = [
        {
            "start": e.start,
            "finish": e.finish,
            "working": e.working,
            "name": e.name,
            "hours": hours_text(e.hours),
        }
        for e in exceptions
    ] + [{"start": None, "finish": None, "working": False, "name": "", "hours": ""}] * (
        BLANK_ROWS if can_edit else 0
    )
    context = {
        "project": project,
        "tab": "calendar",
        "can_edit": can_edit,
        "standard": row is None,
        "version": row.version if row is not None else 0,
        "country": country,
        "countries": sorted(known_countries()),
        "weekdays": [(digit, name, digit in workdays) for digit, name in _weekdays()],
        "hours": hours_text(row.hours if row is not None else standard_hours()),
        "years": years,
        "holidays": holidays,
        "exceptions": exceptions,
        "rows": rows,
    }
    return render(request, "keel/calendar/page.html", context)
