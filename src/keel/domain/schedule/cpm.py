"""Critical path method: forward and backward passes, floats and the critical path.

The passes follow Microsoft Project's documented behaviour with "honor constraint dates":
hard constraints (MSO, MFO, SNLT, FNLT) win over links in the forward pass and show up as
negative total float; deadlines only ever lower late dates. All arithmetic runs on integer
minutes on each task's compiled ``TimeAxis``; dataclasses are built once, at the end.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from keel.domain.errors import ValidationError
from keel.domain.schedule.calendar import from_minutes
from keel.domain.schedule.model import Network, Schedule
from keel.domain.schedule.network import (
    FF,
    FNET,
    FNLT,
    FS,
    MFO,
    MSO,
    SNET,
    SNLT,
    SS,
    CompiledNetwork,
    compile_network,
)
from keel.domain.schedule.result import TaskTable

__all__ = [
    "Passes",
    "backward_pass",
    "build_schedule",
    "complete_mask",
    "finish_up",
    "float_pass",
    "forward_pass",
    "late_rollup",
    "milestone_flags",
    "project_finish",
    "run_passes",
    "schedule",
]

_FAR_PAST = -(1 << 60)
_FAR_FUTURE = 1 << 60
_NOT_STARTED, _IN_PROGRESS, _COMPLETE = 0, 1, 2


class Passes:
    """The raw results of the passes, in minutes since the epoch, indexed like the network."""

    __slots__ = (
        "caps",
        "constraint_warnings",
        "driver",
        "early_finish",
        "early_start",
        "finish",
        "free_float",
        "lag",
        "late_finish",
        "late_start",
        "link_candidate",
        "link_slack",
        "pre",
        "project_finish",
        "snapped_start",
        "start",
        "state",
        "total_float",
        "warnings",
        "work",
    )

    def __init__(self, n: int, links: int) -> None:
        self.early_start = [0] * n
        self.early_finish = [0] * n
        self.late_start = [0] * n
        self.late_finish = [0] * n
        self.start = [0] * n
        self.finish = [0] * n
        self.driver = [-1] * n
        self.pre = [_FAR_PAST] * n
        self.state = [_NOT_STARTED] * n
        self.work = [0] * n
        self.lag = [0] * links
        self.link_candidate = [0] * links
        self.total_float: npt.NDArray[np.int64] = np.zeros(n, dtype=np.int64)
        self.free_float: npt.NDArray[np.int64] = np.zeros(n, dtype=np.int64)
        # Per task, the least slack (working minutes) over its outgoing links; free float is
        # this capped by total float, so keeping it lets re-scheduling update free float alone.
        self.link_slack: npt.NDArray[np.int64] = np.full(n, _FAR_FUTURE, dtype=np.int64)
        self.project_finish = 0
        self.warnings: list[str] = []
        self.caps: dict[int, tuple[int, int]] = {}
        self.constraint_warnings: dict[int, str] = {}
        self.snapped_start: dict[int, int] = {}


def forward_pass(net: CompiledNetwork, out: Passes, sequence: Iterable[int]) -> None:
    """Early dates for the tasks of ``sequence`` (a topological order, or part of one)."""
    es, ef, work, pre = out.early_start, out.early_finish, out.work, out.pre
    lag_of, cand_of = out.lag, out.link_candidate
    dur, axis, summary, children = net.duration, net.axis, net.summary, net.children
    special = net.special
    fs_pred, fs_ptr, in_link, in_ptr = net.fs_pred, net.fs_pred_ptr, net.in_link, net.in_link_ptr
    lpred, ltype, llag, lpct = net.link_pred, net.link_type, net.link_lag, net.link_percent
    project_start, status = net.start, net.status
    floor = project_start if status is None or status < project_start else status
    ef_get = ef.__getitem__
    delay = net.delay if net.delayed else None
    snapped_start = out.snapped_start
    if not snapped_start:
        snapped_start.update({id(ax): ax.at_start(ax.offset(project_start)) for ax in net.axes})

    for j in sequence:
        if summary[j]:
            kids = children[j]
            es[j] = first = min([es[c] for c in kids])
            ef[j] = last = max([ef[c] for c in kids])
            ax = axis[j]
            work[j] = ax.offset(last) - ax.offset(first)
            continue
        ax = axis[j]
        d = dur[j]
        preds = fs_pred[fs_ptr[j] : fs_ptr[j + 1]]
        best = max(map(ef_get, preds)) if preds else _FAR_PAST
        lo, hi = in_ptr[j], in_ptr[j + 1]
        finish_at = _FAR_PAST  # the finish a driving FF/SF link asks for, kept as given
        for k in in_link[lo:hi] if lo != hi else ():
            i = lpred[k]
            kind = ltype[k]
            c = ef[i] if kind in (FS, FF) else es[i]
            percent = lpct[k]
            lag = llag[k] if percent is None else round(work[i] * percent / 100)
            lag_of[k] = lag
            if lag:
                c = ax.shift(c, lag)
            raw = _FAR_PAST
            if kind >= FF and d:  # finish-type link: the candidate is a finish; step back
                raw = c
                c = ax.at_start(ax.offset(c) - d)
            cand_of[k] = c
            if c > best:
                best, finish_at = c, raw
            elif c == best and raw != _FAR_PAST:
                finish_at = raw
        pre[j] = best
        if special[j]:
            best = _special_forward(net, out, j, best)
            if best == _DONE:
                continue
        elif floor > best:
            best = floor
        if delay is not None and delay[j]:
            best = ax.at_start(ax.offset(best) + delay[j])
        if d:
            es[j], ef[j] = ax.place(best, d)
            # Microsoft Project shows a finish set by an FF/SF link at the instant the link
            # gives (08:00 Monday after an SF link), not at the end of the previous period.
            if (
                finish_at != _FAR_PAST
                and best == pre[j]
                and finish_at != ef[j]
                and ax.offset(finish_at) == ax.offset(ef[j])
            ):
                ef[j] = finish_at
        else:
            if best == project_start:
                best = snapped_start[id(ax)]
            es[j] = ef[j] = best
        work[j] = d


_DONE = _FAR_PAST - 1


def _special_forward(net: CompiledNetwork, out: Passes, j: int, best: int) -> int:
    """Apply progress and constraints to a task's earliest start; ``_DONE`` if placed."""
    ax = net.axis[j]
    d = net.duration[j]
    task = net.tasks[j]
    status = net.status
    if best < net.start:
        best = net.start
    inherited = net.inherited_start.get(j)
    if inherited is not None and inherited > best:
        best = inherited
    if (
        task.actual_finish is not None
        or task.actual_start is not None
        or (task.percent_complete > 0)
    ):
        _progress(net, out, j, best)
        return _DONE
    kind = net.constraint[j]
    at = net.constraint_at[j]
    from_links = best
    if kind == SNET and at is not None and at > best:
        best = at
    elif kind == FNET and at is not None:
        s = ax.at_start(ax.offset(at) - d) if d else at
        if s > best:
            best = s
    if status is not None and status > best:
        best = status
    if at is not None and kind in (MSO, MFO, SNLT, FNLT):
        if kind == MSO:
            target = at
        elif kind == MFO:
            target = ax.at_start(ax.offset(at) - d) if d else at
        elif kind == SNLT:
            target = min(best, at)
        else:
            limit = ax.at_start(ax.offset(at) - d) if d else at
            target = min(best, limit)
        out.constraint_warnings.pop(j, None)
        if from_links > target and ax.offset(from_links) > ax.offset(target):
            out.constraint_warnings[j] = (
                f"Task {task.id!r}: its {task.constraint.type} constraint on "
                f"{task.constraint.date} holds it earlier than its predecessors allow."
            )
        best = target
    return best


