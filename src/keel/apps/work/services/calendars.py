"""A project's working calendar: working days, hours, a country's public holidays, exceptions.

``calendar_update`` checks ``project.edit``, validates everything before it writes anything,
refuses a stale version, records each changed field in the project history and re-schedules
the project once the transaction commits. A project without a calendar row is on the standard
calendar (version 0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keel.apps.accounts.models import User
from keel.apps.checks import check_version
from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Project
from keel.apps.work.models import (
    CalendarException,
    ChangeAction,
    ItemChange,
    ProjectCalendar,
    standard_hours,
)
from keel.apps.work.scheduling import schedule_request

__all__ = ["calendar_update", "clean_country", "clean_hours", "known_countries"]

MAX_EXCEPTIONS = 500
MAX_EXCEPTION_DAYS = 366 * 5
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
HISTORY_KEY = "calendar"


@lru_cache(maxsize=1)
def known_countries() -> frozenset[str]:
    """Country codes the ``holidays`` package has public holidays for."""
    import holidays

    return frozenset(holidays.list_supported_countries())


def clean_country(value: Any) -> str:
    """An upper-case country code Keel knows holidays for, or "" for none."""
    code = str(value or "").strip().upper()
    if code and code not in known_countries():
        raise ValidationError(
            {
                "country": [
                    _(
                        "Keel has no public holidays for country “%(code)s”; use a two-letter "
                        "ISO 3166 code such as CN, US or DE, or leave it empty."
                    )
                    % {"code": code}
                ]
            }
        )
    return code


def clean_workdays(value: Any) -> str:
    """ISO weekday digits (1 = Monday ... 7 = Sunday), sorted, at least one."""
    text = "".join(str(value or "").split())
    if not text or any(ch not in "1234567" for ch in text) or len(set(text)) != len(text):
        raise ValidationError(
            {
                "workdays": [
                    _(
                        "Working days are weekday digits without repeats, 1 = Monday to "
                        "7 = Sunday (e.g. 12345), and at least one."
                    )
                ]
            }
        )
    return "".join(sorted(text))


def _minute(text: Any, field: str) -> int:
    match = _TIME.match(str(text).strip())
    if match is None:
        raise ValidationError(
            {field: [_("“%(text)s” is not a time; write HH:MM, e.g. 09:00.") % {"text": text}]}
        )
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValidationError(
            {field: [_("“%(text)s” is not a time of day (00:00 to 24:00).") % {"text": text}]}
        )
    return hours * 60 + minutes


def clean_hours(value: Any, field: str = "hours", *, allow_empty: bool = False) -> list[list[str]]:
    """Working periods as [["HH:MM", "HH:MM"], ...]: each ends after it starts, in order,
    without overlaps; at least one unless ``allow_empty``."""
    if value is None or value == [] or value == ():
        if allow_empty:
            return []
        raise ValidationError({field: [_("Give at least one working period, e.g. 09:00-12:00.")]})
    if not isinstance(value, list | tuple):
        raise ValidationError(
            {field: [_("Working hours are a list of periods, e.g. 09:00-12:00, 13:00-18:00.")]}
        )
    out: list[list[str]] = []
    previous_end = -1
    for pair in value:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValidationError(
                {field: [_("Each working period has a start and an end, e.g. 09:00-12:00.")]}
            )
        start, end = _minute(pair[0], field), _minute(pair[1], field)
        if end <= start:
            raise ValidationError(
                {
                    field: [
                        _("The working period %(start)s-%(end)s must end after it starts.")
                        % {"start": pair[0], "end": pair[1]}
                    ]
                }
            )
        if start < previous_end:
            raise ValidationError(
                {field: [_("Working periods must be in order of the day and must not overlap.")]}
            )
        previous_end = end
        out.append([f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"])
    return out


def _date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            {field: [_("“%(value)s” is not a date; write YYYY-MM-DD.") % {"value": value}]}
        ) from None


def clean_exceptions(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Exceptions sorted by date; each a date range, non-working or working (own hours or
    the calendar's); no two may overlap."""
    out: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        field = f"exceptions.{number}"
        if row.get("start") in (None, ""):
            raise ValidationError({field: [_("An exception needs a start date.")]})
        start = _date(row["start"], field)
        finish = _date(row["finish"], field) if row.get("finish") not in (None, "") else start
        if finish < start:
            raise ValidationError(
                {
                    field: [
                        _("The exception from %(start)s ends on %(finish)s, before it starts.")
                        % {"start": start, "finish": finish}
                    ]
                }
            )
        if (finish - start).days >= MAX_EXCEPTION_DAYS:
            raise ValidationError({field: [_("An exception may span at most five years.")]})
        name = str(row.get("name") or "").strip()
        if len(name) > 200:
            raise ValidationError({field: [_("An exception's name has at most 200 characters.")]})
        working = bool(row.get("working", False))
        hours = clean_hours(row.get("hours"), field, allow_empty=True) if working else []
        out.append(
            {"start": start, "finish": finish, "working": working, "name": name, "hours": hours}
        )
    if len(out) > MAX_EXCEPTIONS:
        raise ValidationError(
            {"exceptions": [_("At most %(n)s exceptions.") % {"n": MAX_EXCEPTIONS}]}
        )
    out.sort(key=lambda e: (e["start"], e["finish"]))
    for before, after in pairwise(out):
        if after["start"] <= before["finish"]:
            raise ValidationError(
                {
                    "exceptions": [
                        _(
                            "The exceptions %(first)s and %(second)s overlap; a date may have "
                            "one exception."
                        )
                        % {
                            "first": f"{before['start']}..{before['finish']}",
                            "second": f"{after['start']}..{after['finish']}",
                        }
                    ]
                }
            )
    return out


