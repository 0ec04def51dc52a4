"""Rows ⇄ keel.domain dataclasses for the work app: a project's items become a scheduling network.

Rules of the mapping (documented in docs/scheduling.md, "Projects in the server"):

- every work item is a task, keyed by its item key (``ERP-42``), so engine messages name items
  the way users see them; children make their parent a summary task;
- ``duration_days`` is working days of eight hours; without it a leaf uses ``estimate_hours``,
  and without either it is planned as one day (milestones: zero);
- ``planned_start`` becomes "start no earlier than" that day, ``due_date`` a deadline at the end
  of that day: a task never moves for a deadline, it shows negative float instead;
- dependency lags are working days;
- the project calendar is the project's ``ProjectCalendar`` (working days, hours, a country's
  public holidays with China's 调休 working weekends, own exceptions), or the standard one
  (Monday-Friday, 09:00-12:00 and 13:00-18:00) when it has none; the plan starts on the
  project's start date (or the day it was created);
- an item with assigned people or equipment is scheduled on their calendars (when all of them
  work), and an item that resource levelling delayed carries that delay (see docs/resources.md);
- progress (docs/scheduling.md, "Progress in the server"): a work item (not a summary) with an
  ``actual_start`` passes it, its ``actual_finish`` and its ``progress`` as percent complete;
  once any item has an actual start the network's status date is now, so work not yet done is
  scheduled from now on. An item with progress but no actual start counts as not started: it
  runs where its links and constraints put it, as Microsoft Project sets the actual start of
  such a task to its scheduled start. A project with no actual start schedules as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import overload

from django.utils import timezone

from keel.apps.projects.models import Project
from keel.apps.work.models import CalendarException, ItemType, ProjectCalendar, WorkItem
from keel.apps.work.models import Dependency as DependencyRow
from keel.domain.schedule import (
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Task,
    standard_calendar,
)
from keel.domain.schedule.calendar import Intervals, WorkingCalendar, holiday_calendar

__all__ = [
    "MINUTES_PER_DAY",
    "ProjectNetwork",
    "calendar_of",
    "engine_time",
    "hours_to_intervals",
    "project_calendar",
    "project_to_network",
    "stored_time",
]

MINUTES_PER_DAY = 8 * 60
_HAS_DELAY = "levelling_delay" in getattr(Task, "__dataclass_fields__", {})
DAY_START = time(0, 0)  # the engine moves it to the calendar's first working minute
DAY_END = time(18, 0)


HOLIDAY_YEARS_BEFORE = 1
HOLIDAY_YEARS_AFTER = 10


def hours_to_intervals(hours: object) -> Intervals:
    """[["09:00", "12:00"], ...] as minutes after midnight (("24:00" ends at midnight)."""
    out = []
    for start, end in hours or []:  # type: ignore[attr-defined]
        a_h, a_m = str(start).split(":")
        b_h, b_m = str(end).split(":")
        out.append((int(a_h) * 60 + int(a_m), int(b_h) * 60 + int(b_m)))
    return tuple(out)


@lru_cache(maxsize=64)
def _holidays(country: str, years: tuple[int, ...]) -> tuple[frozenset[date], frozenset[date]]:
    """A country's public holidays and its adjusted working weekends (调休) in ``years``."""
    table = holiday_calendar(country, years=years)
    off = frozenset(day for day, periods in table.exceptions.items() if not periods)
    on = frozenset(day for day, periods in table.exceptions.items() if periods)
    return off, on


def holiday_years(first_year: int) -> tuple[int, ...]:
    """The years whose public holidays a project starting in ``first_year`` is given."""
    return tuple(range(first_year - HOLIDAY_YEARS_BEFORE, first_year + HOLIDAY_YEARS_AFTER + 1))


def calendar_of(
    row: ProjectCalendar | None,
    exceptions: list[CalendarException] | tuple[CalendarException, ...] = (),
    *,
    first_year: int,
    name: str = "standard",
) -> WorkingCalendar:
    """The engine calendar of a ``ProjectCalendar`` row and its exceptions (standard: None).

    Precedence for a date: the project's own exceptions, then the country's holidays and
    adjusted working weekends, then the working week.
    """
    if row is None:
        return standard_calendar(name)
    hours = hours_to_intervals(row.hours)
    week = tuple(hours if str(day + 1) in row.workdays else () for day in range(7))
    days: dict[date, Intervals] = {}
    if row.country:
        off, on = _holidays(row.country, holiday_years(first_year))
        days.update((day, ()) for day in off)
        days.update((day, hours) for day in on)
    for exc in exceptions:
        periods = (hours_to_intervals(exc.hours) or hours) if exc.working else ()
        day = exc.start
        while day <= exc.finish:
            days[day] = periods
            day += timedelta(days=1)
    return WorkingCalendar(name, week=week, exceptions=days)


def project_calendar(project: Project, name: str = "standard") -> WorkingCalendar:
    """The project's working calendar (one query, two with a calendar; standard without)."""
    row = ProjectCalendar.objects.filter(project=project).prefetch_related("exceptions").first()
    exceptions = list(row.exceptions.all()) if row is not None else []
    first_year = (project.start_date or project.created_at.date()).year
    return calendar_of(row, exceptions, first_year=first_year, name=name)


@dataclass(frozen=True)
class ProjectNetwork:
    """A project's network plus the rows it came from, to write results back."""

    network: Network
    items: dict[str, WorkItem]


def _minutes(days: Decimal) -> int:
    return int((days * MINUTES_PER_DAY).to_integral_value(rounding=ROUND_HALF_UP))


def _duration(item: WorkItem) -> int:
    if item.type == ItemType.MILESTONE:
        return 0
    if item.duration_days is not None:
        return _minutes(item.duration_days)
    if item.estimate_hours is not None:
        return int((item.estimate_hours * 60).to_integral_value(rounding=ROUND_HALF_UP))
    return MINUTES_PER_DAY


@overload
def engine_time(value: datetime) -> datetime: ...
@overload
def engine_time(value: None) -> None: ...
def engine_time(value: datetime | None) -> datetime | None:
    """A stored (aware) datetime as the site's wall-clock time, as the engine counts it."""
    if value is None:
        return None
    return timezone.make_naive(value, timezone.get_default_timezone())


@overload
def stored_time(value: datetime) -> datetime: ...
@overload
def stored_time(value: None) -> None: ...
def stored_time(value: datetime | None) -> datetime | None:
    """An engine (wall-clock) datetime as the aware datetime the database stores."""
    if value is None:
        return None
    return timezone.make_aware(value, timezone.get_default_timezone())


def _constraint(row: WorkItem) -> Constraint:
    """The item's explicit constraint; else planned_start as "start no earlier than"."""
    if row.constraint_type and row.constraint_type != ConstraintType.ASAP:
        kind = ConstraintType(row.constraint_type)
        if kind == ConstraintType.ALAP:
            return Constraint(kind)
        if row.constraint_date is not None:
            return Constraint(kind, engine_time(row.constraint_date))
    if row.planned_start:
        return Constraint(ConstraintType.SNET, datetime.combine(row.planned_start, DAY_START))
    return Constraint()


def _resources(project: Project) -> tuple[dict[int, str], dict[str, object], dict[int, int]]:
    """Each item's resource calendar name, the calendars, and each item's levelling delay."""
    from keel.apps.resources.adapters import item_calendars, levelling_delays

    names, calendars = item_calendars(project)
    return names, calendars, levelling_delays(project)


def _delay(minutes: int) -> dict[str, int]:
    """The task's levelling delay, where the engine knows the field."""
    return {"levelling_delay": minutes} if minutes and _HAS_DELAY else {}


def status_now() -> datetime:
    """The status date of a project with actuals: now, as the site's wall-clock time."""
    return engine_time(timezone.now())


def _progress(row: WorkItem, summary: bool) -> dict[str, object]:
    """The item's actual dates and percent complete for the engine (nothing if not started)."""
    if summary or row.actual_start is None:
        return {}
    return {
        "actual_start": engine_time(row.actual_start),
        "actual_finish": engine_time(row.actual_finish) if row.actual_finish else None,
        "percent_complete": 100.0 if row.actual_finish else float(row.progress),
    }


def project_to_network(project: Project) -> ProjectNetwork:
    """Load a project's items, dependencies, calendar, resource calendars and levelling delays
    into a scheduling ``Network`` (five queries, six with a calendar or resource leave)."""
    rows = list(
        WorkItem.objects.filter(project=project)
        .select_related("parent")
        .order_by("outline_sort", "number")
    )
    prefix = f"{project.key}-"
    items = {f"{prefix}{row.number}": row for row in rows}
    task_calendars, calendars, delays = _resources(project)
    parents = {row.parent_id for row in rows if row.parent_id}
    progress = {row.pk: _progress(row, row.pk in parents) for row in rows}
    tasks = tuple(
        Task(
            id=key,
            name=row.title,
            duration=_duration(row),
            parent=f"{prefix}{row.parent.number}" if row.parent_id else None,
            milestone=row.type == ItemType.MILESTONE,
            constraint=_constraint(row),
            deadline=datetime.combine(row.due_date, DAY_END) if row.due_date else None,
            calendar=task_calendars.get(row.pk),
            **_delay(delays.get(row.pk, 0)),
            **progress[row.pk],  # type: ignore[arg-type]
        )
        for key, row in items.items()
    )
    links = tuple(
        Dependency(
            predecessor=f"{prefix}{pred}",
            successor=f"{prefix}{succ}",
            type=DependencyType(kind),
            lag=_minutes(lag),
        )
        for pred, succ, kind, lag in DependencyRow.objects.filter(project=project).values_list(
            "predecessor__number", "successor__number", "type", "lag_days"
        )
    )
    start_day = project.start_date or project.created_at.date()
    network = Network(
        tasks=tasks,
        dependencies=links,
        start=datetime.combine(start_day, DAY_START),
        calendars={"standard": project_calendar(project), **calendars},
        calendar="standard",
        status_date=status_now() if any(progress.values()) else None,
        name=project.name,
    )
    return ProjectNetwork(network=network, items=items)