def _progress(net: CompiledNetwork, out: Passes, j: int, best: int) -> None:
    """Place a task that has progress: done work stays put, the rest follows the status date."""
    ax = net.axis[j]
    d = net.duration[j]
    task = net.tasks[j]
    started, finished, status = net.actual_start[j], net.actual_finish[j], net.status
    if started is None:
        started = ax.at_start(ax.offset(best)) if d else best
    else:
        out.pre[j] = _FAR_PAST  # an actual start is driven by nothing
    if finished is not None:
        out.early_start[j], out.early_finish[j] = started, finished
        out.state[j] = _COMPLETE
        out.work[j] = ax.offset(finished) - ax.offset(started)
        return
    remaining = task.remaining
    if remaining is None:
        remaining = round(d * (100 - task.percent_complete) / 100)
    if task.percent_complete >= 100:
        remaining = 0
    done = max(d - remaining, 0)
    stop = ax.at_finish(ax.offset(started) + done) if done else started
    if remaining == 0:
        out.state[j] = _COMPLETE
        finish = stop
    else:
        out.state[j] = _IN_PROGRESS
        resume = stop
        if status is not None and status > resume:
            resume = status
        finish = ax.at_finish(ax.offset(resume) + remaining)
    out.early_start[j], out.early_finish[j] = started, finish
    out.work[j] = done + remaining


