"""Monte Carlo simulation checked against answers known in closed form.

Durations are working minutes on the standard calendar (480 a day). A single task with no
links finishes exactly its sampled duration after the start, so the finish distribution
of a one-task plan is the duration distribution itself; two tasks side by side finish at
the later of the two, whose distribution function is the product of theirs.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keel.domain.errors import UnknownReferenceError, ValidationError
from keel.domain.risk import (
    MAX_ITERATIONS,
    Correlation,
    Distribution,
    RiskEvent,
    TaskUncertainty,
    simulate,
)
from keel.domain.risk.passes import Plan
from keel.domain.schedule import (
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Task,
    schedule,
)
from keel.domain.schedule.calendar import WorkingCalendar, standard_calendar, to_minutes

START = datetime(2026, 3, 2)  # a Monday
D = 480
RUNS = 20_000
PROBS = (10, 50, 80, 90)
FEW = settings(max_examples=25, deadline=None)


def network(*tasks: Task, deps: tuple[Dependency, ...] = ()) -> Network:
    return Network(tasks=tasks, dependencies=deps, start=START, calendars={})


def one_task(dist: Distribution, iterations: int = RUNS, seed: int = 11):
    net = network(Task("A", duration=round(dist.mode)))
    return simulate(net, [TaskUncertainty("A", dist)], iterations=iterations, seed=seed)


def close(got: float, want: float, rel: float = 0.01) -> bool:
    return abs(got - want) <= rel * abs(want)


# -- closed forms -------------------------------------------------------------------------


def triangular_quantile(a: float, c: float, b: float, p: float) -> float:
    """Inverse of the triangular distribution function on [a, b] with mode c."""
    if p <= (c - a) / (b - a):
        return a + math.sqrt(p * (b - a) * (c - a))
    return b - math.sqrt((1 - p) * (b - a) * (b - c))


def triangular_cdf(a: float, c: float, b: float, x: float) -> float:
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    if x <= c:
        return (x - a) ** 2 / ((b - a) * (c - a))
    return 1 - (b - x) ** 2 / ((b - a) * (b - c))


def beta_cdf_integer(alpha: int, beta: int, x: float) -> float:
    """The regularised incomplete beta I_x(α, β) for whole α, β: P(Binomial(α+β-1, x) ≥ α)."""
    n = alpha + beta - 1
    return sum(math.comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(alpha, n + 1))


def quantile_by_bisection(cdf, low: float, high: float, p: float) -> float:
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if cdf(mid) < p else (low, mid)
    return (low + high) / 2


# -- single task --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "c", "b"),
    [
        (4 * D, 5 * D, 8 * D),
        (10 * D, 10 * D, 15 * D),
        (2 * D, 6 * D, 6 * D),
        (3 * D, 4 * D, 20 * D),
    ],
)
def test_triangular_task_mean_and_percentiles_match_the_closed_form(a, c, b):
    result = one_task(Distribution.triangular(a, c, b))
    assert close(result.mean_duration, (a + b + c) / 3)
    for p in PROBS:
        want = triangular_quantile(a, c, b, p / 100)
        assert close(result.duration_percentiles[p], want), (p, result.duration_percentiles[p])


@pytest.mark.parametrize(
    ("a", "m", "b", "alpha", "beta"),
    [
        # α = 1 + 4(m - a)/(b - a), β = 1 + 4(b - m)/(b - a): whole numbers here.
        (10 * D, 12.5 * D, 20 * D, 2, 4),
        (10 * D, 15 * D, 20 * D, 3, 3),
        (4 * D, 4 * D, 8 * D, 1, 5),
    ],
)
def test_pert_task_mean_and_percentiles_match_the_beta_distribution(a, m, b, alpha, beta):
    result = one_task(Distribution.pert(a, m, b))
    assert close(result.mean_duration, (a + 4 * m + b) / 6)
    for p in PROBS:
        share = quantile_by_bisection(lambda x: beta_cdf_integer(alpha, beta, x), 0, 1, p / 100)
        want = a + share * (b - a)
        assert close(result.duration_percentiles[p], want), (p, result.duration_percentiles[p])


def test_uniform_task_mean_and_percentiles_are_linear():
    a, b = 6 * D, 16 * D
    result = one_task(Distribution.uniform(a, b))
    assert close(result.mean_duration, (a + b) / 2)
    for p in PROBS:
        assert close(result.duration_percentiles[p], a + p / 100 * (b - a))


def test_fixed_task_always_takes_its_value():
    result = one_task(Distribution.fixed(7 * D), iterations=500)
    assert set(result.finish_minutes.tolist()) == {7 * D}
    assert set(result.duration_percentiles.values()) == {7 * D}


@FEW
@given(
    st.integers(0, 40 * D),
    st.integers(1, 40 * D),
    st.integers(0, 40 * D),
    st.sampled_from(["triangular", "pert", "uniform"]),
)
def test_any_estimate_stays_within_its_bounds_and_percentiles_rise(low, spread, share, kind):
    high = low + spread
    mode = low + share % (spread + 1)
    if kind == "uniform":
        dist = Distribution.uniform(low, high)
    else:
        dist = getattr(Distribution, kind)(low, mode, high)
    result = one_task(dist, iterations=2_000)
    samples = result.finish_minutes
    assert samples.min() >= low and samples.max() <= high
    values = [result.duration_percentiles[p] for p in PROBS]
    assert values == sorted(values)
    # The mean of 2,000 draws is within 5 standard errors of the distribution's mean.
    sd = spread / math.sqrt(12)  # the uniform has the largest spread of the three
    assert abs(result.mean_duration - dist.mean()) <= 5 * sd / math.sqrt(2_000) + 1


# -- two parallel tasks -------------------------------------------------------------------


def test_two_parallel_tasks_finish_at_the_later_one():
    """P(finish ≤ x) = F_A(x) · F_B(x) for two independent tasks side by side."""
    a = (4 * D, 6 * D, 10 * D)
    lo, hi = 5 * D, 9 * D
    net = network(Task("A", duration=6 * D), Task("B", duration=7 * D))
    result = simulate(
        net,
        [
            TaskUncertainty("A", Distribution.triangular(*a)),
            TaskUncertainty("B", Distribution.uniform(lo, hi)),
        ],
        iterations=RUNS,
        seed=5,
    )
    finish = np.sort(result.finish_minutes)
    worst = 0.0
    for x in np.linspace(4 * D, 10 * D, 61):
        empirical = np.searchsorted(finish, x, side="right") / finish.size
        expected = triangular_cdf(*a, x) * min(max((x - lo) / (hi - lo), 0.0), 1.0)
        worst = max(worst, abs(empirical - expected))
    # Kolmogorov-Smirnov: 1.63/sqrt(n) is the 1 % critical distance; n = 20,000.
    assert worst < 1.63 / math.sqrt(RUNS)
    # The mean of the maximum, ∫ (1 - F_A F_B) dx from 0, by the trapezium rule.
    xs = np.linspace(0, 10 * D, 20_001)
    tail = [
        1 - triangular_cdf(*a, x) * min(max((x - lo) / (hi - lo), 0.0), 1.0) for x in xs.tolist()
    ]
    assert close(result.mean_duration, float(np.trapezoid(tail, xs)))
    # A task is critical exactly when it is the later one.
    assert result.criticality["A"] + result.criticality["B"] == pytest.approx(1.0, abs=0.01)


def test_tasks_in_series_add_up():
    net = network(
        Task("A", duration=5 * D), Task("B", duration=5 * D), deps=(Dependency("A", "B"),)
    )
    result = simulate(
        net,
        [
            TaskUncertainty("A", Distribution.triangular(4 * D, 5 * D, 9 * D)),
            TaskUncertainty("B", Distribution.pert(3 * D, 5 * D, 10 * D)),
        ],
        iterations=RUNS,
        seed=2,
    )
    assert close(result.mean_duration, 6 * D + (3 * D + 20 * D + 10 * D) / 6)
    assert result.criticality == {"A": 1.0, "B": 1.0}


# -- fixed durations reproduce the deterministic schedule ---------------------------------

TYPES = list(DependencyType)


@st.composite
def networks(draw):
    """Random plans with all four link types, lags and leads, and a summary task."""
    n = draw(st.integers(2, 10))
    durations = draw(
        st.lists(st.sampled_from([0, 60, 240, 480, 600, 960, 2400]), min_size=n, max_size=n)
    )
    pairs = [(i, j) for j in range(n) for i in range(j)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2 * n))
    deps = tuple(
        Dependency(
            f"T{i}",
            f"T{j}",
            draw(st.sampled_from(TYPES)),
            lag=draw(st.sampled_from([0, 0, 60, 480, -120])),
        )
        for i, j in chosen
    )
    grouped = draw(st.integers(0, n - 1))
    tasks = [Task("S", name="Phase")] if grouped else []
    tasks += [
        Task(f"T{i}", duration=d, parent="S" if i < grouped else None)
        for i, d in enumerate(durations)
    ]
    return network(*tasks, deps=deps)


@settings(max_examples=40, deadline=None)
@given(networks())
def test_fixed_durations_reproduce_the_deterministic_schedule_exactly(net):
    planned = schedule(net)
    work = [t for t in net.tasks if t.id != "S"]
    estimates = [TaskUncertainty(t.id, Distribution.fixed(t.duration)) for t in work]
    result = simulate(net, estimates, iterations=50, seed=1)
    assert set(result.finish_dates) == {planned.finish}
    assert set(result.finish_percentiles.values()) == {planned.finish}
    assert result.deterministic_finish == planned.finish
    assert result.deterministic_finish_percentile == 1.0
    for task in work:
        expected = 1.0 if planned.tasks[task.id].critical else 0.0
        assert result.criticality[task.id] == expected, task.id


def test_fixed_network_on_the_calendar_gives_the_scheduled_date():
    """Three phases over a weekend: the date matches the scheduler's to the minute."""
    net = network(
        Task("design", duration=3 * D),
        Task("build", duration=4 * D + 120),
        Task("test", duration=2 * D),
        Task("docs", duration=D),
        deps=(
            Dependency("design", "build"),
            Dependency("build", "test", DependencyType.SS, lag=D),
            Dependency("design", "docs", lag=2 * D),
        ),
    )
    planned = schedule(net)
    result = simulate(
        net,
        [TaskUncertainty(t.id, Distribution.fixed(t.duration)) for t in net.tasks],
        iterations=10,
        seed=0,
    )
    assert result.finish_percentiles[90] == planned.finish == datetime(2026, 3, 11, 11, 0)


