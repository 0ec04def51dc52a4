"""The critical path method on arrays: one row per task, one column per iteration.

The network is compiled once (``keel.domain.schedule.network.compile_network``) and cut into
levels: a task's level is one more than the highest level of its predecessors (and, for a
summary task, of its children). Each level is computed for a whole chunk of iterations at
once: early dates are maxima over link candidates (grouped by task with ``_Segments``),
late dates minima, all in working minutes of the project calendar counted from the project
start. The rules are the deterministic engine's (Microsoft Project's documented behaviour
with "honor constraint dates"), so fixed durations give exactly the deterministic schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from keel.domain.schedule.calendar import TimeAxis, WorkingCalendar, axis_for, standard_calendar
from keel.domain.schedule.cpm import Passes, forward_pass, run_passes
from keel.domain.schedule.model import Network
from keel.domain.schedule.network import (
    FF,
    FNET,
    FNLT,
    FS,
    MFO,
    MSO,
    SF,
    SNET,
    SNLT,
    CompiledNetwork,
    compile_network,
)

__all__ = ["COMPLETE", "IN_PROGRESS", "NOT_STARTED", "Matrix", "Plan", "big"]

NOT_STARTED, IN_PROGRESS, COMPLETE = 0, 1, 2

Matrix = npt.NDArray[np.signedinteger[Any]]
Index = npt.NDArray[np.int64]
PercentLinks = tuple[Index, Index, npt.NDArray[np.float64]]


def big(dtype: np.dtype[np.signedinteger[npt.NBitBase]]) -> int:
    """The value that stands for "no bound" in late-date arrays of ``dtype``."""
    return 1 << 30 if dtype == np.int32 else 1 << 60


class _Segments:
    """Groups of consecutive rows, reduced to one row each: ``ufunc.reduceat(x, starts, 0)``.

    NumPy's ``reduceat`` along the first axis of a 2-D array is several times slower than
    whole-array operations. Groups of one row are copied; larger groups are bucketed by size
    (2, up to 4, up to 8, …) and padded to the bucket's width by repeating their last row —
    harmless for the idempotent ``maximum`` and ``minimum`` — so each bucket is one gather and
    one ``ufunc.reduce`` over a (groups, width, iterations) block.
    """

    __slots__ = ("buckets", "firsts", "single")

    def __init__(self, starts: Index, length: int) -> None:
        firsts = np.asarray(starts, dtype=np.int64)
        counts = np.diff(np.r_[firsts, length])
        self.firsts = firsts
        self.single = bool(firsts.size == length)
        self.buckets: list[tuple[Index, Index, int]] = []
        remaining = np.flatnonzero(counts > 1)
        width = 2
        while remaining.size:
            fits = counts[remaining] <= width
            take = remaining[fits]
            if take.size:
                steps = np.minimum(np.arange(width)[None, :], counts[take][:, None] - 1)
                picks = (firsts[take][:, None] + steps).reshape(-1)
                self.buckets.append((take, picks, width))
            remaining = remaining[~fits]
            width *= 2

    def reduce(self, ufunc: np.ufunc, x: Matrix) -> Matrix:
        """One row per group; ``x`` itself when every group has one row (callers own it)."""
        if self.single:
            return x
        out: Matrix = x[self.firsts]
        for rows, picks, width in self.buckets:
            block = x[picks].reshape(rows.size, width, x.shape[1])
            out[rows] = ufunc.reduce(block, axis=1)
        return out


class _Lags:
    """Link lags added to (or taken from) candidate rows; only the rows with a lag when few
    links have one, which is usual."""

    __slots__ = ("rows", "values")

    def __init__(self, rows: Index | None, values: Index) -> None:
        self.rows = rows
        self.values = values[:, None]

    @classmethod
    def of(cls, lags: Index) -> _Lags | None:
        """None when no link has a lag."""
        rows = np.flatnonzero(lags)
        if not rows.size:
            return None
        if rows.size * 4 > lags.size:
            return cls(None, lags)
        return cls(rows, lags[rows])

    def add(self, cand: Matrix, sign: int) -> None:
        values = (self.values if sign > 0 else -self.values).astype(cand.dtype)
        if self.rows is None:
            cand += values
        else:
            cand[self.rows] += values


@dataclass(slots=True)
class _Back:
    """Links out of one level's tasks that bound either late finish or late start."""

    rows: Index  # row of the candidate in [LS; LF]
    lag: _Lags | None
    pct: PercentLinks | None
    starts: _Segments  # groups of links by predecessor (links are sorted by it)
    targets: Index  # row within the level's bounds matrix of each segment


