"""Read a plan file (YAML) into the scheduling engine's ``Network`` plus baselines.

The file is checked against ``plan.schema.json`` first, then for meaning (unique ids, known
references, dates that make sense). Every problem becomes a ``PlanError`` whose message names
the place, e.g. ``tasks[2].children[0].duration: '3x' is not a duration like 3d, 4h, 90m``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from keel.domain.errors import PlanError
from keel.domain.resources.model import Assignment
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
from keel.plan.calendars import (
    DEFAULT_CALENDAR,
    CalendarSpec,
    build_calendars,
    date_span,
    parse_hours,
    resolve_calendars,
    weekday_keys,
)
from keel.plan.durations import TimeUnits, parse_duration, parse_lag

__all__ = [
    "Plan",
    "Resource",
    "load_plan",
    "loads_plan",
    "plan_from_data",
    "plan_schema",
]

_MAX_MESSAGES = 20


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource named in the plan. ``capacity`` is its max units (1 = one full-time
    person); ``kind`` is person, equipment or material (see docs/resources.md)."""

    id: str
    name: str = ""
    calendar: str | None = None
    capacity: float = 1.0
    kind: str = "person"


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything a plan file holds, ready for the engine.

    ``wbs`` maps each task id to its outline code (``1``, ``1.2``, ``1.2.3``), in file order.
    ``calendar_specs`` are the flattened calendars the network's calendars were built from.
    """

    network: Network
    baselines: Mapping[str, Baseline] = field(default_factory=dict)
    resources: tuple[Resource, ...] = ()
    wbs: Mapping[str, str] = field(default_factory=dict)
    units: TimeUnits = field(default_factory=TimeUnits)
    calendar_specs: Mapping[str, CalendarSpec] = field(default_factory=dict)
    assignments: tuple[Assignment, ...] = ()


@cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema of plan files (``keel/plan/plan.schema.json``), parsed."""
    text = resources.files("keel.plan").joinpath("plan.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    # References are resolved once here (all but the recursive task) because following a
    # $ref per value is most of the validation time of a 100k-task plan.
    schema = plan_schema()
    defs = schema["$defs"]

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and len(node) == 1 and ref != "#/$defs/task":
                return inline(copy.deepcopy(defs[ref.rsplit("/", 1)[-1]]))
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return Draft202012Validator(inline(schema))


def _yaml_loader() -> type[yaml.SafeLoader]:
    """A safe loader (the C one when available) that leaves dates as text for the schema."""
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PlanLoader(base):  # type: ignore[valid-type,misc]
        pass

    PlanLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return PlanLoader


_LOADER = _yaml_loader()


def load_plan(path: str | Path) -> Plan:
    """Read and check the plan file at ``path``.

    Parameters
    ----------
    path
        A YAML plan file (see docs/plan-format.md).

    Returns
    -------
    Plan
        The network to schedule, its baselines, resources and WBS codes.

    Raises
    ------
    PlanError
        When the file cannot be read, is not YAML, or breaks the format; the message names
        the file and the place.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise PlanError(f"{path}: cannot read the plan file: {reason}") from err
    return loads_plan(text, source=str(path))


def loads_plan(text: str, *, source: str = "<plan>") -> Plan:
    """Read a plan from YAML text; ``source`` names it in error messages."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = getattr(err, "problem", None) or str(err)
        raise PlanError(f"{where}: not valid YAML: {problem}") from err
    try:
        return plan_from_data(data)
    except PlanError as err:
        raise PlanError(f"{source}: {err.message}", details=err.details) from err


def _place(path: Iterator[Any] | Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(err: SchemaError) -> str:
    """One schema error as a sentence a person can act on."""
    where = _place(err.absolute_path)
    schema = err.schema if isinstance(err.schema, dict) else {}
    expected = schema.get("x-expected")
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed))
        if allowed:
            return (
                f"{where}: unknown key {', '.join(map(repr, extra))} "
                f"(allowed: {', '.join(allowed)})"
            )
    if err.validator == "required":
        return f"{where}: missing required key {err.message.split(' ')[0]}"
    if err.validator in {"pattern", "type"} and expected:
        return f"{where}: {err.instance!r} is not {expected}"
    if err.validator == "propertyNames":
        return f"{where}: {err.message}"
    if err.validator == "minItems" and err.validator_value == 1:
        return f"{where}: needs at least one entry"
    if err.validator == "enum":
        options = ", ".join(map(str, err.validator_value))
        return f"{where}: {err.instance!r} is not one of {options}"
    return f"{where}: {err.message}"


