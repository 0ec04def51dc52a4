"""Critical path method: forward and backward passes, floats and the critical path.

The passes follow Microsoft Project's documented behaviour with "honor constraint dates":
hard constraints (MSO, MFO, SNLT, FNLT) win over links in the forward pass and show up as
negative total float; deadlines only ever lower late dates. All arithmetic runs on integer
minutes on each task's compiled ``TimeAxis``; dataclasses are built once, at the end.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from keel.domain.errors import ValidationError
from keel.domain.schedule.calendar import from_minutes
from keel.domain.schedule.model import Network, Schedule, TaskSchedule
from keel.domain.schedule.network import (
    ALAP,
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

__all__ = ["Passes", "run_passes", "schedule"]

_FAR_PAST = -(1 << 60)
_FAR_FUTURE = 1 << 60
_NOT_STARTED, _IN_PROGRESS, _COMPLETE = 0, 1, 2


class Passes:
    """The raw results of the passes, in minutes since the epoch, indexed like the network."""

    __slots__ = (
        "driver",
        "early_finish",
        "early_start",
        "finish",
        "free_float",
        "lag",
        "late_finish",
        "late_start",
        "link_candidate",
        "project_finish",
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
        self.state = [_NOT_STARTED] * n
        self.work = [0] * n
        self.lag = [0] * links
        self.link_candidate = [0] * links
        self.total_float: npt.NDArray[np.int64] = np.zeros(n, dtype=np.int64)
        self.free_float: npt.NDArray[np.int64] = np.zeros(n, dtype=np.int64)
        self.project_finish = 0
        self.warnings: list[str] = []


def _forward(net: CompiledNetwork, out: Passes) -> None:
    es, ef, drv, work = out.early_start, out.early_finish, out.driver, out.work
    lag_of, cand_of = out.lag, out.link_candidate
    dur, axis, summary, children = net.duration, net.axis, net.summary, net.children
    ctype, cdate = net.constraint, net.constraint_at
    act_s, act_f = net.actual_start, net.actual_finish
    lpred, ltype, llag, lpct = net.link_pred, net.link_type, net.link_lag, net.link_percent
    in_links = net.in_links
    tasks = net.tasks
    project_start, status = net.start, net.status
    ids = net.ids
    warnings = out.warnings

    for j in net.order:
        if summary[j]:
            kids = children[j]
            es[j] = min(es[c] for c in kids)
            ef[j] = max(ef[c] for c in kids)
            ax = axis[j]
            work[j] = ax.offset(ef[j]) - ax.offset(es[j])
            continue
        ax = axis[j]
        d = dur[j]
        best = _FAR_PAST
        driver = -1
        for k in in_links[j]:
            i = lpred[k]
            kind = ltype[k]
            c = ef[i] if kind in (FS, FF) else es[i]
            percent = lpct[k]
            lag = llag[k] if percent is None else round(work[i] * percent / 100)
            lag_of[k] = lag
            if lag:
                c = ax.at_finish(ax.offset(c) + lag)
            if kind >= FF:  # finish-type link: the candidate is a finish; step back to a start
                c = ax.at_start(ax.offset(c) - d) if d else c
            cand_of[k] = c
            if c > best:
                best, driver = c, i
        if project_start > best:
            best, driver = project_start, -1
        task = tasks[j]
        started, finished = act_s[j], act_f[j]
        percent_done = task.percent_complete
        if finished is not None or started is not None or percent_done > 0:
            _progress(net, out, j, best, driver)
            continue
        kind = ctype[j]
        at = cdate[j]
        hard_from_links = best
        if kind == SNET and at is not None and at > best:
            best, driver = at, -1
        elif kind == FNET and at is not None:
            s = ax.at_start(ax.offset(at) - d) if d else at
            if s > best:
                best, driver = s, -1
        if status is not None and status > best:
            best, driver = status, -1
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
            if target != best:
                driver = -1
            if hard_from_links > target and d and ax.offset(hard_from_links) > ax.offset(target):
                warnings.append(
                    f"Task {ids[j]!r}: its {task.constraint.type} constraint on "
                    f"{task.constraint.date} holds it earlier than its predecessors allow."
                )
            best = target
        if d:
            w = ax.offset(best)
            es[j] = ax.at_start(w)
            ef[j] = ax.at_finish(w + d)
        else:
            if driver == -1 and best == project_start:
                best = ax.at_start(ax.offset(best))
            es[j] = ef[j] = best
        drv[j] = driver
        work[j] = d


def _progress(net: CompiledNetwork, out: Passes, j: int, best: int, driver: int) -> None:
    """Place a task that has progress: done work stays put, the rest follows the status date."""
    ax = net.axis[j]
    d = net.duration[j]
    task = net.tasks[j]
    started, finished, status = net.actual_start[j], net.actual_finish[j], net.status
    if started is None:
        started = ax.at_start(ax.offset(best)) if d else best
    else:
        driver = -1
    if finished is not None:
        out.early_start[j], out.early_finish[j] = started, finished
        out.state[j] = _COMPLETE
        out.work[j] = ax.offset(finished) - ax.offset(started)
        out.driver[j] = driver
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
    out.driver[j] = driver


def _backward(net: CompiledNetwork, out: Passes) -> None:
    es, ef, ls, lf, state = (
        out.early_start,
        out.early_finish,
        out.late_start,
        out.late_finish,
        out.state,
    )
    lag_of = out.lag
    dur, axis, summary, children = net.duration, net.axis, net.summary, net.children
    ctype, cdate, deadline = net.constraint, net.constraint_at, net.deadline
    lsucc, ltype = net.link_succ, net.link_type
    out_links = net.out_links
    n = len(dur)
    cap_finish = [_FAR_FUTURE] * n
    cap_start = [_FAR_FUTURE] * n
    finish_all = max((ef[i] for i in range(n) if not summary[i]), default=net.start)
    out.project_finish = finish_all

    for j in reversed(net.order):
        ax = axis[j]
        lf_bound = min(finish_all, cap_finish[j])
        ls_bound = cap_start[j]
        for k in out_links[j]:
            s = lsucc[k]
            kind = ltype[k]
            sax = axis[s]
            c = ls[s] if kind in (FS, SS) else lf[s]
            lag = lag_of[k]
            if lag:
                c = sax.at_finish(sax.offset(c) - lag)
            if kind in (FS, FF):
                if c < lf_bound:
                    lf_bound = c
            elif c < ls_bound:
                ls_bound = c
        at = cdate[j]
        kind = ctype[j]
        if at is not None:
            if kind in (MSO, SNLT):
                ls_bound = min(ls_bound, at)
            elif kind in (MFO, FNLT):
                lf_bound = min(lf_bound, at)
        due = deadline[j]
        if due is not None and due < lf_bound:
            lf_bound = due
        if summary[j]:
            wes = ax.offset(es[j])
            for c in children[j]:
                if lf_bound < cap_finish[c]:
                    cap_finish[c] = lf_bound
                if ls_bound < _FAR_FUTURE:
                    cax = axis[c]
                    shifted = cax.at_start(cax.offset(ls_bound) + cax.offset(es[c]) - wes)
                    if shifted < cap_start[c]:
                        cap_start[c] = shifted
            continue
        if state[j] == _COMPLETE:
            ls[j], lf[j] = es[j], ef[j]
            continue
        d = dur[j] if state[j] == _NOT_STARTED else out.work[j]
        if ls_bound < _FAR_FUTURE:
            from_start = ax.at_finish(ax.offset(ls_bound) + d) if d else ls_bound
            if from_start < lf_bound:
                lf_bound = from_start
        if d:
            w = ax.offset(lf_bound)
            lf[j] = ax.at_finish(w)
            ls[j] = es[j] if state[j] == _IN_PROGRESS else ax.at_start(w - d)
        else:
            ls[j] = lf[j] = lf_bound

    for j in net.order:  # children come before their summary in this order
        if summary[j]:
            kids = children[j]
            ls[j] = min(ls[c] for c in kids)
            lf[j] = max(lf[c] for c in kids)


def _floats(net: CompiledNetwork, out: Passes) -> None:
    n = len(net.ids)
    es = np.asarray(out.early_start, dtype=np.int64)
    ef = np.asarray(out.early_finish, dtype=np.int64)
    ls = np.asarray(out.late_start, dtype=np.int64)
    lf = np.asarray(out.late_finish, dtype=np.int64)
    axis_id = np.asarray(net.axis_id, dtype=np.int64)
    summary = np.asarray(net.summary, dtype=bool)
    state = np.asarray(out.state, dtype=np.int64)
    total = np.zeros(n, dtype=np.int64)
    es_off = np.zeros(n, dtype=np.int64)
    for a, ax in enumerate(net.axes):
        members = np.flatnonzero(axis_id == a)
        if not members.size:
            continue
        start_slack = ax.offsets(ls[members]) - ax.offsets(es[members])
        finish_slack = ax.offsets(lf[members]) - ax.offsets(ef[members])
        es_off[members] = ax.offsets(es[members])
        total[members] = np.where(
            summary[members] | (state[members] == _IN_PROGRESS),
            finish_slack,
            np.minimum(start_slack, finish_slack),
        )
    total[state == _COMPLETE] = 0
    free = total.copy()
    if net.link_pred:
        pred = np.asarray(net.link_pred, dtype=np.int64)
        succ = np.asarray(net.link_succ, dtype=np.int64)
        cand = np.asarray(out.link_candidate, dtype=np.int64)
        slack = np.zeros(len(pred), dtype=np.int64)
        succ_axis = axis_id[succ]
        for a, ax in enumerate(net.axes):
            members = np.flatnonzero(succ_axis == a)
            if members.size:
                slack[members] = es_off[succ[members]] - ax.offsets(cand[members])
        np.minimum.at(free, pred, slack)
    free = np.maximum(free, 0)
    free[state == _COMPLETE] = 0
    out.total_float = total
    out.free_float = free


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
    _forward(net, out)
    _backward(net, out)
    _floats(net, out)
    start, finish = out.start, out.finish
    es, ef, ls, lf = out.early_start, out.early_finish, out.late_start, out.late_finish
    alap = [
        i
        for i, kind in enumerate(net.constraint)
        if kind == ALAP and out.state[i] == _NOT_STARTED and not net.summary[i]
    ]
    start[:] = es
    finish[:] = ef
    for i in alap:
        start[i], finish[i] = ls[i], lf[i]
    for j in net.order:
        if net.summary[j]:
            kids = net.children[j]
            start[j] = min(start[c] for c in kids)
            finish[j] = max(finish[c] for c in kids)
    for j, due in enumerate(net.deadline):
        if due is not None and finish[j] > due:
            out.warnings.append(
                f"Task {net.ids[j]!r} finishes on {from_minutes(finish[j])}, after its "
                f"deadline {from_minutes(due)}."
            )
    return out


def _datetimes(values: list[int]) -> list[datetime]:
    array = np.asarray(values, dtype=np.int64).astype("datetime64[m]")
    result: list[datetime] = array.astype(object).tolist()
    return result


def build_schedule(net: CompiledNetwork, out: Passes, near_critical: int) -> Schedule:
    """Turn raw pass results into the ``Schedule`` dataclasses."""
    ids = net.ids
    n = len(ids)
    critical = (out.total_float <= near_critical) & (
        np.asarray(out.state, dtype=np.int64) != _COMPLETE
    )
    total = out.total_float.tolist()
    free = out.free_float.tolist()
    crit = critical.tolist()
    start, finish = _datetimes(out.start), _datetimes(out.finish)
    es, ef = _datetimes(out.early_start), _datetimes(out.early_finish)
    ls, lf = _datetimes(out.late_start), _datetimes(out.late_finish)
    drivers = [ids[d] if d >= 0 else None for d in out.driver]
    summary = net.summary
    work = out.work
    tasks = net.tasks
    result = {
        ids[i]: TaskSchedule(
            ids[i],
            start[i],
            finish[i],
            es[i],
            ef[i],
            ls[i],
            lf[i],
            total[i],
            free[i],
            crit[i],
            drivers[i],
            summary[i],
            tasks[i].milestone or (work[i] == 0 and not summary[i]),
            work[i],
        )
        for i in range(n)
    }
    position = {j: p for p, j in enumerate(net.order)}
    path = sorted(
        (i for i in range(n) if crit[i] and not summary[i]),
        key=lambda i: (out.early_start[i], position[i]),
    )
    work_tasks = [i for i in range(n) if not summary[i]]
    first = min((out.start[i] for i in work_tasks), default=net.start)
    last = max((out.finish[i] for i in work_tasks), default=net.start)
    return Schedule(
        tasks=result,
        start=from_minutes(first),
        finish=from_minutes(last),
        critical_path=tuple(ids[i] for i in path),
        status_date=net.network.status_date,
        warnings=tuple(out.warnings),
    )


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
    compiled = compile_network(network)
    passes = run_passes(compiled)
    return build_schedule(compiled, passes, near_critical)
