"""Baselines: saved copies of a schedule, and the variance of the current plan against one.

Up to eleven baselines per plan, named as Microsoft Project names them: "Baseline" and
"Baseline1" to "Baseline10". Variances are working minutes on a calendar you pass in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from keel.domain.errors import ValidationError
from keel.domain.schedule.calendar import WorkingCalendar, standard_calendar
from keel.domain.schedule.model import Baseline, BaselineTask, Schedule, TaskVariance

__all__ = ["BASELINE_NAMES", "MAX_BASELINES", "baseline_capture", "baseline_variance"]

BASELINE_NAMES: tuple[str, ...] = ("Baseline", *(f"Baseline{i}" for i in range(1, 11)))
"""The eleven baseline names a plan may use."""

MAX_BASELINES = len(BASELINE_NAMES)


def baseline_capture(
    schedule: Schedule,
    name: str = "Baseline",
    *,
    existing: Iterable[str] | Mapping[str, Baseline] = (),
    saved_at: datetime | None = None,
) -> Baseline:
    """Save the dates and durations of ``schedule`` as the baseline called ``name``.

    Parameters
    ----------
    schedule : Schedule
        The schedule to save.
    name : str, optional
        One of ``BASELINE_NAMES``; "Baseline" by default. Saving over an existing name
        replaces that baseline.
    existing : iterable of str or mapping of name to Baseline, optional
        The baselines the plan already has, so an attempt to exceed eleven is refused.
    saved_at : datetime, optional
        When the baseline was taken (the domain reads no clock).

    Returns
    -------
    Baseline
        The new baseline.

    Raises
    ------
    ValidationError
        For a name outside ``BASELINE_NAMES`` or a twelfth baseline.

    Examples
    --------
    >>> from datetime import datetime
    >>> from keel.domain.schedule import Network, Task, schedule as run
    >>> plan = run(Network((Task("a", duration=480),), (), datetime(2025, 3, 3), {}))
    >>> baseline_capture(plan).tasks["a"].finish
    datetime.datetime(2025, 3, 3, 18, 0)
    """
    names = set(existing.keys() if isinstance(existing, Mapping) else existing)
    if name not in BASELINE_NAMES:
        raise ValidationError(
            f"{name!r} is not a baseline name: a plan keeps at most {MAX_BASELINES} "
            f"baselines, named {', '.join(BASELINE_NAMES)}."
        )
    if name not in names and len(names | {name}) > MAX_BASELINES:
        raise ValidationError(
            f"A plan keeps at most {MAX_BASELINES} baselines; overwrite one of "
            f"{', '.join(sorted(names))} instead of adding {name!r}."
        )
    tasks = {
        task_id: BaselineTask(start=item.start, finish=item.finish, duration=item.duration)
        for task_id, item in schedule.tasks.items()
    }
    return Baseline(name=name, tasks=tasks, saved_at=saved_at)


def baseline_variance(
    schedule: Schedule,
    baseline: Baseline,
    *,
    calendar: WorkingCalendar | None = None,
) -> dict[str, TaskVariance]:
    """Return current minus baseline start, finish and duration for every task in both.

    Start and finish variance are working minutes on ``calendar`` (the standard calendar
    when omitted): positive means later than the baseline. Duration variance is the change
    in working minutes of duration. Tasks added since the baseline have no variance.

    Examples
    --------
    >>> from datetime import datetime
    >>> from keel.domain.schedule import Network, Task, schedule as run
    >>> before = run(Network((Task("a", duration=480),), (), datetime(2025, 3, 3), {}))
    >>> after = run(Network((Task("a", duration=960),), (), datetime(2025, 3, 3), {}))
    >>> baseline_variance(after, baseline_capture(before))["a"].finish_variance
    480
    """
    cal = calendar if calendar is not None else standard_calendar()
    result: dict[str, TaskVariance] = {}
    for task_id, item in schedule.tasks.items():
        saved = baseline.tasks.get(task_id)
        if saved is None:
            continue
        result[task_id] = TaskVariance(
            id=task_id,
            start_variance=cal.working_minutes_between(saved.start, item.start),
            finish_variance=cal.working_minutes_between(saved.finish, item.finish),
            duration_variance=item.duration - saved.duration,
        )
    return result