# -- seeds, risk events, correlation, criticality -----------------------------------------


def _risky_plan():
    net = network(
        Task("A", duration=5 * D), Task("B", duration=3 * D), deps=(Dependency("A", "B"),)
    )
    estimates = [
        TaskUncertainty(
            "A", Distribution.triangular(4 * D, 5 * D, 8 * D), Distribution.pert(900, 1000, 1500)
        ),
        TaskUncertainty("B", Distribution.uniform(2 * D, 4 * D)),
    ]
    risks = [
        RiskEvent(
            "R1", "Vendor late", 0.3, ("B",), Distribution.fixed(2 * D), Distribution.fixed(500)
        )
    ]
    return net, estimates, risks


def test_a_seeded_run_is_reproducible_and_another_seed_differs():
    net, estimates, risks = _risky_plan()
    first = simulate(net, estimates, risks, iterations=3_000, seed=42)
    again = simulate(net, estimates, risks, iterations=3_000, seed=42)
    other = simulate(net, estimates, risks, iterations=3_000, seed=43)
    assert np.array_equal(first.finish_minutes, again.finish_minutes)
    assert np.array_equal(first.costs, again.costs)
    assert first.finish_percentiles == again.finish_percentiles
    assert first.cost_percentiles == again.cost_percentiles
    assert first.finish_drivers == again.finish_drivers
    assert not np.array_equal(first.finish_minutes, other.finish_minutes)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.35, 0.8, 1.0])
