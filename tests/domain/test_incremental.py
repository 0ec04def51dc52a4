"""Incremental re-scheduling gives exactly the schedule a full run gives."""

from datetime import datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from keel.domain.errors import UnknownReferenceError, ValidationError
from keel.domain.schedule import (
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Task,
    WorkingCalendar,
    schedule,
)
from keel.domain.schedule.incremental import Rescheduler

START = datetime(2025, 3, 3)
EVENINGS = WorkingCalendar("evenings", week=(((1080, 1320),),) * 6 + ((),))
DURATIONS = [0, 60, 240, 480, 960, 1440]


@st.composite
def plans(draw, pure=False, mixed=False):
    n = draw(st.integers(2, 12))
    tasks = []
    summaries = [i for i in range(n) if draw(st.booleans()) and i % 4 == 0]
    for i in range(n):
        parent = None
        if i not in summaries:
            owners = [s for s in summaries if s < i]
            if owners and draw(st.booleans()):
                parent = f"T{draw(st.sampled_from(owners))}"
        constraint = Constraint()
        if not pure and draw(st.integers(0, 5)) == 0:
            kind = draw(st.sampled_from(["SNET", "FNLT", "MSO", "ALAP"]))
            when = None if kind == "ALAP" else datetime(2025, 3, draw(st.integers(3, 14)), 9)
            constraint = Constraint(ConstraintType(kind), when)
        calendar, elapsed = None, False
        if mixed:
            calendar = draw(st.sampled_from([None, "evenings"]))
            elapsed = draw(st.integers(0, 3)) == 0
        tasks.append(
            Task(f"T{i}", duration=draw(st.sampled_from(DURATIONS)), parent=parent,
                 constraint=constraint, calendar=calendar, elapsed=elapsed)
        )  # fmt: skip
    has_children = {t.parent for t in tasks}
    work = [i for i in range(n) if f"T{i}" not in has_children]
    deps = []
    for _ in range(draw(st.integers(0, 2 * n))):
        i, j = sorted(draw(st.lists(st.sampled_from(range(n)), min_size=2, max_size=2,
                                    unique=True)))  # fmt: skip
        if tasks[j].parent == f"T{i}" or tasks[i].parent == f"T{j}":
            continue
        if pure and f"T{i}" in has_children:
            continue
        if any(d.predecessor == f"T{i}" and d.successor == f"T{j}" for d in deps):
            continue
        kind = draw(st.sampled_from(list(DependencyType)))
        deps.append(Dependency(f"T{i}", f"T{j}", kind, lag=draw(st.sampled_from([0, 120]))))
    calendars = {"evenings": EVENINGS} if mixed else {}
    network = Network(tuple(tasks), tuple(deps), START, calendars)
    try:
        schedule(network)
    except ValidationError:
        assume(False)  # a summary linked into its own subtree loops; not this test's point
    return network, work


def assert_changes_match_full_runs(plan, data):
    """Change three drawn durations; after each, the incremental result equals a full run."""
    network, work = plan
    session = Rescheduler(network)
    for _ in range(3):
        task_id = f"T{data.draw(st.sampled_from(work))}"
        result = session.set_duration(task_id, data.draw(st.sampled_from(DURATIONS)))
        expected = schedule(session.network)
        assert dict(result.tasks) == dict(expected.tasks)
        assert result.finish == expected.finish
        assert result.critical_path == expected.critical_path
        assert result.warnings == expected.warnings


@settings(max_examples=40, deadline=None)
@given(plans(), st.data())
def test_incremental_matches_a_full_run(plan, data):
    """After each duration change the incremental schedule equals a fresh full schedule."""
    assert_changes_match_full_runs(plan, data)


def test_incremental_refuses_bad_changes_and_keeps_the_schedule():
    """Unknown tasks, negative durations and summaries are refused; nothing changes."""
    network = Network(
        (Task("S"), Task("A", duration=60, parent="S"), Task("B", duration=60)),
        (Dependency("A", "B"),),
        START,
        {},
    )
    session = Rescheduler(network)
    before = session.schedule
    with pytest.raises(UnknownReferenceError):
        session.set_duration("Z", 60)
    with pytest.raises(ValidationError, match="negative"):
        session.set_duration("A", -1)
    with pytest.raises(ValidationError, match="summary"):
        session.set_duration("S", 60)
    assert session.schedule is before
    assert session.network == network


@settings(max_examples=40, deadline=None)
@given(plans(pure=True), st.data())
def test_incremental_matches_a_full_run_when_late_dates_shift_with_the_finish(plan, data):
    """Without constraints, a change that moves the project finish shifts every late date;
    the shortcut for that case gives exactly what a full run gives."""
    assert_changes_match_full_runs(plan, data)


@settings(max_examples=40, deadline=None)
@given(plans(mixed=True), st.data())
def test_incremental_matches_a_full_run_across_calendars(plan, data):
    """Floats, free floats and driving predecessors updated incrementally are measured on
    each task's own calendar (or elapsed time) exactly as a full run measures them."""
    assert_changes_match_full_runs(plan, data)


def random_plan(n: int, seed: int) -> Network:
    """A random plan of ``n`` tasks: summaries, milestones, FS/SS/FF links with lags."""
    import numpy as np

    rng = np.random.default_rng(seed)
    tasks, deps = [], []
    for i in range(n):
        if i % 20 == 0:
            tasks.append(Task(f"S{i}"))
            continue
        tasks.append(Task(f"T{i}", duration=int(rng.choice(DURATIONS)), parent=f"S{i - i % 20}"))
        for _ in range(int(rng.integers(0, 3))):
            p = int(rng.integers(max(1, i - 40), i)) if i > 1 else 0
            if p % 20 == 0 or p == i or any(d.predecessor == f"T{p}" and d.successor == f"T{i}"
                                           for d in deps[-6:]):  # fmt: skip
                continue
            kind = DependencyType(str(rng.choice(["FS", "FS", "FS", "SS", "FF"])))
            lag = int(rng.choice([0, 0, 0, 120, -60]))
            deps.append(Dependency(f"T{p}", f"T{i}", kind, lag=lag))
    return Network(tuple(tasks), tuple(deps), START, {})


@pytest.mark.parametrize("seed", [1, 6])
def test_incremental_matches_a_full_run_on_a_larger_plan(seed):
    """Twenty changes on a 300-task plan, half of them to critical tasks, each equal to a
    full run (this covers finishes that move and milestones between changed tasks)."""
    import numpy as np

    session = Rescheduler(random_plan(300, seed))
    rng = np.random.default_rng(seed)
    for step in range(20):
        critical = list(session.schedule.critical_path)
        pool = critical if step % 2 and critical else [
            t.id for t in session.network.tasks if t.id.startswith("T")
        ]  # fmt: skip
        task_id = pool[int(rng.integers(len(pool)))]
        result = session.set_duration(task_id, int(rng.choice(DURATIONS)))
        expected = schedule(session.network)
        assert dict(result.tasks) == dict(expected.tasks)
        assert result.critical_path == expected.critical_path
