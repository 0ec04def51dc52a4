"""Time-phased load per resource per day or week, against capacity.

A task books ``units`` of each assigned resource for every working minute of the task
(on its combined calendar) between its scheduled start and finish. Capacity is the
resource's working minutes in the period times ``max_units``. Material is counted in units:
``units`` per working day of the task, against ``max_units`` per working day of the
material's calendar. Computed on a daily grid with NumPy (one clip and one vectorised
working-time look-up per assignment), then summed into weeks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from keel.domain.errors import ValidationError
from keel.domain.resources.calendars import resource_network
from keel.domain.resources.model import (
    Assignment,
    Resource,
    ResourceKind,
    ResourceLoad,
    Utilisation,
    UtilisationCell,
)
from keel.domain.schedule.calendar import (
    CONTINUOUS,
    TimeAxis,
    WorkingCalendar,
    axis_for,
    standard_calendar,
    to_minutes,
)
from keel.domain.schedule.model import Network, Schedule

__all__ = ["utilisation"]

_Array = npt.NDArray[np.int64]
_EPS = 1e-6


def _days(start: date, end: date, period: str) -> tuple[list[date], list[int]]:
    """The days of the grid and, per period, the index of its first day."""
    if period == "day":
        first = start
    elif period == "week":
        first = start - timedelta(days=start.weekday())
    else:
        raise ValidationError(f"period must be 'day' or 'week', not {period!r}.")
    if end < start:
        raise ValidationError("The end date is before the start date.")
    last = end if period == "day" else end + timedelta(days=6 - end.weekday())
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    step = 1 if period == "day" else 7
    return days, list(range(0, len(days), step))


def utilisation(
    result: Schedule,
    resources: Iterable[Resource],
    assignments: Iterable[Assignment],
    *,
    start: date,
    end: date,
    period: str = "day",
    network: Network | None = None,
) -> Utilisation:
    """Load, capacity, load % and over-allocation per resource per period.

    Parameters
    ----------
    result : Schedule
        The schedule (levelled or not) whose dates are counted.
    resources : iterable of Resource
        The resources to report, in this order.
    assignments : iterable of Assignment
        Who works on which task.
    start, end : date
        First and last day to cover; weeks run Monday to Sunday and are widened to whole
        weeks.
    period : {"day", "week"}
        Size of a period.
    network : Network, optional
        The network ``result`` was scheduled from, for its calendars; without it every
        calendar is the standard one (Monday-Friday, 8 hours).

    Returns
    -------
    Utilisation
        One row per resource, one cell per period: load and capacity (working minutes;
        units for material), load %, an over-allocated flag, and the ids of the tasks that
        make up the load.

    Raises
    ------
    ValidationError
        An unknown period or an end before the start.

    Examples
    --------
    >>> from keel.domain.schedule import Network, Task, schedule
    >>> net = Network((Task("a", duration=960),), (), datetime(2025, 3, 3), {})
    >>> table = utilisation(schedule(net), [Resource("ann")], [Assignment("a", "ann", 0.5)],
    ...                     start=date(2025, 3, 3), end=date(2025, 3, 4))
    >>> [(c.load, c.capacity, c.load_percent) for c in table.rows[0].cells]
    [(240.0, 480.0, 50.0), (240.0, 480.0, 50.0)]
    """
    resources = tuple(resources)
    assignments = tuple(assignments)
    days, firsts = _days(start, end, period)
    grid = np.asarray(
        [to_minutes(datetime.combine(d, time())) for d in [*days, days[-1] + timedelta(1)]],
        dtype=np.int64,
    )
    calendars: dict[str, WorkingCalendar] = {}
    task_calendar: dict[str, str | None] = {}
    project_calendar = "standard"
    elapsed: set[str] = set()
    if network is not None:
        plan = resource_network(network, resources, assignments)
        calendars = dict(plan.calendars)
        project_calendar = network.calendar
        task_calendar = {t.id: t.calendar for t in plan.network.tasks}
        elapsed = {t.id for t in plan.network.tasks if t.elapsed}
    calendars.setdefault(project_calendar, standard_calendar())
    axes: dict[str, TimeAxis] = {}

    def axis(name: str | None) -> TimeAxis:
        key = name or project_calendar
        found = axes.get(key)
        if found is None:
            found = axes[key] = axis_for(calendars.get(key) or standard_calendar())
        return found

    def per_day(ax: TimeAxis, s: int, f: int) -> _Array:
        clipped = np.clip(grid, s, f)
        minutes: _Array = np.diff(ax.offsets(clipped))
        return minutes

    kinds = {r.id: r.kind for r in resources}
    n_days = len(days)
    load = {r.id: np.zeros(n_days, dtype=np.float64) for r in resources}
    who: dict[str, list[tuple[str, npt.NDArray[np.bool_]]]] = {r.id: [] for r in resources}
    for a in assignments:
        if a.resource_id not in load:
            continue
        item = result.tasks.get(a.task_id)
        if item is None or item.summary:
            continue
        s, f = to_minutes(item.start), to_minutes(item.finish)
        if f <= s or f <= grid[0] or s >= grid[-1]:
            continue
        ax = CONTINUOUS if a.task_id in elapsed else axis(task_calendar.get(a.task_id))
        minutes = per_day(ax, s, f)
        if kinds[a.resource_id] is ResourceKind.MATERIAL:
            amount = (minutes > 0) * a.units
        else:
            amount = minutes * a.units
        load[a.resource_id] += amount
        who[a.resource_id].append((a.task_id, minutes > 0))

    bounds = np.asarray(firsts, dtype=np.int64)
    rows: list[ResourceLoad] = []
    for r in resources:
        ax = axis(r.calendar)
        minutes = per_day(ax, int(grid[0]), int(grid[-1]))
        if r.kind is ResourceKind.MATERIAL:
            capacity = (minutes > 0) * r.max_units
        else:
            capacity = minutes * r.max_units
        period_load = np.add.reduceat(load[r.id], bounds)
        period_cap = np.add.reduceat(capacity.astype(np.float64), bounds)
        busy = [(task_id, np.add.reduceat(mask.astype(np.int64), bounds) > 0)
                for task_id, mask in who[r.id]]  # fmt: skip
        cells = []
        for p, first in enumerate(firsts):
            value = float(period_load[p])
            cap = float(period_cap[p])
            percent = value / cap * 100 if cap > 0 else (float("inf") if value > _EPS else 0.0)
            cells.append(
                UtilisationCell(
                    period_start=days[first],
                    load=value,
                    capacity=cap,
                    load_percent=percent,
                    over_allocated=value > cap + _EPS,
                    task_ids=tuple(sorted(task_id for task_id, on in busy if on[p])),
                )
            )
        rows.append(ResourceLoad(r.id, r.kind, tuple(cells)))
    return Utilisation(period=period, periods=tuple(days[i] for i in firsts), rows=tuple(rows))
