"""Write a ``Network`` (with baselines) back as a plan file, the inverse of ``loader``.

Used to turn a plan imported from elsewhere (e.g. Microsoft Project XML) into plan-as-code,
and to save a plan after edits. Reading the written file gives the same network: durations
and lags are written exactly (``90m`` rather than a rounded ``0.2d``), dates to the minute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import yaml

from keel.domain.schedule.calendar import WorkingCalendar
from keel.domain.schedule.model import Baseline, ConstraintType, DependencyType, Network, Task
from keel.plan.calendars import CalendarSpec
from keel.plan.durations import TimeUnits

__all__ = ["dump_plan", "plan_to_data"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _span(minutes: int, units: TimeUnits, *, elapsed: bool = False) -> str:
    """Exact text for a span: whole days, else whole hours, else minutes."""
    prefix = "e" if elapsed else ""
    day = 1440 if elapsed else units.minutes_per_day
    sign = "-" if minutes < 0 else ""
    value = abs(minutes)
    if value and value % day == 0:
        return f"{sign}{value // day}{prefix}d"
    if value and value % 60 == 0:
        return f"{sign}{value // 60}{prefix}h"
    return f"{sign}{value}{prefix}m"


def _when(value: datetime) -> str:
    return value.isoformat("T", "minutes")


def _hours(periods: Sequence[tuple[int, int]]) -> list[str]:
    return [f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in periods]


def _dated(days: Mapping[date, Sequence[tuple[int, int]] | None]) -> list[dict[str, Any]]:
    """Dated entries, with runs of closed days folded into from/to ranges."""
    out: list[dict[str, Any]] = []
    run: list[date] = []

    def flush() -> None:
        if len(run) == 1:
            out.append({"date": run[0].isoformat()})
        elif run:
            out.append({"from": run[0].isoformat(), "to": run[-1].isoformat()})
        run.clear()

    for day in sorted(days):
        hours = days[day]
        if hours is not None and not hours:
            if run and day - run[-1] != timedelta(days=1):
                flush()
            run.append(day)
            continue
        flush()
        entry: dict[str, Any] = {"date": day.isoformat()}
        if hours is not None:
            entry["hours"] = _hours(hours)
        out.append(entry)
    flush()
    return out


def _week(week: Sequence[Sequence[tuple[int, int]]]) -> dict[str, list[str]]:
    return {_DAYS[i]: _hours(week[i]) for i in range(7)}


def _calendar_from_spec(spec: CalendarSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"week": _week([spec.week[i] for i in range(7)])}
    if spec.holidays_country:
        holidays: dict[str, Any] = {"country": spec.holidays_country}
        if spec.holidays_subdivision:
            holidays["subdivision"] = spec.holidays_subdivision
        if not spec.adjusted_working_days:
            holidays["adjusted_working_days"] = False
        out["holidays"] = holidays if len(holidays) > 1 else spec.holidays_country
    if spec.exceptions:
        out["exceptions"] = _dated(spec.exceptions)
    if spec.working_days:
        out["working_days"] = _dated(spec.working_days)
    return out


def _calendar_from_engine(calendar: WorkingCalendar) -> dict[str, Any]:
    merged: dict[date, Sequence[tuple[int, int]] | None] = {}
    chain: list[WorkingCalendar] = []
    current: WorkingCalendar | None = calendar
    while current is not None:
        chain.append(current)
        current = current.base
    for item in reversed(chain):
        merged.update(item.exceptions)
    out: dict[str, Any] = {"week": _week(calendar.resolved_week())}
    if merged:
        out["exceptions"] = _dated(merged)
    return out


def _task(task: Task, units: TimeUnits, children: list[dict[str, Any]]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": task.id}
    if task.name and task.name != task.id:
        item["name"] = task.name
    if children:
        item["children"] = children
    elif task.milestone and not task.duration:
        item["milestone"] = True
    else:
        item["duration"] = _span(task.duration, units, elapsed=task.elapsed)
    kind = task.constraint.type
    if kind is not ConstraintType.ASAP:
        constraint: dict[str, Any] = {"type": kind.value}
        if task.constraint.date is not None:
            constraint["date"] = _when(task.constraint.date)
        item["constraint"] = constraint
    if task.deadline is not None:
        item["deadline"] = _when(task.deadline)
    if task.calendar:
        item["calendar"] = task.calendar
    if task.priority != 500:
        item["priority"] = task.priority
    progress: dict[str, Any] = {}
    if task.actual_start is not None:
        progress["actual_start"] = _when(task.actual_start)
    if task.actual_finish is not None:
        progress["actual_finish"] = _when(task.actual_finish)
    if task.percent_complete:
        progress["percent"] = task.percent_complete
    if task.remaining is not None and not children:
        progress["remaining"] = _span(task.remaining, units)
    if progress:
        item["progress"] = progress
    return item


def plan_to_data(
    network: Network,
    *,
    baselines: Mapping[str, Baseline] | None = None,
    units: TimeUnits | None = None,
    calendar_specs: Mapping[str, CalendarSpec] | None = None,
) -> dict[str, Any]:
    """The plan file's content (plain dicts and lists) for ``network``.

    Parameters
    ----------
    network
        The plan; tasks are nested under their ``parent`` in input order.
    baselines
        Saved baselines to include.
    units
        Length of a day, week and month of duration (Microsoft Project's defaults if omitted).
    calendar_specs
        Calendars as a plan file described them (with national holidays by country); calendars
        not found here are written from the engine's calendars, with every exception dated.

    Returns
    -------
    dict
        Data that ``keel.plan.plan_from_data`` reads back into the same network.
    """
    units = units or TimeUnits()
    project: dict[str, Any] = {"name": network.name or "Plan", "start": _when(network.start)}
    if network.status_date is not None:
        project["status_date"] = _when(network.status_date)
    project["calendar"] = network.calendar
    if units.minutes_per_day != 480:
        project["hours_per_day"] = units.minutes_per_day / 60
    if units.days_per_week != 5:
        project["days_per_week"] = units.days_per_week
    if units.days_per_month != 20:
        project["days_per_month"] = units.days_per_month
    calendars: dict[str, Any] = {}
    for name, calendar in network.calendars.items():
        if calendar_specs and name in calendar_specs:
            calendars[name] = _calendar_from_spec(calendar_specs[name])
        elif isinstance(calendar, WorkingCalendar):
            calendars[name] = _calendar_from_engine(calendar)
    incoming: dict[str, list[dict[str, Any]]] = {}
    for dep in network.dependencies:
        link: dict[str, Any] = {"task": dep.predecessor}
        if dep.type is not DependencyType.FS:
            link["type"] = dep.type.value
        if dep.lag_percent is not None:
            link["lag"] = f"{dep.lag_percent:g}%"
        elif dep.lag:
            link["lag"] = _span(dep.lag, units)
        incoming.setdefault(dep.successor, []).append(link)
    kids: dict[str | None, list[Task]] = {}
    for task in network.tasks:
        kids.setdefault(task.parent, []).append(task)

    def build(task: Task) -> dict[str, Any]:
        item = _task(task, units, [build(child) for child in kids.get(task.id, [])])
        links = incoming.get(task.id, [])
        if links and all(set(link) == {"task"} for link in links):
            item["after"] = [link["task"] for link in links]
        elif links:
            item["depends"] = links
        return item

    data: dict[str, Any] = {"project": project}
    if calendars:
        data["calendars"] = calendars
    data["tasks"] = [build(task) for task in kids.get(None, [])]
    if baselines:
        data["baselines"] = [
            {
                "name": baseline.name,
                **({"saved_at": _when(baseline.saved_at)} if baseline.saved_at else {}),
                "tasks": {
                    task_id: {
                        "start": _when(saved.start),
                        "finish": _when(saved.finish),
                        "duration": _span(saved.duration, units),
                    }
                    for task_id, saved in baseline.tasks.items()
                },
            }
            for baseline in baselines.values()
        ]
    return data


def dump_plan(network: Network, **options: Any) -> str:
    """``plan_to_data`` as YAML text (options as there).

    Examples
    --------
    >>> from keel.domain.schedule.calendar import standard_calendar
    >>> net = Network((Task("a", "Dig", 960),), (), datetime(2025, 3, 3, 9),
    ...               {"standard": standard_calendar()})
    >>> "duration: 2d" in dump_plan(net)
    True
    """
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(
        plan_to_data(network, **options),
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
    )
    return text
