"""Resource-aware scheduling and resource levelling.

Levelling is a serial schedule: tasks are taken from a priority queue ordered by the
earliest instant they could start (all predecessors placed), and at equal instants by the
documented rule — higher ``Task.priority`` first, then smaller total float, then task id. A
task that would over-allocate one of its resources is put back in the queue at the instant
the conflict ends, where it competes again. Each resource keeps a time-indexed load profile
(a step function over instants, in thousandths of a unit), so checking a task costs a
bisection plus the bookings it overlaps: the whole run is near-linear in the number of tasks.

A task's dates always come from the scheduling engine's own forward pass, with the delay
levelling chose as the task's ``levelling_delay``; the levelled schedule is therefore exactly
``schedule_with_resources`` of the network with those delays.
"""

from __future__ import annotations

import gc
import heapq
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from keel.domain.resources.calendars import ResourcePlan, resource_network
from keel.domain.resources.model import (
    Assignment,
    LevellingOptions,
    LevellingResult,
    Move,
    OverAllocation,
    Resource,
    ResourceKind,
)
from keel.domain.schedule.calendar import TimeAxis, from_minutes, to_minutes
from keel.domain.schedule.cpm import (
    _NOT_STARTED,
    Passes,
    build_schedule,
    forward_pass,
    run_passes,
    schedule,
)
from keel.domain.schedule.model import Network, Schedule
from keel.domain.schedule.network import ALAP, MFO, MSO, CompiledNetwork, compile_network

__all__ = ["level_resources", "over_allocations", "schedule_with_resources"]

_SCALE = 1000  # units are booked in thousandths, so sums are exact
_FAR_PAST = -(1 << 60)
_GIVE_UP = 100 * 366 * 24 * 60  # a task pushed a century past its start cannot be levelled


def schedule_with_resources(
    network: Network,
    resources: Iterable[Resource],
    assignments: Iterable[Assignment],
    *,
    near_critical: int = 0,
) -> Schedule:
    """Schedule a network where each task works only when all its resources can.

    A task's working time is the intersection of its assigned people's and equipment's
    calendars (and its own calendar, if it has one); a task without such assignments uses
    its own or the project calendar. Material never restricts working time. Durations are
    working minutes on that combined calendar; ``Task.levelling_delay`` is honoured.

    Parameters
    ----------
    network : Network
        The plan; several projects may be merged into one network (unique task ids).
    resources : iterable of Resource
        Every resource the assignments name.
    assignments : iterable of Assignment
        Who works on which task.
    near_critical : int, optional
        As for ``keel.domain.schedule.schedule``.

    Returns
    -------
    Schedule
        The CPM schedule on the combined calendars (no levelling).

    Raises
    ------
    UnknownReferenceError, ValidationError, CalendarError
        Unknown tasks, resources or calendars; resources with no working time in common.

    Examples
    --------
    >>> from datetime import date, datetime
    >>> from keel.domain.schedule import Network, Task, WorkingCalendar
    >>> leave = WorkingCalendar("ann", exceptions={date(2025, 3, 3): ()})
    >>> net = Network((Task("a", duration=480),), (), datetime(2025, 3, 3), {"ann": leave})
    >>> result = schedule_with_resources(
    ...     net, [Resource("ann", calendar="ann")], [Assignment("a", "ann")])
    >>> result.tasks["a"].start
    datetime.datetime(2025, 3, 4, 9, 0)
    """
    plan = resource_network(network, resources, assignments)
    return schedule(plan.network, near_critical=near_critical)


class _Profile:
    """A resource's load over time: ``levels[i]`` holds from ``times[i]`` to ``times[i+1]``."""

    __slots__ = ("levels", "times")

    def __init__(self) -> None:
        self.times = [_FAR_PAST]
        self.levels = [0]

    def _split(self, t: int) -> int:
        times = self.times
        i = bisect_right(times, t) - 1
        if times[i] != t:
            i += 1
            times.insert(i, t)
            self.levels.insert(i, self.levels[i - 1])
        return i

    def add(self, start: int, finish: int, units: int) -> None:
        """Book ``units`` from ``start`` to ``finish`` (negative units un-book)."""
        if finish <= start:
            return
        i = self._split(start)
        k = self._split(finish)
        levels = self.levels
        for m in range(i, k):
            levels[m] += units

    def conflict_end(self, start: int, finish: int, limit: int) -> int | None:
        """The instant a stretch with load above ``limit`` in [start, finish) ends, or None."""
        times, levels = self.times, self.levels
        n = len(times)
        i = bisect_right(times, start) - 1
        while i < n and times[i] < finish:
            if levels[i] > limit:
                while i < n and levels[i] > limit:
                    i += 1
                return times[i]  # the last segment is always empty (0), so i < n here
            i += 1
        return None