def _schema_errors(data: object) -> list[str]:
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    messages: list[str] = []
    for err in errors:
        if err.validator == "propertyNames" and err.context:
            for sub in err.context:
                expected = sub.schema.get("x-expected") if isinstance(sub.schema, dict) else None
                messages.append(f"{_place(err.absolute_path)}: {sub.instance!r} is not {expected}")
            continue
        messages.append(_describe(err))
    return list(dict.fromkeys(messages))


def plan_from_data(data: object) -> Plan:
    """Build a ``Plan`` from already-parsed YAML/JSON data (dicts, lists, strings, numbers).

    Raises
    ------
    PlanError
        With every schema problem listed (up to twenty), or the first semantic problem.
    """
    if not isinstance(data, dict):
        raise PlanError("the plan must be a mapping with 'project' and 'tasks' keys")
    messages = _schema_errors(data)
    if messages:
        shown = messages[:_MAX_MESSAGES]
        more = len(messages) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more" if more else "")
        raise PlanError(text, details={"errors": messages})
    return _Builder(data).build()


def parse_datetime(text: str, where: str, *, end_of_day: bool = False) -> datetime:
    """Parse ``2025-03-03`` or ``2025-03-03T09:00``; a bare date is midnight (or the next one)."""
    try:
        value = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError as err:
        raise PlanError(f"{where}: {text!r} is not a real date") from err
    if len(text) == 10 and end_of_day:
        value += timedelta(days=1)
    return value


def _parse_date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise PlanError(f"{where}: {text!r} is not a real date") from err