def backward_pass(net: CompiledNetwork, out: Passes, sequence: Iterable[int]) -> None:
    """Late dates for the tasks of ``sequence`` (a reversed topological order, or part)."""
    es, ls, lf, state = out.early_start, out.late_start, out.late_finish, out.state
    lag_of = out.lag
    dur, axis, summary = net.duration, net.axis, net.summary
    special = net.special
    fs_succ, fs_ptr = net.fs_succ, net.fs_succ_ptr
    out_link, out_ptr = net.out_link, net.out_link_ptr
    lsucc, ltype = net.link_succ, net.link_type
    caps = out.caps
    finish_all = out.project_finish
    ls_get: Callable[[int], int] = ls.__getitem__
    delay = net.delay if net.delayed else None
    if delay is not None:
        # A successor's levelling delay sits between its predecessors and its start, so a
        # predecessor may finish that much working time before the successor's late start.
        def delayed_ls(s: int) -> int:
            return ls[s] if not delay[s] else axis[s].shift(ls[s], -delay[s])

        ls_get = delayed_ls

    for j in sequence:
        succs = fs_succ[fs_ptr[j] : fs_ptr[j + 1]]
        lf_bound = min(map(ls_get, succs)) if succs else finish_all
        if lf_bound > finish_all:
            lf_bound = finish_all
        ls_bound = _FAR_FUTURE
        lo, hi = out_ptr[j], out_ptr[j + 1]
        for k in out_link[lo:hi] if lo != hi else ():
            s = lsucc[k]
            kind = ltype[k]
            c = ls[s] if kind in (FS, SS) else lf[s]
            lag = lag_of[k]
            if delay is not None:
                lag += delay[s]
            if lag:
                c = axis[s].shift(c, -lag)
            if kind in (FS, FF):
                if c < lf_bound:
                    lf_bound = c
            elif c < ls_bound:
                ls_bound = c
        if special[j] or summary[j] or j in caps:
            lf_bound, ls_bound = _special_backward(net, out, j, lf_bound, ls_bound, caps)
            if lf_bound == _DONE:
                continue
        ax = axis[j]
        d = dur[j] if state[j] == _NOT_STARTED else out.work[j]
        if ls_bound < _FAR_FUTURE:
            from_start = ax.at_finish(ax.offset(ls_bound) + d) if d else ls_bound
            if from_start < lf_bound:
                lf_bound = from_start
        if d:
            ls[j], lf[j] = ax.place_back(lf_bound, d)
            if state[j] == _IN_PROGRESS:
                ls[j] = es[j]
        else:
            ls[j] = lf[j] = lf_bound