def test_a_risk_event_adds_its_impact_in_about_p_of_iterations(p):
    net = network(Task("A", duration=5 * D))
    risk = RiskEvent(
        "R1", "Permit refused", p, ("A",), Distribution.fixed(2 * D), Distribution.fixed(1000)
    )
    result = simulate(
        net, [TaskUncertainty("A", Distribution.fixed(5 * D))], [risk], iterations=RUNS, seed=7
    )
    finish = result.finish_minutes
    assert set(finish.tolist()) <= {5 * D, 7 * D}
    share = float(np.mean(finish == 7 * D))
    # Four standard errors of a binomial share.
    assert abs(share - p) <= 4 * math.sqrt(p * (1 - p) / RUNS) + 1e-12
    # The cost rises in the same iterations.
    assert np.array_equal(result.costs == 1000, finish == 7 * D)


def test_probabilities_of_meeting_target_and_budget():
    net, estimates, risks = _risky_plan()
    result = simulate(
        net,
        estimates,
        risks,
        iterations=RUNS,
        seed=3,
        target_finish=datetime(2026, 3, 13, 18),  # 10 working days after the start
        budget=1000,
    )
    assert result.probability_on_time == pytest.approx(
        float(np.mean(result.finish_minutes <= 10 * D)), abs=1e-12
    )
    assert result.probability_within_budget == pytest.approx(
        float(np.mean(result.costs <= 1000)), abs=1e-12
    )
    # The PERT cost 900-1000-1500 (α = 1.8) is ≤ 1000 in about 0.34 of the draws; the
    # risk (p = 0.3) adds 500 and pushes every one of them past the budget.
    assert 0.2 < result.probability_within_budget < 0.3
    assert 0 < result.probability_on_time < 1
    drivers = [d.id for d in result.finish_drivers]
    assert "R1" in drivers and "A" in drivers