@dataclass(slots=True)
class _Level:
    """The tasks of one level and the links into (forward) or out of (backward) them."""

    work: Index
    plain: Index  # work tasks without constraints or progress
    plain_rows: Index  # their rows within ``work``
    special: list[int]
    f_row: Index  # per link into the level, sorted by successor: row in [ES; EF]
    f_lag: _Lags | None
    f_pct: PercentLinks | None
    f_sub: Index | None  # links whose candidate is a finish: minus d(successor)
    f_succ: Index
    f_starts: _Segments
    summaries: Index
    kids: Index
    kid_starts: _Segments
    work_at: Index | slice  # ``work`` as a slice where its rows are consecutive (faster)
    summaries_at: Index | slice
    tasks: Index  # every task of the level (work and summaries), sorted
    work_rows: Index  # rows of ``work`` within ``tasks``
    back: list[_Back]
    capped: Index  # tasks whose parent passes down bounds
    capped_rows: Index
    cap_slots: Index  # the parent's slot in the cap arrays
    bounded: list[int]  # tasks with constraint dates or deadlines to apply backward
    cap_givers: Index  # summaries of this level that pass bounds down
    cap_giver_rows: Index
    cap_giver_slots: Index
    # Work tasks whose early dates move to the scheduler's (see ``Plan._translate``): the
    # tasks, what is added to their early start, and to their early finish.
    fix: tuple[Index, Index, Index] | None = None