def late_rollup(net: CompiledNetwork, out: Passes, only: set[int] | None = None) -> None:
    """Late dates of summary tasks (all, or those in ``only``): their children's span."""
    ls, lf, children = out.late_start, out.late_finish, net.children
    summaries = net.summary_order
    if only is not None:
        summaries = [j for j in summaries if j in only]
    ls_get, lf_get = ls.__getitem__, lf.__getitem__
    for j in summaries:  # children come before their summary in this order
        kids = children[j]
        ls[j] = min(map(ls_get, kids))
        lf[j] = max(map(lf_get, kids))


def _special_backward(
    net: CompiledNetwork,
    out: Passes,
    j: int,
    lf_bound: int,
    ls_bound: int,
    caps: dict[int, tuple[int, int]],
) -> tuple[int, int]:
    """Apply summary caps, constraints, deadlines and progress to a task's late bounds."""
    cap = caps.get(j)
    if cap is not None:
        lf_bound = min(lf_bound, cap[0])
        ls_bound = min(ls_bound, cap[1])
    at = net.constraint_at[j]
    kind = net.constraint[j]
    if at is not None:
        if kind in (MSO, SNLT):
            ls_bound = min(ls_bound, at)
        elif kind in (MFO, FNLT):
            lf_bound = min(lf_bound, at)
    due = net.deadline[j]
    if due is not None and due < lf_bound:
        lf_bound = due
    if net.summary[j]:
        if lf_bound >= out.project_finish and ls_bound == _FAR_FUTURE:
            for c in net.children[j]:  # nothing tighter than the project finish to pass down
                caps.pop(c, None)
            return _DONE, ls_bound
        es, axis = out.early_start, net.axis
        summary_start = axis[j].offset(es[j])
        for c in net.children[j]:
            child_ls = _FAR_FUTURE
            if ls_bound < _FAR_FUTURE:
                cax = axis[c]
                lead = cax.offset(es[c]) - summary_start
                child_ls = cax.at_start(cax.offset(ls_bound) + lead)
            caps[c] = (lf_bound, child_ls)  # a task has one parent: the only source of caps
        return _DONE, ls_bound
    if out.state[j] == _COMPLETE:
        out.late_start[j], out.late_finish[j] = out.early_start[j], out.early_finish[j]
        return _DONE, ls_bound
    return lf_bound, ls_bound


def float_pass(net: CompiledNetwork, out: Passes) -> None:
    """Total float, free float and driving predecessors, vectorised per calendar."""
    n = len(net.ids)
    es = np.asarray(out.early_start, dtype=np.int64)
    ef = np.asarray(out.early_finish, dtype=np.int64)
    ls = np.asarray(out.late_start, dtype=np.int64)
    lf = np.asarray(out.late_finish, dtype=np.int64)
    pre = np.asarray(out.pre, dtype=np.int64)
    axis_id = net.arrays["axis_id"]
    summary = net.arrays["summary"].astype(bool)
    state = np.asarray(out.state, dtype=np.int64)
    total = np.zeros(n, dtype=np.int64)
    es_off = np.zeros(n, dtype=np.int64)
    pre_off = np.zeros(n, dtype=np.int64)
    has_pre = pre > _FAR_PAST
    groups = [(ax, np.flatnonzero(axis_id == a)) for a, ax in enumerate(net.axes)]
    for ax, members in groups:
        if not members.size:
            continue
        es_off[members] = start_off = ax.offsets(es[members])
        finish_slack = ax.offsets(lf[members]) - ax.offsets(ef[members])
        start_slack = ax.offsets(ls[members]) - start_off
        total[members] = np.where(
            summary[members] | (state[members] == _IN_PROGRESS),
            finish_slack,
            np.minimum(start_slack, finish_slack),
        )
        linked = members[has_pre[members]]
        pre_off[linked] = ax.offsets(pre[linked])
    total[state == _COMPLETE] = 0
    link_slack = np.full(n, _FAR_FUTURE, dtype=np.int64)
    driver = np.full(n, -1, dtype=np.int64)
    if net.link_pred:
        pred = net.arrays["link_pred"]
        succ = net.arrays["link_succ"]
        plain = net.arrays["plain"].astype(bool)
        cand = np.where(plain, ef[pred], np.asarray(out.link_candidate, dtype=np.int64))
        slack = np.zeros(len(pred), dtype=np.int64)
        succ_axis = axis_id[succ]
        for a, ax in enumerate(net.axes):
            members = np.flatnonzero(succ_axis == a)
            if members.size:
                slack[members] = es_off[succ[members]] - ax.offsets(cand[members])
        if net.delayed:  # a successor's levelling delay is not slack of the link into it
            slack -= net.arrays["delay"][succ]
        np.minimum.at(link_slack, pred, slack)
        # The driving link is the one with the latest candidate (first listed on ties).
        rank = np.lexsort((np.arange(len(pred)), -cand, succ))
        first = np.ones(len(rank), dtype=bool)
        first[1:] = succ[rank[1:]] != succ[rank[:-1]]
        best_links = rank[first]
        targets = succ[best_links]
        drives = has_pre[targets] & (pre_off[targets] == es_off[targets])
        driver[targets[drives]] = pred[best_links[drives]]
    free = np.maximum(np.minimum(total, link_slack), 0)
    free[state == _COMPLETE] = 0
    out.total_float = total
    out.link_slack = link_slack
    out.free_float = free
    out.driver = driver.tolist()