def _links(net: CompiledNetwork) -> tuple[list[int], list[list[int]]]:
    """Per task, how many tasks must be placed before it, and whom it releases."""
    n = len(net.ids)
    waiting = [0] * n
    after: list[list[int]] = [[] for _ in range(n)]
    for p, s in zip(net.link_pred, net.link_succ, strict=True):
        waiting[s] += 1
        after[p].append(s)
    for parent, kids in enumerate(net.children):
        for c in kids:
            waiting[parent] += 1
            after[c].append(parent)
    return waiting, after


def level_resources(
    network: Network,
    resources: Iterable[Resource],
    assignments: Iterable[Assignment],
    *,
    options: LevellingOptions | None = None,
) -> LevellingResult:
    """Remove over-allocations by delaying tasks; report what moved and what could not.

    Rule: at each instant, tasks that could start compete for their resources; higher
    ``Task.priority`` wins, then smaller total float (of the unlevelled schedule), then the
    smaller task id. The loser waits until the resource is free again (its delay is added
    as ``levelling_delay``); a started task is never pre-empted. Tasks with more float are
    therefore delayed first, within their float where that suffices, beyond it otherwise
    (``within_float_only`` stops there). Never moved: tasks with progress (actual start or
    percent complete above 0), summary tasks, tasks with MSO/MFO constraints, ALAP tasks and,
    with ``options.status_date``, tasks starting before it; their over-allocations are
    reported in ``unresolved``. Material is never levelled. Dependencies and calendars are
    honoured because every date comes from the scheduling engine.

    Cross-project (PMO) levelling: merge the projects' tasks and dependencies into one
    ``Network`` (ids unique across projects, e.g. prefixed with the project key; the
    calendars merged; ``start`` the earliest project start, each project's own start as an
    SNET constraint on its first tasks), and pass every project's assignments.

    Parameters
    ----------
    network : Network
        The plan (one project, or several merged as above).
    resources : iterable of Resource
        Every resource the assignments name.
    assignments : iterable of Assignment
        Who works on which task, at which units.
    options : LevellingOptions, optional
        Within float only, status date, which resources, clearing earlier delays.

    Returns
    -------
    LevellingResult
        The levelled schedule, the delay per task, the moves, the finish before and after,
        and the over-allocations left.

    Raises
    ------
    UnknownReferenceError, ValidationError, CalendarError, CycleError
        As ``schedule_with_resources``.

    Examples
    --------
    >>> from datetime import datetime
    >>> from keel.domain.schedule import Network, Task
    >>> net = Network((Task("a", duration=480, priority=600), Task("b", duration=480)), (),
    ...               datetime(2025, 3, 3), {})
    >>> result = level_resources(net, [Resource("ann")],
    ...                          [Assignment("a", "ann"), Assignment("b", "ann")])
    >>> result.schedule.tasks["b"].start, result.delay["b"]
    (datetime.datetime(2025, 3, 4, 9, 0), 480)
    """
    options = options or LevellingOptions()
    if options.clear_existing and any(t.levelling_delay for t in network.tasks):
        network = replace(
            network,
            tasks=tuple(
                replace(t, levelling_delay=0) if t.levelling_delay else t for t in network.tasks
            ),
        )
    plan = resource_network(network, resources, assignments)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _level(plan.network, plan, options)
    finally:
        if collecting:
            gc.enable()


