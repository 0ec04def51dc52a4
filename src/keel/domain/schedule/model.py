"""The scheduling engine's input and output: frozen dataclasses, no behaviour beyond validation.

Times are project-local wall-clock ``datetime`` values without a zone (see
docs/decisions/0002-schedule-wall-clock-time.md): a calendar's 09:00 is 09:00 wherever the
server runs. Durations, lags and floats are integers of working minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Baseline",
    "BaselineTask",
    "Constraint",
    "ConstraintType",
    "Dependency",
    "DependencyType",
    "Network",
    "Schedule",
    "Task",
    "TaskSchedule",
    "TaskVariance",
]


class DependencyType(StrEnum):
    """The four logical links, named as Microsoft Project names them."""

    FS = "FS"  # finish-to-start: successor starts after predecessor finishes
    SS = "SS"  # start-to-start
    FF = "FF"  # finish-to-finish
    SF = "SF"  # start-to-finish: successor finishes after predecessor starts


class ConstraintType(StrEnum):
    """Date constraints, with Microsoft Project's abbreviations."""

    ASAP = "ASAP"  # as soon as possible (default)
    ALAP = "ALAP"  # as late as possible
    SNET = "SNET"  # start no earlier than
    SNLT = "SNLT"  # start no later than
    FNET = "FNET"  # finish no earlier than
    FNLT = "FNLT"  # finish no later than
    MSO = "MSO"  # must start on
    MFO = "MFO"  # must finish on


@dataclass(frozen=True, slots=True)
class Constraint:
    """A date rule on one task. ``date`` is required for every type but ASAP and ALAP."""

    type: ConstraintType = ConstraintType.ASAP
    date: datetime | None = None


@dataclass(frozen=True, slots=True)
class Dependency:
    """A link ``predecessor → successor``.

    ``lag`` is in working minutes of the successor's calendar (negative = lead). When
    ``lag_percent`` is set it replaces ``lag``: that percentage of the predecessor's duration
    (Microsoft Project's "50%" lag); it may be negative too.
    """

    predecessor: str
    successor: str
    type: DependencyType = DependencyType.FS
    lag: int = 0
    lag_percent: float | None = None


@dataclass(frozen=True, slots=True)
class Task:
    """One schedulable item. A task with children (``parent`` pointing at it) is a summary task.

    ``duration`` is working minutes on the task's calendar, or elapsed minutes when
    ``elapsed`` is true (24 h a day, 7 days a week). A milestone has duration 0.
    Progress: ``actual_start``/``actual_finish``, ``percent_complete`` (0-100) and
    ``remaining`` (working minutes; derived from duration and percent when None).
    ``levelling_delay`` is working minutes inserted before the task's start once its
    predecessors, constraint and the status date allow it (Microsoft Project's levelling
    delay, counted on the task's calendar); resource levelling sets it, 0 changes nothing.
    It does not apply to tasks with progress.
    """

    id: str
    name: str = ""
    duration: int = 0
    parent: str | None = None
    milestone: bool = False
    elapsed: bool = False
    constraint: Constraint = field(default_factory=Constraint)
    deadline: datetime | None = None
    calendar: str | None = None
    priority: int = 500
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: float = 0.0
    remaining: int | None = None
    levelling_delay: int = 0


@dataclass(frozen=True, slots=True)
class Network:
    """A whole plan to schedule.

    ``calendars`` maps a name to a ``keel.domain.schedule.calendar.WorkingCalendar``;
    ``calendar`` names the project calendar (tasks without their own use it). Tasks are
    scheduled forward from ``start``. ``status_date`` switches on progress rules.
    """

    tasks: tuple[Task, ...]
    dependencies: tuple[Dependency, ...]
    start: datetime
    calendars: Mapping[str, object]
    calendar: str = "standard"
    status_date: datetime | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class TaskSchedule:
    """Computed dates of one task.

    ``start``/``finish`` are the scheduled dates (early dates, or late dates for ALAP; actual
    dates where progress says so). Floats are working minutes of the task's calendar;
    negative float means a constraint or deadline cannot be met.
    """

    id: str
    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_float: int
    free_float: int
    critical: bool
    driving_predecessor: str | None = None
    summary: bool = False
    milestone: bool = False
    duration: int = 0


@dataclass(frozen=True, slots=True)
class Schedule:
    """The result of scheduling a ``Network``: one ``TaskSchedule`` per task, in input order."""

    tasks: Mapping[str, TaskSchedule]
    start: datetime
    finish: datetime
    critical_path: tuple[str, ...]
    status_date: datetime | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BaselineTask:
    """A task's dates and duration as saved in a baseline."""

    start: datetime
    finish: datetime
    duration: int


@dataclass(frozen=True, slots=True)
class Baseline:
    """A named, saved copy of a schedule (up to 11 per plan: Baseline, Baseline1..10)."""

    name: str
    tasks: Mapping[str, BaselineTask]
    saved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TaskVariance:
    """Current minus baseline: positive start/finish variance means later than planned."""

    id: str
    start_variance: int
    finish_variance: int
    duration_variance: int
