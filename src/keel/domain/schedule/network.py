"""Check a ``Network`` and compile it into flat lists the scheduling passes can run over.

Compilation validates every rule that does not need dates (durations, percentages,
references, WBS and dependency cycles), expands links onto summary tasks to the summary's
work tasks, and computes one topological order with Kahn's algorithm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from keel.domain.errors import CycleError, UnknownReferenceError, ValidationError
from keel.domain.schedule.calendar import (
    CONTINUOUS,
    TimeAxis,
    WorkingCalendar,
    axis_for,
    standard_calendar,
    to_minutes,
)
from keel.domain.schedule.model import ConstraintType, Dependency, DependencyType, Network, Task

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
_LINK_CODES: dict[str, int] = {DependencyType.FS: FS, DependencyType.SS: SS, DependencyType.FF: FF,
               DependencyType.SF: SF}  # fmt: skip
ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO, MFO = range(8)
_CONSTRAINT_CODES: dict[str, int] = {
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
    under it. Adjacency is stored compressed (CSR): the predecessors of task ``j`` over plain
    links (FS, no lag) are ``fs_pred[fs_pred_ptr[j]:fs_pred_ptr[j + 1]]``, so the passes can
    take a maximum without a Python-level loop; every other link is listed by its index into
    the ``link_*`` lists in ``in_link``/``out_link`` the same way.
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
    special: list[bool]
    inherited_start: dict[int, int]
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
    plain: list[bool]
    fs_pred: list[int]
    fs_pred_ptr: list[int]
    fs_pred_link: list[int]
    fs_succ: list[int]
    fs_succ_ptr: list[int]
    in_link: list[int]
    in_link_ptr: list[int]
    out_link: list[int]
    out_link_ptr: list[int]
    order: list[int]
    position: list[int]
    summary_order: list[int]
    work_tasks: list[int]
    alap: list[int]
    with_deadline: list[int]
    start: int
    status: int | None
    arrays: dict[str, npt.NDArray[np.int64]]
    # Levelling delay per task (working minutes); ``delayed`` says whether any is non-zero.
    delay: list[int]
    delayed: bool


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


def _validate_tasks(
    tasks: Sequence[Task], ids: list[str], calendars: Mapping[str, object]
) -> dict[str, int]:
    index = {task_id: i for i, task_id in enumerate(ids)}
    if len(index) != len(ids) or "" in index:
        seen: set[str] = set()
        for position, task_id in enumerate(ids):
            if not task_id:
                raise ValidationError(f"Task number {position + 1} has an empty id.")
            if task_id in seen:
                raise ValidationError(f"Task id {task_id!r} is used twice; ids must be unique.")
            seen.add(task_id)
    durations = [t.duration for t in tasks]
    delays = [t.levelling_delay for t in tasks]
    if delays and min(delays) < 0:
        task = tasks[delays.index(min(delays))]
        raise ValidationError(
            f"Task {task.id!r} has a negative levelling delay ({task.levelling_delay} "
            "minutes); it must be zero or more."
        )
    if durations and min(durations) < 0:
        task = tasks[durations.index(min(durations))]
        raise ValidationError(
            f"Task {task.id!r} has a negative duration ({task.duration} minutes); "
            "durations must be zero or more."
        )
    percents = [t.percent_complete for t in tasks]
    if percents and not 0 <= min(percents) <= max(percents) <= 100:
        task = next(t for t in tasks if not 0 <= t.percent_complete <= 100)
        raise ValidationError(
            f"Task {task.id!r} is {task.percent_complete}% complete; "
            "percent complete must be between 0 and 100."
        )
    unknown: list[str] = []
    named_parents = {t.parent for t in tasks}
    named_calendars = {t.calendar for t in tasks}
    if (
        not (named_parents - {None}) <= index.keys()
        or not (named_calendars - {None}) <= calendars.keys()
    ):
        for task in tasks:
            if task.parent is not None and task.parent not in index:
                unknown.append(f"parent {task.parent!r} of task {task.id!r}")
            if task.calendar is not None and task.calendar not in calendars:
                unknown.append(f"calendar {task.calendar!r} of task {task.id!r}")
    if unknown:
        raise UnknownReferenceError(
            "Unknown references: " + "; ".join(unknown) + ".", details={"unknown": unknown}
        )
    return index


def _validate_special(task: Task) -> None:
    """Check the rarer fields; only tasks with constraints or progress get here."""
    label = f"Task {task.id!r}"
    if task.remaining is not None and task.remaining < 0:
        raise ValidationError(f"{label} has negative remaining work ({task.remaining} minutes).")
    kind = task.constraint.type
    if kind not in (ConstraintType.ASAP, ConstraintType.ALAP) and task.constraint.date is None:
        raise ValidationError(f"{label} has a {kind} constraint without a date.")
    start, finish = task.actual_start, task.actual_finish
    if start is not None and finish is not None and finish < start:
        raise ValidationError(f"{label} has an actual finish before its actual start.")


def _inherited_start(
    tasks: Sequence[Task],
    ctype: list[int],
    parent: list[int],
    summary: list[bool],
    children: list[list[int]],
) -> dict[int, int]:
    """Start-no-earlier dates that summary tasks (SNET or MSO) pass down to their work."""
    found: dict[int, int] = {}
    for s, kind in enumerate(ctype):
        if not summary[s] or kind not in (SNET, MSO):
            continue
        when = tasks[s].constraint.date
        if when is None:
            continue
        at = to_minutes(when)
        stack = list(children[s])
        while stack:
            item = stack.pop()
            if summary[item]:
                stack.extend(children[item])
            elif found.get(item, at - 1) < at:
                found[item] = at
    return found


def _check_wbs(parent: list[int], ids: list[str]) -> None:
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
            raise CycleError([ids[i] for i in _rotate(loop[::-1])], what="WBS parent")
        for item in walk:
            state[item] = 2


def _csr(
    keys: npt.NDArray[np.int64], values: npt.NDArray[np.int64], n: int
) -> tuple[list[int], list[int]]:
    """Group ``values`` by ``keys`` (0..n-1): a flat list and n + 1 start pointers."""
    order = np.argsort(keys, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    flat: list[int] = values[order].tolist()
    pointers: list[int] = ptr.tolist()
    return flat, pointers


def _outline_order(
    parent: list[int],
    children: list[list[int]],
    tails: npt.NDArray[np.int64],
    heads: npt.NDArray[np.int64],
) -> list[int] | None:
    """The plan's own outline order with each summary after its children, if it is already
    topological (as in most plans, whose links point down the list); else None.

    Checking costs one vectorised comparison, far less than Kahn's algorithm.
    """
    n = len(parent)
    if any(children):
        order: list[int] = []
        stack = [(root, False) for root in reversed(range(n)) if parent[root] < 0]
        while stack:
            node, expanded = stack.pop()
            kids = children[node]
            if expanded or not kids:
                order.append(node)
            else:
                stack.append((node, True))
                stack.extend([(c, False) for c in reversed(kids)])
        if len(order) != n:  # tasks in a WBS loop are not reachable from a root
            return None
    else:
        order = list(range(n))
    position = np.empty(n, dtype=np.int64)
    position[np.asarray(order, dtype=np.int64)] = np.arange(n, dtype=np.int64)
    if tails.size and not bool(np.all(position[tails] < position[heads])):
        return None
    return order


def _topological_order(
    n: int, tails: npt.NDArray[np.int64], heads: npt.NDArray[np.int64], ids: list[str]
) -> list[int]:
    """Kahn's algorithm over edges ``tails[e] -> heads[e]``; a cycle raises ``CycleError``."""
    succ, ptr = _csr(tails, heads, n)
    indegree: list[int] = np.bincount(heads, minlength=n).tolist()
    order = [i for i in range(n) if not indegree[i]]
    for node in order:  # the list grows while it is walked: Kahn's queue
        for nxt in succ[ptr[node] : ptr[node + 1]]:
            indegree[nxt] -= 1
            if not indegree[nxt]:
                order.append(nxt)
    if len(order) == n:
        return order
    # Every node left has a predecessor that is also left: walk back until one repeats.
    pred, pptr = _csr(heads, tails, n)
    node = next(i for i in range(n) if indegree[i] > 0)
    seen: dict[int, int] = {}
    walk: list[int] = []
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = next(p for p in pred[pptr[node] : pptr[node + 1]] if indegree[p] > 0)
    loop = walk[seen[node] :]
    loop.reverse()
    raise CycleError([ids[i] for i in _rotate(loop)])


