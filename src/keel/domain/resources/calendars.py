"""Resource calendars: a task works when every resource assigned to it can.

A task with assignments gets a combined calendar: the intersection of its resources'
calendars (and of its own calendar, when it names one). Material resources do not take part:
material waits for no one. A task without (time-bound) assignments keeps its own calendar or
the project calendar. The combined calendars are ordinary ``WorkingCalendar`` objects, so the
scheduling engine needs nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from keel.domain.errors import CalendarError, UnknownReferenceError, ValidationError
from keel.domain.resources.model import Assignment, Resource, ResourceKind
from keel.domain.schedule.calendar import Intervals, WorkingCalendar, standard_calendar
from keel.domain.schedule.model import Network

__all__ = ["ResourcePlan", "intersect_calendars", "resource_network"]


def _intersect_periods(a: Intervals, b: Intervals) -> Intervals:
    found: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            found.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(found)


def _exception_days(calendar: WorkingCalendar) -> set[date]:
    days: set[date] = set()
    cal: WorkingCalendar | None = calendar
    while cal is not None:
        days.update(cal.exceptions)
        cal = cal.base
    return days


def intersect_calendars(name: str, calendars: Sequence[WorkingCalendar]) -> WorkingCalendar:
    """Return a calendar whose working time is what all ``calendars`` have in common.

    Parameters
    ----------
    name : str
        Name of the new calendar.
    calendars : sequence of WorkingCalendar
        One or more calendars.

    Returns
    -------
    WorkingCalendar
        Weekly hours: each weekday's periods intersected; exceptions: every date that is an
        exception in any of the calendars (or their bases), with the periods intersected.

    Raises
    ------
    CalendarError
        If the calendars have no working time in common.

    Examples
    --------
    >>> from keel.domain.schedule import standard_calendar
    >>> mornings = WorkingCalendar("am", week=(((540, 720),),) * 5 + ((), ()))
    >>> both = intersect_calendars("both", [standard_calendar(), mornings])
    >>> both.working_periods(date(2025, 3, 3))
    ((540, 720),)
    """
    if not calendars:
        raise ValidationError("Intersecting calendars needs at least one calendar.")
    if len(calendars) == 1:
        return calendars[0]
    weeks = [c.resolved_week() for c in calendars]
    week = list(weeks[0])
    for other in weeks[1:]:
        week = [_intersect_periods(x, y) for x, y in zip(week, other, strict=True)]
    days: set[date] = set()
    for cal in calendars:
        days |= _exception_days(cal)
    exceptions: dict[date, Intervals] = {}
    for day in sorted(days):
        periods = calendars[0].working_periods(day)
        for cal in calendars[1:]:
            periods = _intersect_periods(periods, cal.working_periods(day))
        if periods != week[day.weekday()]:
            exceptions[day] = periods
    try:
        return WorkingCalendar(name=name, week=tuple(week), exceptions=exceptions)
    except CalendarError:
        names = ", ".join(repr(c.name) for c in calendars)
        raise CalendarError(
            f"The calendars {names} have no working time in common, so a task that needs "
            "all of these resources can never be worked on."
        ) from None


@dataclass(frozen=True, slots=True)
class ResourcePlan:
    """A network rewritten so each task runs on its resources' combined calendar.

    ``network`` is the rewritten network; ``task_resources`` maps a task id to its
    assignments (time-bound and material); ``resources`` maps ids to resources;
    ``calendars`` maps every calendar name (the network's and the combined ones) to its
    calendar; ``resource_calendar`` maps a resource id to the calendar name it uses.
    """

    network: Network
    resources: Mapping[str, Resource]
    task_resources: Mapping[str, tuple[Assignment, ...]]
    calendars: Mapping[str, WorkingCalendar]
    resource_calendar: Mapping[str, str]


def _check(
    network: Network, resources: Iterable[Resource], assignments: Iterable[Assignment]
) -> tuple[dict[str, Resource], dict[str, list[Assignment]], dict[str, WorkingCalendar]]:
    calendars: dict[str, WorkingCalendar] = {}
    for name, cal in network.calendars.items():
        if not isinstance(cal, WorkingCalendar):
            raise ValidationError(f"Calendar {name!r} is not a WorkingCalendar.")
        calendars[name] = cal
    if network.calendar not in calendars:
        if network.calendar != "standard":
            raise UnknownReferenceError(
                f"The project calendar {network.calendar!r} does not exist.",
                details={"unknown": [network.calendar]},
            )
        calendars["standard"] = standard_calendar()
    by_id: dict[str, Resource] = {}
    for res in resources:
        if res.id in by_id:
            raise ValidationError(f"Resource id {res.id!r} is used twice; ids must be unique.")
        if res.calendar is not None and res.calendar not in calendars:
            raise UnknownReferenceError(
                f"Resource {res.id!r} uses calendar {res.calendar!r}, which does not exist.",
                details={"unknown": [res.calendar]},
            )
        by_id[res.id] = res
    tasks = {t.id for t in network.tasks}
    per_task: dict[str, list[Assignment]] = {}
    seen: set[tuple[str, str]] = set()
    for a in assignments:
        if a.task_id not in tasks:
            raise UnknownReferenceError(
                f"An assignment names task {a.task_id!r}, which does not exist.",
                details={"unknown": [a.task_id]},
            )
        found = by_id.get(a.resource_id)
        if found is None:
            raise UnknownReferenceError(
                f"Task {a.task_id!r} is assigned resource {a.resource_id!r}, which does not exist.",
                details={"unknown": [a.resource_id]},
            )
        if found.kind is ResourceKind.MATERIAL and a.work is not None:
            raise ValidationError(
                f"Material {a.resource_id!r} on task {a.task_id!r} is given work in hours; "
                "material is assigned in units only."
            )
        if (a.task_id, a.resource_id) in seen:
            raise ValidationError(
                f"Resource {a.resource_id!r} is assigned to task {a.task_id!r} twice."
            )
        seen.add((a.task_id, a.resource_id))
        per_task.setdefault(a.task_id, []).append(a)
    return by_id, per_task, calendars


def resource_network(
    network: Network, resources: Iterable[Resource], assignments: Iterable[Assignment]
) -> ResourcePlan:
    """Give each task with assigned people or equipment the intersection of their calendars.

    Parameters
    ----------
    network : Network
        The plan (several projects may be merged into one network; ids must be unique).
    resources : iterable of Resource
        Every resource the assignments name.
    assignments : iterable of Assignment
        Who works on what.

    Returns
    -------
    ResourcePlan
        The rewritten network and look-up tables. Combined calendars are named
        ``"resources:<cal1>+<cal2>..."``; a task whose resources all share its own (or the
        project) calendar keeps it unchanged.

    Raises
    ------
    UnknownReferenceError
        Assignments naming unknown tasks or resources; resources naming unknown calendars.
    ValidationError
        Duplicate resources or assignments, material given work in hours.
    CalendarError
        A task whose resources have no working time in common.
    """
    by_id, per_task, calendars = _check(network, resources, assignments)
    resource_calendar = {rid: r.calendar or network.calendar for rid, r in by_id.items()}
    combined: dict[tuple[str, ...], str] = {}
    all_calendars: dict[str, WorkingCalendar] = dict(calendars)
    tasks = list(network.tasks)
    changed = False
    for i, task in enumerate(tasks):
        found = per_task.get(task.id)
        if not found or task.elapsed:
            continue
        names = {
            resource_calendar[a.resource_id]
            for a in found
            if by_id[a.resource_id].kind is not ResourceKind.MATERIAL
        }
        if not names:
            continue
        own = task.calendar or network.calendar
        if task.calendar is not None:
            names.add(task.calendar)
        key = tuple(sorted(names))
        if key == (own,):
            continue
        name = combined.get(key)
        if name is None:
            name = key[0] if len(key) == 1 else "resources:" + "+".join(key)
            if len(key) > 1:
                all_calendars[name] = intersect_calendars(name, [calendars[c] for c in key])
            combined[key] = name
        tasks[i] = replace(task, calendar=name)
        changed = True
    rewritten = network
    if changed:
        rewritten = replace(network, tasks=tuple(tasks), calendars=all_calendars)
    return ResourcePlan(
        network=rewritten,
        resources=by_id,
        task_resources={k: tuple(v) for k, v in per_task.items()},
        calendars=all_calendars,
        resource_calendar=resource_calendar,
    )