def run_passes(net: CompiledNetwork) -> Passes:
    """Run the forward pass, backward pass and float calculation on a compiled network.

    Parameters
    ----------
    net : CompiledNetwork
        Output of ``compile_network``.

    Returns
    -------
    Passes
        Early/late/scheduled dates in epoch minutes, floats in working minutes.
    """
    out = Passes(len(net.ids), len(net.link_pred))
    forward_pass(net, out, net.order)
    out.project_finish = project_finish(net, out)
    backward_pass(net, out, reversed(net.order))
    late_rollup(net, out)
    float_pass(net, out)
    finish_up(net, out)
    return out


def project_finish(net: CompiledNetwork, out: Passes) -> int:
    """The latest early finish of any work task (the project start if there are none)."""
    if not net.work_tasks:
        return net.start
    return max(out.early_finish)  # a summary finishes with its latest child


def finish_up(net: CompiledNetwork, out: Passes, only: set[int] | None = None) -> None:
    """Scheduled dates (late ones for ALAP tasks, spans for summaries) and warnings.

    With ``only``, just those tasks (and the summaries among them) are brought up to date.
    """
    start, finish = out.start, out.finish
    es, ef, ls, lf, state = (
        out.early_start,
        out.early_finish,
        out.late_start,
        out.late_finish,
        out.state,
    )
    if only is None:
        start[:] = es
        finish[:] = ef
        alap, summaries = net.alap, net.summary_order
    else:
        for t in only:
            start[t], finish[t] = es[t], ef[t]
        alap = [i for i in net.alap if i in only]
        summaries = [j for j in net.summary_order if j in only]
    for i in alap:
        if state[i] == _NOT_STARTED:
            start[i], finish[i] = ls[i], lf[i]
    # Without ALAP tasks every scheduled date is the early one, summaries' spans included.
    for j in summaries if net.alap else ():
        kids = net.children[j]
        start[j] = min([start[c] for c in kids])
        finish[j] = max([finish[c] for c in kids])
    warnings = [out.constraint_warnings[j] for j in sorted(out.constraint_warnings)]
    for j in net.with_deadline:
        due = net.deadline[j]
        if due is not None and finish[j] > due:
            warnings.append(
                f"Task {net.ids[j]!r} finishes on {from_minutes(finish[j])}, after its "
                f"deadline {from_minutes(due)}."
            )
    out.warnings = warnings