def _rotate(loop: list[int]) -> list[int]:
    """Start a cycle at its member listed first in the input, so messages are stable."""
    first = loop.index(min(loop))
    return loop[first:] + loop[:first]


def _codes(values: list[str], codes: Mapping[str, int], what: str) -> list[int]:
    try:
        return [codes[v] for v in values]
    except KeyError:
        bad = sorted({str(v) for v in values if v not in codes})
        raise ValidationError(
            f"Unknown {what}: {', '.join(bad)}; use one of {', '.join(codes)}."
        ) from None


def _minutes(value: datetime | None) -> int | None:
    return None if value is None else to_minutes(value)


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
    ids = [t.id for t in tasks]
    index = _validate_tasks(tasks, ids, calendars)
    n = len(tasks)
    constraints = [t.constraint for t in tasks]
    ctype = _codes([c.type for c in constraints], _CONSTRAINT_CODES, "constraint type")
    special = [
        c != ASAP or t.percent_complete > 0 or t.actual_start is not None
        or t.actual_finish is not None or t.deadline is not None
        for c, t in zip(ctype, tasks, strict=True)
    ]  # fmt: skip
    special_ids = [i for i, flag in enumerate(special) if flag]
    constraint_at: list[int | None] = [None] * n
    deadline: list[int | None] = [None] * n
    actual_start: list[int | None] = [None] * n
    actual_finish: list[int | None] = [None] * n
    for i in special_ids:
        task = tasks[i]
        _validate_special(task)
        constraint_at[i] = _minutes(task.constraint.date)
        deadline[i] = _minutes(task.deadline)
        actual_start[i] = _minutes(task.actual_start)
        actual_finish[i] = _minutes(task.actual_finish)

    deps = network.dependencies
    get = index.get
    lpred = [get(d.predecessor, -1) for d in deps]
    lsucc = [get(d.successor, -1) for d in deps]
    if -1 in lpred or -1 in lsucc:
        unknown = sorted(
            {name for d in deps for name in (d.predecessor, d.successor) if name not in index}
        )
        raise UnknownReferenceError(
            "Dependencies name tasks that do not exist: " + ", ".join(unknown) + ".",
            details={"unknown": unknown},
        )
    parent = [-1 if t.parent is None else index[t.parent] for t in tasks]
    summary_links = False
    children: list[list[int]] = [[] for _ in range(n)]
    for i, p in enumerate(parent):
        if p >= 0:
            children[p].append(i)
    summary = [bool(c) for c in children]

    inherited_start: dict[int, int] = {}
    if any(summary[s] and ctype[s] in (SNET, MSO) for s in range(n)):
        _check_wbs(parent, ids)  # the walk down the WBS needs a tree
        inherited_start = _inherited_start(tasks, ctype, parent, summary, children)
    for j in inherited_start:
        special[j] = True

    axes: list[TimeAxis] = [CONTINUOUS]
    axis_slot: dict[str | None, int] = {}
    for name in sorted({t.calendar for t in tasks}, key=lambda c: c or ""):
        axis_slot[name] = len(axes)
        axes.append(axis_for(calendars[name or network.calendar]))
    axis_id = [0 if t.elapsed else axis_slot[t.calendar] for t in tasks]
    axis = [axes[a] for a in axis_id]

    ltype = _codes([d.type for d in deps], _LINK_CODES, "dependency type")
    llag = [d.lag for d in deps]
    lpct: list[float | None] = [d.lag_percent for d in deps]
    for p, s, d in zip(lpred, lsucc, deps, strict=True):
        if p == s:
            raise CycleError([d.predecessor])
    if any(summary[p] or summary[s] for p, s in zip(lpred, lsucc, strict=True)):
        summary_links = True
        _check_wbs(parent, ids)  # the expansion walks the WBS, so it must be a tree first
        lpred, lsucc, ltype, llag, lpct = _expand_summary_links(
            deps, lpred, lsucc, ltype, llag, lpct, parent, children, summary
        )

    pred_a = np.asarray(lpred, dtype=np.int64)
    succ_a = np.asarray(lsucc, dtype=np.int64)
    # A plain link is FS without lag: the passes take those with one max()/min() call.
    plain_a = (np.asarray(ltype, dtype=np.int64) == FS) & (np.asarray(llag, dtype=np.int64) == 0)
    if lpct.count(None) != len(lpct):
        plain_a &= np.asarray([pct is None for pct in lpct], dtype=bool)
    plain: list[bool] = plain_a.tolist()
    link_ids = np.arange(len(lpred), dtype=np.int64)
    fs_pred, fs_pred_ptr = _csr(succ_a[plain_a], pred_a[plain_a], n)
    fs_pred_link, _ = _csr(succ_a[plain_a], link_ids[plain_a], n)
    fs_succ, fs_succ_ptr = _csr(pred_a[plain_a], succ_a[plain_a], n)
    in_link, in_link_ptr = _csr(succ_a[~plain_a], link_ids[~plain_a], n)
    out_link, out_link_ptr = _csr(pred_a[~plain_a], link_ids[~plain_a], n)
    parent_a = np.asarray(parent, dtype=np.int64)
    kids = np.flatnonzero(parent_a >= 0)
    tails = np.concatenate([pred_a, kids])
    heads = np.concatenate([succ_a, parent_a[kids]])
    try:
        order = _outline_order(parent, children, tails, heads)
        if order is None:
            order = _topological_order(n, tails, heads, ids)
    except CycleError:
        if not summary_links:
            _check_wbs(parent, ids)  # a WBS loop is reported as such, not as a link loop
        raise

    position_a = np.empty(n, dtype=np.int64)
    position_a[np.asarray(order, dtype=np.int64)] = np.arange(n, dtype=np.int64)
    position: list[int] = position_a.tolist()
    delay = [t.levelling_delay for t in tasks]
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
        special=special,
        inherited_start=inherited_start,
        constraint=ctype,
        constraint_at=constraint_at,
        deadline=deadline,
        actual_start=actual_start,
        actual_finish=actual_finish,
        link_pred=lpred,
        link_succ=lsucc,
        link_type=ltype,
        link_lag=llag,
        link_percent=lpct,
        plain=plain,
        fs_pred=fs_pred,
        fs_pred_ptr=fs_pred_ptr,
        fs_pred_link=fs_pred_link,
        fs_succ=fs_succ,
        fs_succ_ptr=fs_succ_ptr,
        in_link=in_link,
        in_link_ptr=in_link_ptr,
        out_link=out_link,
        out_link_ptr=out_link_ptr,
        order=order,
        position=position,
        summary_order=[j for j in order if summary[j]],
        work_tasks=[j for j in range(n) if not summary[j]],
        alap=[j for j in special_ids if ctype[j] == ALAP and not summary[j]],
        with_deadline=[j for j in special_ids if deadline[j] is not None],
        start=to_minutes(network.start),
        status=_minutes(network.status_date),
        arrays={
            "axis_id": np.asarray(axis_id, dtype=np.int64),
            "summary": np.asarray(summary, dtype=np.int64),
            "link_pred": pred_a,
            "link_succ": succ_a,
            "plain": plain_a.astype(np.int64),
            "position": position_a,
            "delay": np.asarray(delay, dtype=np.int64),
        },
        delay=delay,
        delayed=any(delay),
    )


def _expand_summary_links(
    deps: Sequence[Dependency],
    lpred: list[int],
    lsucc: list[int],
    ltype: list[int],
    llag: list[int],
    lpct: list[float | None],
    parent: list[int],
    children: list[list[int]],
    summary: list[bool],
) -> tuple[list[int], list[int], list[int], list[int], list[float | None]]:
    """Replace each link onto a summary task by one link onto each work task under it."""
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

    def is_ancestor(node: int, of: int) -> bool:
        of = parent[of]
        while of >= 0:
            if of == node:
                return True
            of = parent[of]
        return False

    pred: list[int] = []
    succ: list[int] = []
    kind: list[int] = []
    lag: list[int] = []
    pct: list[float | None] = []
    for k, (p, s) in enumerate(zip(lpred, lsucc, strict=True)):
        if (summary[p] and is_ancestor(p, s)) or (summary[s] and is_ancestor(s, p)):
            raise CycleError([deps[k].predecessor, deps[k].successor])
        for target in leaves(s) if summary[s] else (s,):
            pred.append(p)
            succ.append(target)
            kind.append(ltype[k])
            lag.append(llag[k])
            pct.append(lpct[k])
    return pred, succ, kind, lag, pct