def _describe(rows: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for row in rows:
        span = (
            str(row["start"])
            if row["start"] == row["finish"]
            else f"{row['start']}..{row['finish']}"
        )
        kind = "working" if row["working"] else "off"
        hours = " ".join(f"{a}-{b}" for a, b in row["hours"])
        parts.append(" ".join(p for p in (span, kind, hours, row["name"]) if p))
    return "; ".join(parts)


def _hours_text(hours: Iterable[Iterable[str]]) -> str:
    return ", ".join("-".join(pair) for pair in hours)


@transaction.atomic
def calendar_update(
    *,
    actor: User,
    project: Project,
    version: int | None,
    country: str | None = None,
    workdays: str | None = None,
    hours: list[Any] | None = None,
    exceptions: Iterable[Mapping[str, Any]] | None = None,
) -> ProjectCalendar:
    """Change the project's calendar; fields left ``None`` stay as they are.

    Needs ``project.edit``. ``version`` is the calendar version the change is based on (0 for
    a project still on the standard calendar; ``None`` skips the check). ``exceptions`` replace
    the stored ones wholesale. Bad input raises ``ValidationError`` and changes nothing; a
    stale version raises ``ConflictError``. A change re-schedules the project on commit.
    """
    project = access_project(actor, project.pk, Permission.PROJECT_EDIT)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    row = ProjectCalendar.objects.select_for_update().filter(project=project).first()
    check_version(row.version if row else 0, version, f"The calendar of {project.key}")
    old = {
        "country": row.country if row else "",
        "workdays": row.workdays if row else "12345",
        "hours": list(row.hours) if row else standard_hours(),
    }
    old_exceptions = (
        [
            {"start": e.start, "finish": e.finish, "working": e.working, "name": e.name,
             "hours": list(e.hours)}
            for e in row.exceptions.all()
        ]
        if row
        else []
    )  # fmt: skip
    new = {
        "country": clean_country(country) if country is not None else old["country"],
        "workdays": clean_workdays(workdays) if workdays is not None else old["workdays"],
        "hours": clean_hours(hours) if hours is not None else old["hours"],
    }
    new_exceptions = clean_exceptions(exceptions) if exceptions is not None else old_exceptions
    changed = [name for name in new if new[name] != old[name]]
    exceptions_changed = new_exceptions != old_exceptions
    if row is not None and not changed and not exceptions_changed:
        return row
    if row is None:
        row = ProjectCalendar(project=project, version=0)
    row.country, row.workdays, row.hours = new["country"], new["workdays"], new["hours"]
    row.version += 1
    row.save()
    if exceptions_changed:
        row.exceptions.all().delete()
        CalendarException.objects.bulk_create(
            [CalendarException(calendar=row, **spec) for spec in new_exceptions]
        )
    who = actor if actor.is_authenticated else None
    shown = {"hours": _hours_text}
    history = [
        ItemChange(
            project=project,
            item_key=HISTORY_KEY,
            actor=who,
            action=ChangeAction.UPDATED,
            field=f"calendar.{name}",
            old=shown.get(name, str)(old[name]),
            new=shown.get(name, str)(new[name]),
        )
        for name in changed
    ]
    if exceptions_changed:
        history.append(
            ItemChange(
                project=project,
                item_key=HISTORY_KEY,
                actor=who,
                action=ChangeAction.UPDATED,
                field="calendar.exceptions",
                old=_describe(old_exceptions),
                new=_describe(new_exceptions),
            )
        )
    ItemChange.objects.bulk_create(history)
    schedule_request(project)
    return row


# --- files: Microsoft Project XML and other plan files -------------------------------------

Periods = tuple[tuple[int, int], ...]


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _pairs(periods: Periods) -> list[list[str]]:
    return [[_hhmm(a), _hhmm(b)] for a, b in periods]


def calendar_store_from_file(
    project: Project, week: Mapping[int, Periods], days: Mapping[date, Periods]
) -> list[str]:
    """Store a calendar read from a file as the project's calendar; no permission check (the
    import checked ``data.import``). ``week`` maps weekday (0 = Monday) to working periods in
    minutes, ``days`` a date to its periods (empty: non-working). Consecutive dates alike
    become one exception. Returns warnings for what the server's calendar cannot hold; a
    calendar it cannot store at all is skipped with a warning, never failing the import.
    """
    warnings: list[str] = []
    working = {day: periods for day, periods in week.items() if periods}
    if not working:
        return ["The file's project calendar has no working weekday; the standard one is used."]
    counts: dict[Periods, int] = {}
    for periods in working.values():
        counts[periods] = counts.get(periods, 0) + 1
    usual = max(counts, key=lambda p: (counts[p], -min(d for d, q in working.items() if q == p)))
    if len(counts) > 1:
        warnings.append(
            "The file's working days have different hours; Keel keeps one set of hours for "
            f"every working day: {_hours_text(_pairs(usual))}."
        )
    ranges: list[dict[str, Any]] = []
    for day in sorted(days):
        periods = tuple(days[day])
        spec = {"working": bool(periods), "hours": _pairs(periods) if periods != usual else []}
        last = ranges[-1] if ranges else None
        if (
            last is not None
            and (day - last["finish"]).days == 1
            and (last["working"], last["hours"]) == (spec["working"], spec["hours"])
        ):
            last["finish"] = day
        else:
            ranges.append({"start": day, "finish": day, "name": "", **spec})
    if len(ranges) > MAX_EXCEPTIONS:
        warnings.append(
            f"The file's calendar has {len(ranges)} exceptions; the first {MAX_EXCEPTIONS} "
            "are kept."
        )
        ranges = ranges[:MAX_EXCEPTIONS]
    try:
        hours = clean_hours(_pairs(usual))
        rows = clean_exceptions(ranges)
    except ValidationError as err:
        return [f"The file's project calendar was not stored: {' '.join(err.messages)}"]
    row, _created = ProjectCalendar.objects.update_or_create(
        project=project,
        defaults={
            "country": "",
            "workdays": "".join(str(d + 1) for d in sorted(working)),
            "hours": hours,
        },
    )
    if not _created:
        row.version += 1
        row.save(update_fields=["version"])
    row.exceptions.all().delete()
    CalendarException.objects.bulk_create([CalendarException(calendar=row, **r) for r in rows])
    return warnings


def calendar_for_file(project: Project) -> tuple[dict[int, Periods], dict[date, Periods]]:
    """The project's calendar for a file: weekday (0 = Monday) → periods, and every date that
    differs (the country's holidays and 调休 working days over the project's years, and the
    project's exceptions) → periods. A project without a calendar gets the standard week."""
    from keel.apps.work.adapters import calendar_of

    row = ProjectCalendar.objects.filter(project=project).prefetch_related("exceptions").first()
    first_year = (project.start_date or project.created_at.date()).year
    exceptions = list(row.exceptions.all()) if row is not None else []
    calendar = calendar_of(row, exceptions, first_year=first_year)
    week = calendar.resolved_week()
    return (
        {day: week[day] for day in range(7)},
        {
            day: tuple(periods)
            for day, periods in sorted(calendar.exceptions.items())
            if tuple(periods) != week[day.weekday()]
        },
    )
