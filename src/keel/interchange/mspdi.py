"""Read Microsoft Project XML (MSPDI) into plain records and the engine's ``Network``.

``read_mspdi`` parses the file (with ``defusedxml``, never the standard library parser) into
``MspdiProject``: calendars, tasks with their outline, links, constraints, progress and
baselines, resources and assignments, exactly as stored. ``mspdi_network`` turns that into
a ``Network`` Keel can schedule. The split keeps the reader reusable for a full importer.

Units as Microsoft Project stores them: durations are ISO 8601 (``PT8H0M0S``) in working
time unless the duration format is elapsed; ``LinkLag`` is in tenths of a minute, with
``LagFormat`` telling the unit it was typed in (elapsed, percent, …). ``DayType`` 1 is
Sunday, 7 Saturday, 0 a dated exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.etree.ElementTree import Element  # type only; parsing uses defusedxml

from defusedxml import ElementTree as SafeET

from keel.domain.errors import PlanError
from keel.domain.schedule.calendar import Intervals, WorkingCalendar
from keel.domain.schedule.model import (
    Baseline,
    BaselineTask,
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Task,
)

__all__ = [
    "ELAPSED_FORMATS",
    "MspdiAssignment",
    "MspdiCalendar",
    "MspdiImport",
    "MspdiLink",
    "MspdiProject",
    "MspdiTask",
    "mspdi_network",
    "parse_duration",
    "read_mspdi",
    "working_calendars",
]

# Duration/lag formats typed as elapsed time (em, eh, ed, ew, emo, e%, and their estimates).
ELAPSED_FORMATS = frozenset({4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52})
PERCENT_FORMATS = frozenset({19, 20, 51, 52})
_LINK_TYPES = {
    0: DependencyType.FF,
    1: DependencyType.FS,
    2: DependencyType.SF,
    3: DependencyType.SS,
}
_CONSTRAINTS = {
    0: ConstraintType.ASAP,
    1: ConstraintType.ALAP,
    2: ConstraintType.MSO,
    3: ConstraintType.MFO,
    4: ConstraintType.SNET,
    5: ConstraintType.SNLT,
    6: ConstraintType.FNET,
    7: ConstraintType.FNLT,
}
_DURATION = re.compile(
    r"^-?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True, slots=True)
class MspdiCalendar:
    """A calendar as stored: ``week`` by weekday (0 = Monday; ``None`` = inherited)."""

    uid: int
    name: str
    base_uid: int | None
    week: Mapping[int, Intervals | None]
    exceptions: Mapping[date, Intervals]
    is_base: bool = True


@dataclass(frozen=True, slots=True)
class MspdiLink:
    """A predecessor link of a task; ``lag`` in minutes (elapsed when ``elapsed``)."""

    predecessor_uid: int
    type: DependencyType
    lag: int = 0
    lag_format: int = 7
    lag_percent: float | None = None
    elapsed: bool = False


@dataclass(frozen=True, slots=True)
class MspdiTask:
    """One ``<Task>`` with the fields scheduling needs, as stored."""

    uid: int
    id: int
    name: str
    outline_level: int
    outline_number: str
    wbs: str
    summary: bool
    milestone: bool
    manual: bool
    is_null: bool
    start: datetime | None
    finish: datetime | None
    duration: int
    duration_format: int
    elapsed: bool
    constraint: Constraint
    deadline: datetime | None
    calendar_uid: int | None
    priority: int
    percent_complete: float
    actual_start: datetime | None
    actual_finish: datetime | None
    remaining: int | None
    task_type: int
    effort_driven: bool
    links: tuple[MspdiLink, ...]
    baselines: Mapping[int, tuple[datetime | None, datetime | None, int]] = field(
        default_factory=dict
    )


@dataclass(frozen=True, slots=True)
class MspdiAssignment:
    """A resource assignment (``resource_uid`` is ``None`` for the unassigned placeholder)."""

    task_uid: int
    resource_uid: int | None
    units: float
    work: int
    start: datetime | None
    finish: datetime | None


@dataclass(frozen=True, slots=True)
class MspdiProject:
    """Everything read from one MSPDI file."""

    name: str
    start: datetime
    finish: datetime | None
    status_date: datetime | None
    calendar_uid: int | None
    minutes_per_day: int
    minutes_per_week: int
    days_per_month: int
    schedule_from_start: bool
    calendars: Mapping[int, MspdiCalendar]
    tasks: tuple[MspdiTask, ...]
    resources: Mapping[int, tuple[str, int | None]]
    assignments: tuple[MspdiAssignment, ...]


@dataclass(frozen=True, slots=True)
class MspdiImport:
    """A scheduled-ready network from an MSPDI file; task ids are the MSPDI UIDs as text."""

    network: Network
    baselines: Mapping[str, Baseline]
    wbs: Mapping[str, str]
    project: MspdiProject


def parse_duration(text: str | None) -> int:
    """Minutes in an ISO 8601 duration as MSPDI writes it, e.g. ``PT8H30M0S`` → 510.

    Examples
    --------
    >>> parse_duration("PT24H0M0S")
    1440
    """
    if not text:
        return 0
    match = _DURATION.match(text.strip())
    if not match:
        raise PlanError(f"{text!r} is not an MSPDI duration like PT8H0M0S")
    years, months, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = ((years * 365 + months * 30 + days) * 24 + hours) * 60 + minutes + seconds / 60
    return round(-total if text.strip().startswith("-") else total)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _text(element: Element, name: str, default: str = "") -> str:
    child = _child(element, name)
    return (child.text or default).strip() if child is not None and child.text else default


def _int(element: Element, name: str, default: int = 0) -> int:
    text = _text(element, name)
    return int(float(text)) if text else default


def _bool(element: Element, name: str) -> bool:
    return _text(element, name) in {"1", "true"}


def _when(element: Element, name: str) -> datetime | None:
    text = _text(element, name)
    return datetime.fromisoformat(text) if text else None


def _time(text: str) -> int:
    hours, minutes, *_ = text.split(":")
    return int(hours) * 60 + int(minutes)


def _periods(element: Element) -> Intervals:
    out: list[tuple[int, int]] = []
    holder = _child(element, "WorkingTimes")
    for item in _children(holder, "WorkingTime") if holder is not None else []:
        start, end = _time(_text(item, "FromTime")), _time(_text(item, "ToTime"))
        out.append((start, end if end > start else 1440))  # 00:00 as an end means midnight
    return tuple(sorted(out))


_MAX_SPAN_DAYS = 366 * 30


def _span_days(span: Element | None) -> list[date]:
    """Every date of a ``<TimePeriod>`` (capped at thirty years: open-ended work weeks)."""
    if span is None:
        return []
    first, last = _when(span, "FromDate"), _when(span, "ToDate")
    if first is None or last is None:
        return []
    count = min((last.date() - first.date()).days + 1, _MAX_SPAN_DAYS)
    return [first.date() + timedelta(days=i) for i in range(max(0, count))]


def _calendar(element: Element) -> MspdiCalendar:
    week: dict[int, Intervals | None] = {}
    exceptions: dict[date, Intervals] = {}
    days = _child(element, "WeekDays")
    for day in _children(days, "WeekDay") if days is not None else []:
        kind = _int(day, "DayType")
        periods = _periods(day) if _bool(day, "DayWorking") else ()
        if kind == 0:
            for when in _span_days(_child(day, "TimePeriod")):
                exceptions[when] = periods
        else:
            week[(kind - 2) % 7] = periods
    if not exceptions:  # files from Project 2007 on may keep exceptions only here
        holder = _child(element, "Exceptions")
        for item in _children(holder, "Exception") if holder is not None else []:
            # Only plain date ranges are expanded here; recurring patterns (every n days,
            # monthly, yearly) are written out as dated WeekDay entries by Project itself.
            if _int(item, "Period", 1) > 1 or _int(item, "Type", 1) not in {0, 1}:
                continue
            periods = _periods(item) if _bool(item, "DayWorking") else ()
            for dated in _span_days(_child(item, "TimePeriod")):
                exceptions[dated] = periods
    # Work weeks: other weekly hours for a date range; dated exceptions still win.
    holder = _child(element, "WorkWeeks")
    for work_week in _children(holder, "WorkWeek") if holder is not None else []:
        days = _child(work_week, "WeekDays")
        pattern = {
            (_int(day, "DayType") - 2) % 7: _periods(day) if _bool(day, "DayWorking") else ()
            for day in (_children(days, "WeekDay") if days is not None else [])
            if _int(day, "DayType") > 0
        }
        for dated in _span_days(_child(work_week, "TimePeriod")):
            if dated not in exceptions and dated.weekday() in pattern:
                exceptions[dated] = pattern[dated.weekday()]
    base = _int(element, "BaseCalendarUID", -1)
    return MspdiCalendar(
        uid=_int(element, "UID"),
        name=_text(element, "Name"),
        base_uid=None if base < 0 else base,
        week=week,
        exceptions=exceptions,
        is_base=_bool(element, "IsBaseCalendar"),
    )


def _link(element: Element) -> MspdiLink:
    lag_format = _int(element, "LagFormat", 7)
    raw = _int(element, "LinkLag")
    kind = _LINK_TYPES.get(_int(element, "Type", 1), DependencyType.FS)
    if lag_format in PERCENT_FORMATS:
        # Percentage lags store the percentage in tenths, like minutes.
        return MspdiLink(_int(element, "PredecessorUID"), kind, 0, lag_format, raw / 10)
    return MspdiLink(
        _int(element, "PredecessorUID"),
        kind,
        round(raw / 10),
        lag_format,
        None,
        lag_format in ELAPSED_FORMATS,
    )


class _Fields:
    """An element's children by local name, indexed once: a task has some forty of them, and
    looking each up by a scan made reading 10,000 tasks take seconds."""

    __slots__ = ("all", "first")

    def __init__(self, element: Element) -> None:
        self.first: dict[str, Element] = {}
        self.all: dict[str, list[Element]] = {}
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            name = tag.rsplit("}", 1)[-1]
            if name not in self.first:
                self.first[name] = child
                self.all[name] = [child]
            else:
                self.all[name].append(child)

    def text(self, name: str, default: str = "") -> str:
        child = self.first.get(name)
        return (child.text or default).strip() if child is not None and child.text else default

    def int(self, name: str, default: int = 0) -> int:
        text = self.text(name)
        return int(float(text)) if text else default

    def bool(self, name: str) -> bool:
        return self.text(name) in {"1", "true"}

    def when(self, name: str) -> datetime | None:
        text = self.text(name)
        return datetime.fromisoformat(text) if text else None


def _task(element: Element) -> MspdiTask:
    f = _Fields(element)
    duration_format = f.int("DurationFormat", 7)
    constraint_type = _CONSTRAINTS.get(f.int("ConstraintType"), ConstraintType.ASAP)
    constraint_date = f.when("ConstraintDate")
    if constraint_type in {ConstraintType.ASAP, ConstraintType.ALAP}:
        constraint_date = None
    calendar = f.int("CalendarUID", -1)
    remaining = f.text("RemainingDuration")
    baselines = {
        _int(item, "Number"): (
            _when(item, "Start"),
            _when(item, "Finish"),
            parse_duration(_text(item, "Duration")),
        )
        for item in f.all.get("Baseline", ())
    }
    return MspdiTask(
        uid=f.int("UID"),
        id=f.int("ID"),
        name=f.text("Name"),
        outline_level=f.int("OutlineLevel", 1),
        outline_number=f.text("OutlineNumber"),
        wbs=f.text("WBS"),
        summary=f.bool("Summary"),
        milestone=f.bool("Milestone"),
        manual=f.bool("Manual"),
        is_null=f.bool("IsNull"),
        start=f.when("Start"),
        finish=f.when("Finish"),
        duration=parse_duration(f.text("Duration")),
        duration_format=duration_format,
        elapsed=duration_format in ELAPSED_FORMATS,
        constraint=Constraint(constraint_type, constraint_date)
        if constraint_date or constraint_type is ConstraintType.ALAP
        else Constraint(),
        deadline=f.when("Deadline"),
        calendar_uid=None if calendar < 0 else calendar,
        priority=f.int("Priority", 500),
        percent_complete=float(f.text("PercentComplete", "0") or 0),
        actual_start=f.when("ActualStart"),
        actual_finish=f.when("ActualFinish"),
        remaining=parse_duration(remaining) if remaining else None,
        task_type=f.int("Type"),
        effort_driven=f.bool("EffortDriven"),
        links=tuple(_link(item) for item in f.all.get("PredecessorLink", ())),
        baselines=baselines,
    )


def _task_named(number: int, element: Element) -> MspdiTask:
    """``_task``, with an error that names the task: its place, UID and name."""
    try:
        return _task(element)
    except (PlanError, ValueError, TypeError) as err:
        fields = _Fields(element)
        uid, name = fields.text("UID") or "?", fields.text("Name")
        label = f"<Task> number {number} (UID {uid}" + (f", {name!r})" if name else ")")
        detail = err.message if isinstance(err, PlanError) else str(err)
        raise PlanError(f"{label}: {detail}") from err


def read_mspdi(source: str | Path | bytes | Element) -> MspdiProject:
    """Parse a Microsoft Project XML file.

    Parameters
    ----------
    source
        A path, the file's bytes, or its root element already parsed with ``defusedxml``.

    Returns
    -------
    MspdiProject
        Calendars, tasks (project summary task UID 0 included), resources and assignments.

    Raises
    ------
    PlanError
        When the file cannot be read or is not MSPDI.
    """
    try:
        if isinstance(source, Element):
            root = source
        else:
            data = source if isinstance(source, bytes) else Path(source).read_bytes()
            root = SafeET.fromstring(data)
    except (OSError, SafeET.ParseError) as err:
        raise PlanError(f"cannot read Microsoft Project XML: {err}") from err
    except Exception as err:  # defusedxml refuses entities and external references
        raise PlanError(f"unsafe or invalid Microsoft Project XML: {err}") from err
    if _local(root.tag) != "Project":
        raise PlanError("not a Microsoft Project XML file: the root element is not <Project>")
    start = _when(root, "StartDate")
    if start is None:
        raise PlanError("the Microsoft Project XML file has no <StartDate>")
    holder = _child(root, "Calendars")
    calendars = {
        cal.uid: cal
        for cal in (_calendar(e) for e in (_children(holder, "Calendar") if holder else []))
    }
    holder = _child(root, "Tasks")
    tasks = tuple(
        _task_named(number, e)
        for number, e in enumerate(_children(holder, "Task") if holder is not None else [], 1)
    )
    holder = _child(root, "Resources")
    resources: dict[int, tuple[str, int | None]] = {}
    for item in _children(holder, "Resource") if holder is not None else []:
        cal = _int(item, "CalendarUID", -1)
        resources[_int(item, "UID")] = (_text(item, "Name"), None if cal < 0 else cal)
    holder = _child(root, "Assignments")
    assignments = tuple(
        MspdiAssignment(
            task_uid=_int(item, "TaskUID"),
            resource_uid=None if _int(item, "ResourceUID") < 0 else _int(item, "ResourceUID"),
            units=float(_text(item, "Units", "1") or 1),
            work=parse_duration(_text(item, "Work")),
            start=_when(item, "Start"),
            finish=_when(item, "Finish"),
        )
        for item in (_children(holder, "Assignment") if holder is not None else [])
    )
    calendar = _int(root, "CalendarUID", -1)
    return MspdiProject(
        name=_text(root, "Title") or _text(root, "Name"),
        start=start,
        finish=_when(root, "FinishDate"),
        status_date=_when(root, "StatusDate"),
        calendar_uid=None if calendar < 0 else calendar,
        minutes_per_day=_int(root, "MinutesPerDay", 480),
        minutes_per_week=_int(root, "MinutesPerWeek", 2400),
        days_per_month=_int(root, "DaysPerMonth", 20),
        schedule_from_start=_text(root, "ScheduleFromStart", "1") != "0",
        calendars=calendars,
        tasks=tasks,
        resources=resources,
        assignments=assignments,
    )


def working_calendars(project: MspdiProject) -> dict[str, WorkingCalendar]:
    """The project's calendars as ``WorkingCalendar`` objects keyed by UID (as text).

    A derived calendar inherits the weekdays it does not set and its base's exceptions.
    """
    built: dict[int, WorkingCalendar] = {}

    def build(uid: int, seen: tuple[int, ...] = ()) -> WorkingCalendar:
        if uid in built:
            return built[uid]
        cal = project.calendars[uid]
        base = None
        if cal.base_uid is not None and cal.base_uid in project.calendars and uid not in seen:
            base = build(cal.base_uid, (*seen, uid))
        inherited = base.resolved_week() if base is not None else None
        week = tuple(
            own if (own := cal.week.get(day)) is not None else (inherited[day] if inherited else ())
            for day in range(7)
        )
        result = WorkingCalendar(
            cal.name or str(uid), week=week, exceptions=cal.exceptions, base=base
        )
        built[uid] = result
        return result

    return {str(uid): build(uid) for uid in project.calendars}


def mspdi_network(project: MspdiProject) -> MspdiImport:
    """Build the engine's ``Network`` from a read MSPDI project.

    The project summary task (UID 0) and null tasks are left out; the outline levels give each
    task its parent. Elapsed lags (which the engine does not model) are converted to working
    minutes at the project's minutes per day. Task ids are the UIDs as text.

    Returns
    -------
    MspdiImport
        The network, the baselines it stores (``Baseline``, ``Baseline1`` …) and WBS codes.
    """
    calendars = working_calendars(project)
    project_calendar = str(project.calendar_uid) if project.calendar_uid is not None else None
    if project_calendar not in calendars:
        from keel.domain.schedule.calendar import standard_calendar

        project_calendar = "standard"
        calendars[project_calendar] = standard_calendar()
    tasks: list[Task] = []
    stack: list[tuple[int, str]] = []
    wbs: dict[str, str] = {}
    kept = {t.uid for t in project.tasks if t.uid != 0 and not t.is_null}
    links: list[Dependency] = []
    for item in project.tasks:
        if item.uid not in kept:
            continue
        while stack and stack[-1][0] >= item.outline_level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        tid = str(item.uid)
        stack.append((item.outline_level, tid))
        wbs[tid] = item.wbs or item.outline_number
        calendar = str(item.calendar_uid) if item.calendar_uid is not None else None
        tasks.append(
            Task(
                id=tid,
                name=item.name,
                duration=0 if item.summary else item.duration,
                parent=parent,
                milestone=item.milestone and item.duration == 0,
                elapsed=item.elapsed,
                constraint=item.constraint,
                deadline=item.deadline,
                calendar=calendar if calendar in calendars else None,
                priority=item.priority,
                actual_start=item.actual_start,
                actual_finish=item.actual_finish,
                percent_complete=item.percent_complete,
                remaining=None if item.summary else item.remaining,
            )
        )
        for link in item.links:
            if link.predecessor_uid not in kept:
                continue
            lag = link.lag
            if link.elapsed:
                lag = round(lag * project.minutes_per_day / 1440)
            links.append(
                Dependency(str(link.predecessor_uid), tid, link.type, lag, link.lag_percent)
            )
    baselines: dict[str, dict[str, BaselineTask]] = {}
    for item in project.tasks:
        if item.uid not in kept:
            continue
        for number, (start, finish, duration) in item.baselines.items():
            if start is None or finish is None:
                continue
            name = "Baseline" if number == 0 else f"Baseline{number}"
            baselines.setdefault(name, {})[str(item.uid)] = BaselineTask(start, finish, duration)
    network = Network(
        tasks=tuple(tasks),
        dependencies=tuple(links),
        start=project.start,
        calendars=calendars,
        calendar=project_calendar,
        status_date=project.status_date,
        name=project.name,
    )
    return MspdiImport(
        network=network,
        baselines={name: Baseline(name, items) for name, items in baselines.items()},
        wbs=wbs,
        project=project,
    )
