"""Incremental re-scheduling: change one task's duration and redo only what it affects.

``Rescheduler`` keeps a compiled network and the raw results of its passes. After a
duration change the forward pass revisits only tasks whose inputs moved (in topological
order, stopping where dates no longer change); the backward pass does the same from the
changed task back to its predecessors, unless the project finish moved, in which case every
late date is recomputed. Floats and the result table are rebuilt with array operations.
"""

from __future__ import annotations

import gc
import heapq
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from keel.domain.errors import UnknownReferenceError, ValidationError
from keel.domain.schedule.cpm import (
    Passes,
    backward_pass,
    build_schedule,
    finish_up,
    float_pass,
    floats_for,
    forward_pass,
    late_rollup,
    project_finish,
    run_passes,
)
from keel.domain.schedule.model import Network, Schedule
from keel.domain.schedule.network import CompiledNetwork, compile_network

__all__ = ["Rescheduler"]


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
            self._schedule = build_schedule(net, self._out, near_critical)
        finally:
            if collecting:
                gc.enable()
        self._position = net.position
        self._parent = [-1] * len(net.ids)
        for p, kids in enumerate(net.children):
            for c in kids:
                self._parent[c] = p
        # When every late date follows from the project finish alone (one calendar, no
        # constraints, deadlines, progress or links out of summaries), a moved finish shifts
        # every late date by the same working time: no backward pass over the whole plan.
        work_axes = {net.axis_id[t] for t in net.work_tasks}
        self._shiftable = (
            len(work_axes) == 1
            and 0 not in work_axes
            and not any(net.special)
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
        net.duration[j] = duration
        tasks = net.tasks
        assert isinstance(tasks, list)
        tasks[j] = replace(tasks[j], duration=duration)
        collecting = gc.isenabled()
        gc.disable()
        try:
            moved = self._forward_from(j)
            finish = project_finish(net, out)
            if finish != out.project_finish and self._shiftable:
                old_finish, out.project_finish = out.project_finish, finish
                # Late dates here depend on the finish and the durations only, so after the
                # shift only the changed task and what lies before it need revisiting.
                self._shift_late_dates(old_finish, finish, j)
                self._backward_from({j})
                late_rollup(net, out)
                float_pass(net, out)
                finish_up(net, out)
            elif finish != out.project_finish:
                out.project_finish = finish
                backward_pass(net, out, reversed(net.order))
                late_rollup(net, out)
                float_pass(net, out)
                finish_up(net, out)
            else:
                parents = {self._parent[t] for t in moved} - {-1}
                changed_late = self._backward_from({j, *moved, *parents})
                touched = self._with_ancestors(moved | changed_late)
                late_rollup(net, out, touched)
                floats_for(net, out, moved, changed_late)
                finish_up(net, out, touched)
            self._schedule = build_schedule(net, out, self._near_critical)
        finally:
            if collecting:
                gc.enable()
        return self._schedule

    def _shift_late_dates(self, old_finish: int, new_finish: int, changed: int) -> None:
        """Move every late date by the working time the project finish moved (see __init__).

        Work tasks' late dates are at the start or end of a working minute, so shifting their
        offsets is exact; milestones may sit at either, so they are recomputed. The result is
        what a full backward pass gives with the old durations; the ``changed`` task is left
        to the caller (recomputing it here would mix the new duration in).
        """
        net, out = self._net, self._out
        ax = net.axis[net.work_tasks[0]]
        delta = ax.offset(new_finish) - ax.offset(old_finish)
        late_start = np.asarray(out.late_start, dtype=np.int64)
        late_finish = np.asarray(out.late_finish, dtype=np.int64)
        out.late_start[:] = ax.starts_at(ax.offsets(late_start) + delta).tolist()
        out.late_finish[:] = ax.finishes_at(ax.offsets(late_finish) + delta).tolist()
        duration, summary = net.duration, net.summary
        milestones = [
            t for t in reversed(net.order) if not duration[t] and not summary[t] and t != changed
        ]
        if milestones:
            backward_pass(net, out, milestones)

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
        see whether the task moved and, only then, queue its successors.
        """
        net, out, position, parent = self._net, self._out, self._position, self._parent
        es, ef, work, order = out.early_start, out.early_finish, out.work, net.order
        fs_succ, fs_ptr, out_link, out_ptr = (
            net.fs_succ,
            net.fs_succ_ptr,
            net.out_link,
            net.out_link_ptr,
        )
        link_succ = net.link_succ
        push, pop = heapq.heappush, heapq.heappop
        heap = [position[j]]
        done: set[int] = set()
        while heap:
            t = order[pop(heap)]
            if t in done:
                continue
            done.add(t)
            before = (es[t], ef[t], work[t])
            yield t
            if (es[t], ef[t], work[t]) != before or t == j:
                moved.add(t)
                for s in fs_succ[fs_ptr[t] : fs_ptr[t + 1]]:
                    push(heap, position[s])
                for k in out_link[out_ptr[t] : out_ptr[t + 1]]:
                    push(heap, position[link_succ[k]])
                if parent[t] >= 0:
                    push(heap, position[parent[t]])

    def _backward_from(self, start: set[int]) -> set[int]:
        """Redo late dates of ``start`` and of predecessors whose bounds changed; return those
        whose late dates changed."""
        changed: set[int] = set()
        backward_pass(self._net, self._out, self._walk_backward(start, changed))
        return changed

    def _walk_backward(self, start: set[int], changed: set[int]) -> Iterator[int]:
        """The backward twin of ``_walk_forward``."""
        net, out, position = self._net, self._out, self._position
        ls, lf, caps, order, summary = (
            out.late_start,
            out.late_finish,
            out.caps,
            net.order,
            net.summary,
        )
        fs_pred, fs_ptr, in_link, in_ptr = (
            net.fs_pred,
            net.fs_pred_ptr,
            net.in_link,
            net.in_link_ptr,
        )
        link_pred, children = net.link_pred, net.children
        push, pop = heapq.heappush, heapq.heappop
        heap = [-position[t] for t in start]
        heapq.heapify(heap)
        done: set[int] = set()
        while heap:
            t = order[-pop(heap)]
            if t in done:
                continue
            done.add(t)
            before = (ls[t], lf[t], caps.get(t))
            yield t
            if (ls[t], lf[t], caps.get(t)) != before:
                changed.add(t)
            if t in changed or summary[t] or t in start:
                for p in fs_pred[fs_ptr[t] : fs_ptr[t + 1]]:
                    push(heap, -position[p])
                for k in in_link[in_ptr[t] : in_ptr[t + 1]]:
                    push(heap, -position[link_pred[k]])
                if summary[t]:
                    for c in children[t]:
                        push(heap, -position[c])