def _spearman_through_a_sum(rho: float) -> float:
    """Two uniform tasks in series; their Pearson (= rank) correlation from Var(A + B)."""
    lo, hi = 4 * D, 12 * D
    net = network(
        Task("A", duration=8 * D), Task("B", duration=8 * D), deps=(Dependency("A", "B"),)
    )
    result = simulate(
        net,
        [
            TaskUncertainty("A", Distribution.uniform(lo, hi)),
            TaskUncertainty("B", Distribution.uniform(lo, hi)),
        ],
        correlations=[Correlation("A", "B", rho)],
        iterations=RUNS,
        seed=8,
    )
    var = (hi - lo) ** 2 / 12
    total = result.finish_minutes.astype(np.float64)
    return float((total.var() - 2 * var) / (2 * var))


@pytest.mark.parametrize("rho", [-0.5, 0.0, 0.4, 0.8])
def test_correlation_gives_the_asked_rank_correlation(rho):
    assert _spearman_through_a_sum(rho) == pytest.approx(rho, abs=0.03)


def test_criticality_index_of_a_dominant_path_is_one():
    net = network(
        Task("long1", duration=10 * D),
        Task("long2", duration=10 * D),
        Task("short", duration=3 * D),
        Task("end", duration=0, milestone=True),
        deps=(
            Dependency("long1", "long2"),
            Dependency("long2", "end"),
            Dependency("short", "end"),
        ),
    )
    result = simulate(
        net,
        [
            TaskUncertainty("long1", Distribution.triangular(8 * D, 10 * D, 14 * D)),
            TaskUncertainty("long2", Distribution.pert(8 * D, 10 * D, 14 * D)),
            TaskUncertainty("short", Distribution.triangular(2 * D, 3 * D, 6 * D)),
        ],
        iterations=5_000,
        seed=4,
    )
    assert result.criticality["long1"] == result.criticality["long2"] == 1.0
    assert result.criticality["end"] == 1.0
    assert result.criticality["short"] == 0.0


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "mode", "high"),
    [(5, 3, 9), (1, 9, 5), (9, 5, 1), (-1, 2, 3)],
)
def test_estimates_out_of_order_are_refused(low, mode, high):
    with pytest.raises(ValidationError, match="Task 'A' duration"):
        TaskUncertainty("A", Distribution.triangular(low, mode, high))
    with pytest.raises(ValidationError, match="Task 'A' cost"):
        TaskUncertainty("A", cost=Distribution.pert(low, mode, high))


