"""The Monte Carlo engine: the critical path method on arrays of iterations.

Iterations are processed in chunks (``CHUNK_CELLS`` tasks × iterations at a time, to bound
memory): draw the samples, run the array passes of ``keel.domain.risk.passes``, keep each
iteration's finish and cost and count critical tasks. Finish minutes become calendar dates
once, at the end.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from keel.domain.errors import UnknownReferenceError, ValidationError
from keel.domain.risk.correlation import correlation_matrix, rank_reorder
from keel.domain.risk.model import (
    MAX_DURATION,
    MAX_ITERATIONS,
    PERCENTILES,
    Correlation,
    Distribution,
    DistributionKind,
    Driver,
    Histogram,
    RiskEvent,
    SimulationResult,
    TaskUncertainty,
)
from keel.domain.risk.passes import Plan
from keel.domain.risk.sampling import _KIND_CODES, Sampler
from keel.domain.risk.tornado import spearman
from keel.domain.schedule.calendar import from_minutes, to_minutes
from keel.domain.schedule.model import Network
from keel.domain.schedule.network import CompiledNetwork

__all__ = ["CHUNK_CELLS", "TORNADO_SAMPLE", "WORKERS", "simulate"]

CHUNK_CELLS = 4_000_000
"""Tasks × iterations computed at once with 32-bit dates (half as many with 64-bit ones);
bounds memory, and keeps the rows each level of the passes touches in the CPU cache."""

WORKERS = min(2, os.cpu_count() or 1)
"""Threads that compute chunks side by side (``simulate(workers=...)`` overrides it)."""

TORNADO_SAMPLE = 2_000
"""The tornado's rank correlations use the first this many iterations."""

_TORNADO_SIZE = 10
_TORNADO_CANDIDATES = 200
Progress = Callable[[int, int], None]


def _check_iterations(iterations: int) -> int:
    if isinstance(iterations, bool) or not isinstance(iterations, int | np.integer):
        raise ValidationError("iterations must be a whole number.")
    if iterations <= 0:
        raise ValidationError(f"iterations must be at least 1 (got {iterations}).")
    if iterations > MAX_ITERATIONS:
        raise ValidationError(
            f"iterations may be at most {MAX_ITERATIONS:,} (got {iterations:,}); "
            "more adds run time, not precision."
        )
    return int(iterations)


@dataclass(slots=True)
class _Inputs:
    unc_rows: npt.NDArray[np.int64]
    unc_dists: list[Distribution]
    cost_rows: list[int]
    cost_dists: list[Distribution]
    fixed_cost: float
    risks: list[RiskEvent]
    risk_rows: list[npt.NDArray[np.int64]]
    corr_rows: npt.NDArray[np.int64]  # rows within unc_rows
    corr_matrix: npt.NDArray[np.float64] | None


