"""Baselines: saving up to eleven copies of a schedule and measuring variance against one."""

from datetime import datetime

import pytest

from keel.domain.errors import ValidationError
from keel.domain.schedule import (
    BASELINE_NAMES,
    Dependency,
    Network,
    Task,
    baseline_capture,
    baseline_variance,
    schedule,
)

D = 480


def network(b_days=1):
    return Network(
        tasks=(Task("A", duration=D), Task("B", duration=b_days * D), Task("C", duration=D)),
        dependencies=(Dependency("A", "B"), Dependency("B", "C")),
        start=datetime(2025, 3, 3),
        calendars={},
    )


def test_capture_saves_dates_and_durations():
    """A baseline holds each task's start, finish and duration as scheduled."""
    saved = baseline_capture(schedule(network()), "Baseline3", saved_at=datetime(2025, 3, 1))
    assert saved.name == "Baseline3"
    assert saved.saved_at == datetime(2025, 3, 1)
    assert saved.tasks["B"].start == datetime(2025, 3, 4, 9)
    assert saved.tasks["B"].finish == datetime(2025, 3, 4, 18)
    assert saved.tasks["B"].duration == D


def test_variance_of_a_longer_task_and_its_successor():
    """B grows by a day: B finishes a day late, C starts and finishes a day late."""
    saved = baseline_capture(schedule(network()))
    variance = baseline_variance(schedule(network(b_days=2)), saved)
    assert (variance["A"].start_variance, variance["A"].finish_variance) == (0, 0)
    assert variance["B"].start_variance == 0
    assert variance["B"].finish_variance == D
    assert variance["B"].duration_variance == D
    assert (variance["C"].start_variance, variance["C"].finish_variance) == (D, D)
    assert variance["C"].duration_variance == 0


def test_variance_is_negative_when_ahead_of_the_baseline():
    """A shorter task gives negative (earlier) variance."""
    saved = baseline_capture(schedule(network(b_days=2)))
    variance = baseline_variance(schedule(network()), saved)
    assert variance["C"].finish_variance == -D


def test_tasks_added_after_the_baseline_have_no_variance():
    """Only tasks in both the schedule and the baseline are compared."""
    saved = baseline_capture(schedule(network()))
    bigger = Network(
        tasks=(*network().tasks, Task("New", duration=D)),
        dependencies=network().dependencies,
        start=datetime(2025, 3, 3),
        calendars={},
    )
    assert set(baseline_variance(schedule(bigger), saved)) == {"A", "B", "C"}


def test_eleven_baseline_names_are_accepted():
    """Baseline and Baseline1 to Baseline10 can all be captured, even with all eleven kept."""
    plan = schedule(network())
    assert len(BASELINE_NAMES) == 11
    for name in BASELINE_NAMES:
        assert baseline_capture(plan, name, existing=BASELINE_NAMES).name == name


@pytest.mark.parametrize("name", ["Baseline11", "baseline", "Plan B", ""])
def test_a_twelfth_or_unknown_baseline_is_refused(name):
    """Anything beyond the eleven names is refused with a clear message."""
    with pytest.raises(ValidationError, match="at most 11 baselines"):
        baseline_capture(schedule(network()), name, existing=BASELINE_NAMES)
