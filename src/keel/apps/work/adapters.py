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
  plan starts on the project's start date (or the day it was created).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

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


def project_to_network(project: Project) -> ProjectNetwork:
    """Load a project's items and dependencies into a scheduling ``Network`` (two queries)."""
    rows = list(
        WorkItem.objects.filter(project=project)
        .select_related("parent")
        .order_by("outline_sort", "number")
    )
    prefix = f"{project.key}-"
    items = {f"{prefix}{row.number}": row for row in rows}
    tasks = tuple(
        Task(
            id=key,
            name=row.title,
            duration=_duration(row),
            parent=f"{prefix}{row.parent.number}" if row.parent_id else None,
            milestone=row.type == ItemType.MILESTONE,
            constraint=(
                Constraint(ConstraintType.SNET, datetime.combine(row.planned_start, DAY_START))
                if row.planned_start
                else Constraint()
            ),
            deadline=datetime.combine(row.due_date, DAY_END) if row.due_date else None,
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
        calendars={"standard": standard_calendar()},
        calendar="standard",
        name=project.name,
    )
    return ProjectNetwork(network=network, items=items)