class _Builder:
    """Turns checked data into domain objects, one section at a time."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        project = data["project"]
        per_day = round(float(project.get("hours_per_day", 8)) * 60)
        self.units = TimeUnits(
            minutes_per_day=per_day,
            days_per_week=project.get("days_per_week", 5),
            days_per_month=project.get("days_per_month", 20),
        )
        self.tasks: list[Task] = []
        self.places: dict[str, str] = {}
        self.wbs: dict[str, str] = {}
        self.dependencies: list[Dependency] = []
        self.pending: list[tuple[str, str, str, DependencyType, Any]] = []
        self.assignments: list[tuple[str, Assignment]] = []

    def build(self) -> Plan:
        project = self.data["project"]
        raw_start = project["start"]
        specs = self._calendars()
        calendar = project.get("calendar", DEFAULT_CALENDAR)
        if calendar not in specs:
            raise PlanError(f"project.calendar: no calendar named {calendar!r}")
        self.calendar_names = set(specs)
        start = parse_datetime(raw_start, "project.start")
        self.calendars = build_calendars(specs, start.year)
        self.project_calendar = calendar
        if len(raw_start) == 10:
            start = self.calendars[calendar].next_working_instant(start)
        for i, item in enumerate(self.data["tasks"]):
            self._task(item, f"tasks[{i}]", None, str(i + 1))
        self._links()
        status = project.get("status_date")
        network = Network(
            tasks=tuple(self.tasks),
            dependencies=tuple(self.dependencies),
            start=start,
            calendars=self.calendars,
            calendar=calendar,
            status_date=self._when(status, "project.status_date", None, end=True)
            if status
            else None,
            name=project["name"],
        )
        resources = self._resources()
        known = {r.id for r in resources}
        for where, assignment in self.assignments:
            if assignment.resource_id not in known:
                raise PlanError(f"{where}.id: no resource with id {assignment.resource_id!r}")
        return Plan(
            network=network,
            baselines=self._baselines(),
            resources=resources,
            wbs=self.wbs,
            units=self.units,
            calendar_specs=specs,
            assignments=tuple(a for _, a in self.assignments),
        )

    def _when(self, text: str, where: str, calendar: str | None, *, end: bool = False) -> datetime:
        """A date-time; a bare date means the start (or, with ``end``, the end) of its work."""
        value = parse_datetime(text, where, end_of_day=end)
        if len(text) == 10:
            cal = self.calendars[calendar or self.project_calendar]
            if end:
                return cal.previous_working_instant(value)
            return cal.next_working_instant(value)
        return value

    # -- calendars -------------------------------------------------------------------------
    def _calendars(self) -> dict[str, CalendarSpec]:
        raw: dict[str, Any] = self.data.get("calendars", {})
        specs = {DEFAULT_CALENDAR: CalendarSpec(DEFAULT_CALENDAR)}
        for name, cal in raw.items():
            where = f"calendars.{name}"
            week: dict[int, tuple[tuple[int, int], ...]] = {}
            for key, ranges in cal.get("week", {}).items():
                hours = parse_hours(ranges, f"{where}.week.{key}")
                for weekday in weekday_keys(key, f"{where}.week.{key}"):
                    week[weekday] = hours
            holidays = cal.get("holidays")
            if isinstance(holidays, str):
                holidays = {"country": holidays}
            exceptions: dict[date, tuple[tuple[int, int], ...]] = {}
            for i, item in enumerate(cal.get("exceptions", [])):
                for day, changed in self._dated(item, f"{where}.exceptions[{i}]"):
                    exceptions[day] = changed or ()
            working = {
                day: hours
                for i, item in enumerate(cal.get("working_days", []))
                for day, hours in self._dated(item, f"{where}.working_days[{i}]")
            }
            specs[name] = CalendarSpec(
                name=name,
                base=cal.get("base", DEFAULT_CALENDAR if name != DEFAULT_CALENDAR else None),
                week=week,
                holidays_country=holidays["country"] if holidays else None,
                holidays_subdivision=holidays.get("subdivision") if holidays else None,
                adjusted_working_days=holidays.get("adjusted_working_days", True)
                if holidays
                else True,
                exceptions=exceptions,
                working_days=working,
            )
            if holidays:
                _check_country(holidays["country"], holidays.get("subdivision"), where)
        return resolve_calendars(specs)

    def _dated(
        self, item: dict[str, Any], where: str
    ) -> list[tuple[date, tuple[tuple[int, int], ...] | None]]:
        hours = parse_hours(item["hours"], f"{where}.hours") if "hours" in item else None
        if "date" in item:
            if "from" in item or "to" in item:
                raise PlanError(f"{where}: give either 'date' or 'from'/'to', not both")
            return [(_parse_date(item["date"], f"{where}.date"), hours)]
        if "from" not in item or "to" not in item:
            raise PlanError(f"{where}: needs 'date', or both 'from' and 'to'")
        first = _parse_date(item["from"], f"{where}.from")
        last = _parse_date(item["to"], f"{where}.to")
        if last < first:
            raise PlanError(f"{where}.to: {item['to']} is before 'from' ({item['from']})")
        return [(day, hours) for day in date_span(first, last)]

    # -- tasks -----------------------------------------------------------------------------
    def _task(self, item: dict[str, Any], where: str, parent: str | None, code: str) -> None:
        task_id = item["id"]
        if task_id in self.places:
            raise PlanError(
                f"{where}.id: {task_id!r} is used twice (first at {self.places[task_id]})"
            )
        self.places[task_id] = where
        self.wbs[task_id] = code
        children = item.get("children", [])
        milestone = bool(item.get("milestone", False))
        if children and "duration" in item:
            raise PlanError(
                f"{where}.duration: {task_id!r} has children, so it is a summary task "
                "whose duration is computed; remove the duration"
            )
        if children and milestone:
            raise PlanError(f"{where}.milestone: a task with children cannot be a milestone")
        duration = self._duration(item.get("duration", 0), f"{where}.duration")
        if milestone and duration.minutes:
            got = item["duration"]
            raise PlanError(f"{where}.duration: a milestone has no duration (got {got!r})")
        if not children and not milestone and "duration" not in item:
            raise PlanError(f"{where}: task {task_id!r} needs a duration or 'milestone: true'")
        calendar = item.get("calendar")
        if calendar is not None and calendar not in self.calendar_names:
            raise PlanError(f"{where}.calendar: no calendar named {calendar!r}")
        progress = item.get("progress", {})
        when = f"{where}.progress"
        actual_start = self._opt(progress, "actual_start", when, calendar)
        actual_finish = self._opt(progress, "actual_finish", when, calendar, end=True)
        if actual_finish and actual_start and actual_finish < actual_start:
            raise PlanError(f"{where}.progress.actual_finish: before actual_start")
        if actual_finish and not actual_start:
            raise PlanError(f"{where}.progress: actual_finish needs an actual_start")
        remaining = (
            self._duration(progress["remaining"], f"{where}.progress.remaining").minutes
            if "remaining" in progress
            else None
        )
        self.tasks.append(
            Task(
                id=task_id,
                name=item.get("name", task_id),
                duration=duration.minutes,
                parent=parent,
                milestone=milestone,
                elapsed=duration.elapsed,
                constraint=self._constraint(
                    item.get("constraint"), f"{where}.constraint", calendar
                ),
                deadline=self._opt(item, "deadline", where, calendar, end=True),
                calendar=calendar,
                priority=item.get("priority", 500),
                actual_start=actual_start,
                actual_finish=actual_finish,
                percent_complete=float(progress.get("percent", 100 if actual_finish else 0)),
                remaining=remaining,
            )
        )
        after = item.get("after", [])
        for i, pred in enumerate([after] if isinstance(after, str) else after):
            self.pending.append((f"{where}.after[{i}]", pred, task_id, DependencyType.FS, 0))
        for i, dep in enumerate(item.get("depends", [])):
            kind = DependencyType(dep.get("type", "FS"))
            lag = dep.get("lag", 0)
            self.pending.append((f"{where}.depends[{i}]", dep["task"], task_id, kind, lag))
        for i, raw in enumerate(item.get("resources", [])):
            self._assignment(raw, f"{where}.resources[{i}]", task_id, duration.minutes)
        for i, child in enumerate(children):
            self._task(child, f"{where}.children[{i}]", task_id, f"{code}.{i + 1}")

    def _assignment(self, raw: dict[str, Any], where: str, task_id: str, duration: int) -> None:
        units_text = raw.get("units")
        units: float | None = None
        if isinstance(units_text, str):
            text = units_text.strip()
            try:
                units = float(text[:-1]) / 100 if text.endswith("%") else float(text)
            except ValueError:
                raise PlanError(f"{where}.units: {units_text!r} is not like 0.5 or '50%'") from None
        elif units_text is not None:
            units = float(units_text)
        if units is not None and not units > 0:
            raise PlanError(f"{where}.units: units must be more than 0 (got {units_text!r})")
        work = self._duration(raw["work"], f"{where}.work").minutes if "work" in raw else None
        if units is None:
            units = work / duration if work is not None and duration else 1.0
            if not units > 0:
                raise PlanError(f"{where}.work: work must be more than 0 to give the units")
        self.assignments.append((where, Assignment(task_id, raw["id"], units, work)))

    def _duration(self, value: object, where: str) -> Any:
        try:
            return parse_duration(value, self.units)  # type: ignore[arg-type]
        except ValueError as err:
            raise PlanError(f"{where}: {err}") from err

    def _opt(
        self,
        item: Mapping[str, Any],
        key: str,
        where: str,
        calendar: str | None,
        *,
        end: bool = False,
    ) -> datetime | None:
        value = item.get(key)
        return self._when(value, f"{where}.{key}", calendar, end=end) if value else None

    def _constraint(
        self, raw: dict[str, Any] | None, where: str, calendar: str | None
    ) -> Constraint:
        if raw is None:
            return Constraint()
        kind = ConstraintType(raw["type"])
        if kind in {ConstraintType.ASAP, ConstraintType.ALAP}:
            if "date" in raw:
                raise PlanError(f"{where}.date: {kind.value} takes no date")
            return Constraint(kind)
        if "date" not in raw:
            raise PlanError(f"{where}: {kind.value} needs a date")
        finish_side = kind in {ConstraintType.FNET, ConstraintType.FNLT, ConstraintType.MFO}
        return Constraint(kind, self._when(raw["date"], f"{where}.date", calendar, end=finish_side))

    def _links(self) -> None:
        seen: dict[tuple[str, str], str] = {}
        for where, pred, succ, kind, lag_text in self.pending:
            if pred not in self.places:
                raise PlanError(f"{where}: no task with id {pred!r}")
            if pred == succ:
                raise PlanError(f"{where}: task {succ!r} cannot depend on itself")
            if (pred, succ) in seen:
                first = seen[pred, succ]
                raise PlanError(f"{where}: {succ!r} already depends on {pred!r} ({first})")
            seen[pred, succ] = where
            try:
                lag = parse_lag(lag_text, self.units)
            except ValueError as err:
                raise PlanError(f"{where}.lag: {err}") from err
            self.dependencies.append(Dependency(pred, succ, kind, lag.minutes, lag.percent))

    # -- resources and baselines -------------------------------------------------------------
    def _resources(self) -> tuple[Resource, ...]:
        out: list[Resource] = []
        seen: set[str] = set()
        for i, item in enumerate(self.data.get("resources", [])):
            where = f"resources[{i}]"
            if item["id"] in seen:
                raise PlanError(f"{where}.id: {item['id']!r} is used twice")
            seen.add(item["id"])
            calendar = item.get("calendar")
            if calendar is not None and calendar not in self.calendar_names:
                raise PlanError(f"{where}.calendar: no calendar named {calendar!r}")
            name = item.get("name", item["id"])
            kind = item.get("kind", "person")
            out.append(Resource(item["id"], name, calendar, item.get("capacity", 1.0), kind))
        return tuple(out)

    def _baselines(self) -> dict[str, Baseline]:
        out: dict[str, Baseline] = {}
        for i, item in enumerate(self.data.get("baselines", [])):
            where = f"baselines[{i}]"
            name = item["name"]
            if name in out:
                raise PlanError(f"{where}.name: a baseline named {name!r} already exists")
            tasks: dict[str, BaselineTask] = {}
            for task_id, dates in item["tasks"].items():
                place = f"{where}.tasks.{task_id}"
                if task_id not in self.places:
                    raise PlanError(f"{place}: no task with id {task_id!r}")
                start = self._when(dates["start"], f"{place}.start", None)
                finish = self._when(dates["finish"], f"{place}.finish", None, end=True)
                if finish < start:
                    raise PlanError(f"{place}.finish: before its start")
                duration = (
                    self._duration(dates["duration"], f"{place}.duration").minutes
                    if "duration" in dates
                    else 0
                )
                tasks[task_id] = BaselineTask(start, finish, duration)
            saved = item.get("saved_at")
            out[name] = Baseline(
                name, tasks, parse_datetime(saved, f"{where}.saved_at") if saved else None
            )
        return out


def _check_country(country: str, subdivision: str | None, where: str) -> None:
    import holidays

    try:
        holidays.country_holidays(country, subdiv=subdivision, years=2000)
    except NotImplementedError as err:
        raise PlanError(f"{where}.holidays: no holiday list for country {country!r}") from err