def build_schedule(
    net: CompiledNetwork,
    out: Passes,
    near_critical: int,
    *,
    milestone: list[bool] | None = None,
    drivers: list[str | None] | None = None,
) -> Schedule:
    """Turn raw pass results into a ``Schedule`` (task results are made on first look-up).

    ``milestone`` (per task) and ``drivers`` (driving predecessor ids) may be passed in where
    a caller keeps them up to date itself; they are copied, so it may go on changing them.
    """
    ids = net.ids
    total = out.total_float
    critical_a = (total <= near_critical) & ~complete_mask(out)
    summary = net.summary
    work = out.work.copy()
    milestone = milestone_flags(net, out) if milestone is None else milestone.copy()
    if drivers is None:
        drivers = [None if d < 0 else ids[d] for d in out.driver]
    drivers = drivers.copy()
    on_path = np.flatnonzero(critical_a & (net.arrays["summary"] == 0))
    if on_path.size:
        es = out.early_start
        early = np.asarray([es[i] for i in on_path.tolist()], dtype=np.int64)
        position = net.arrays["position"][on_path]
        path = on_path[np.lexsort((position, early))].tolist()
    else:
        path = []
    start, finish = out.start, out.finish
    # A summary spans its children, so the whole columns give the work tasks' extremes.
    first = min(start) if net.work_tasks else net.start
    last = max(finish) if net.work_tasks else net.start
    columns = (
        start.copy(),
        finish.copy(),
        out.early_start.copy(),
        out.early_finish.copy(),
        out.late_start.copy(),
        out.late_finish.copy(),
        total.tolist(),
        out.free_float.tolist(),
        critical_a.tolist(),
        drivers,
        summary,
        milestone,
        work,
    )
    return Schedule(
        tasks=TaskTable(ids, net.index, columns),
        start=from_minutes(first),
        finish=from_minutes(last),
        critical_path=tuple(ids[i] for i in path),
        status_date=net.network.status_date,
        warnings=tuple(out.warnings),
    )


def complete_mask(out: Passes) -> npt.NDArray[np.bool_]:
    """Per task, whether it is complete."""
    # States are 0-2, so bytes() turns the list into an array in one C loop.
    mask: npt.NDArray[np.bool_] = np.frombuffer(bytes(out.state), dtype=np.uint8) == _COMPLETE
    return mask


def milestone_flags(net: CompiledNetwork, out: Passes) -> list[bool]:
    """Per task, whether it shows as a milestone: marked so, or a work task without work."""
    return [
        t.milestone or (w == 0 and not s)
        for t, w, s in zip(net.tasks, out.work, net.summary, strict=True)
    ]


def schedule(network: Network, *, near_critical: int = 0) -> Schedule:
    """Schedule a network: early and late dates, floats and the critical path.

    Parameters
    ----------
    network : Network
        Tasks, dependencies, calendars, project start and optional status date.
    near_critical : int, optional
        Tasks whose total float is at most this many working minutes are marked critical
        too (default 0: only tasks with zero or negative float).

    Returns
    -------
    Schedule
        One ``TaskSchedule`` per task in input order, the project start and finish, the
        critical tasks ordered by early start, and warnings (missed deadlines, constraints
        that override links).

    Raises
    ------
    ValidationError, UnknownReferenceError, CycleError, CalendarError
        For input the engine refuses; nothing is scheduled then.

    Examples
    --------
    >>> from datetime import datetime
    >>> from keel.domain.schedule import Dependency, Network, Task
    >>> net = Network(
    ...     tasks=(Task("a", duration=480), Task("b", duration=480)),
    ...     dependencies=(Dependency("a", "b"),),
    ...     start=datetime(2025, 3, 3),
    ...     calendars={},
    ... )
    >>> result = schedule(net)
    >>> result.tasks["b"].start, result.finish
    (datetime.datetime(2025, 3, 4, 9, 0), datetime.datetime(2025, 3, 4, 18, 0))
    """
    if near_critical < 0:
        raise ValidationError("near_critical must be zero or a positive number of minutes.")
    collecting = gc.isenabled()
    gc.disable()  # the passes allocate millions of small ints; cyclic GC only slows them
    try:
        compiled = compile_network(network)
        passes = run_passes(compiled)
        return build_schedule(compiled, passes, near_critical)
    finally:
        if collecting:
            gc.enable()
