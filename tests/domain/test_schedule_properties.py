"""Properties every schedule must have, checked on random networks with Hypothesis.

The oracle below recomputes early dates in working-minute offsets straight from the
definitions of the four link types, independently of the engine's instant arithmetic.
"""

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from keel.domain.schedule import Dependency, DependencyType, Network, Task, schedule
from keel.domain.schedule import standard_calendar as _standard

START = datetime(2025, 3, 3)
ORIGIN = datetime(2025, 3, 3, 9)  # the first working instant
CAL = _standard()
TYPES = list(DependencyType)
FAST = settings(max_examples=60, deadline=None)


@st.composite
def networks(draw, max_tasks=9, lags=True):
    n = draw(st.integers(1, max_tasks))
    durations = draw(st.lists(st.sampled_from([0, 60, 240, 480, 600, 960, 1440]),
                              min_size=n, max_size=n))  # fmt: skip
    pairs = [(i, j) for j in range(n) for i in range(j)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2 * n)) if pairs else []
    deps = []
    for i, j in chosen:
        kind = draw(st.sampled_from(TYPES))
        lag = draw(st.sampled_from([0, 0, 60, 480, -120])) if lags else 0
        deps.append(Dependency(f"T{i}", f"T{j}", kind, lag=lag))
    tasks = tuple(Task(f"T{i}", duration=d) for i, d in enumerate(durations))
    return Network(tasks=tasks, dependencies=tuple(deps), start=START, calendars={})


def offset(instant):
    return CAL.working_minutes_between(ORIGIN, instant)


def oracle_early_offsets(network):
    """Early start/finish as working minutes after the project start, from the definitions."""
    dur = {t.id: t.duration for t in network.tasks}
    es, ef = {}, {}
    for task in network.tasks:  # tasks are listed in a topological order by construction
        d = dur[task.id]
        start = 0
        for dep in network.dependencies:
            if dep.successor != task.id:
                continue
            p = dep.predecessor
            bound = {
                DependencyType.FS: ef[p] + dep.lag,
                DependencyType.SS: es[p] + dep.lag,
                DependencyType.FF: ef[p] + dep.lag - d,
                DependencyType.SF: es[p] + dep.lag - d,
            }[dep.type]
            start = max(start, bound)
        es[task.id], ef[task.id] = start, start + d
    return es, ef


@FAST
@given(networks())
def test_early_dates_and_finish_match_the_longest_path(network):
    """Every early date, and the project finish, equal the longest path through the links."""
    result = schedule(network)
    es, ef = oracle_early_offsets(network)
    for task_id, item in result.tasks.items():
        assert offset(item.early_start) == es[task_id]
        assert offset(item.early_finish) == ef[task_id]
    assert offset(result.finish) == max(ef.values())


@FAST
@given(networks())
def test_critical_tasks_have_no_float_and_form_a_chain_to_the_finish(network):
    """Critical tasks have total float <= 0, and driving links chain them back to the start."""
    result = schedule(network)
    assert all(t.total_float >= 0 for t in result.tasks.values())  # no constraints here
    for task_id in result.critical_path:
        assert result.tasks[task_id].total_float <= 0
    last = [t for t in result.tasks.values() if t.early_finish == result.finish]
    assert any(t.critical for t in last)
    item = next(t for t in last if t.critical)
    seen = set()
    while item.driving_predecessor is not None:
        assert item.id not in seen
        seen.add(item.id)
        item = result.tasks[item.driving_predecessor]
        assert item.critical
    # The chain starts at the project start (nothing drives the first task).
    assert offset(item.early_start) == 0


@FAST
@given(networks())
def test_scheduling_is_deterministic_and_idempotent(network):
    """The same network, scheduled twice or rebuilt from scratch, gives the same schedule."""
    first = schedule(network)
    again = schedule(network)
    rebuilt = schedule(
        Network(
            tasks=tuple(Task(t.id, duration=t.duration) for t in network.tasks),
            dependencies=tuple(
                Dependency(d.predecessor, d.successor, d.type, lag=d.lag)
                for d in network.dependencies
            ),
            start=START,
            calendars={},
        )
    )
    assert first == again == rebuilt
    assert dict(first.tasks) == dict(rebuilt.tasks)


@FAST
@given(networks(), st.data())
def test_adding_a_dependency_never_makes_a_task_earlier(network, data):
    """An extra link can only delay tasks, never pull one earlier."""
    n = len(network.tasks)
    if n < 2:
        return
    j = data.draw(st.integers(1, n - 1))
    i = data.draw(st.integers(0, j - 1))
    kind = data.draw(st.sampled_from(TYPES))
    extra = Dependency(f"T{i}", f"T{j}", kind, lag=data.draw(st.sampled_from([0, 60, 480])))
    before = schedule(network)
    after = schedule(
        Network(
            tasks=network.tasks,
            dependencies=(*network.dependencies, extra),
            start=START,
            calendars={},
        )
    )
    for task_id, item in before.tasks.items():
        assert after.tasks[task_id].early_start >= item.early_start
        assert after.tasks[task_id].early_finish >= item.early_finish
    assert after.finish >= before.finish


@FAST
@given(networks(lags=False))
def test_free_float_never_exceeds_total_float(network):
    """Free float lies between zero and total float for every task."""
    result = schedule(network)
    for item in result.tasks.values():
        assert 0 <= item.free_float <= item.total_float