@FEW
@given(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)))
def test_any_estimate_not_in_order_is_refused_and_any_in_order_accepted(values):
    low, mode, high = values
    if low <= mode <= high:
        TaskUncertainty("A", Distribution.triangular(low, mode, high))
    else:
        with pytest.raises(ValidationError, match="does not hold"):
            TaskUncertainty("A", Distribution.triangular(low, mode, high))


@pytest.mark.parametrize("p", [-0.1, 1.01, 5, float("nan")])
def test_probability_outside_zero_to_one_is_refused(p):
    with pytest.raises(ValidationError, match="probability"):
        RiskEvent("R1", "x", p, ("A",), Distribution.fixed(D))


@pytest.mark.parametrize("iterations", [0, -1, MAX_ITERATIONS + 1, 10**9])
def test_iterations_outside_one_to_the_cap_are_refused(iterations):
    with pytest.raises(ValidationError, match="iterations"):
        one_task(Distribution.fixed(D), iterations=iterations)


def test_the_cap_itself_is_allowed():
    assert MAX_ITERATIONS == 100_000
    assert one_task(Distribution.fixed(D), iterations=MAX_ITERATIONS).iterations == MAX_ITERATIONS


def test_unknown_tasks_and_impossible_correlations_are_refused():
    net = network(Task("A", duration=D), Task("B", duration=D), Task("C", duration=D))
    est = [TaskUncertainty(t, Distribution.uniform(D, 2 * D)) for t in "ABC"]
    with pytest.raises(UnknownReferenceError, match="exist: Z"):
        simulate(net, [TaskUncertainty("Z", Distribution.fixed(D))], iterations=10, seed=0)
    with pytest.raises(UnknownReferenceError, match="exist: Q"):
        simulate(net, est, [RiskEvent("R", "r", 0.5, ("Q",), Distribution.fixed(D))],
                 iterations=10, seed=0)  # fmt: skip
    with pytest.raises(ValidationError, match="positive definite"):
        simulate(
            net,
            est,
            correlations=[
                Correlation("A", "B", 0.9),
                Correlation("B", "C", 0.9),
                Correlation("A", "C", -0.9),
            ],
            iterations=10,
            seed=0,
        )
    with pytest.raises(ValidationError, match="between -1 and 1"):
        Correlation("A", "B", 1.5)


