"""Write a scheduling ``Network`` as a TaskJuggler project (``.tjp``).

The file schedules the same tasks with TaskJuggler's own engine, so its dates can be compared
with Keel's (see ``keel.interchange.tj3``). Keel's ideas map as follows:

========================  =====================================================================
Keel                      TaskJuggler
========================  =====================================================================
working duration          ``length`` (working time of the project's or the task's shift)
elapsed duration          ``duration`` (calendar time)
milestone                 ``milestone``
summary task              nested ``task`` blocks
FS / SS link, lag ≥ 0     ``depends x { gaplength … }`` / ``depends x { onstart gaplength … }``
percentage lag            converted to minutes of the predecessor's duration
MSO / MFO                 ``start`` / ``end`` (fixed dates)
SNET                      a dependency on a hidden milestone fixed at the date
SNLT / FNLT               ``maxstart`` / ``maxend`` (checks only, as they do not move ASAP dates)
project calendar          ``workinghours`` per weekday plus ``leaves holiday`` for closed dates
task calendar             a ``shift`` with that calendar's weekly hours
resource (optional)       ``resource`` with its calendar's weekly hours and days off as leaves
assignment (optional)     ``effort`` (duration x units) and ``allocate r { mandatory }``
========================  =====================================================================

TaskJuggler has no equivalent for FF and SF links (its ``depends`` always binds the
dependent's start), negative lags, FNET, ALAP without an end, deadlines, or dated changes of
working hours (adjusted working days); those are left out and listed in ``TjpExport.skipped``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from keel.domain.resources.model import Assignment, Resource, ResourceKind
from keel.domain.schedule.calendar import WorkingCalendar
from keel.domain.schedule.model import ConstraintType, DependencyType, Network, Task

__all__ = ["TjpExport", "tj_date", "write_tjp"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REPORT_NAME = "keel_dates"


@dataclass(frozen=True, slots=True)
class TjpExport:
    """A written ``.tjp`` file.

    ``ids`` maps each Keel task id to its full TaskJuggler id (``t3.t7``), the key the report
    uses. ``skipped`` lists what could not be expressed, one sentence per item.
    """

    text: str
    ids: Mapping[str, str]
    report: str = REPORT_NAME
    skipped: tuple[str, ...] = field(default=())


def tj_date(value: datetime) -> str:
    """A date-time as TaskJuggler writes it, e.g. ``2025-03-03-09:00``."""
    return value.strftime("%Y-%m-%d-%H:%M")


def _quote(text: str) -> str:
    # TaskJuggler strings have no portable escape for a double quote: use a single one.
    return '"' + text.replace('"', "'").replace("\\", "/") + '"'


def _hours(periods: tuple[tuple[int, int], ...]) -> str:
    if not periods:
        return "off"
    return ", ".join(f"{a // 60}:{a % 60:02d}-{b // 60}:{b % 60:02d}" for a, b in periods)


def _week_lines(calendar: WorkingCalendar, indent: str) -> list[str]:
    week = calendar.resolved_week()
    return [f"{indent}workinghours {_DAYS[i]} {_hours(week[i])}" for i in range(7)]


EMPTY_PLAN_TASK = "keel_start"


def write_tjp(
    network: Network,
    *,
    horizon: timedelta = timedelta(days=3 * 366),
    resolution_minutes: int = 5,
    resources: Sequence[Resource] = (),
    assignments: Sequence[Assignment] = (),
) -> TjpExport:
    """Write ``network`` as TaskJuggler source with a CSV report of every task's dates.

    Parameters
    ----------
    network
        The plan; its project calendar must be a ``WorkingCalendar``.
    horizon
        How far after the start the TaskJuggler project runs (tasks must end before it).
    resolution_minutes
        TaskJuggler's ``timingresolution`` (5 to 60); durations are rounded to it.
    resources, assignments
        Optional people and equipment, and who works on what: each assigned task becomes an
        ``effort`` task (duration x the sum of units) allocating every resource as
        mandatory, so TaskJuggler levels them. Capacities other than 1, units other than 1
        and material are listed in ``skipped``.

    Returns
    -------
    TjpExport
        The text, the id map, and the list of things TaskJuggler cannot express.

    Examples
    --------
    >>> from keel.domain.schedule.calendar import standard_calendar
    >>> from keel.domain.schedule.model import Network, Task
    >>> net = Network((Task("a", "A", 480),), (), datetime(2025, 3, 3, 9), {"standard":
    ...     standard_calendar()})
    >>> "length 480min" in write_tjp(net).text
    True
    """
    calendar = network.calendars[network.calendar]
    assert isinstance(calendar, WorkingCalendar)
    begin = network.start.replace(hour=0, minute=0)
    last = begin + horizon
    # The project's frame also holds fixed dates before the plan's start (a constraint dated
    # before the project start is legal in Microsoft Project; TaskJuggler refuses it outside).
    fixed = [
        t.constraint.date
        for t in network.tasks
        if t.constraint.date is not None and t.constraint.date < begin
    ]
    first = min(fixed).replace(hour=0, minute=0) if fixed else begin
    skipped: list[str] = []
    lines = [
        f"project keel {_quote(network.name or 'Keel plan')} {tj_date(first)} - {tj_date(last)} {{",
        '  timezone "UTC"',
        f"  timingresolution {resolution_minutes}min",
        f"  dailyworkinghours {_daily_hours(calendar)}",
        *_week_lines(calendar, "  "),
        "}",
        "",
    ]
    lines += _holidays(calendar, first.date(), last.date(), skipped)
    shifts: dict[str, str] = {}
    for name, cal in network.calendars.items():
        if name == network.calendar or not isinstance(cal, WorkingCalendar):
            continue
        shift = "cal_" + _safe(name)
        shifts[name] = shift
        lines += [f"shift {shift} {_quote(name)} {{", *_week_lines(cal, "  "), "}"]

    allocations = _resources(network, resources, assignments, first, last, lines, skipped)
    ids = _ids(network.tasks)
    children: dict[str | None, list[Task]] = defaultdict(list)
    for task in network.tasks:
        children[task.parent].append(task)
    by_id = {task.id: task for task in network.tasks}
    incoming: dict[str, list[str]] = defaultdict(list)
    for dep in network.dependencies:
        pred = ids[dep.predecessor]
        lag = dep.lag
        if dep.lag_percent is not None:
            lag = round(by_id[dep.predecessor].duration * dep.lag_percent / 100)
        if dep.type in {DependencyType.FF, DependencyType.SF}:
            skipped.append(f"{dep.type.value} link {dep.predecessor} → {dep.successor}")
            continue
        if lag < 0:
            skipped.append(f"lead of {-lag} min on {dep.predecessor} → {dep.successor}")
            lag = 0
        options = []
        if dep.type is DependencyType.SS:
            options.append("onstart")
        if lag:
            options.append(f"gaplength {lag}min")
        block = f" {{ {' '.join(options)} }}" if options else ""
        incoming[dep.successor].append(f"{pred}{block}")

    def emit(task: Task, indent: str) -> None:
        tj_id = ids[task.id].rsplit(".", 1)[-1]
        lines.append(f"{indent}task {tj_id} {_quote(task.name or task.id)} {{")
        inner = indent + "  "
        deps = list(incoming.get(task.id, []))
        constraint = task.constraint
        kind = constraint.type
        if kind is ConstraintType.SNET and constraint.date is not None:
            # A hidden milestone fixed at the date: depending on it means "not before".
            anchor = f"snet_{tj_id}"
            anchors.append(f"task {anchor} {_quote('SNET ' + task.id)} {{")
            anchors.append(f"  start {tj_date(constraint.date)} milestone")
            anchors.append("}")
            deps.append(anchor)
        if deps:
            lines.append(f"{inner}depends {', '.join(deps)}")
        if children.get(task.id):
            for child in children[task.id]:
                emit(child, inner)
        else:
            _leaf(task, inner, deps, network.start, lines, skipped, allocations.get(task.id))
            if task.calendar and task.calendar in shifts:
                lines.append(f"{inner}shifts {shifts[task.calendar]}")
        if kind is ConstraintType.SNLT and constraint.date is not None:
            lines.append(f"{inner}maxstart {tj_date(constraint.date)}")
        elif kind is ConstraintType.FNLT and constraint.date is not None:
            lines.append(f"{inner}maxend {tj_date(constraint.date)}")
        elif kind in {ConstraintType.FNET, ConstraintType.ALAP}:
            skipped.append(f"{kind.value} constraint on {task.id}")
        if task.deadline is not None:
            skipped.append(f"deadline on {task.id}")
        if task.priority != 500:
            lines.append(f"{inner}priority {max(1, min(1000, task.priority))}")
        lines.append(f"{indent}}}")

    anchors: list[str] = []
    for task in children[None]:
        emit(task, "")
    lines += anchors
    if not network.tasks:
        # TaskJuggler refuses a project without tasks: an empty plan gets one milestone at
        # its start, so the file still schedules.
        lines += [
            f"task {EMPTY_PLAN_TASK} {_quote('Project start (the plan has no tasks)')} {{",
            f"  start {tj_date(network.start)} milestone",
            "}",
        ]
    lines += [
        "",
        f"taskreport {REPORT_NAME} {_quote(REPORT_NAME)} {{",
        "  formats csv",
        "  columns id, start, end",
        '  timeformat "%Y-%m-%d %H:%M"',
        "}",
        "",
    ]
    return TjpExport("\n".join(lines), ids, REPORT_NAME, tuple(skipped))


def _leaf(
    task: Task,
    indent: str,
    deps: list[str],
    start: datetime,
    lines: list[str],
    skipped: list[str],
    allocation: tuple[list[str], float] | None = None,
) -> None:
    kind = task.constraint.type
    when = task.constraint.date
    if kind is ConstraintType.MSO and when is not None:
        lines.append(f"{indent}start {tj_date(when)}")
    elif kind is ConstraintType.MFO and when is not None:
        lines.append(f"{indent}end {tj_date(when)}")
    elif not deps:
        lines.append(f"{indent}start {tj_date(start)}")
    if task.milestone or task.duration == 0:
        lines.append(f"{indent}milestone")
    elif task.elapsed:
        lines.append(f"{indent}duration {task.duration}min")
    elif allocation is not None:
        names, units = allocation
        lines.append(f"{indent}effort {round(task.duration * units)}min")
        lines.append(f"{indent}allocate {', '.join(f'{n} {{ mandatory }}' for n in names)}")
    else:
        lines.append(f"{indent}length {task.duration}min")
    if task.percent_complete:
        lines.append(f"{indent}complete {round(task.percent_complete)}")
    if task.actual_start or task.actual_finish:
        skipped.append(f"actual dates on {task.id}")


def _resources(
    network: Network,
    resources: Sequence[Resource],
    assignments: Sequence[Assignment],
    first: datetime,
    last: datetime,
    lines: list[str],
    skipped: list[str],
) -> dict[str, tuple[list[str], float]]:
    """Write ``resource`` blocks; return per task the TaskJuggler resource ids and units."""
    names: dict[str, str] = {}
    project = network.calendars[network.calendar]
    assert isinstance(project, WorkingCalendar)
    for k, res in enumerate(resources):
        if res.kind is ResourceKind.MATERIAL:
            skipped.append(f"material {res.id}")
            continue
        if res.max_units != 1:
            skipped.append(f"max units {res.max_units:g} of {res.id}")
        names[res.id] = f"r{k}"
        lines.append(f"resource r{k} {_quote(res.name or res.id)} {{")
        cal = network.calendars.get(res.calendar) if res.calendar else None
        if isinstance(cal, WorkingCalendar) and cal is not project:
            lines += _week_lines(cal, "  ")
            day = first.date()
            while day <= last.date():
                if not cal.working_periods(day) and project.working_periods(day):
                    lines.append(f"  leaves annual {day.isoformat()}")
                day += timedelta(days=1)
        lines.append("}")
    allocations: dict[str, tuple[list[str], float]] = {}
    for a in assignments:
        name = names.get(a.resource_id)
        if name is None:
            continue
        if a.units != 1:
            skipped.append(f"units {a.units:g} of {a.resource_id} on {a.task_id}")
        found, units = allocations.get(a.task_id, ([], 0.0))
        allocations[a.task_id] = ([*found, name], units + a.units)
    return allocations


def _daily_hours(calendar: WorkingCalendar) -> str:
    week = calendar.resolved_week()
    minutes = max((sum(b - a for a, b in day) for day in week), default=480)
    return f"{minutes / 60:g}"


def _holidays(calendar: WorkingCalendar, first: date, last: date, skipped: list[str]) -> list[str]:
    week = calendar.resolved_week()
    out: list[str] = []
    day = first
    while day <= last:
        periods = calendar.working_periods(day)
        usual = week[day.weekday()]
        if periods != usual:
            if periods:
                skipped.append(f"changed working hours on {day.isoformat()}")
            else:
                out.append(f'leaves holiday "Closed" {day.isoformat()}')
        day += timedelta(days=1)
    return out


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _ids(tasks: tuple[Task, ...]) -> dict[str, str]:
    """TaskJuggler ids: ``t<n>`` per task (Keel ids may hold characters it rejects), full path."""
    local = {task.id: f"t{i}" for i, task in enumerate(tasks)}
    parents = {task.id: task.parent for task in tasks}
    full: dict[str, str] = {}
    for task in tasks:
        path = [local[task.id]]
        parent = parents[task.id]
        while parent is not None:
            path.append(local[parent])
            parent = parents[parent]
        full[task.id] = ".".join(reversed(path))
    return full
