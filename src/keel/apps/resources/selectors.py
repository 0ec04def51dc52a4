"""Reads of the resource pool, assignments, requests, rates and utilisation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from keel.apps.projects.access import visible_projects_q
from keel.apps.projects.models import Project
from keel.apps.resources.calendars import resource_calendar
from keel.apps.resources.models import (
    Assignment,
    CostRate,
    RequestStatus,
    Resource,
    ResourceKind,
    ResourceLeave,
    ResourceRequest,
    ResourceSkill,
    Skill,
)
from keel.apps.resources.services import item_window

__all__ = [
    "Cell",
    "Row",
    "TeamCell",
    "TeamRow",
    "Utilisation",
    "assignment_list",
    "assignments_for_project",
    "cost_rate_for_user",
    "cost_rate_get",
    "request_list",
    "resource_get",
    "resource_list",
    "skill_list",
    "skills_matrix",
    "team_utilisation",
    "utilisation",
]


def resource_list(
    *, kind: str | None = None, team: str | None = None, skill: str | None = None,
    active: bool | None = True, q: str | None = None,
) -> QuerySet[Resource]:  # fmt: skip
    """The pool, filtered by kind, team slug, skill name and text."""
    rows = Resource.objects.select_related("team", "owner", "user", "skill")
    if active is not None:
        rows = rows.filter(active=active)
    if kind:
        rows = rows.filter(kind=kind)
    if team:
        rows = rows.filter(team__slug=team)
    if skill:
        rows = rows.filter(
            Q(skills__skill__name__iexact=skill) | Q(skill__name__iexact=skill)
        ).distinct()
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(vendor__icontains=q))
    return rows.order_by("name", "id")


def resource_get(resource_id: int | str) -> Resource:
    """One resource by id (Http404 when missing)."""
    found = (
        Resource.objects.select_related("team", "owner", "user", "skill")
        .filter(pk=int(resource_id) if str(resource_id).isdigit() else -1)
        .first()
    )
    if found is None:
        raise Http404("No such resource.")
    return found


def skill_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("name")


def skills_matrix(
    resources: QuerySet[Resource],
) -> tuple[list[Skill], list[tuple[Resource, list[int | None]]]]:
    """Skills as columns, resources as rows, each cell a level (1-5) or None."""
    skills = list(Skill.objects.order_by("name"))
    levels: dict[tuple[int, int], int] = {
        (rs.resource_id, rs.skill_id): rs.level
        for rs in ResourceSkill.objects.filter(resource__in=resources)
    }
    rows = [(r, [levels.get((r.pk, s.pk)) for s in skills]) for r in resources]
    return skills, rows


def assignments_for_project(project: Project) -> QuerySet[Assignment]:
    """The project's assignments with their items and resources joined."""
    return (
        Assignment.objects.filter(item__project=project)
        .select_related("item__project", "resource")
        .order_by("item__outline_sort", "item__number", "resource__name")
    )


def assignment_list(*, item: Any = None, resource: Resource | None = None) -> QuerySet[Assignment]:
    """Assignments of one item or of one resource."""
    rows = Assignment.objects.select_related("item__project", "resource")
    if item is not None:
        rows = rows.filter(item=item)
    if resource is not None:
        rows = rows.filter(resource=resource)
    return rows.order_by("item__project__key", "item__number", "resource__name")


def request_list(
    *, project: Project | None = None, owner: Any = None, status: str | None = None
) -> QuerySet[ResourceRequest]:
    """Requests of a project, or those awaiting ``owner``'s decision."""
    rows = ResourceRequest.objects.select_related(
        "project", "resource", "skill", "requested_by"
    ).prefetch_related("events__actor")
    if project is not None:
        rows = rows.filter(project=project)
    if owner is not None:
        rows = rows.filter(resource__owner=owner)
    if status:
        rows = rows.filter(status=status)
    return rows


def request_get(request_id: int) -> ResourceRequest:
    found = request_list().filter(pk=request_id).first()
    if found is None:
        raise Http404("No such request.")
    return found