def _inputs(
    plan: Plan,
    uncertainties: Iterable[TaskUncertainty],
    risks: Iterable[RiskEvent],
    correlations: Iterable[Correlation],
    base_costs: Mapping[str, Decimal | int | float] | None,
) -> _Inputs:
    net = plan.net
    index = net.index
    unknown: list[str] = []
    durations: dict[int, Distribution] = {}
    costs: dict[int, Distribution] = {}
    seen: set[str] = set()
    for u in uncertainties:
        if u.task_id in seen:
            raise ValidationError(f"Task {u.task_id!r} has two sets of estimates; give one.")
        seen.add(u.task_id)
        j = index.get(u.task_id)
        if j is None:
            unknown.append(u.task_id)
            continue
        if u.duration is not None:
            u.duration.check(f"Task {u.task_id!r} duration", limit=MAX_DURATION)
            if net.summary[j] and u.duration.kind is not DistributionKind.FIXED:
                raise ValidationError(
                    f"Task {u.task_id!r} is a summary task; its duration follows its children, "
                    "so give estimates to the children."
                )
            if not net.summary[j]:
                durations[j] = u.duration
        if u.cost is not None:
            u.cost.check(f"Task {u.task_id!r} cost")
            costs[j] = u.cost
    risk_list = list(risks)
    risk_rows: list[npt.NDArray[np.int64]] = []
    risk_ids: set[str] = set()
    for r in risk_list:
        if r.id in risk_ids:
            raise ValidationError(f"Two risks have the id {r.id!r}.")
        risk_ids.add(r.id)
        rows: list[int] = []
        for t in r.affects:
            j = index.get(t)
            if j is None:
                unknown.append(t)
                continue
            rows.extend(_leaves(net, j))
        risk_rows.append(np.asarray(sorted(set(rows)), dtype=np.int64))
    fixed = 0.0
    for task_id, value in (base_costs or {}).items():
        j = index.get(task_id)
        if j is None:
            unknown.append(task_id)
            continue
        amount = float(value)
        if not math.isfinite(amount) or amount < 0:
            raise ValidationError(f"Task {task_id!r}: base cost {value} must not be negative.")
        if j not in costs:
            fixed += amount
    corr_list = list(correlations)
    unknown.extend(t for c in corr_list for t in (c.task_a, c.task_b) if t not in index)
    if unknown:
        names = sorted(set(unknown))
        raise UnknownReferenceError(
            "Estimates, risks or correlations name tasks that do not exist: "
            + ", ".join(names)
            + ".",
            details={"unknown": names},
        )
    # Rows sorted by distribution kind, so the sampler fills them in place.
    unc_rows = np.asarray(sorted(durations, key=lambda j: (_kind_order(durations[j]), j)),
                          dtype=np.int64)  # fmt: skip
    corr_rows = np.zeros(0, dtype=np.int64)
    matrix = None
    if corr_list:
        for c in corr_list:
            for t in (c.task_a, c.task_b):
                if index[t] not in durations:
                    raise ValidationError(
                        f"Correlation {c.task_a!r}–{c.task_b!r}: task {t!r} has no duration "
                        "estimate to correlate."
                    )
        members = sorted({index[t] for c in corr_list for t in (c.task_a, c.task_b)})
        pairs = [
            (members.index(index[c.task_a]), members.index(index[c.task_b]), float(c.rho))
            for c in corr_list
        ]
        matrix = correlation_matrix(len(members), pairs, [net.ids[m] for m in members])
        where = {j: r for r, j in enumerate(unc_rows.tolist())}
        corr_rows = np.asarray([where[m] for m in members], dtype=np.int64)
    cost_rows = sorted(costs, key=lambda j: (_kind_order(costs[j]), j))
    return _Inputs(
        unc_rows=unc_rows,
        unc_dists=[durations[j] for j in unc_rows.tolist()],
        cost_rows=cost_rows,
        cost_dists=[costs[j] for j in cost_rows],
        fixed_cost=fixed,
        risks=risk_list,
        risk_rows=risk_rows,
        corr_rows=corr_rows,
        corr_matrix=matrix,
    )


def _kind_order(dist: Distribution) -> int:
    """Sort key matching the sampler's: a distribution without spread counts as fixed, so
    rows sorted by it are already in the sampler's order and are filled in place."""
    return _KIND_CODES["fixed"] if dist.high <= dist.low else _KIND_CODES[dist.kind.value]


def _leaves(net: CompiledNetwork, j: int) -> list[int]:
    if not net.summary[j]:
        return [j]
    found: list[int] = []
    stack = [j]
    while stack:
        item = stack.pop()
        if net.summary[item]:
            stack.extend(net.children[item])
        else:
            found.append(item)
    return found


