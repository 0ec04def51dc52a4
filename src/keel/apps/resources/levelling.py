"""Levelling in the server: rows → keel.domain.resources.level_resources → preview or stored delays.

Preview runs the engine and saves nothing. Apply runs it again inside the transaction (so what
is stored matches the data of that moment), replaces the projects' LevellingDelay rows and
re-schedules; the scheduler then starts each delayed item that many working minutes later.
Cross-project levelling puts every project of a portfolio into one network, so a resource
shared by several projects is levelled across all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction

from keel.apps.projects.access import Permission, access_portfolio, access_project
from keel.apps.projects.models import Portfolio, Project
from keel.apps.resources.calendars import resource_calendar
from keel.apps.resources.models import Assignment, LevellingDelay, ResourceKind
from keel.apps.resources.services import levelling_store
from keel.apps.work.adapters import engine_time, project_to_network, stored_time
from keel.apps.work.models import Priority, StatusCategory, WorkItem
from keel.domain import resources as engine
from keel.domain.errors import ValidationError
from keel.domain.schedule import Constraint, ConstraintType, Network

__all__ = [
    "LevellingPlan",
    "Move",
    "levelling_apply",
    "levelling_preview",
    "portfolio_levelling_apply",
    "portfolio_levelling_preview",
]


@dataclass(frozen=True)
class Move:
    item: str
    title: str
    delay_minutes: int
    old_start: datetime | None
    new_start: datetime | None


@dataclass(frozen=True)
class LevellingPlan:
    """What levelling would do (or did): moves, the finish before and after, what is left."""

    finish_before: datetime | None
    finish_after: datetime | None
    moves: tuple[Move, ...]
    unresolved: tuple[str, ...]
    applied: bool
    delays: dict[int, int]


# The documented priority rule ranks items by their priority first (then total float, then key).
PRIORITY_WEIGHT = {
    Priority.LOWEST: 100,
    Priority.LOW: 300,
    Priority.MEDIUM: 500,
    Priority.HIGH: 700,
    Priority.HIGHEST: 900,
}


def _started(rows: dict[str, WorkItem]) -> dict[str, bool]:
    """Items with progress or in an in-progress/done status (levelling never moves them):
    key → whether the item is finished."""
    categories = dict(
        WorkItem.objects.filter(pk__in=[row.pk for row in rows.values()]).values_list(
            "pk", "status__category"
        )
    )
    found: dict[str, bool] = {}
    for key, row in rows.items():
        category = categories.get(row.pk)
        if row.early_start is None:
            continue
        if row.progress > 0 or category in (StatusCategory.IN_PROGRESS, StatusCategory.DONE):
            found[key] = row.progress >= 100 or category == StatusCategory.DONE
    return found


def _for_levelling(network: Network, items: dict[str, WorkItem]) -> tuple[Network, set[str]]:
    """The items' priorities on the tasks; started and finished items pinned where they are
    (as actual dates, so the engine treats them as work that has begun)."""
    started = _started(items)
    parents = {task.parent for task in network.tasks if task.parent}
    tasks = []
    for task in network.tasks:
        row = items.get(task.id)
        if row is None:
            tasks.append(task)
            continue
        changes: dict[str, Any] = {"priority": PRIORITY_WEIGHT.get(row.priority, 500)}
        if task.id in started and task.id not in parents and row.early_start is not None:
            changes["actual_start"] = engine_time(row.early_start)
            if started[task.id] and row.early_finish is not None:
                changes["actual_finish"] = engine_time(row.early_finish)
            else:
                changes["percent_complete"] = float(min(row.progress, 99))
        tasks.append(replace(task, **changes))
    return replace(network, tasks=tuple(tasks)), set(started)


def _network(projects: list[Project]) -> tuple[Network, dict[str, WorkItem]]:
    """One network for the projects; each project's own start is kept as a start constraint."""
    loaded = [project_to_network(p) for p in projects]
    if len(loaded) == 1:
        return loaded[0].network, dict(loaded[0].items)
    tasks = []
    items: dict[str, WorkItem] = {}
    calendars: dict[str, object] = {}
    for one in loaded:
        start = one.network.start
        for task in one.network.tasks:
            if task.constraint.type == ConstraintType.ASAP and task.parent is None:
                task = replace(task, constraint=Constraint(ConstraintType.SNET, start))
            tasks.append(task)
        items.update(one.items)
        calendars.update(one.network.calendars)
    first = loaded[0].network
    network = replace(
        first,
        tasks=tuple(tasks),
        dependencies=tuple(d for one in loaded for d in one.network.dependencies),
        start=min(one.network.start for one in loaded),
        calendars=calendars,
        name="portfolio",
    )
    return network, items


