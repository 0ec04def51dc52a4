"""Incremental re-scheduling: change one task's duration and redo only what it affects.

``Rescheduler`` keeps a compiled network and the raw results of its passes. After a
duration change the forward pass revisits only tasks whose inputs moved (in topological
order, stopping where dates no longer change); the backward pass does the same from the
changed task back to its predecessors. If the project finish moved, every late date moves:
in plans where late dates follow from the finish alone they are shifted by the working time
the finish moved (one vectorised add), otherwise they are recomputed. Floats, free floats and
driving predecessors are updated with array operations over the tasks and links whose dates
moved; total floats of the rest move by the same shift.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from keel.domain.errors import UnknownReferenceError, ValidationError
from keel.domain.schedule.cpm import (
    _COMPLETE,
    _FAR_FUTURE,
    _FAR_PAST,
    _IN_PROGRESS,
    Passes,
    backward_pass,
    build_schedule,
    finish_up,
    float_pass,
    forward_pass,
    late_rollup,
    milestone_flags,
    project_finish,
    run_passes,
)
from keel.domain.schedule.model import Network, Schedule
from keel.domain.schedule.network import CompiledNetwork, compile_network

__all__ = ["Rescheduler"]

_Array = npt.NDArray[np.int64]


class Rescheduler:
    """Schedule a network once, then re-schedule cheaply after duration changes.

    Parameters
    ----------
    network : Network
        The plan; it is validated and compiled once.
    near_critical : int, optional
        As for ``schedule``.

    Examples
    --------
    >>> from datetime import datetime
    >>> from keel.domain.schedule import Dependency, Task
    >>> plan = Network((Task("a", duration=480), Task("b", duration=480)),
    ...                (Dependency("a", "b"),), datetime(2025, 3, 3), {})
    >>> session = Rescheduler(plan)
    >>> session.set_duration("a", 960).tasks["b"].start
    datetime.datetime(2025, 3, 5, 9, 0)
    """

    def __init__(self, network: Network, *, near_critical: int = 0) -> None:
        self._near_critical = near_critical
        collecting = gc.isenabled()
        gc.disable()
        try:
            net = compile_network(network)
            net.tasks = list(net.tasks)
            self._net: CompiledNetwork = net
            self._out: Passes = run_passes(net)
            out = self._out
            self._position = net.position
            self._parent = [-1] * len(net.ids)
            for p, kids in enumerate(net.children):
                for c in kids:
                    self._parent[c] = p
            self._links = _Links(net, self._parent)
            # Kept up to date change by change so building a schedule need not remake them.
            self._milestone = milestone_flags(net, out)
            self._driver_ids = [None if d < 0 else net.ids[d] for d in out.driver]
            self._milestones_back = self._zero_duration_tasks()
            self._schedule = build_schedule(
                net, out, near_critical, milestone=self._milestone, drivers=self._driver_ids
            )
        finally:
            if collecting:
                gc.enable()
        # When every late date follows from the project finish alone (one calendar, no
        # constraints, deadlines, progress or links out of summaries), a moved finish shifts
        # every late date by the same working time: no backward pass over the whole plan.
        work_axes = {net.axis_id[t] for t in net.work_tasks}
        self._shiftable = (
            len(work_axes) == 1
            and 0 not in work_axes
            and not any(net.special)
            and not net.delayed
            and not any(
                net.fs_succ_ptr[s] != net.fs_succ_ptr[s + 1]
                or net.out_link_ptr[s] != net.out_link_ptr[s + 1]
                for s in net.summary_order
            )
        )

    @property
    def schedule(self) -> Schedule:
        """The current schedule."""
        return self._schedule

    @property
    def network(self) -> Network:
        """The network as it stands after the changes made so far."""
        net = self._net
        return replace(net.network, tasks=tuple(net.tasks))

    def set_duration(self, task_id: str, duration: int) -> Schedule:
        """Change one task's duration and return the new schedule.

        Parameters
        ----------
        task_id : str
            A work task (not a summary task).
        duration : int
            New duration in working minutes (elapsed minutes for elapsed tasks), >= 0.

        Returns
        -------
        Schedule
            Identical to ``schedule(self.network)``, computed incrementally.

        Raises
        ------
        UnknownReferenceError
            For an unknown task id.
        ValidationError
            For a negative duration or a summary task (its duration comes from its children).
        """
        net, out = self._net, self._out
        j = net.index.get(task_id)
        if j is None:
            raise UnknownReferenceError(f"Task {task_id!r} does not exist.")
        if duration < 0:
            raise ValidationError(f"Task {task_id!r} cannot have a negative duration.")
        if net.summary[j]:
            raise ValidationError(
                f"Task {task_id!r} is a summary task; its duration comes from its children."
            )
        was_zero = net.duration[j] == 0
        net.duration[j] = duration
        tasks = net.tasks
        assert isinstance(tasks, list)
        tasks[j] = replace(tasks[j], duration=duration)
        if was_zero != (duration == 0):
            self._milestones_back = self._zero_duration_tasks()
        collecting = gc.isenabled()
        gc.disable()
        try:
            moved = self._forward_from(j)
            finish = project_finish(net, out)
            if finish != out.project_finish and self._shiftable:
                old_finish, out.project_finish = out.project_finish, finish
                # Late dates here depend on the finish and the durations only, so after the
                # shift only the changed task and what lies before it need revisiting.
                shift, recomputed = self._shift_late_dates(old_finish, finish, j)
                changed_late = self._backward_from({j})
                late_rollup(net, out)
                retotal = moved | changed_late | recomputed | set(net.summary_order)
                retotal.add(j)
                self._update_floats(retotal, moved, shift)
                # Such plans have no ALAP tasks, so this is two list copies.
                finish_up(net, out)
            elif finish != out.project_finish:
                out.project_finish = finish
                backward_pass(net, out, reversed(net.order))
                late_rollup(net, out)
                float_pass(net, out)
                finish_up(net, out)
                ids = net.ids
                self._driver_ids = [None if d < 0 else ids[d] for d in out.driver]
            else:
                parents = {self._parent[t] for t in moved} - {-1}
                changed_late = self._backward_from({j, *moved, *parents})
                touched = self._with_ancestors(moved | changed_late)
                late_rollup(net, out, touched)
                self._update_floats(touched, moved, 0)
                finish_up(net, out, touched)
            # Work changes with the duration, or with progress (special tasks) as dates move.
            flags, work, special, summary = self._milestone, out.work, net.special, net.summary
            for t in moved:
                if t == j or special[t]:
                    flags[t] = tasks[t].milestone or (work[t] == 0 and not summary[t])
            self._schedule = build_schedule(
                net, out, self._near_critical, milestone=flags, drivers=self._driver_ids
            )
        finally:
            if collecting:
                gc.enable()
        return self._schedule

    def _zero_duration_tasks(self) -> list[int]:
        """Work tasks without duration, last in topological order first."""
        duration, summary = self._net.duration, self._net.summary
        return [t for t in reversed(self._net.order) if not duration[t] and not summary[t]]

    def _shift_late_dates(
        self, old_finish: int, new_finish: int, changed: int
    ) -> tuple[int, set[int]]:
        """Move every late date by the working time the project finish moved (see __init__).

        Work tasks' late dates are at the start or end of a working minute, so shifting their
        offsets is exact; milestones may sit at either, so they are recomputed. The result is
        what a full backward pass gives with the old durations; the ``changed`` task is left
        to the caller (recomputing it here would mix the new duration in). Returns the shift
        in working minutes and the milestones recomputed.
        """
        net, out = self._net, self._out
        ax = net.axis[net.work_tasks[0]]
        delta = ax.offset(new_finish) - ax.offset(old_finish)
        late_start, late_finish = _array(out.late_start), _array(out.late_finish)
        out.late_start[:] = ax.starts_at(ax.offsets(late_start) + delta).tolist()
        out.late_finish[:] = ax.finishes_at(ax.offsets(late_finish) + delta).tolist()
        milestones = [t for t in self._milestones_back if t != changed]
        if milestones:
            backward_pass(net, out, milestones)
        return delta, set(milestones)

    def _with_ancestors(self, tasks: set[int]) -> set[int]:
        found = set(tasks)
        parent = self._parent
        for t in tasks:
            p = parent[t]
            while p >= 0 and p not in found:
                found.add(p)
                p = parent[p]
        return found

    def _forward_from(self, j: int) -> set[int]:
        """Redo early dates from ``j`` on; return the tasks whose early dates changed."""
        moved: set[int] = set()
        forward_pass(self._net, self._out, self._walk_forward(j, moved))
        return moved

    def _walk_forward(self, j: int, moved: set[int]) -> Iterator[int]:
        """Yield tasks in topological order, from ``j`` on, while their inputs keep moving.

        The forward pass handles each yielded task before the walk resumes, so the walk can
        see whether the task moved and, only then, mark what reads its dates. Marks are bytes
        indexed by topological position, so finding the next one is a C-level scan.
        """
        out, order, after = self._out, self._net.order, self._links.after
        es, ef, work = out.early_start, out.early_finish, out.work
        marked = bytearray(len(order))
        find = marked.find
        p = self._position[j]
        marked[p] = 1
        while (p := find(1, p)) >= 0:
            t = order[p]
            start, finish, busy = es[t], ef[t], work[t]
            yield t
            if es[t] != start or ef[t] != finish or work[t] != busy or t == j:
                moved.add(t)
                for q in after[t]:
                    marked[q] = 1
            p += 1

    def _backward_from(self, start: set[int]) -> set[int]:
        """Redo late dates of ``start`` and of predecessors whose bounds changed; return those
        whose late dates changed."""
        changed: set[int] = set()
        backward_pass(self._net, self._out, self._walk_backward(start, changed))
        return changed

    def _walk_backward(self, start: set[int], changed: set[int]) -> Iterator[int]:
        """The backward twin of ``_walk_forward``; summaries always pass on to their children."""
        out, net, before = self._out, self._net, self._links.before
        ls, lf, caps, order, summary = (
            out.late_start,
            out.late_finish,
            out.caps,
            net.order,
            net.summary,
        )
        position = self._position
        marked = bytearray(len(order))
        rfind = marked.rfind
        for t in start:
            marked[position[t]] = 1
        p = len(order)
        while (p := rfind(1, 0, p)) >= 0:
            t = order[p]
            late = (ls[t], lf[t], caps.get(t))
            yield t
            if (ls[t], lf[t], caps.get(t)) != late:
                changed.add(t)
            elif not (summary[t] or t in start):
                continue
            for q in before[t]:
                marked[q] = 1

    def _update_floats(self, retotal: set[int], moved: set[int], shift: int) -> None:
        """Bring floats and driving predecessors up to date after some dates changed.

        ``retotal`` are the tasks whose early or late dates changed (their total float is
        recomputed), ``moved`` those whose early dates changed (the slack of links from or
        to them and the driving predecessors of them and their successors are recomputed).
        ``shift`` is added first to every other total float: the working time every late date
        moved by. Gives the numbers ``float_pass`` gives, over far fewer tasks and links.
        """
        net, out, links = self._net, self._out, self._links
        n = len(net.ids)
        # Whole columns as arrays: one C loop each, cheaper than gathering thousands of items.
        es = _array(out.early_start)
        ef = _array(out.early_finish)
        state = np.frombuffer(bytes(out.state), dtype=np.uint8)  # states are 0-2
        cand = np.where(links.plain, ef[links.pred], _array(out.link_candidate))
        axis_id = net.arrays["axis_id"]
        total, link_slack = out.total_float, out.link_slack
        if shift:
            total[state != _COMPLETE] += shift
        r = _indices(retotal)
        if r.size:
            rows = r.tolist()
            axes = axis_id[r]
            start_off = self._offsets(axes, es[r])
            finish_off = self._offsets(axes, ef[r])
            finish_slack = self._offsets(axes, _take(out.late_finish, rows)) - finish_off
            start_slack = self._offsets(axes, _take(out.late_start, rows)) - start_off
            value = np.where(
                links.summary[r] | (state[r] == _IN_PROGRESS),
                finish_slack,
                np.minimum(start_slack, finish_slack),
            )
            value[state[r] == _COMPLETE] = 0
            total[r] = value
        m = _indices(moved)
        # Link slack: a link's slack reads its predecessor's finish and successor's start.
        tails = _union(n, m, links.pred[_rows(links.succ_ptr, links.by_succ, m)])
        out_links = _rows(links.pred_ptr, links.by_pred, tails)
        succ = links.succ[out_links]
        succ_axes = axis_id[succ]
        slack = self._offsets(succ_axes, es[succ]) - self._offsets(succ_axes, cand[out_links])
        if net.delayed:
            slack -= net.arrays["delay"][succ]
        link_slack[tails] = _FAR_FUTURE
        np.minimum.at(link_slack, links.pred[out_links], slack)
        # A complete task's total float is 0, so this gives it 0 free float too.
        if shift:
            np.maximum(np.minimum(total, link_slack), 0, out=out.free_float)
        else:
            f = _union(n, r, tails)
            out.free_float[f] = np.maximum(np.minimum(total[f], link_slack[f]), 0)
        heads = _union(n, m, links.succ[_rows(links.pred_ptr, links.by_pred, m)])
        self._update_drivers(heads, es, cand)

    def _update_drivers(self, heads: _Array, es: _Array, cand: _Array) -> None:
        """Recompute the driving predecessor of each task in ``heads`` as ``float_pass`` does,
        from early starts ``es`` and link candidates ``cand`` (per link, the instant it asks
        its successor to start)."""
        net, out, links = self._net, self._out, self._links
        driver, driver_ids, ids = out.driver, self._driver_ids, net.ids
        found = np.full(len(driver), -1, dtype=np.int64)
        counts = links.succ_ptr[heads + 1] - links.succ_ptr[heads]
        targets = heads[counts > 0]
        if targets.size:
            counts = counts[counts > 0]
            # Each target's links, in link order: the driving link is the one with the latest
            # candidate, the first listed on ties.
            in_links = _rows(links.succ_ptr, links.by_succ, targets)
            given = cand[in_links]
            latest = np.maximum.reduceat(given, np.cumsum(counts) - counts)
            hits = np.flatnonzero(given == np.repeat(latest, counts))
            group = np.repeat(np.arange(len(targets)), counts)[hits]
            first = np.ones(len(hits), dtype=bool)
            first[1:] = group[1:] != group[:-1]
            best = in_links[hits[first]]
            pre = _take(out.pre, targets.tolist())
            linked = pre > _FAR_PAST
            targets, best, pre = targets[linked], best[linked], pre[linked]
            axes = net.arrays["axis_id"][targets]
            drives = self._offsets(axes, pre) == self._offsets(axes, es[targets])
            found[targets[drives]] = links.pred[best[drives]]
        rows = heads.tolist()
        new = found[heads]
        # Most drivers stay as they were; only those that differ are written back.
        for i in np.flatnonzero(new != _take(driver, rows)).tolist():
            s, p = rows[i], int(new[i])
            driver[s] = p
            driver_ids[s] = None if p < 0 else ids[p]

    def _offsets(self, axis_ids: _Array, minutes: _Array) -> _Array:
        """Working-minute offsets of ``minutes``, each on the axis ``axis_ids`` names."""
        axes = self._net.axes
        if not minutes.size:
            return minutes
        first = int(axis_ids[0])
        if bool((axis_ids == first).all()):
            return axes[first].offsets(minutes)
        result = np.empty_like(minutes)
        for a in np.unique(axis_ids).tolist():
            members = axis_ids == a
            result[members] = axes[a].offsets(minutes[members])
        return result


class _Links:
    """Every link (plain or not) grouped by predecessor and by successor, as CSR arrays, and
    per task the topological positions of the tasks it reads from (``before``) and is read
    by (``after``), summaries and their children included."""

    __slots__ = (
        "after",
        "before",
        "by_pred",
        "by_succ",
        "plain",
        "pred",
        "pred_ptr",
        "succ",
        "succ_ptr",
        "summary",
    )

    def __init__(self, net: CompiledNetwork, parent: list[int]) -> None:
        n = len(net.ids)
        self.pred = net.arrays["link_pred"]
        self.succ = net.arrays["link_succ"]
        self.plain = net.arrays["plain"].astype(bool)
        self.summary = net.arrays["summary"].astype(bool)
        self.by_pred, self.pred_ptr = _group(self.pred, n)
        self.by_succ, self.succ_ptr = _group(self.succ, n)
        parent_a = np.asarray(parent, dtype=np.int64)
        kids = np.flatnonzero(parent_a >= 0)
        tails = np.concatenate([self.pred, kids])
        heads = np.concatenate([self.succ, parent_a[kids]])
        position = net.arrays["position"]
        self.after = _lists(tails, position[heads], n)
        self.before = _lists(heads, position[tails], n)


def _group(keys: _Array, n: int) -> tuple[_Array, _Array]:
    """Indices of ``keys`` sorted by key (stable) and n + 1 pointers to each key's run."""
    order = np.argsort(keys, kind="stable").astype(np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return order, ptr


def _lists(keys: _Array, values: _Array, n: int) -> list[list[int]]:
    """``values`` grouped by ``keys`` (0..n-1) as one list per key."""
    order, ptr = _group(keys, n)
    flat: list[int] = values[order].tolist()
    bounds: list[int] = ptr.tolist()
    return [flat[a:b] for a, b in pairwise(bounds)]


def _rows(ptr: _Array, flat: _Array, rows: _Array) -> _Array:
    """The entries of CSR rows ``rows``, one row after another."""
    starts = ptr[rows]
    counts = ptr[rows + 1] - starts
    ends = np.cumsum(counts)
    if not ends.size or not ends[-1]:
        return np.zeros(0, dtype=np.int64)
    index = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(starts - ends + counts, counts)
    result: _Array = flat[index]
    return result


def _union(n: int, *parts: _Array) -> _Array:
    """The distinct values (0..n-1) of ``parts``, sorted."""
    seen = np.zeros(n, dtype=bool)
    for part in parts:
        seen[part] = True
    return np.flatnonzero(seen)


def _indices(tasks: set[int]) -> _Array:
    return np.fromiter(tasks, dtype=np.int64, count=len(tasks))


def _array(values: list[int]) -> _Array:
    return np.fromiter(values, dtype=np.int64, count=len(values))


def _take(values: list[int], rows: list[int]) -> _Array:
    return np.fromiter(map(values.__getitem__, rows), dtype=np.int64, count=len(rows))
