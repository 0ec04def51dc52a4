"""Scheduling engine: calendars, the critical path method, progress and baselines.

Pure Python and NumPy; nothing here imports Django or an outer Keel layer. The public names
are re-exported here so callers write ``from keel.domain.schedule import schedule, Network``.
"""

from keel.domain.schedule.baseline import BASELINE_NAMES, baseline_capture, baseline_variance
from keel.domain.schedule.calendar import (
    STANDARD_DAY,
    STANDARD_WEEK,
    WorkingCalendar,
    holiday_calendar,
    standard_calendar,
)
from keel.domain.schedule.cpm import schedule
from keel.domain.schedule.incremental import Rescheduler
from keel.domain.schedule.model import (
    Baseline,
    BaselineTask,
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Schedule,
    Task,
    TaskSchedule,
    TaskVariance,
)

__all__ = [
    "BASELINE_NAMES",
    "STANDARD_DAY",
    "STANDARD_WEEK",
    "Baseline",
    "BaselineTask",
    "Constraint",
    "ConstraintType",
    "Dependency",
    "DependencyType",
    "Network",
    "Rescheduler",
    "Schedule",
    "Task",
    "TaskSchedule",
    "TaskVariance",
    "WorkingCalendar",
    "baseline_capture",
    "baseline_variance",
    "holiday_calendar",
    "schedule",
    "standard_calendar",
]