def cost_rate_get(resource: Resource, on: date) -> CostRate | None:
    """The rate in force on ``on``: the latest one started by then and not ended before it."""
    rate = (
        CostRate.objects.filter(resource=resource, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if rate is None or (rate.effective_to is not None and rate.effective_to < on):
        return None
    return rate


def cost_rate_for_user(user: Any, on: date) -> Decimal | None:
    """The standard hourly rate of the person resource linked to ``user`` on ``on`` (or None)."""
    resource = Resource.objects.filter(user=user, kind=ResourceKind.PERSON).first()
    if resource is None:
        return None
    rate = cost_rate_get(resource, on)
    return rate.standard if rate is not None else None


# --- utilisation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One resource's load in one period: hours (units for material) and the items causing it."""

    start: date
    end: date
    capacity: float
    load: float
    over: bool
    items: tuple[str, ...]

    @property
    def percent(self) -> int:
        if self.capacity <= 0:
            return 0 if self.load <= 0 else 999
        return round(self.load * 100 / self.capacity)


@dataclass(frozen=True)
class Row:
    resource: Resource
    cells: tuple[Cell, ...]

    @property
    def over(self) -> bool:
        return any(c.over for c in self.cells)


@dataclass(frozen=True)
class Utilisation:
    start: date
    end: date
    period: str
    periods: tuple[tuple[date, date], ...]
    rows: tuple[Row, ...]


def _periods(start: date, end: date, period: str) -> list[tuple[date, date]]:
    if period == "day":
        return [
            (start + timedelta(days=i), start + timedelta(days=i))
            for i in range((end - start).days + 1)
        ]
    first = start - timedelta(days=start.weekday())
    out = []
    while first <= end:
        out.append((first, first + timedelta(days=6)))
        first += timedelta(days=7)
    return out


def utilisation(
    *, user: Any, start: date, end: date, period: str = "week", team: str | None = None,
    project: Project | None = None, resources: QuerySet[Resource] | None = None,
) -> Utilisation:  # fmt: skip
    """Load against capacity per resource and period, over every project ``user`` may see.

    Each assignment's work is spread evenly over the resource's working days in the item's
    scheduled window; a day is over-allocated when its load exceeds capacity × max units, and a
    period is flagged when one of its days is. ``project`` limits the rows to the resources
    assigned there (their load still counts every visible project).
    """
    if period not in ("day", "week"):
        period = "week"
    periods = _periods(start, end, period)
    lo, hi = periods[0][0], periods[-1][1]
    pool = resources if resources is not None else resource_list(team=team)
    if project is not None:
        pool = pool.filter(assignments__item__project=project).distinct()
    pool = pool.prefetch_related(Prefetch("leaves", queryset=ResourceLeave.objects.order_by()))
    pool_rows = list(pool)
    visible = Project.objects.filter(visible_projects_q(user)).values("pk")
    # Plain tuples, not model instances: a year's heat map reads thousands of assignments.
    work_rows = Assignment.objects.filter(
        resource__in=[r.pk for r in pool_rows], item__project__in=visible
    ).values_list(
        "resource_id", "work", "item__number", "item__type", "item__duration_days",
        "item__estimate_hours", "item__early_start", "item__early_finish",
        "item__planned_start", "item__planned_finish", "item__project__key",
    )  # fmt: skip
    by_resource: dict[int, list[tuple[float, date, date, str]]] = defaultdict(list)
    zone = timezone.get_current_timezone()
    for rid, work, number, kind, days, hours, es, ef, ps, pf, key in work_rows:
        if es is not None and ef is not None:  # the common case, as item_window reads it
            by_resource[rid].append(
                (float(work), es.astimezone(zone).date(), ef.astimezone(zone).date(),
                 f"{key}-{number}")
            )  # fmt: skip
            continue
        first, last = item_window(
            SimpleNamespace(
                type=kind, duration_days=days, estimate_hours=hours, early_start=es,
                early_finish=ef, planned_start=ps, planned_finish=pf,
            )
        )  # fmt: skip
        by_resource[rid].append((float(work), first, last, f"{key}-{number}"))
    base = lo.toordinal()
    span = (hi - lo).days + 1
    slots = [(a.toordinal() - base, b.toordinal() - base + 1) for a, b in periods]
    # Per calendar (shared by resources on the same one): which days of the window work, how
    # many working days each period has, and a memo for days outside the window.
    masks: dict[str, tuple[list[bool], list[int], dict[int, bool]]] = {}
    rows = []
    for resource in pool_rows:
        calendar = resource_calendar(resource, resource.leaves.all())
        known = masks.get(calendar.name)
        if known is None:
            mask = [bool(calendar.working_periods(date.fromordinal(base + i))) for i in range(span)]
            known = masks[calendar.name] = (mask, [sum(mask[a:b]) for a, b in slots], {})
        mask, counts, memo = known
        per_day = float(resource.capacity * resource.max_units)

        def works(day: int, cal: Any = calendar, mask: list[bool] = mask, memo: Any = memo) -> bool:
            i = day - base
            if 0 <= i < span:
                return mask[i]
            found = memo.get(day)
            if found is None:
                found = memo[day] = bool(cal.working_periods(date.fromordinal(day)))
            return bool(found)

        load = [0.0] * span
        causes: dict[int, set[str]] = {}
        for work, first, last, key in by_resource.get(resource.pk, ()):
            if last < lo or first > hi:
                continue
            a, b = first.toordinal(), last.toordinal()
            on = [d for d in range(a, b + 1) if works(d)] or [a]
            share = work / len(on)
            for d in on:
                i = d - base
                if 0 <= i < span:
                    load[i] += share
                    found = causes.get(i)
                    if found is None:
                        causes[i] = {key}
                    else:
                        found.add(key)
        cells = []
        for (p_start, p_end), (a, b), count in zip(periods, slots, counts, strict=True):
            total = 0.0
            over = False
            items: set[str] = set()
            for i in range(a, b):
                got = load[i]
                if got:
                    total += got
                    items |= causes[i]
                    if got > (per_day if mask[i] else 0.0) + 1e-6:
                        over = True
            cells.append(
                Cell(
                    p_start, p_end, round(per_day * count, 2), round(total, 2), over,
                    tuple(sorted(items)),
                )
            )  # fmt: skip
        rows.append(Row(resource, tuple(cells)))
    return Utilisation(start, end, period, tuple(periods), tuple(rows))


@dataclass(frozen=True)
class TeamCell:
    """A team's load in one period: its people's hours against their capacity, and how many
    of them are over-allocated."""

    start: date
    end: date
    capacity: float
    load: float
    over: int

    @property
    def percent(self) -> int:
        if self.capacity <= 0:
            return 0 if self.load <= 0 else 999
        return round(self.load * 100 / self.capacity)


@dataclass(frozen=True)
class TeamRow:
    name: str
    slug: str | None
    people: int
    cells: tuple[TeamCell, ...]


def team_utilisation(heat: Utilisation) -> tuple[TeamRow, ...]:
    """The heat map summed per home team (people and equipment; resources without a team
    last), for coordination between teams."""
    groups: dict[int | None, list[Row]] = defaultdict(list)
    for row in heat.rows:
        if row.resource.kind != ResourceKind.MATERIAL:
            groups[row.resource.team_id].append(row)
    out = []
    for team_id, rows in groups.items():
        team = rows[0].resource.team if team_id is not None else None
        cells = tuple(
            TeamCell(
                p_start,
                p_end,
                round(sum(r.cells[i].capacity for r in rows), 2),
                round(sum(r.cells[i].load for r in rows), 2),
                sum(1 for r in rows if r.cells[i].over),
            )
            for i, (p_start, p_end) in enumerate(heat.periods)
        )
        out.append(
            TeamRow(team.name if team else "", team.slug if team else None, len(rows), cells)
        )
    out.sort(key=lambda t: (t.slug is None, t.name.lower()))
    return tuple(out)


def pending_for(user: Any) -> QuerySet[ResourceRequest]:
    """Requests waiting for ``user``'s decision as a resource owner."""
    return request_list(owner=user, status=RequestStatus.REQUESTED)