class Plan:
    """Everything about the network that does not change between iterations.

    ``forward`` fills early dates, ``backward`` late dates and ``critical_counts`` counts
    critical tasks, for as many iterations as the duration matrix has columns. Dates are
    working minutes of the project calendar after the project start.
    """

    def __init__(self, network: Network) -> None:
        net = compile_network(network)
        order = _level_order(net)
        if order is not None:
            # Rows in level order (work before summaries in each level): each level's rows are
            # then consecutive, and writing them is a slice assignment, not a scatter.
            network = replace(network, tasks=tuple(network.tasks[j] for j in order))
            net = compile_network(network)
        self.net = net
        self.n = n = len(net.ids)
        self.axis = _project_axis(network)
        self.origin = self.axis.offset(net.start)
        status = net.status
        self.status = None if status is None else self.axis.offset(status) - self.origin
        self.floor = 0 if self.status is None or self.status < 0 else self.status
        self.summary = np.asarray(net.summary, dtype=bool)
        self.parent = np.full(n, -1, dtype=np.int64)
        for p, kids in enumerate(net.children):
            for c in kids:
                self.parent[c] = p
        self.base = np.asarray(net.duration, dtype=np.int64)
        self.base[self.summary] = 0
        self.at = [None if a is None else self._rel(a) for a in net.constraint_at]
        self.due = [None if a is None else self._rel(a) for a in net.deadline]
        self.inherited = {j: self._rel(m) for j, m in net.inherited_start.items()}
        self.state = np.zeros(n, dtype=np.int8)
        self.progress: dict[int, tuple[int | None, int | None]] = {}
        for j, task in enumerate(net.tasks):
            if net.summary[j]:
                continue
            if (
                task.actual_finish is None
                and task.actual_start is None
                and task.percent_complete <= 0
            ):
                continue
            started = None if net.actual_start[j] is None else self._rel(net.actual_start[j])
            finished = None if net.actual_finish[j] is None else self._rel(net.actual_finish[j])
            self.progress[j] = (started, finished)
            remaining = task.remaining
            if remaining is None:
                remaining = round(task.duration * (100 - task.percent_complete) / 100)
            done = finished is not None or task.percent_complete >= 100 or remaining == 0
            self.state[j] = COMPLETE if done else IN_PROGRESS
        self.special_mask = np.asarray(net.special, dtype=bool) & ~self.summary
        self.complete = np.flatnonzero(self.state == COMPLETE)
        # Tasks on their own calendar or with elapsed durations (see ``_translate``).
        self.raw = self.base.copy()
        self.rate = np.ones(n, dtype=np.float64)
        self.rest = np.zeros(n, dtype=np.float64)
        self.translated = np.zeros(0, dtype=np.int64)
        self.finish_at: tuple[int, int] | None = None
        self.lags = np.asarray(net.link_lag, dtype=np.int64)
        self.levels = self._levels()
        self.float_rows = np.zeros(0, dtype=np.int64)  # see ``_match_critical``
        self.float_bonus = np.zeros((0, 1), dtype=np.int64)
        # The scheduler's own dates, once: translations and the planned finish instant.
        if self._needs_translation(network):
            scheduled = run_passes(net)
            self._translate(scheduled)
        else:
            scheduled = Passes(n, len(net.link_pred))
            forward_pass(net, scheduled, net.order)
        if n and net.work_tasks:
            last = max(scheduled.early_finish)
            at = int(self.axis.offsets(np.asarray([last], dtype=np.int64))[0]) - self.origin
            self.finish_at = (at, last)

    def _needs_translation(self, network: Network) -> bool:
        """Whether some task is not simply counted in working minutes of the project calendar."""
        net = self.net
        return net.delayed or any(
            t.elapsed or (t.calendar is not None and t.calendar != network.calendar)
            for j, t in enumerate(net.tasks)
            if not net.summary[j]
        )

    def _translate(self, out: Passes) -> None:
        """Carry tasks on other calendars (or elapsed) over to the project calendar.

        The deterministic scheduler runs once. A translated task's planned duration becomes
        the project-calendar working minutes between its early start and early finish, and
        its sampled durations are scaled by the same ratio (``self.rate``); a task that falls
        wholly outside the project calendar's working time at its planned position (a weekend
        move) is scaled instead by the two calendars' ratio over the four weeks from its start
        (``self.rest`` then keeps the planned duration exact). What the project
        calendar cannot express — a task waiting for its own calendar's next working time,
        a lag counted on another calendar, a levelling delay — becomes a fixed shift of the
        task's early start (and finish) measured at its planned position, so that planned
        durations give exactly the scheduler's early dates.
        """
        net, n = self.net, self.n
        offsets = self.axis.offsets
        want_es = offsets(np.asarray(out.early_start, dtype=np.int64)) - self.origin
        want_ef = offsets(np.asarray(out.early_finish, dtype=np.int64)) - self.origin
        name = net.network.calendar
        moved = [
            j
            for j in range(n)
            if not net.summary[j]
            and (net.tasks[j].elapsed or (net.tasks[j].calendar not in (None, name)))
        ]
        rows = np.asarray(moved, dtype=np.int64)
        planned = want_ef[rows] - want_es[rows]
        raw = self.raw[rows].astype(np.float64)
        self.rate[rows] = np.divide(planned, raw, out=np.zeros_like(raw), where=raw > 0)
        window = 28 * 1440
        for r in np.flatnonzero((planned == 0) & (raw > 0)).tolist():
            j = int(rows[r])
            begin = out.early_start[j]
            own = net.axis[j].offset(begin + window) - net.axis[j].offset(begin)
            here = self.axis.offset(begin + window) - self.axis.offset(begin)
            self.rate[j] = here / own if own > 0 else 0.0
            self.rest[j] = -raw[r] * self.rate[j]
        self.base[rows] = planned
        self.translated = rows
        # Lags are counted on the successor's calendar: translate them at their planned place.
        moved_set = set(moved)
        lags = self.lags.copy()
        for k, (p, s, kind) in enumerate(zip(net.link_pred, net.link_succ, net.link_type,
                                             strict=True)):  # fmt: skip
            lag = int(lags[k])
            if not lag or s not in moved_set or net.link_percent[k] is not None:
                continue
            source = out.early_finish[p] if kind in (FS, FF) else out.early_start[p]
            target = net.axis[s].shift(source, lag)
            lags[k] = self.axis.offset(target) - self.axis.offset(source)
        if not np.array_equal(lags, self.lags):
            self.lags = lags
            self.levels = self._levels()
        early = np.empty((2 * n, 1), dtype=np.int64)
        dur = self.base[:, None].copy()
        es, ef = early[:n, 0], early[n:, 0]
        shift_start = np.zeros(n, dtype=np.int64)
        shift_finish = np.zeros(n, dtype=np.int64)
        for lv in self.levels:
            self._forward_level(lv, dur, early)
            if not lv.work.size:
                continue
            work = lv.work
            ds = want_es[work] - es[work]
            es[work] += ds
            ef[work] += ds
            df = want_ef[work] - ef[work]
            ef[work] += df
            shift_start[work] = ds
            shift_finish[work] = ds + df
            changed = np.flatnonzero((ds != 0) | (df != 0))
            if changed.size:
                lv.fix = (work[changed], ds[changed][:, None], (ds + df)[changed][:, None])
        if shift_start.any() or shift_finish.any():
            # Late dates: a predecessor must leave room for its successor's shift too.
            fixes = [lv.fix for lv in self.levels]
            self.levels = self._levels(shift_start, shift_finish)
            for lv, fix in zip(self.levels, fixes, strict=True):
                lv.fix = fix
        self._match_critical(out)

    def _match_critical(self, out: Passes) -> None:
        """Make planned durations flag as critical exactly the tasks the scheduler flags.

        The scheduler counts a task's float on its own calendar; the passes count it in
        project working minutes, where slack that lies only outside the project's hours (a
        weekend before an elapsed task) does not exist, and the reverse. Where the two
        disagree at the planned position, the task's float gets the smallest correction that
        gives the scheduler's answer (``float_bonus``, used by ``critical_counts``).
        """
        n = self.n
        dur = self.base[:, None].copy()
        early = np.empty((2 * n, 1), dtype=np.int64)
        late = np.empty((2 * n, 1), dtype=np.int64)
        self.forward(dur, early)
        self.backward(dur, early, late, early[n:].max(axis=0))
        slack = (late[n:] - early[n:])[:, 0]
        ours = slack <= 0
        theirs = np.asarray(out.total_float, dtype=np.int64) <= 0
        rows = np.flatnonzero((ours != theirs) & ~self.summary & (self.state != COMPLETE))
        if rows.size:
            bonus = np.where(theirs[rows], -slack[rows], 1 - slack[rows])
            self.float_rows = rows
            self.float_bonus = bonus[:, None]

    def _rel(self, minute: int | None) -> int:
        assert minute is not None
        return self.axis.offset(minute) - self.origin

    def magnitude(self) -> int:
        """The largest absolute date the passes can meet, not counting durations."""
        fixed = [abs(v) for v in (*self.at, *self.due, *self.inherited.values()) if v is not None]
        fixed += [abs(v) for pair in self.progress.values() for v in pair if v is not None]
        lags = int(np.abs(self.lags).sum())
        return max(fixed, default=0) + abs(self.status or 0) + lags

    def percent_factor(self) -> float:
        """How much percentage lags can multiply the total duration by (1 without them)."""
        return 1 + sum(abs(p) for p in self.net.link_percent if p is not None) / 100

    def _levels(
        self, shift_start: Index | None = None, shift_finish: Index | None = None
    ) -> list[_Level]:
        net, n = self.net, self.n
        pred = np.asarray(net.link_pred, dtype=np.int64)
        succ = np.asarray(net.link_succ, dtype=np.int64)
        kind = np.asarray(net.link_type, dtype=np.int64)
        lag = self.lags
        back_lag = lag
        if shift_start is not None and shift_finish is not None:
            # Backward, a link reads its successor's late start (FS, SS) or finish (FF, SF);
            # the successor's shift forward is taken off it like a lag.
            on_finish = (kind == FF) | (kind == SF)
            back_lag = lag + np.where(on_finish, shift_finish[succ], shift_start[succ])
        pct = np.asarray(
            [math.nan if p is None else float(p) for p in net.link_percent], dtype=np.float64
        )
        incoming: list[list[int]] = [[] for _ in range(n)]
        for p, s in zip(pred.tolist(), succ.tolist(), strict=True):
            incoming[s].append(p)
        lv = [0] * n
        for j in net.order:
            srcs = net.children[j] if net.summary[j] else incoming[j]
            if srcs:
                lv[j] = 1 + max(lv[i] for i in srcs)
        level = np.asarray(lv, dtype=np.int64)
        depth = int(level.max()) + 1 if n else 0
        by_level = np.argsort(level, kind="stable")
        bounds = np.searchsorted(level[by_level], np.arange(depth + 1))
        uses_finish = (kind == FS) | (kind == FF)
        finish_type = (kind == FF) | (kind == SF)
        f_rowsrc = pred + n * uses_finish
        b_rowsrc = succ + n * finish_type
        to_lf = (kind == FS) | (kind == FF)
        link_level = level[succ]
        pred_level = level[pred]
        f_order = np.lexsort((succ, link_level))
        f_bounds = np.searchsorted(link_level[f_order], np.arange(depth + 1))
        b_order = np.lexsort((pred, ~to_lf, pred_level))
        b_bounds = np.searchsorted(pred_level[b_order], np.arange(depth + 1))
        special = self.special_mask
        # A summary passes bounds down only when it has some: outgoing links, constraint
        # dates or a deadline of its own, or a parent that passes bounds down.
        has_out = np.zeros(n, dtype=bool)
        has_out[pred] = True
        hard = (MSO, MFO, SNLT, FNLT)
        bounded_mask = [
            (self.at[j] is not None and net.constraint[j] in hard) or self.due[j] is not None
            for j in range(n)
        ]
        giver = np.zeros(n, dtype=bool)
        for j in reversed(net.order):  # parents come after their children in the order
            if net.summary[j]:
                p = int(self.parent[j])
                giver[j] = bool(has_out[j]) or bounded_mask[j] or (p >= 0 and bool(giver[p]))
        slot = np.full(n, -1, dtype=np.int64)
        givers = np.flatnonzero(giver)
        slot[givers] = np.arange(givers.size)
        self.cap_count = int(givers.size)
        levels: list[_Level] = []
        for d in range(depth):
            members = by_level[bounds[d] : bounds[d + 1]]  # sorted: argsort is stable
            work = members[~self.summary[members]]
            sums = members[self.summary[members]]
            links = f_order[f_bounds[d] : f_bounds[d + 1]]
            ls = succ[links]
            starts = np.flatnonzero(np.r_[True, ls[1:] != ls[:-1]]) if links.size else links[:0]
            if links.size and not np.array_equal(ls[starts], work):
                raise AssertionError("every work task above level 0 has a link into it")
            has_pct = np.flatnonzero(~np.isnan(pct[links]))
            subs = np.flatnonzero(finish_type[links])
            kids_lists = [net.children[s] for s in sums.tolist()]
            kids = np.asarray([c for k in kids_lists for c in k], dtype=np.int64)
            kid_starts = np.cumsum([0] + [len(k) for k in kids_lists[:-1]]).astype(np.int64)
            plain_rows = np.flatnonzero(~special[work])
            out = b_order[b_bounds[d] : b_bounds[d + 1]]
            position = {t: r for r, t in enumerate(members.tolist())}
            back: list[_Back] = []
            for flag in (True, False):
                g = out[to_lf[out] == flag]
                if not g.size:
                    continue
                gp = pred[g]
                g_starts = np.flatnonzero(np.r_[True, gp[1:] != gp[:-1]])
                g_pct = np.flatnonzero(~np.isnan(pct[g]))
                rows = np.asarray([position[t] for t in gp[g_starts].tolist()], dtype=np.int64)
                back.append(
                    _Back(
                        rows=b_rowsrc[g],
                        lag=_Lags.of(back_lag[g]),
                        pct=(g_pct, pred[g[g_pct]], pct[g[g_pct]]) if g_pct.size else None,
                        starts=_Segments(g_starts, g.size),
                        targets=rows + (0 if flag else members.size),
                    )
                )
            par = self.parent[members]
            capped_rows = np.flatnonzero((par >= 0) & giver[np.maximum(par, 0)])
            giver_rows = np.flatnonzero(giver[members])
            levels.append(
                _Level(
                    work=work,
                    plain=work[plain_rows],
                    plain_rows=plain_rows,
                    special=work[special[work]].tolist(),
                    f_row=f_rowsrc[links],
                    f_lag=_Lags.of(lag[links]),
                    f_pct=(has_pct, pred[links[has_pct]], pct[links[has_pct]])
                    if has_pct.size
                    else None,
                    f_sub=subs if subs.size else None,
                    f_succ=ls,
                    f_starts=_Segments(starts, links.size),
                    summaries=sums,
                    kids=kids,
                    kid_starts=_Segments(kid_starts, kids.size),
                    work_at=_span(work),
                    summaries_at=_span(sums),
                    tasks=members,
                    work_rows=np.flatnonzero(~self.summary[members]),
                    back=back,
                    capped=members[capped_rows],
                    capped_rows=capped_rows,
                    cap_slots=slot[par[capped_rows]],
                    bounded=[
                        r
                        for r, t in enumerate(members.tolist())
                        if bounded_mask[t] and self.state[t] != COMPLETE
                    ],
                    cap_givers=members[giver_rows],
                    cap_giver_rows=giver_rows,
                    cap_giver_slots=slot[members[giver_rows]],
                )
            )
        return levels

    # -- the passes ------------------------------------------------------------------------

    def forward(self, dur: Matrix, early: Matrix) -> None:
        """Early start (rows 0..n-1) and early finish (rows n..2n-1) of every task."""
        for lv in self.levels:
            self._forward_level(lv, dur, early)
            if lv.fix is not None:
                tasks, to_start, to_finish = lv.fix
                early[tasks] += to_start
                early[tasks + self.n] += to_finish

    def _forward_level(self, lv: _Level, dur: Matrix, early: Matrix) -> None:
        """Early dates of one level's tasks (before any shift of ``_translate``)."""
        n = self.n
        es, ef = early[:n], early[n:]
        if lv.work.size:
            if lv.f_row.size:
                cand = early[lv.f_row]
                if lv.f_lag is not None:
                    lv.f_lag.add(cand, 1)
                if lv.f_pct is not None:
                    rows, preds, pct = lv.f_pct
                    work = ef[preds] - es[preds]
                    cand[rows] += np.round(work * pct[:, None] / 100).astype(cand.dtype)
                if lv.f_sub is not None:
                    cand[lv.f_sub] -= dur[lv.f_succ[lv.f_sub]]
                best = lv.f_starts.reduce(np.maximum, cand)
            else:
                best = np.full((lv.work.size, dur.shape[1]), -big(dur.dtype), dur.dtype)
            if lv.plain.size == lv.work.size:
                np.maximum(best, self.floor, out=best)
                es[lv.work_at] = best
                best += dur[lv.work_at]
                ef[lv.work_at] = best
            else:
                if lv.plain.size:
                    start = np.maximum(best[lv.plain_rows], self.floor)
                    es[lv.plain] = start
                    start += dur[lv.plain]
                    ef[lv.plain] = start
                rows = np.searchsorted(lv.work, lv.special)
                for j, r in zip(lv.special, rows.tolist(), strict=True):
                    self._special_forward(j, best[r], dur[j], es, ef)
        if lv.summaries.size:
            es[lv.summaries_at] = lv.kid_starts.reduce(np.minimum, es[lv.kids])
            ef[lv.summaries_at] = lv.kid_starts.reduce(np.maximum, ef[lv.kids])

    def _special_forward(self, j: int, best: Matrix, d: Matrix, es: Matrix, ef: Matrix) -> None:
        best = np.maximum(best, 0)
        inherited = self.inherited.get(j)
        if inherited is not None:
            best = np.maximum(best, inherited)
        if j in self.progress:
            self._progress(j, best, d, es, ef)
            return
        kind = self.net.constraint[j]
        at = self.at[j]
        if at is not None and kind == SNET:
            best = np.maximum(best, at)
        elif at is not None and kind == FNET:
            best = np.maximum(best, at - d)
        if self.status is not None:
            best = np.maximum(best, self.status)
        if at is not None:
            if kind == MSO:
                best = np.full_like(best, at)
            elif kind == MFO:
                best = at - d
            elif kind == SNLT:
                best = np.minimum(best, at)
            elif kind == FNLT:
                best = np.minimum(best, at - d)
        es[j] = best
        ef[j] = best + d

    def _progress(self, j: int, best: Matrix, d: Matrix, es: Matrix, ef: Matrix) -> None:
        """A task with progress: done work stays put, the rest follows the status date."""
        task = self.net.tasks[j]
        started_at, finished_at = self.progress[j]
        started = best if started_at is None else np.full_like(best, started_at)
        es[j] = started
        if finished_at is not None:
            ef[j] = finished_at
            return
        if task.percent_complete >= 100:
            remaining = np.zeros_like(d)
        elif task.remaining is not None:
            remaining = np.full_like(d, task.remaining)
        else:
            remaining = np.round(d * ((100 - task.percent_complete) / 100)).astype(d.dtype)
        stop = started + np.maximum(d - remaining, 0)
        if self.state[j] == COMPLETE:
            ef[j] = stop
            return
        if self.status is not None:
            stop = np.maximum(stop, self.status)
        ef[j] = stop + remaining

    def backward(self, dur: Matrix, early: Matrix, late: Matrix, finish: Matrix) -> None:
        """Late start (rows 0..n-1) and late finish (rows n..2n-1) of every task.

        ``finish`` is each iteration's project finish (the latest early finish).
        """
        n = self.n
        es, ef = early[:n], early[n:]
        ls, lf = late[:n], late[n:]
        c = dur.shape[1]
        none = big(dur.dtype)
        cap_lf = np.empty((self.cap_count, c), dtype=dur.dtype)
        cap_ls = np.empty((self.cap_count, c), dtype=dur.dtype)
        for lv in reversed(self.levels):
            size = lv.tasks.size
            bounds = np.empty((2 * size, c), dtype=dur.dtype)
            bounds[:size] = finish
            bounds[size:] = none
            for b in lv.back:
                cand = late[b.rows]
                if b.lag is not None:
                    b.lag.add(cand, -1)
                if b.pct is not None:
                    rows, preds, pct = b.pct
                    work = ef[preds] - es[preds]
                    cand[rows] -= np.round(work * pct[:, None] / 100).astype(cand.dtype)
                least = b.starts.reduce(np.minimum, cand)
                np.minimum(least, bounds[b.targets], out=least)
                bounds[b.targets] = least
            lfb, lsb = bounds[:size], bounds[size:]
            if lv.capped.size:
                slots = lv.cap_slots
                rows = lv.capped_rows
                lfb[rows] = np.minimum(lfb[rows], cap_lf[slots])
                lead = es[lv.capped] - es[self.parent[lv.capped]]
                lead += cap_ls[slots]
                lsb[rows] = np.minimum(lsb[rows], lead)
            for r in lv.bounded:
                j = int(lv.tasks[r])
                at = self.at[j]
                kind = self.net.constraint[j]
                if at is not None and kind in (MSO, SNLT):
                    np.minimum(lsb[r], at, out=lsb[r])
                elif at is not None and kind in (MFO, FNLT):
                    np.minimum(lfb[r], at, out=lfb[r])
                due = self.due[j]
                if due is not None:
                    np.minimum(lfb[r], due, out=lfb[r])
            if lv.cap_givers.size:
                cap_lf[lv.cap_giver_slots] = lfb[lv.cap_giver_rows]
                cap_ls[lv.cap_giver_slots] = lsb[lv.cap_giver_rows]
            work = lv.work
            if not work.size:
                continue
            if lv.summaries.size:
                lfw, lsw = lfb[lv.work_rows], lsb[lv.work_rows]
            else:
                lfw, lsw = lfb, lsb
            d = dur[lv.work_at]
            state = self.state[work]
            started = state != NOT_STARTED
            if started.any():
                d = d.copy()  # a slice is a view of the durations
                d[started] = ef[work[started]] - es[work[started]]
            # A start bound limits the finish to start + duration; "no bound" stays huge.
            lsw += d
            np.minimum(lfw, lsw, out=lfw)
            lf[lv.work_at] = lfw
            lfw -= d
            ls[lv.work_at] = lfw
            if started.any():
                moving = work[state == IN_PROGRESS]
                ls[moving] = es[moving]
                done = work[state == COMPLETE]
                ls[done] = es[done]
                lf[done] = ef[done]
        for lv in self.levels:  # summaries span their children's late dates
            if lv.summaries.size:
                ls[lv.summaries_at] = lv.kid_starts.reduce(np.minimum, ls[lv.kids])
                lf[lv.summaries_at] = lv.kid_starts.reduce(np.maximum, lf[lv.kids])

    def critical_counts(self, early: Matrix, late: Matrix) -> Index:
        """Per task, in how many iterations its total float is ≤ 0 (never when complete).

        Total float is min(LS - ES, LF - EF); the passes keep LS = LF - d and EF = ES + d,
        so both differences are equal for tasks not started, and for summaries and tasks
        in progress the finish difference is the float by definition.
        """
        n = self.n
        counts: Index = np.count_nonzero(late[n:] <= early[n:], axis=1).astype(np.int64)
        if self.float_rows.size:
            rows = self.float_rows
            slack = late[rows + n] - early[rows + n] + self.float_bonus
            counts[rows] = np.count_nonzero(slack <= 0, axis=1)
        counts[self.complete] = 0
        return counts


def _span(rows: Index) -> Index | slice:
    """``rows`` (ascending, no repeats) as a slice when they are consecutive."""
    if rows.size and int(rows[-1]) - int(rows[0]) == rows.size - 1:
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _level_order(net: CompiledNetwork) -> list[int] | None:
    """Task indices sorted by level, work before summaries, then index; None if unchanged.

    A task's level is one more than the highest of its predecessors' (a summary's: of its
    children's), as in ``Plan._levels``.
    """
    n = len(net.ids)
    incoming: list[list[int]] = [[] for _ in range(n)]
    for p, s in zip(net.link_pred, net.link_succ, strict=True):
        incoming[s].append(p)
    level = [0] * n
    for j in net.order:
        sources = net.children[j] if net.summary[j] else incoming[j]
        if sources:
            level[j] = 1 + max(level[i] for i in sources)
    order = sorted(range(n), key=lambda j: (level[j], bool(net.summary[j]), j))
    return None if order == list(range(n)) else order


def _project_axis(network: Network) -> TimeAxis:
    calendar = network.calendars.get(network.calendar)
    if not isinstance(calendar, WorkingCalendar):
        calendar = standard_calendar()
    return axis_for(calendar)