def _plan(projects: list[Project], within_float_only: bool) -> LevellingPlan:
    network, items = _network(projects)
    network, started = _for_levelling(network, items)
    rows = list(
        Assignment.objects.filter(item__project__in=projects)
        .exclude(resource__kind=ResourceKind.MATERIAL)
        .select_related("resource", "item")
        .prefetch_related("resource__leaves")
    )
    key_of = {row.pk: key for key, row in items.items()}
    calendars = dict(network.calendars)
    resources: dict[str, Any] = {}
    assignments = []
    for a in rows:
        rid = str(a.resource_id)
        if rid not in resources:
            name = f"resource-{rid}"
            calendars[name] = resource_calendar(a.resource, a.resource.leaves.all())
            resources[rid] = engine.Resource(
                id=rid,
                name=a.resource.name,
                kind=engine.ResourceKind(a.resource.kind),
                calendar=name,
                max_units=float(a.resource.max_units),
            )
        assignments.append(
            engine.Assignment(
                task_id=key_of[a.item_id],
                resource_id=rid,
                units=float(a.units),
                work=int(a.work * 60),
            )
        )
    network = replace(network, calendars=calendars)
    options = engine.LevellingOptions(within_float_only=within_float_only)
    result = engine.level_resources(
        network, tuple(resources.values()), tuple(assignments), options=options
    )
    moves = tuple(
        Move(
            item=m.task_id,
            title=items[m.task_id].title,
            delay_minutes=m.delay,
            old_start=stored_time(m.old_start),
            new_start=stored_time(m.new_start),
        )
        for m in result.moves
        if m.task_id in items
    )
    unresolved = tuple(
        f"{resources[o.resource_id].name if o.resource_id in resources else o.resource_id}: "
        f"{', '.join(o.task_ids)} ({o.start:%Y-%m-%d} – {o.finish:%Y-%m-%d})"
        for o in result.unresolved
    )
    delays = {
        items[key].pk: minutes
        for key, minutes in result.delay.items()
        if key in items and minutes and key not in started
    }
    # Started items keep the delay they already have, so the scheduler leaves them in place.
    kept = levelling_delays_of([items[key].pk for key in started])
    delays.update({pk: minutes for pk, minutes in kept.items() if minutes})
    return LevellingPlan(
        finish_before=stored_time(result.finish_before),
        finish_after=stored_time(result.finish_after),
        moves=moves,
        unresolved=unresolved,
        applied=False,
        delays=delays,
    )


def levelling_delays_of(item_ids: list[int]) -> dict[int, int]:
    """Stored levelling delay (working minutes) of the given items."""
    if not item_ids:
        return {}
    return dict(
        LevellingDelay.objects.filter(item_id__in=item_ids).values_list("item_id", "minutes")
    )


def levelling_preview(
    *, actor: Any, project: Project, within_float_only: bool = False
) -> LevellingPlan:
    """What levelling the project would move; nothing is saved (``schedule.run``)."""
    project = access_project(actor, project, Permission.SCHEDULE_RUN)
    return _plan([project], within_float_only)


@transaction.atomic
def levelling_apply(
    *, actor: Any, project: Project, within_float_only: bool = False
) -> LevellingPlan:
    """Level the project, store each item's delay and re-schedule (``schedule.run``)."""
    project = access_project(actor, project, Permission.SCHEDULE_RUN)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    plan = _plan([project], within_float_only)
    levelling_store(actor=actor, projects=[project], delays=plan.delays)
    return replace(plan, applied=True)


def _portfolio_projects(actor: Any, portfolio: Portfolio | int) -> list[Project]:
    found = access_portfolio(actor, portfolio, Permission.PORTFOLIO_EDIT)
    return list(Project.objects.filter(portfolio=found).order_by("key"))


def portfolio_levelling_preview(
    *, actor: Any, portfolio: Portfolio | int, within_float_only: bool = False
) -> LevellingPlan:
    """Level every project of a portfolio together (PMO administrators); nothing is saved."""
    projects = _portfolio_projects(actor, portfolio)
    if not projects:
        raise ValidationError("The portfolio has no projects to level.")
    return _plan(projects, within_float_only)


@transaction.atomic
def portfolio_levelling_apply(
    *, actor: Any, portfolio: Portfolio | int, within_float_only: bool = False
) -> LevellingPlan:
    """Level a portfolio's projects together and store the delays (PMO administrators)."""
    projects = _portfolio_projects(actor, portfolio)
    if not projects:
        raise ValidationError("The portfolio has no projects to level.")
    plan = _plan(projects, within_float_only)
    levelling_store(actor=actor, projects=projects, delays=plan.delays)
    return replace(plan, applied=True)
