"""Rows ⇄ keel.domain dataclasses for the work app: a project's items become a scheduling network.

Rules of the mapping (documented in docs/scheduling.md, "Projects in the server"):

- every work item is a task, keyed by its item key (``ERP-42``), so engine messages name items
  the way users see them; children make their parent a summary task;
- ``duration_days`` is working days of eight hours; without it a leaf uses ``estimate_hours``,
  and without either it is planned as one day (milestones: zero);
- ``planned_start`` becomes "start no earlier than" that day, ``due_date`` a deadline at the end
  of that day: a task never moves for a deadline, it shows negative float instead;
- dependency lags are working days;
- the project calendar is the standard one (Monday-Friday, 09:00-12:00 and 13:00-18:00), and the
  plan starts on the project's start date (or the day it was created);
- an item with assigned people or equipment is scheduled on their calendars (when all of them
  work), and an item that resource levelling delayed carries that delay (see docs/resources.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from keel.apps.projects.models import Project
from keel.apps.work.models import Dependency as DependencyRow
from keel.apps.work.models import ItemType, WorkItem
from keel.domain.schedule import (
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Task,
    standard_calendar,
)

__all__ = ["MINUTES_PER_DAY", "ProjectNetwork", "project_to_network"]

MINUTES_PER_DAY = 8 * 60
_HAS_DELAY = "levelling_delay" in getattr(Task, "__dataclass_fields__", {})
DAY_START = time(9, 0)
DAY_END = time(18, 0)


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


def _naive(value: datetime) -> datetime:
    """A stored (aware) datetime as the site's wall-clock time, as the engine counts it."""
    return timezone.make_naive(value, timezone.get_default_timezone())


def _constraint(row: WorkItem) -> Constraint:
    """The item's explicit constraint; else planned_start as "start no earlier than"."""
    if row.constraint_type and row.constraint_type != ConstraintType.ASAP:
        kind = ConstraintType(row.constraint_type)
        if kind == ConstraintType.ALAP:
            return Constraint(kind)
        if row.constraint_date is not None:
            return Constraint(kind, _naive(row.constraint_date))
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


def project_to_network(project: Project) -> ProjectNetwork:
    """Load a project's items, dependencies, resource calendars and levelling delays into a
    scheduling ``Network`` (four queries, five with resource leave)."""
    rows = list(
        WorkItem.objects.filter(project=project)
        .select_related("parent")
        .order_by("outline_sort", "number")
    )
    prefix = f"{project.key}-"
    items = {f"{prefix}{row.number}": row for row in rows}
    task_calendars, calendars, delays = _resources(project)
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
        calendars={"standard": standard_calendar(), **calendars},
        calendar="standard",
        name=project.name,
    )
    return ProjectNetwork(network=network, items=items)