def simulate(
    network: Network,
    uncertainties: Iterable[TaskUncertainty],
    risks: Iterable[RiskEvent] = (),
    correlations: Iterable[Correlation] = (),
    *,
    iterations: int,
    seed: int,
    target_finish: datetime | None = None,
    budget: Decimal | int | float | None = None,
    base_costs: Mapping[str, Decimal | int | float] | None = None,
    progress: Progress | None = None,
    bins: int = 40,
    workers: int | None = None,
) -> SimulationResult:
    """Run a Monte Carlo simulation of a plan's finish date and total cost.

    Each iteration draws every estimated duration and cost, decides for every risk event
    whether it happens (and then draws its extra duration and cost), schedules the network
    with the critical path method and records the finish, the cost and which tasks were
    critical. All iterations of a chunk are computed together as NumPy arrays.

    Parameters
    ----------
    network : Network
        The plan; task durations are the planned (deterministic) ones.
    uncertainties : iterable of TaskUncertainty
        Three-point estimates of durations (working minutes) and costs, by task id.
    risks : iterable of RiskEvent, optional
        Threats that, with their probability, add duration to tasks and cost to the total.
    correlations : iterable of Correlation, optional
        Rank correlations between pairs of tasks' durations, imposed with the Iman-Conover
        method (Iman & Conover, 1982) on normal scores; the matrix must be positive definite.
    iterations : int
        Number of iterations, 1 to ``MAX_ITERATIONS`` (100,000).
    seed : int
        Seed of the random streams (``numpy.random.SFC64``, one per chunk of iterations): the
        same seed and inputs give the same result, whatever the number of threads.
    target_finish : datetime, optional
        Date to measure the probability of finishing by.
    budget : Decimal, optional
        Budget to measure the probability of staying within.
    base_costs : mapping of task id to Decimal, optional
        Fixed costs of tasks that have no cost estimate.
    progress : callable(done, total), optional
        Called after each chunk with the iterations done so far.
    bins : int, optional
        Number of histogram bins (default 40).
    workers : int, optional
        Threads computing chunks at once (default ``WORKERS``: two, or one on one core).
        Each chunk draws from its own stream of the seed, so the result is the same for
        any number of threads.

    Returns
    -------
    SimulationResult
        Percentiles, probabilities, criticality indices, tornado, histograms.

    Raises
    ------
    ValidationError
        Iterations ≤ 0 or above the cap, estimates out of order, unknown tasks, a
        correlation matrix that is not positive definite, or a network the scheduler refuses.

    Notes
    -----
    Criticality index: the share of iterations in which a task's total float is ≤ 0
    (PMBOK Guide, 6th ed., §11.4.2.5 "Simulation"). Percentiles use linear interpolation
    between order statistics (Hyndman & Fan definition 7).

    Examples
    --------
    >>> from datetime import datetime
    >>> from keel.domain.schedule import Network, Task
    >>> net = Network(tasks=(Task("a", duration=2400),), dependencies=(),
    ...               start=datetime(2026, 3, 2), calendars={})
    >>> result = simulate(net, [TaskUncertainty("a", Distribution.triangular(1920, 2400, 3840))],
    ...                   iterations=1000, seed=1)
    >>> result.finish_percentiles[10] < result.finish_percentiles[90]
    True
    """
    total = _check_iterations(iterations)
    if bins < 1:
        raise ValidationError("bins must be at least 1.")
    plan = Plan(network)
    inputs = _inputs(plan, uncertainties, risks, correlations, base_costs)
    n = plan.n
    dtype = _dtype(plan, inputs)
    chunk = max(1, min(total, (CHUNK_CELLS * 4 // dtype.itemsize) // max(n, 1)))
    keep = min(total, TORNADO_SAMPLE)
    durations = Sampler(inputs.unc_dists)
    costs = Sampler(inputs.cost_dists)
    risk_count = len(inputs.risks)
    chance = np.asarray([float(r.probability) for r in inputs.risks], dtype=np.float64)
    none = Distribution.fixed(0)
    risk_days = Sampler([r.extra_duration or none for r in inputs.risks])
    risk_money = Sampler([r.extra_cost or none for r in inputs.risks])
    # The finish tornado looks at estimated durations with a spread: all of them when there
    # are at most _TORNADO_CANDIDATES, else those most often critical in the first chunk.
    # Only their samples are kept; until the choice is made, chunk 0 keeps all of its own.
    spread_rows = np.flatnonzero(np.asarray([d.high > d.low for d in inputs.unc_dists], bool))
    chosen: dict[str, Any] = {}
    if spread_rows.size <= _TORNADO_CANDIDATES:
        chosen["pick"] = spread_rows
        chosen["kept"] = np.empty((spread_rows.size, keep), dtype=np.float32)
    # The cost tornado looks at the costs with the largest spread; only those are kept.
    spread = np.asarray([d.variance() for d in inputs.cost_dists], dtype=np.float64)
    cost_pick = np.flatnonzero(spread > 0)
    if cost_pick.size > _TORNADO_CANDIDATES:
        widest = np.argsort(-spread[cost_pick], kind="stable")[:_TORNADO_CANDIDATES]
        cost_pick = np.sort(cost_pick[widest])
    kept_cost = np.empty((cost_pick.size, keep), dtype=np.float32)
    kept_risk_d = np.zeros((risk_count, keep), dtype=np.float32)
    kept_risk_c = np.zeros((risk_count, keep), dtype=np.float32)
    finish = np.empty(total, dtype=np.int64)
    cost = np.empty(total, dtype=np.float64)
    crit_count = np.zeros(n, dtype=np.int64)
    base = plan.base.astype(dtype)[:, None]
    # Rows without a duration estimate keep their planned duration; the others are drawn.
    planned_rows = np.setdiff1d(np.arange(n), inputs.unc_rows)
    planned_base = base[planned_rows]
    # Estimates of tasks on other calendars (or elapsed): samples × rate + rest (Plan).
    unc_rate = unc_rest = None
    if np.intersect1d(inputs.unc_rows, plan.translated).size:
        unc_rate = plan.rate[inputs.unc_rows][:, None]
        unc_rest = plan.rest[inputs.unc_rows][:, None]
    firsts = list(range(0, total, chunk))
    # One random stream per chunk: the result does not depend on which thread ran what.
    streams = np.random.SeedSequence(seed).spawn(len(firsts))

    def run_chunk(k: int) -> npt.NDArray[np.int64]:
        """Simulate chunk ``k``; write its finishes and costs, return its critical counts."""
        done = firsts[k]
        c = min(chunk, total - done)
        rng = np.random.Generator(np.random.SFC64(streams[k]))
        dur = np.empty((n, c), dtype=dtype)
        if planned_rows.size == n:
            dur[:] = base
        else:
            dur[planned_rows] = planned_base
        sampled = durations.draw(rng, c)
        if inputs.corr_matrix is not None:
            sampled[inputs.corr_rows] = rank_reorder(
                sampled[inputs.corr_rows], inputs.corr_matrix, rng
            )
        if inputs.unc_rows.size:
            np.rint(sampled, out=sampled)
            if unc_rate is None or unc_rest is None:
                dur[inputs.unc_rows] = sampled
            else:  # durations on other calendars, in project-calendar minutes
                moved = np.rint(sampled * unc_rate + unc_rest)
                dur[inputs.unc_rows] = np.maximum(moved, 0)
        chunk_cost = np.full(c, inputs.fixed_cost, dtype=np.float64)
        cost_samples = costs.draw(rng, c)
        if cost_samples.size:
            chunk_cost += cost_samples.sum(axis=0, dtype=np.float64)
        hit = rng.random((risk_count, c)) < chance[:, None]
        risk_d = risk_days.draw(rng, c)
        np.rint(risk_d, out=risk_d)
        risk_d *= hit
        risk_c = risk_money.draw(rng, c)
        risk_c *= hit
        if risk_count:
            chunk_cost += risk_c.sum(axis=0, dtype=np.float64)
        for r, rows in enumerate(inputs.risk_rows):
            if rows.size and inputs.risks[r].extra_duration is not None:
                rate = plan.rate[rows]
                if (rate == 1).all():
                    dur[rows] += risk_d[r].astype(dtype)
                else:
                    dur[rows] += np.rint(risk_d[r] * rate[:, None]).astype(dtype)
        early = np.empty((2 * n, c), dtype=dtype)
        plan.forward(dur, early)
        project_finish = early[n:].max(axis=0) if n else np.zeros(c, dtype=dtype)
        late = np.empty((2 * n, c), dtype=dtype)
        plan.backward(dur, early, late, project_finish)
        finish[done : done + c] = project_finish
        cost[done : done + c] = chunk_cost
        if done < keep:
            take = min(keep - done, c)
            if "pick" in chosen:
                chosen["kept"][:, done : done + take] = sampled[chosen["pick"], :take]
            else:
                chosen["first"] = sampled[:, :take]
            kept_cost[:, done : done + take] = cost_samples[cost_pick, :take]
            kept_risk_d[:, done : done + take] = risk_d[:, :take]
            kept_risk_c[:, done : done + take] = risk_c[:, :take]
        return plan.critical_counts(early, late)

    def count(k: int, counts: npt.NDArray[np.int64]) -> None:
        crit_count[:] += counts
        if progress is not None:
            progress(min(total, firsts[k] + chunk), total)

    rest = range(len(firsts))
    if "pick" not in chosen:
        count(0, run_chunk(0))
        rest = range(1, len(firsts))
        unc = inputs.unc_rows
        often = np.argsort(-crit_count[unc[spread_rows]], kind="stable")[:_TORNADO_CANDIDATES]
        chosen["pick"] = np.sort(spread_rows[often])
        chosen["kept"] = np.empty((chosen["pick"].size, keep), dtype=np.float32)
        first = chosen.pop("first")
        chosen["kept"][:, : first.shape[1]] = first[chosen["pick"]]
    threads = max(1, min(workers if workers is not None else WORKERS, len(rest)))
    if threads == 1:
        results: Iterable[npt.NDArray[np.int64]] = map(run_chunk, rest)
        pool = None
    else:
        # NumPy lets go of the GIL inside its loops, so chunks overlap on several cores.
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="keel-montecarlo")
        results = pool.map(run_chunk, rest)
    try:
        for k, counts in zip(rest, results, strict=True):
            count(k, counts)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return _result(
        plan,
        inputs,
        total,
        seed,
        finish,
        cost,
        crit_count,
        (chosen["kept"], kept_cost, kept_risk_d, kept_risk_c),
        (chosen["pick"], cost_pick),
        target_finish,
        None if budget is None else Decimal(str(budget)),
        bins,
    )


def _dtype(plan: Plan, inputs: _Inputs) -> np.dtype[np.signedinteger[Any]]:
    """int32 where no date can come near its range (half the memory traffic), else int64."""
    longest = plan.base.astype(np.float64)
    stretch = float(max(1.0, plan.rate.max(initial=1.0)))
    for j, dist in zip(inputs.unc_rows.tolist(), inputs.unc_dists, strict=True):
        longest[j] = max(longest[j], dist.high * stretch)
    total = float(longest.sum())
    total += sum(
        (r.extra_duration.high if r.extra_duration else 0) * rows.size
        for r, rows in zip(inputs.risks, inputs.risk_rows, strict=True)
    )
    reach = total * stretch * plan.percent_factor() + plan.magnitude()
    return np.dtype(np.int32) if reach < 2**28 else np.dtype(np.int64)


def _money(value: float) -> Decimal:
    return Decimal(repr(round(float(value), 2))).quantize(Decimal("0.01"))


def _result(
    plan: Plan,
    inputs: _Inputs,
    total: int,
    seed: int,
    finish: npt.NDArray[np.int64],
    cost: npt.NDArray[np.float64],
    crit_count: npt.NDArray[np.int64],
    kept: tuple[
        npt.NDArray[np.float32],
        npt.NDArray[np.float32],
        npt.NDArray[np.float32],
        npt.NDArray[np.float32],
    ],
    picks: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    target_finish: datetime | None,
    budget: Decimal | None,
    bins: int,
) -> SimulationResult:
    net = plan.net
    start = net.network.start
    qs = np.asarray(PERCENTILES, dtype=np.float64) / 100
    duration_q = np.quantile(finish, qs)
    cost_q = np.quantile(cost, qs)
    to_date = _date_converter(plan)
    # Deterministic plan: planned durations, no risk, one iteration through the same passes.
    base = plan.base[:, None].copy()
    early = np.empty((2 * plan.n, 1), dtype=np.int64)
    plan.forward(base, early)
    planned = int(early[plan.n :].max()) if plan.n else 0
    planned_cost = inputs.fixed_cost + sum(d.mode for d in inputs.cost_dists)
    on_time = None
    if target_finish is not None:
        target = plan.axis.offset(to_minutes(target_finish)) - plan.origin
        on_time = float(np.mean(finish <= target))
    within = None if budget is None else float(np.mean(cost <= float(budget)))
    work = [j for j in range(plan.n) if not net.summary[j]]
    criticality = {net.ids[j]: float(crit_count[j]) / total for j in work}
    keep = kept[0].shape[1]
    finish_drivers, cost_drivers = _tornado(plan, inputs, finish[:keep], cost[:keep], kept,
                                            picks)  # fmt: skip
    counts, edges = np.histogram(finish, bins=bins)
    cumulative = np.cumsum(counts) / total
    edge_minutes = np.rint(edges).astype(np.int64)
    finish_hist = Histogram(
        edges=tuple(float(e) for e in edges),
        counts=tuple(int(c) for c in counts),
        cumulative=tuple(float(x) for x in cumulative),
        edge_dates=tuple(to_date(edge_minutes)),
    )
    c_counts, c_edges = np.histogram(cost, bins=bins)
    cost_hist = Histogram(
        edges=tuple(float(e) for e in c_edges),
        counts=tuple(int(c) for c in c_counts),
        cumulative=tuple(float(x) for x in np.cumsum(c_counts) / total),
    )
    return SimulationResult(
        iterations=total,
        seed=seed,
        start=start,
        finish_minutes=finish,
        costs=cost,
        finish_dates=tuple(to_date(finish)),
        finish_percentiles=dict(
            zip(PERCENTILES, to_date(np.ceil(duration_q).astype(np.int64)), strict=True)
        ),
        duration_percentiles={p: float(q) for p, q in zip(PERCENTILES, duration_q, strict=True)},
        cost_percentiles={p: _money(q) for p, q in zip(PERCENTILES, cost_q, strict=True)},
        mean_duration=float(finish.mean()),
        mean_cost=_money(float(cost.mean())),
        target_finish=target_finish,
        probability_on_time=on_time,
        budget=budget,
        probability_within_budget=within,
        criticality=criticality,
        finish_drivers=finish_drivers,
        cost_drivers=cost_drivers,
        finish_histogram=finish_hist,
        cost_histogram=cost_hist,
        deterministic_finish=to_date(np.asarray([planned], dtype=np.int64))[0],
        deterministic_finish_percentile=float(np.mean(finish <= planned)),
        deterministic_cost=_money(planned_cost),
        deterministic_cost_percentile=float(np.mean(cost <= planned_cost + 1e-9)),
    )


def _date_converter(plan: Plan) -> Callable[[npt.NDArray[np.int64]], list[datetime]]:
    """Working minutes after the start → the date-time that much work has been done by.

    No work at all finishes where the scheduler puts it: the first working instant at or
    after the project start.
    """
    first = from_minutes(int(plan.axis.starts_at(np.asarray([plan.origin], dtype=np.int64))[0]))

    def convert(minutes: npt.NDArray[np.int64]) -> list[datetime]:
        work = np.asarray(minutes, dtype=np.int64)
        if not work.size:
            return []
        _grow(plan.axis, int(work.max()) + plan.origin)
        stamps = plan.axis.finishes_at(np.maximum(work, 1) + plan.origin)
        cache: dict[int, datetime] = {}
        out: list[datetime] = []
        for w, s in zip(work.tolist(), stamps.tolist(), strict=True):
            if plan.finish_at is not None and w == plan.finish_at[0]:
                # The planned finish may fall outside the project calendar's working time
                # (a task on another calendar ends last): show the scheduler's instant.
                s = plan.finish_at[1]
            elif w <= 0:
                out.append(first)
                continue
            day = cache.get(s)
            if day is None:
                day = cache[s] = from_minutes(s)
            out.append(day)
        return out

    return convert


def _grow(axis: Any, work: int) -> None:
    """Extend ``axis`` to working minute ``work`` in steps of about ten working years.

    The calendar axis refuses to grow more than thirty years at once (its guard against a
    calendar without working time); a long plan's finishes may lie further out than that.
    """
    step = 10 * 260 * 8 * 60
    while True:
        covered = int(axis.cum[-1] + axis.ends[-1] - axis.starts[-1])
        if work <= covered:
            return
        axis.finishes_at(np.asarray([min(work, covered + step)], dtype=np.int64))


def _tornado(
    plan: Plan,
    inputs: _Inputs,
    finish: npt.NDArray[np.int64],
    cost: npt.NDArray[np.float64],
    kept: tuple[
        npt.NDArray[np.float32],
        npt.NDArray[np.float32],
        npt.NDArray[np.float32],
        npt.NDArray[np.float32],
    ],
    picks: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> tuple[tuple[Driver, ...], tuple[Driver, ...]]:
    """The biggest drivers of the finish and of the cost, by |Spearman ρ|.

    ``picks`` are the duration and cost estimates whose samples were kept (the rows of
    ``kept[0]`` and ``kept[1]``), as positions in ``inputs.unc_rows`` and ``inputs.cost_rows``.
    """
    pick, cost_pick = picks
    net = plan.net
    kept_dur, kept_cost, risk_d, risk_c = kept

    def name(j: int) -> str:
        return net.tasks[j].name or net.ids[j]

    def top(candidates: list[tuple[str, str, str]], data: npt.NDArray[np.float32],
            outcome: npt.NDArray[np.float64]) -> tuple[Driver, ...]:  # fmt: skip
        if not candidates:
            return ()
        rho = spearman(data.astype(np.float64), outcome)
        order = np.argsort(-np.abs(rho), kind="stable")[:_TORNADO_SIZE]
        return tuple(
            Driver(
                candidates[i][0],
                candidates[i][1],
                candidates[i][2],
                correlation=round(float(rho[i]), 4),
            )
            for i in order.tolist()
            if abs(rho[i]) > 0
        )

    unc = inputs.unc_rows
    f_cands = [(net.ids[j], name(j), "task") for j in unc[pick].tolist()]
    f_data = [kept_dur]
    r_pick = [k for k, r in enumerate(inputs.risks) if r.extra_duration is not None]
    f_cands += [(inputs.risks[k].id, inputs.risks[k].name, "risk") for k in r_pick]
    f_data.append(risk_d[r_pick])
    finish_drivers = top(f_cands, np.concatenate(f_data), finish.astype(np.float64))

    c_rows = np.asarray(inputs.cost_rows, dtype=np.int64)
    c_cands = [(net.ids[j], name(j), "task") for j in c_rows[cost_pick].tolist()]
    rc_pick = [k for k, r in enumerate(inputs.risks) if r.extra_cost is not None]
    c_cands += [(inputs.risks[k].id, inputs.risks[k].name, "risk") for k in rc_pick]
    c_data = np.concatenate([kept_cost, risk_c[rc_pick]])
    return finish_drivers, top(c_cands, c_data, cost)