def _level(network: Network, plan: ResourcePlan, options: LevellingOptions) -> LevellingResult:
    net = compile_network(network)
    base = run_passes(net)
    before = build_schedule(net, base, 0)
    n = len(net.ids)
    wanted = options.resources_to_level
    levelled = [
        rid
        for rid, r in plan.resources.items()
        if r.kind is not ResourceKind.MATERIAL and (wanted is None or rid in wanted)
    ]
    slot = {rid: k for k, rid in enumerate(levelled)}
    capacity = [round(plan.resources[rid].max_units * _SCALE) for rid in levelled]
    demands: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    index = net.index
    for task_id, found in plan.task_resources.items():
        j = index[task_id]
        for a in found:
            k = slot.get(a.resource_id)
            if k is not None:
                demands[j].append((k, round(a.units * _SCALE)))

    status_floor = None if options.status_date is None else to_minutes(options.status_date)
    fixed = [False] * n
    for j in range(n):
        if net.summary[j] or not demands[j] or not net.duration[j]:
            continue
        fixed[j] = (
            base.state[j] != _NOT_STARTED
            or net.constraint[j] in (MSO, MFO, ALAP)
            or (status_floor is not None and base.start[j] < status_floor)
        )
    profiles = [_Profile() for _ in levelled]
    booked: dict[int, tuple[int, int]] = {}
    for j in range(n):
        if fixed[j]:
            span = (base.start[j], base.finish[j])
            for k, u in demands[j]:
                profiles[k].add(span[0], span[1], u)
            booked[j] = span

    waiting, after = _links(net)
    out = Passes(n, len(net.link_pred))
    out.project_finish = base.project_finish
    delay = net.delay  # the tasks' own delays: zeros unless options.clear_existing is off
    total_float = base.total_float.tolist()
    late_start = base.late_start
    priority = [t.priority for t in net.tasks]
    ids = net.ids
    axis = net.axis
    es = out.early_start
    first_start = [0] * n
    heap: list[tuple[int, int, int, str, int]] = []

    def release(j: int) -> None:
        forward_pass(net, out, (j,))
        first_start[j] = es[j]
        heapq.heappush(heap, (es[j], -priority[j], total_float[j], ids[j], j))

    for j in range(n):
        if not waiting[j]:
            release(j)
    while heap:
        t, _, _, _, j = heapq.heappop(heap)
        need = demands[j]
        if need and not fixed[j] and not net.summary[j] and net.duration[j]:
            placed = _place(t, need, profiles, capacity, net.duration[j], axis[j])
            if placed is not None and placed > t:
                if options.within_float_only and placed > late_start[j]:
                    placed = None  # needs more than its float: leave it, report the conflict
                elif placed - first_start[j] > _GIVE_UP:
                    placed = None
                else:
                    heapq.heappush(heap, (placed, -priority[j], total_float[j], ids[j], j))
                    continue
            if placed is not None and placed != first_start[j]:
                ax = axis[j]
                more = ax.offset(placed) - ax.offset(first_start[j])
                if more:
                    delay[j] += more
                    net.delayed = True
                    forward_pass(net, out, (j,))
            for k, u in need:
                profiles[k].add(es[j], out.early_finish[j], u)
        elif fixed[j] and net.constraint[j] != ALAP and booked[j] != (es[j], out.early_finish[j]):
            # A fixed task whose dates still follow its predecessors (progress without an
            # actual start) moves with them; its booking moves too.
            old = booked[j]
            booked[j] = (es[j], out.early_finish[j])
            for k, u in need:
                profiles[k].add(old[0], old[1], -u)
                profiles[k].add(es[j], out.early_finish[j], u)
        for s in after[j]:
            waiting[s] -= 1
            if not waiting[s]:
                release(s)

    net.arrays["delay"] = np.asarray(delay, dtype=np.int64)
    final = run_passes(net)
    levelled_schedule = build_schedule(net, final, 0)
    moves = sorted(
        (final.start[j], ids[j], j) for j in net.work_tasks if final.start[j] != base.start[j]
    )
    move_list = tuple(
        Move(ids[j], from_minutes(base.start[j]), from_minutes(start), delay[j])
        for start, _, j in moves
    )
    unresolved = _over(net, final, demands, levelled, capacity)
    return LevellingResult(
        schedule=levelled_schedule,
        delay={ids[j]: delay[j] for j in range(n)},
        moves=move_list,
        finish_before=before.finish,
        finish_after=levelled_schedule.finish,
        unresolved=unresolved,
    )


