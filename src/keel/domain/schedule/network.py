"""Check a ``Network`` and compile it into flat lists the scheduling passes can run over.

Compilation validates every rule that does not need dates (durations, percentages,
references, WBS and dependency cycles), expands links onto summary tasks to the summary's
work tasks, and computes one topological order with Kahn's algorithm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from keel.domain.errors import CycleError, UnknownReferenceError, ValidationError
from keel.domain.schedule.calendar import (
    CONTINUOUS,
    TimeAxis,
    WorkingCalendar,
    axis_for,
    standard_calendar,
    to_minutes,
)
from keel.domain.schedule.model import ConstraintType, DependencyType, Network, Task

__all__ = [
    "ALAP",
    "FF",
    "FNET",
    "FNLT",
    "FS",
    "MFO",
    "MSO",
    "SF",
    "SNET",
    "SNLT",
    "SS",
    "CompiledNetwork",
    "compile_network",
]

FS, SS, FF, SF = 0, 1, 2, 3
_LINK_CODES = {DependencyType.FS: FS, DependencyType.SS: SS, DependencyType.FF: FF,
               DependencyType.SF: SF}  # fmt: skip
ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO, MFO = range(8)
_CONSTRAINT_CODES = {
    ConstraintType.ASAP: ASAP,
    ConstraintType.ALAP: ALAP,
    ConstraintType.SNET: SNET,
    ConstraintType.SNLT: SNLT,
    ConstraintType.FNET: FNET,
    ConstraintType.FNLT: FNLT,
    ConstraintType.MSO: MSO,
    ConstraintType.MFO: MFO,
}


@dataclass(slots=True)
class CompiledNetwork:
    """A network as parallel lists indexed by task position (the hot loops' input).

    Links are the expanded ones: a link onto a summary task appears once per work task
    under it. ``link_lag`` holds lags in working minutes; ``link_percent`` the percentage
    (or None) that replaces the lag once the predecessor's duration is known.
    """

    network: Network
    ids: list[str]
    index: dict[str, int]
    tasks: Sequence[Task]
    duration: list[int]
    summary: list[bool]
    children: list[list[int]]
    axis: list[TimeAxis]
    axes: list[TimeAxis]
    axis_id: list[int]
    constraint: list[int]
    constraint_at: list[int | None]
    deadline: list[int | None]
    actual_start: list[int | None]
    actual_finish: list[int | None]
    link_pred: list[int]
    link_succ: list[int]
    link_type: list[int]
    link_lag: list[int]
    link_percent: list[float | None]
    in_links: list[list[int]]
    out_links: list[list[int]]
    order: list[int]
    start: int
    status: int | None


def _calendars(network: Network) -> dict[str, WorkingCalendar]:
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
    return calendars


def _validate_tasks(tasks: Sequence[Task], calendars: Mapping[str, object]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, task in enumerate(tasks):
        if not task.id:
            raise ValidationError(f"Task number {position + 1} has an empty id.")
        if task.id in index:
            raise ValidationError(f"Task id {task.id!r} is used twice; ids must be unique.")
        index[task.id] = position
    unknown: list[str] = []
    for task in tasks:
        label = f"Task {task.id!r}"
        if task.duration < 0:
            raise ValidationError(
                f"{label} has a negative duration ({task.duration} minutes); "
                "durations must be zero or more."
            )
        if not 0 <= task.percent_complete <= 100:
            raise ValidationError(
                f"{label} is {task.percent_complete}% complete; "
                "percent complete must be between 0 and 100."
            )
        if task.remaining is not None and task.remaining < 0:
            raise ValidationError(f"{label} has negative remaining work ({task.remaining}).")
        kind = task.constraint.type
        if kind not in (ConstraintType.ASAP, ConstraintType.ALAP) and task.constraint.date is None:
            raise ValidationError(f"{label} has a {kind} constraint without a date.")
        if task.parent is not None and task.parent not in index:
            unknown.append(f"parent {task.parent!r} of task {task.id!r}")
        if task.calendar is not None and task.calendar not in calendars:
            unknown.append(f"calendar {task.calendar!r} of task {task.id!r}")
        start, finish = task.actual_start, task.actual_finish
        if start is not None and finish is not None and finish < start:
            raise ValidationError(f"{label} has an actual finish before its actual start.")
    if unknown:
        raise UnknownReferenceError(
            "Unknown references: " + "; ".join(unknown) + ".", details={"unknown": unknown}
        )
    return index


def _check_wbs(parent: list[int]) -> None:
    state = [0] * len(parent)  # 0 unseen, 1 on the current walk, 2 known acyclic
    for origin in range(len(parent)):
        walk: list[int] = []
        node = origin
        while node >= 0 and state[node] == 0:
            state[node] = 1
            walk.append(node)
            node = parent[node]
        if node >= 0 and state[node] == 1:
            loop = walk[walk.index(node) :]
            raise _WbsCycle(loop)
        for item in walk:
            state[item] = 2


class _WbsCycle(Exception):
    def __init__(self, loop: list[int]) -> None:
        super().__init__()
        self.loop = loop


def _topological_order(
    n: int, succs: list[list[int]], preds_of: list[list[int]], ids: list[str]
) -> list[int]:
    indegree = [len(p) for p in preds_of]
    order = [i for i in range(n) if indegree[i] == 0]
    head = 0
    while head < len(order):
        node = order[head]
        head += 1
        for nxt in succs[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                order.append(nxt)
    if len(order) == n:
        return order
    # Every node left has a predecessor that is also left: walk back until one repeats.
    node = next(i for i in range(n) if indegree[i] > 0)
    seen: dict[int, int] = {}
    walk: list[int] = []
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = next(p for p in preds_of[node] if indegree[p] > 0)
    loop = walk[seen[node] :]
    loop.reverse()
    raise CycleError([ids[i] for i in loop])


def compile_network(network: Network) -> CompiledNetwork:
    """Validate ``network`` and compile it for the scheduling passes.

    Parameters
    ----------
    network : Network
        The plan to compile.

    Returns
    -------
    CompiledNetwork
        Flat lists indexed by task position, with a topological order.

    Raises
    ------
    ValidationError
        Negative durations, percentages outside 0-100, constraints without dates.
    UnknownReferenceError
        A dependency, parent or calendar that names nothing.
    CycleError
        Dependencies or WBS parents that loop.
    """
    tasks = network.tasks
    calendars = _calendars(network)
    index = _validate_tasks(tasks, calendars)
    n = len(tasks)
    ids = [t.id for t in tasks]
    unknown = sorted(
        {
            name
            for dep in network.dependencies
            for name in (dep.predecessor, dep.successor)
            if name not in index
        }
    )
    if unknown:
        raise UnknownReferenceError(
            "Dependencies name tasks that do not exist: " + ", ".join(unknown) + ".",
            details={"unknown": unknown},
        )
    parent = [index[t.parent] if t.parent is not None else -1 for t in tasks]
    try:
        _check_wbs(parent)
    except _WbsCycle as loop:
        raise CycleError([ids[i] for i in reversed(loop.loop)], what="WBS parent") from None
    children: list[list[int]] = [[] for _ in range(n)]
    for i, p in enumerate(parent):
        if p >= 0:
            children[p].append(i)
    summary = [bool(c) for c in children]

    axes: list[TimeAxis] = [CONTINUOUS]
    axis_slot: dict[str, int] = {}
    axis_id = [0] * n
    for i, task in enumerate(tasks):
        if task.elapsed:
            continue
        name = task.calendar or network.calendar
        slot = axis_slot.get(name)
        if slot is None:
            slot = axis_slot[name] = len(axes)
            axes.append(axis_for(calendars[name]))
        axis_id[i] = slot
    axis = [axes[a] for a in axis_id]

    leaves_cache: dict[int, list[int]] = {}

    def leaves(node: int) -> list[int]:
        found = leaves_cache.get(node)
        if found is None:
            found = []
            stack = [node]
            while stack:
                item = stack.pop()
                if summary[item]:
                    stack.extend(reversed(children[item]))
                else:
                    found.append(item)
            leaves_cache[node] = found
        return found

    def ancestors(node: int) -> set[int]:
        found: set[int] = set()
        node = parent[node]
        while node >= 0:
            found.add(node)
            node = parent[node]
        return found

    link_pred: list[int] = []
    link_succ: list[int] = []
    link_type: list[int] = []
    link_lag: list[int] = []
    link_percent: list[float | None] = []
    for dep in network.dependencies:
        p, s = index[dep.predecessor], index[dep.successor]
        if p == s:
            raise CycleError([dep.predecessor])
        if (summary[p] and p in ancestors(s)) or (summary[s] and s in ancestors(p)):
            raise CycleError([dep.predecessor, dep.successor])
        code = _LINK_CODES[DependencyType(dep.type)]
        percent = None if dep.lag_percent is None else float(dep.lag_percent)
        for target in leaves(s) if summary[s] else (s,):
            link_pred.append(p)
            link_succ.append(target)
            link_type.append(code)
            link_lag.append(int(dep.lag))
            link_percent.append(percent)

    in_links: list[list[int]] = [[] for _ in range(n)]
    out_links: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    preds_of: list[list[int]] = [[] for _ in range(n)]
    for k, (p, s) in enumerate(zip(link_pred, link_succ, strict=True)):
        in_links[s].append(k)
        out_links[p].append(k)
        succs[p].append(s)
        preds_of[s].append(p)
    for child, p in enumerate(parent):
        if p >= 0:
            succs[child].append(p)
            preds_of[p].append(child)
    order = _topological_order(n, succs, preds_of, ids)

    def minutes(value: datetime | None) -> int | None:
        return None if value is None else to_minutes(value)

    return CompiledNetwork(
        network=network,
        ids=ids,
        index=index,
        tasks=tasks,
        duration=[t.duration for t in tasks],
        summary=summary,
        children=children,
        axis=axis,
        axes=axes,
        axis_id=axis_id,
        constraint=[_CONSTRAINT_CODES[ConstraintType(t.constraint.type)] for t in tasks],
        constraint_at=[minutes(t.constraint.date) for t in tasks],
        deadline=[minutes(t.deadline) for t in tasks],
        actual_start=[minutes(t.actual_start) for t in tasks],
        actual_finish=[minutes(t.actual_finish) for t in tasks],
        link_pred=link_pred,
        link_succ=link_succ,
        link_type=link_type,
        link_lag=link_lag,
        link_percent=link_percent,
        in_links=in_links,
        out_links=out_links,
        order=order,
        start=to_minutes(network.start),
        status=minutes(network.status_date),
    )