def test_the_result_does_not_depend_on_the_number_of_threads(monkeypatch):
    """Chunks draw from their own streams of the seed, so threads change nothing."""
    import keel.domain.risk.engine as engine

    monkeypatch.setattr(engine, "CHUNK_CELLS", 1_000)  # 500 iterations a chunk here
    net, estimates, risks = _risky_plan()
    seen = []
    one = simulate(net, estimates, risks, iterations=4_000, seed=9, workers=1)
    two = simulate(
        net, estimates, risks, iterations=4_000, seed=9, workers=2,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert np.array_equal(one.finish_minutes, two.finish_minutes)
    assert np.array_equal(one.costs, two.costs)
    assert one.criticality == two.criticality
    assert seen == [(500 * k, 4_000) for k in range(1, 9)]


@FEW
@given(st.lists(st.integers(1, 40), min_size=1, max_size=30), st.integers(1, 5))
def test_grouped_reductions_equal_numpys_reduceat(sizes, columns):
    """The passes' grouped maximum and minimum give what ``ufunc.reduceat`` gives."""
    from keel.domain.risk.passes import _Segments

    rng = np.random.default_rng(len(sizes) * 7 + columns)
    x = rng.integers(-1000, 1000, (sum(sizes), columns)).astype(np.int32)
    starts = np.cumsum([0, *sizes[:-1]])
    groups = _Segments(starts, x.shape[0])
    for ufunc in (np.maximum, np.minimum):
        assert np.array_equal(groups.reduce(ufunc, x.copy()), ufunc.reduceat(x, starts, axis=0))


def test_cost_tornado_ranks_the_widest_cost_first():
    net = network(Task("A", duration=D), Task("B", duration=D), Task("C", duration=D))
    result = simulate(
        net,
        [
            TaskUncertainty("A", cost=Distribution.uniform(1000, 9000)),
            TaskUncertainty("B", cost=Distribution.pert(1000, 1100, 1400)),
            TaskUncertainty("C", cost=Distribution.fixed(5000)),
        ],
        [RiskEvent("R1", "Fine", 0.5, extra_cost=Distribution.fixed(3000))],
        iterations=4_000,
        seed=1,
    )
    drivers = [(d.id, d.kind) for d in result.cost_drivers]
    assert drivers[:2] == [("A", "task"), ("R1", "risk")]
    assert ("C", "task") not in drivers  # no spread, no driver
    assert Distribution.pert(1000, 1100, 1400).variance() == pytest.approx(
        # beta(2, 4) on a 400-wide range: αβw²/((α + β)²(α + β + 1))
        2 * 4 * 400**2 / (6**2 * 7)
    )


@st.composite
def networks_with_dates(draw):
    """Like ``networks`` plus constraint dates, a deadline, progress and a status date."""
    from dataclasses import replace

    from keel.domain.schedule import Constraint, ConstraintType

    net = draw(networks())
    tasks = list(net.tasks)
    kinds = [ConstraintType.SNET, ConstraintType.FNET, ConstraintType.MSO, ConstraintType.FNLT]
    for k, task in enumerate(tasks):
        if task.id == "S":
            continue
        roll = draw(st.integers(0, 9))
        when = datetime(2026, 3, draw(st.integers(2, 13)), 9)
        if roll == 0:
            tasks[k] = replace(task, constraint=Constraint(draw(st.sampled_from(kinds)), when))
        elif roll == 1:
            tasks[k] = replace(task, deadline=datetime(2026, 3, draw(st.integers(3, 13)), 18))
        elif roll == 2 and not any(t.actual_start for t in tasks):  # one task under way
            tasks[k] = replace(task, actual_start=datetime(2026, 3, 2, 9), percent_complete=50.0)
    status = datetime(2026, 3, 4, 18) if draw(st.booleans()) else None
    return replace(net, tasks=tuple(tasks), status_date=status)


@settings(max_examples=40, deadline=None)
@given(networks_with_dates())
def test_fixed_durations_with_constraints_and_progress_match_the_schedule(net):
    planned = schedule(net)
    work = [t for t in net.tasks if t.id != "S"]
    estimates = [TaskUncertainty(t.id, Distribution.fixed(t.duration)) for t in work]
    result = simulate(net, estimates, iterations=20, seed=1)
    assert set(result.finish_dates) == {planned.finish}
    for task in work:
        expected = 1.0 if planned.tasks[task.id].critical else 0.0
        assert result.criticality[task.id] == expected, task.id


def test_a_plan_decades_long_gets_its_dates():
    """Finishes more than thirty years out still become dates (the axis grows in steps)."""
    years = 45 * 261 * D
    net = network(Task("A", duration=years // 2), Task("B", duration=years - years // 2),
                  deps=(Dependency("A", "B"),))  # fmt: skip
    result = simulate(
        net, [TaskUncertainty("B", Distribution.fixed(years - years // 2))], iterations=3, seed=0
    )
    assert result.finish_percentiles[50] == schedule(net).finish
    assert result.finish_percentiles[50].year >= 2070


def test_finish_tornado_of_a_large_plan_picks_the_tasks_that_are_critical(monkeypatch):
    """Over 200 estimated tasks, the tornado considers those most often critical."""
    import keel.domain.risk.engine as engine

    monkeypatch.setattr(engine, "CHUNK_CELLS", 60_000)  # 200 iterations a chunk
    tasks = [Task(f"T{i}", duration=5 * D) for i in range(300)]
    tasks[7] = Task("T7", duration=20 * D)  # always the longest: always critical
    net = network(*tasks)
    estimates = [TaskUncertainty(t.id, Distribution.uniform(t.duration * 0.8, t.duration * 1.2))
                 for t in tasks]  # fmt: skip
    one = simulate(net, estimates, iterations=1_000, seed=3, workers=1)
    two = simulate(net, estimates, iterations=1_000, seed=3, workers=2)
    assert one.finish_drivers == two.finish_drivers
    assert one.finish_drivers[0].id == "T7"
    assert one.finish_drivers[0].correlation > 0.99
    assert one.criticality["T7"] == 1.0


# -- task calendars and elapsed durations -------------------------------------------------

NIGHT = WorkingCalendar(
    "night",
    week=(((1200, 1440),),) * 5 + (((540, 780),), ()),  # 20:00-24:00 weekdays, Sat morning
)
DAYS = {"standard": standard_calendar(), "night": NIGHT}


def _early_offsets(net: Network) -> tuple[list[int], list[int], list[int], list[int]]:
    """Early dates of the scheduler and of the array passes, as project working minutes."""
    planned = schedule(net)
    plan = Plan(net)
    early = np.empty((2 * plan.n, 1), dtype=np.int64)
    plan.forward(plan.base[:, None].copy(), early)
    ids = plan.net.ids

    def offset(when: datetime) -> int:
        return plan.axis.offset(to_minutes(when)) - plan.origin

    want_es = [offset(planned.tasks[t].early_start) for t in ids]
    want_ef = [offset(planned.tasks[t].early_finish) for t in ids]
    return want_es, early[: plan.n, 0].tolist(), want_ef, early[plan.n :, 0].tolist()


def _migration_like() -> Network:
    """The shape of examples/datacentre-migration.yaml: night shift, elapsed, every link."""
    return Network(
        tasks=(
            Task(
                "start",
                milestone=True,
                actual_start=datetime(2026, 3, 2, 9),
                actual_finish=datetime(2026, 3, 2, 9),
            ),
            Task(
                "racks",
                duration=10 * D,
                constraint=Constraint(ConstraintType.SNET, datetime(2026, 3, 9)),
            ),
            Task("network", duration=6 * D),
            Task("cabling", duration=5 * D),
            Task("prep", duration=2 * D),
            Task("move1", duration=2 * 1440, elapsed=True, calendar="night"),
            Task("verify1", duration=D),
            Task("prep2", duration=3 * D),
            Task("move2", duration=2 * D, calendar="night"),
            Task("freeze", duration=3 * D),
            Task(
                "verify2",
                duration=2 * D,
                constraint=Constraint(ConstraintType.FNLT, datetime(2026, 4, 30, 18)),
            ),
            Task("done", milestone=True),
        ),
        dependencies=(
            Dependency("start", "racks"),
            Dependency("racks", "network", DependencyType.SS, lag_percent=50),
            Dependency("network", "cabling", DependencyType.FF, lag=D),
            Dependency("cabling", "prep", lag=-120),
            Dependency("prep", "move1"),
            Dependency("move1", "verify1"),
            Dependency("verify1", "prep2"),
            Dependency("prep2", "move2", lag=D),
            Dependency("move2", "freeze", DependencyType.SF),
            Dependency("move2", "verify2"),
            Dependency("verify2", "done"),
            Dependency("freeze", "done"),
        ),
        start=START,
        calendars=DAYS,
        status_date=datetime(2026, 3, 6, 18),
    )


def test_task_calendars_and_elapsed_durations_give_the_scheduled_dates_exactly():
    net = _migration_like()
    planned = schedule(net)
    want_es, got_es, want_ef, got_ef = _early_offsets(net)
    assert got_es == want_es
    assert got_ef == want_ef
    estimates = [TaskUncertainty(t.id, Distribution.fixed(t.duration)) for t in net.tasks]
    result = simulate(net, estimates, iterations=50, seed=1)
    assert set(result.finish_percentiles.values()) == {planned.finish}
    assert result.deterministic_finish == planned.finish
    for task in net.tasks:
        expected = 1.0 if planned.tasks[task.id].critical else 0.0
        assert result.criticality[task.id] == expected, task.id


def test_a_plan_ending_on_the_night_shift_finishes_at_the_night_shift_instant():
    net = Network(
        tasks=(Task("day", duration=D), Task("night", duration=240, calendar="night")),
        dependencies=(Dependency("day", "night"),),
        start=START,
        calendars=DAYS,
    )
    result = simulate(net, [], iterations=10, seed=1)
    assert schedule(net).finish == datetime(2026, 3, 3, 0, 0)  # Monday's night shift
    assert set(result.finish_percentiles.values()) == {datetime(2026, 3, 3, 0, 0)}


def test_an_uncertain_elapsed_task_scales_with_its_samples():
    """Two elapsed days over a working week are two working days of the project calendar:
    a triangular estimate of 1-2-5 elapsed days spreads the finish over 1-5 working days."""
    net = Network(
        tasks=(Task("cure", duration=2 * 1440, elapsed=True),),
        dependencies=(),
        start=START,
        calendars=DAYS,
    )
    dist = Distribution.triangular(1440, 2 * 1440, 5 * 1440)
    result = simulate(net, [TaskUncertainty("cure", dist)], iterations=4000, seed=3)
    assert min(result.finish_minutes) >= D and max(result.finish_minutes) <= 5 * D
    assert close(result.mean_duration, (1 + 2 + 5) / 3 * D, rel=0.03)


@st.composite
def networks_on_two_calendars(draw):
    """Random plans (links, lags, constraints, progress) whose tasks are on the project
    calendar, the night shift or elapsed, some with a levelling delay."""
    from dataclasses import replace

    net = draw(st.one_of(networks(), networks_with_dates()))
    tasks = []
    for task in net.tasks:
        if task.id != "S":
            kind = draw(st.sampled_from(["project", "project", "night", "elapsed"]))
            if kind == "night":
                task = replace(task, calendar="night")
            elif kind == "elapsed":
                task = replace(task, elapsed=True)
            task = replace(task, levelling_delay=draw(st.sampled_from([0, 0, 0, 120, 480])))
        tasks.append(task)
    return replace(net, tasks=tuple(tasks), calendars=DAYS)


@settings(max_examples=40, deadline=None)
@given(networks_on_two_calendars())
def test_fixed_durations_on_two_calendars_reproduce_the_schedule_exactly(net):
    planned = schedule(net)
    want_es, got_es, want_ef, got_ef = _early_offsets(net)
    assert got_es == want_es
    assert got_ef == want_ef
    work = [t for t in net.tasks if t.id != "S"]
    estimates = [TaskUncertainty(t.id, Distribution.fixed(t.duration)) for t in work]
    result = simulate(net, estimates, iterations=20, seed=1)
    assert set(result.finish_dates) == {planned.finish}
    assert result.deterministic_finish == planned.finish
    assert result.deterministic_finish_percentile == 1.0
    for task in work:
        expected = 1.0 if planned.tasks[task.id].critical else 0.0
        assert result.criticality[task.id] == expected, task.id


def test_an_uncertain_weekend_move_still_spreads_the_finish():
    """An elapsed move planned from Friday evening to Sunday evening takes no working time
    of the project calendar where it is planned; a longer draw still delays the successor."""
    net = Network(
        tasks=(
            Task("prep", duration=5 * D),
            Task("move", duration=2 * 1440, elapsed=True),
            Task("verify", duration=D),
        ),
        dependencies=(Dependency("prep", "move"), Dependency("move", "verify")),
        start=START,
        calendars=DAYS,
    )
    planned = schedule(net)
    assert planned.tasks["move"].finish == datetime(2026, 3, 8, 18, 0)  # Sunday evening
    dist = Distribution.triangular(1440, 2 * 1440, 4 * 1440)
    result = simulate(net, [TaskUncertainty("move", dist)], iterations=2000, seed=5)
    assert result.deterministic_finish == planned.finish
    assert min(result.finish_dates) == planned.finish  # a short draw gains nothing
    assert result.finish_percentiles[90] > planned.finish