def _place(
    t: int,
    need: list[tuple[int, int]],
    profiles: list[_Profile],
    capacity: list[int],
    duration: int,
    ax: TimeAxis,
) -> int | None:
    """The earliest instant from ``t`` where the task fits: ``t`` itself if it fits there,
    a later instant to retry from, or None if it can never fit (units above capacity)."""
    start, finish = ax.place(t, duration)
    latest = None
    for k, u in need:
        limit = capacity[k] - u
        if limit < 0:
            return None
        end = profiles[k].conflict_end(start, finish, limit)
        if end is not None and (latest is None or end > latest):
            latest = end
    if latest is None:
        return start if start > t else t
    return latest


def _over(
    net: CompiledNetwork,
    out: Passes,
    demands: list[list[tuple[int, int]]],
    levelled: list[str],
    capacity: list[int],
) -> tuple[OverAllocation, ...]:
    bookings: list[list[tuple[int, int, int, int]]] = [[] for _ in levelled]
    for j, need in enumerate(demands):
        if not need or net.summary[j]:
            continue
        s, f = out.start[j], out.finish[j]
        if f <= s:
            continue
        for k, u in need:
            bookings[k].append((s, f, u, j))
    return tuple(
        over
        for k, rows in enumerate(bookings)
        for over in _sweep(levelled[k], rows, capacity[k], net.ids)
    )


def _sweep(
    resource_id: str, rows: list[tuple[int, int, int, int]], cap: int, ids: list[str]
) -> list[OverAllocation]:
    """Stretches where the booked units exceed ``cap``, with the tasks booked then."""
    events: list[tuple[int, int, int]] = []
    for s, f, u, j in rows:
        events.append((s, u, j))
        events.append((f, -u, j))
    events.sort()
    found: list[OverAllocation] = []
    level = 0
    active: set[int] = set()
    open_at: int | None = None
    peak = 0
    tasks: set[int] = set()
    i = 0
    while i < len(events):
        t = events[i][0]
        while i < len(events) and events[i][0] == t:
            _, u, j = events[i]
            level += u
            if u > 0:
                active.add(j)
            else:
                active.discard(j)
            i += 1
        if level > cap:
            if open_at is None:
                open_at, peak, tasks = t, level, set(active)
            else:
                peak = max(peak, level)
                tasks |= active
        elif open_at is not None:
            found.append(
                OverAllocation(
                    resource_id,
                    from_minutes(open_at),
                    from_minutes(t),
                    peak / _SCALE,
                    cap / _SCALE,
                    tuple(sorted(ids[j] for j in tasks)),
                )
            )
            open_at = None
    return found


def over_allocations(
    result: Schedule,
    resources: Iterable[Resource],
    assignments: Iterable[Assignment],
) -> tuple[OverAllocation, ...]:
    """Every stretch where a person or piece of equipment is booked above its capacity.

    A task holds ``units`` of each assigned resource from its scheduled start to its finish.

    Parameters
    ----------
    result : Schedule
        Any schedule (levelled or not).
    resources : iterable of Resource
        The resources.
    assignments : iterable of Assignment
        Who works on which task.

    Returns
    -------
    tuple of OverAllocation
        Per resource, in time order.

    Examples
    --------
    >>> from datetime import datetime
    >>> from keel.domain.schedule import Network, Task, schedule
    >>> net = Network((Task("a", duration=480), Task("b", duration=480)), (),
    ...               datetime(2025, 3, 3), {})
    >>> found = over_allocations(schedule(net), [Resource("ann")],
    ...                          [Assignment("a", "ann"), Assignment("b", "ann")])
    >>> found[0].task_ids, found[0].load
    (('a', 'b'), 2.0)
    """
    resources = tuple(resources)
    levelled = [r.id for r in resources if r.kind is not ResourceKind.MATERIAL]
    caps = {r.id: round(r.max_units * _SCALE) for r in resources}
    rows: dict[str, list[tuple[int, int, int, int]]] = {rid: [] for rid in levelled}
    ids = list(result.tasks)
    position = {task_id: i for i, task_id in enumerate(ids)}
    for a in assignments:
        target = rows.get(a.resource_id)
        item = result.tasks.get(a.task_id)
        if target is None or item is None or item.summary:
            continue
        s, f = to_minutes(item.start), to_minutes(item.finish)
        if f > s:
            target.append((s, f, round(a.units * _SCALE), position[a.task_id]))
    return tuple(over for rid in levelled for over in _sweep(rid, rows[rid], caps[rid], ids))
