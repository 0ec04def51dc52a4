"""Read other tools' files into a ``Plan``: MSPDI, GanttProject, Planner, Jira CSV, Keel's
CSV/XLSX task template and iCalendar.

Every XML file is parsed with ``defusedxml``: entity declarations (billion laughs) and external
entities are refused with a clear message. Every error names the line (text files) or the
element (XML) it is about. TaskJuggler ``.tjp`` files are refused: Keel writes them, it does not
read them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element  # type only; parsing uses defusedxml

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from keel.domain.errors import PlanError
from keel.interchange.plan import (
    InterchangeError,
    Plan,
    PlanAssignment,
    PlanBaseline,
    PlanCalendar,
    PlanItem,
    PlanLink,
    PlanResource,
    check_items,
    check_size,
    decode_text,
    detect_format,
    parse_date,
)

__all__ = [
    "TEMPLATE_COLUMNS",
    "parse_xml",
    "read_csv_template",
    "read_gan",
    "read_ics",
    "read_jira",
    "read_mspdi_plan",
    "read_plan",
    "read_planner",
    "read_xlsx_template",
]

_TWO = Decimal("0.01")
KEEL_FIELDS = {"Keel type": "type", "Keel status": "status", "Keel priority": "priority"}


def parse_xml(data: bytes, what: str) -> Element:
    """Parse XML safely; entity tricks and malformed XML become ``InterchangeError``."""
    try:
        root: Element = SafeET.fromstring(data)
    except DefusedXmlException as err:
        raise InterchangeError(
            f"The {what} file declares XML entities or external references ({err}); Keel "
            "refuses such files because they can hide an attack. Export it again without them."
        ) from err
    except SafeET.ParseError as err:
        line, column = getattr(err, "position", (0, 0))
        raise InterchangeError(
            f"The {what} file is not well-formed XML at line {line}, column {column}: {err}."
        ) from err
    return root


def _dec(value: float | int | str | None, where: str = "") -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", ".").strip()).quantize(_TWO)
    except InvalidOperation as err:
        raise InterchangeError(f"{where}: {value!r} is not a number.") from err


# --- Microsoft Project XML -------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _mspdi_extras(root: Element) -> tuple[dict[int, dict[str, str]], dict[int, str]]:
    """Notes and Keel's own extended attributes (type, status, priority) of each task UID."""
    aliases: dict[str, str] = {}
    notes: dict[int, str] = {}
    extras: dict[int, dict[str, str]] = {}
    for child in root:
        name = _local(child.tag)
        if name == "ExtendedAttributes":
            for attr in child:
                values = {_local(c.tag): (c.text or "") for c in attr}
                if values.get("Alias") in KEEL_FIELDS:
                    aliases[values.get("FieldID", "")] = KEEL_FIELDS[values["Alias"]]
        elif name == "Tasks":
            for task in child:
                uid = -1
                for c in task:
                    tag = _local(c.tag)
                    if tag == "UID":
                        uid = int(c.text or -1)
                    elif tag == "Notes" and c.text:
                        notes[uid] = c.text
                    elif tag == "ExtendedAttribute" and aliases:
                        values = {_local(v.tag): (v.text or "") for v in c}
                        key = aliases.get(values.get("FieldID", ""))
                        if key:
                            extras.setdefault(uid, {})[key] = values.get("Value", "")
    return extras, notes


def read_mspdi_plan(data: bytes) -> Plan:
    """A ``Plan`` from Microsoft Project XML: calendars, outline, durations in days (at the
    file's minutes per day), constraints, milestones, progress, actual dates, the four link
    types with lags, resources, assignments and baselines (0 to 10)."""
    from keel.interchange.mspdi import read_mspdi

    root = parse_xml(data, "Microsoft Project XML")
    if _local(root.tag) != "Project":
        raise InterchangeError(
            f"Not a Microsoft Project XML file: the root element is <{_local(root.tag)}>."
        )
    try:
        project = read_mspdi(root)
    except PlanError as err:
        raise InterchangeError(f"Microsoft Project XML: {err}") from err
    except (ValueError, TypeError) as err:
        raise InterchangeError(f"Microsoft Project XML: a <Task> holds a bad value: {err}") from err
    extras, notes = _mspdi_extras(root)
    per_day = Decimal(project.minutes_per_day or 480)
    items: list[PlanItem] = []
    links: list[PlanLink] = []
    stack: list[tuple[int, str]] = []
    baselines: dict[int, list[tuple[str, datetime | None, datetime | None, Decimal | None]]] = {}
    known: set[int] = set()
    for task in project.tasks:
        if task.uid == 0 or task.is_null or task.outline_level == 0:
            continue
        ref = str(task.uid)
        known.add(task.uid)
        while stack and stack[-1][0] >= task.outline_level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((task.outline_level, ref))
        extra = extras.get(task.uid, {})
        kind = extra.get("type") or ("milestone" if task.milestone else "task")
        constraint = str(task.constraint.type.value)
        days = (Decimal(task.duration) / per_day).quantize(_TWO)
        items.append(
            PlanItem(
                ref=ref,
                title=task.name or f"Task {task.uid}",
                parent=parent,
                type=kind,
                description=notes.get(task.uid, ""),
                status=extra.get("status", ""),
                priority=extra.get("priority", ""),
                start=task.start,
                finish=task.finish,
                due=task.deadline.date() if task.deadline else None,
                duration_days=Decimal(0) if kind == "milestone" else days,
                constraint_type=constraint,
                constraint_date=task.constraint.date,
                progress=max(0, min(100, round(task.percent_complete))),
                actual_start=task.actual_start,
                actual_finish=task.actual_finish,
                wbs=task.wbs or task.outline_number,
            )
        )
        for link in task.links:
            lag = (
                Decimal(str(link.lag_percent)) * days / 100
                if link.lag_percent is not None
                else Decimal(link.lag) / (Decimal(1440) if link.elapsed else per_day)
            )
            links.append(
                PlanLink(str(link.predecessor_uid), ref, link.type.value, lag.quantize(_TWO))
            )
        for number, (b_start, b_finish, b_duration) in task.baselines.items():
            baselines.setdefault(number, []).append(
                (ref, b_start, b_finish, (Decimal(b_duration) / per_day).quantize(_TWO))
            )
    links = [lk for lk in links if int(lk.predecessor) in known]
    resources = tuple(
        PlanResource(str(uid), name or f"Resource {uid}")
        for uid, (name, _cal) in project.resources.items()
        if uid != 0
    )
    resource_refs = {r.ref for r in resources}
    assignments = tuple(
        PlanAssignment(
            str(a.task_uid),
            str(a.resource_uid),
            Decimal(str(a.units)).quantize(_TWO),
            (Decimal(a.work) / 60).quantize(_TWO),
        )
        for a in project.assignments
        if a.resource_uid is not None
        and str(a.resource_uid) in resource_refs
        and a.task_uid in known
    )
    calendars = tuple(
        PlanCalendar(
            str(cal.uid),
            cal.name or f"Calendar {cal.uid}",
            tuple(
                (day, tuple(periods))
                for day, periods in sorted(cal.week.items())
                if periods is not None
            ),
            tuple((day, tuple(periods)) for day, periods in sorted(cal.exceptions.items())),
            str(cal.base_uid) if cal.base_uid is not None else None,
        )
        for cal in project.calendars.values()
    )
    return Plan(
        name=project.name or "Imported project",
        format="mspdi",
        start=project.start,
        items=tuple(items),
        links=tuple(links),
        resources=resources,
        assignments=assignments,
        baselines=tuple(
            PlanBaseline(n, "Baseline" if n == 0 else f"Baseline {n}", tuple(rows))
            for n, rows in sorted(baselines.items())
        ),
        calendars=calendars,
        calendar=str(project.calendar_uid) if project.calendar_uid is not None else None,
    )


# --- GanttProject ----------------------------------------------------------------------------

_GAN_LINK = {"1": "SS", "2": "FS", "3": "FF", "4": "SF"}


def _gan_workday(day: date, weekend: set[int], holidays: set[date]) -> bool:
    return day.weekday() not in weekend and day not in holidays


def read_gan(data: bytes) -> Plan:
    """A ``Plan`` from a GanttProject ``.gan`` file (tasks nest; ``<depend>`` lists successors;
    durations are working days of the file's default week)."""
    root = parse_xml(data, "GanttProject")
    weekend: set[int] = set()
    holidays: set[date] = set()
    week = root.find("calendars/day-types/default-week")
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    if week is not None:
        weekend = {i for i, n in enumerate(names) if week.get(n) == "1"}
    for when in root.findall("calendars/date"):
        try:
            holidays.add(
                date(
                    int(when.get("year") or 0), int(when.get("month", 1)), int(when.get("date", 1))
                )
            )
        except ValueError:
            continue  # yearly holidays without a year
    items: list[PlanItem] = []
    links: list[PlanLink] = []

    def walk(element: Element, parent: str | None, path: str) -> None:
        for number, task in enumerate(element.findall("task"), start=1):
            ref = task.get("id") or ""
            where = f"<task id={ref!r}>"
            start = parse_date(task.get("start", ""), where)
            try:
                length = int(task.get("duration", "0"))
                progress = int(task.get("complete", "0"))
            except ValueError as err:
                raise InterchangeError(
                    f"{where}: duration and complete must be whole numbers."
                ) from err
            milestone = task.get("meeting") == "true"
            finish = start
            if start is not None and length > 1:
                day, left = start.date(), length - 1
                while left > 0:
                    day += timedelta(days=1)
                    if _gan_workday(day, weekend, holidays):
                        left -= 1
                finish = datetime.combine(day, datetime.min.time())
            wbs = f"{path}.{number}" if path else str(number)
            notes = task.find("notes")
            items.append(
                PlanItem(
                    ref=ref,
                    title=task.get("name") or f"Task {ref}",
                    parent=parent,
                    type="milestone" if milestone else "task",
                    description=(notes.text or "").strip() if notes is not None else "",
                    start=start,
                    finish=finish,
                    duration_days=Decimal(0 if milestone else length),
                    progress=max(0, min(100, progress)),
                    wbs=wbs,
                )
            )
            links.extend(
                PlanLink(
                    ref,
                    dep.get("id") or "",
                    _GAN_LINK.get(dep.get("type", "2"), "FS"),
                    Decimal(dep.get("difference", "0") or "0"),
                )
                for dep in task.findall("depend")
            )
            walk(task, ref, wbs)

    tasks = root.find("tasks")
    if tasks is not None:
        walk(tasks, None, "")
    resources = tuple(
        PlanResource(r.get("id") or "", r.get("name") or "", "work", r.get("contacts", ""))
        for r in root.findall("resources/resource")
    )
    assignments = tuple(
        PlanAssignment(
            a.get("task-id") or "",
            a.get("resource-id") or "",
            (Decimal(a.get("load", "100") or "100") / 100).quantize(_TWO),
        )
        for a in root.findall("allocations/allocation")
    )
    starts = [i.start for i in items if i.start]
    return Plan(
        name=root.get("name") or "GanttProject",
        format="gan",
        start=min(starts) if starts else None,
        items=tuple(items),
        links=tuple(links),
        resources=resources,
        assignments=assignments,
    )


# --- GNOME Planner ---------------------------------------------------------------------------


def _planner_date(text: str | None, where: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError as err:
        raise InterchangeError(
            f"{where}: {text!r} is not a Planner date like 20070222T000000Z."
        ) from err


_PLANNER_CONSTRAINT = {"must-start-on": "MSO", "start-no-earlier-than": "SNET"}


def read_planner(data: bytes) -> Plan:
    """A ``Plan`` from a GNOME Planner (``.planner``, mrproject) file."""
    root = parse_xml(data, "Planner")
    items: list[PlanItem] = []
    links: list[PlanLink] = []

    def walk(element: Element, parent: str | None, path: str) -> None:
        for number, task in enumerate(element.findall("task"), start=1):
            ref = task.get("id") or ""
            where = f"<task id={ref!r}>"
            start = _planner_date(task.get("work-start") or task.get("start"), where)
            finish = _planner_date(task.get("end"), where)
            milestone = task.get("type") == "milestone"
            work = _dec(task.get("work"), where) or Decimal(0)
            wbs = f"{path}.{number}" if path else str(number)
            constraint = task.find("constraint")
            kind = (
                _PLANNER_CONSTRAINT.get(constraint.get("type", ""))
                if constraint is not None
                else None
            )
            items.append(
                PlanItem(
                    ref=ref,
                    title=task.get("name") or f"Task {ref}",
                    parent=parent,
                    type="milestone" if milestone else "task",
                    description=task.get("note", ""),
                    constraint_type=kind or "ASAP",
                    constraint_date=_planner_date(constraint.get("time"), where)
                    if kind and constraint is not None
                    else None,
                    start=start,
                    finish=finish,
                    duration_days=Decimal(0) if milestone else (work / 28800).quantize(_TWO),
                    estimate_hours=(work / 3600).quantize(_TWO) if work else None,
                    progress=int(task.get("percent-complete", "0") or 0),
                    wbs=wbs,
                )
            )
            for pred in task.findall("predecessors/predecessor"):
                lag = Decimal(pred.get("lag", "0") or "0") / 28800
                links.append(
                    PlanLink(
                        pred.get("predecessor-id") or "",
                        ref,
                        pred.get("type", "FS"),
                        lag.quantize(_TWO),
                    )
                )
            walk(task, ref, wbs)

    tasks = root.find("tasks")
    if tasks is not None:
        walk(tasks, None, "")
    resources = tuple(
        PlanResource(
            r.get("id") or "",
            r.get("name") or "",
            "material" if r.get("type") == "2" else "work",
            r.get("email", ""),
        )
        for r in root.findall("resources/resource")
    )
    assignments = tuple(
        PlanAssignment(
            a.get("task-id") or "",
            a.get("resource-id") or "",
            (Decimal(a.get("units", "100") or "100") / 100).quantize(_TWO),
        )
        for a in root.findall("allocations/allocation")
    )
    return Plan(
        name=root.get("name") or "Planner project",
        format="planner",
        start=_planner_date(root.get("project-start"), "<project>"),
        items=tuple(items),
        links=tuple(links),
        resources=resources,
        assignments=assignments,
    )


# --- Jira CSV --------------------------------------------------------------------------------

_JIRA_TYPES = {
    "epic": "epic",
    "bug": "bug",
    "sub-task": "subtask",
    "subtask": "subtask",
    "milestone": "milestone",
    "story": "task",
    "task": "task",
    "improvement": "task",
    "new feature": "task",
}
_JIRA_PRIORITY = {
    "highest": "highest",
    "blocker": "highest",
    "critical": "highest",
    "high": "high",
    "major": "high",
    "medium": "medium",
    "low": "low",
    "minor": "low",
    "lowest": "lowest",
    "trivial": "lowest",
}
_JIRA_LINK = re.compile(r"^(inward|outward) issue link \((.+)\)$")
_BLOCKING = {"blocks", "dependency", "depends", "gantt dependency", "cloners"}


def _rows(text: str) -> list[list[str]]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as err:
        raise InterchangeError(f"The CSV file cannot be read: {err}.") from err


def read_jira(data: bytes) -> Plan:
    """A ``Plan`` from a Jira CSV export (repeated columns such as Labels, Sprint and issue
    links are all read; ``Parent``/``Parent id`` and ``Epic Link`` give the hierarchy;
    "Blocks"/"Dependency" links become finish-to-start dependencies)."""
    rows = _rows(decode_text(data))
    if not rows:
        raise InterchangeError("The Jira CSV file is empty.")
    header = [h.strip().lower() for h in rows[0]]
    if "summary" not in header:
        raise InterchangeError(
            "Line 1: a Jira CSV export needs a Summary column; the columns are "
            + ", ".join(rows[0][:12])
            + "."
        )

    def cols(*names: str) -> list[int]:
        return [i for i, h in enumerate(header) if h in names]

    def first(row: list[str], *names: str) -> str:
        for i in cols(*names):
            if i < len(row) and row[i].strip():
                return row[i].strip()
        return ""

    def every(row: list[str], *names: str) -> list[str]:
        return [row[i].strip() for i in cols(*names) if i < len(row) and row[i].strip()]

    link_cols = [
        (i, m.group(1), m.group(2)) for i, h in enumerate(header) if (m := _JIRA_LINK.match(h))
    ]
    items: list[PlanItem] = []
    links: list[PlanLink] = []
    ids: dict[str, str] = {}
    parents: list[tuple[int, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise InterchangeError(
                f"Line {number}: {len(row)} fields but the header has {len(header)} columns."
            )
        key = first(row, "issue key", "key") or f"ROW-{number}"
        where = f"Line {number} ({key})"
        issue_id = first(row, "issue id", "id")
        if issue_id:
            ids[issue_id] = key
        kind = first(row, "issue type", "type").lower()
        summary = first(row, "summary")
        if not summary:
            raise InterchangeError(f"{where}: the Summary is empty.")
        due = parse_date(first(row, "due date", "due"), where)
        created = parse_date(first(row, "created"), where)
        parents.append(
            (
                len(items),
                first(
                    row,
                    "parent",
                    "parent id",
                    "parent key",
                    "custom field (epic link)",
                    "epic link",
                ),
            )
        )
        items.append(
            PlanItem(
                ref=key,
                title=summary[:255],
                type=_JIRA_TYPES.get(kind, "task"),
                description=first(row, "description"),
                status=first(row, "status"),
                priority=_JIRA_PRIORITY.get(first(row, "priority").lower(), ""),
                assignee=first(row, "assignee"),
                reporter=first(row, "reporter"),
                due=due.date() if due else None,
                created=created,
                story_points=_dec(
                    first(
                        row,
                        "custom field (story points)",
                        "story points",
                        "custom field (story point estimate)",
                    ),
                    where,
                ),
                estimate_hours=(
                    (_dec(first(row, "original estimate"), where) or Decimal(0)) / 3600
                ).quantize(_TWO)
                if first(row, "original estimate")
                else None,
                labels=tuple(
                    label for cell in every(row, "labels") for label in cell.split() if label
                ),
                sprint=(every(row, "sprint") or [""])[-1],
            )
        )
        for index, direction, name in link_cols:
            if index >= len(row) or not row[index].strip():
                continue
            if name.lower() not in _BLOCKING:
                continue
            for other in re.split(r"[,\s]+", row[index].strip()):
                if direction == "outward":
                    links.append(PlanLink(key, other, "FS"))
                else:
                    links.append(PlanLink(other, key, "FS"))
    keys = {item.ref for item in items}
    fixed = list(items)
    for index, parent in parents:
        ref = ids.get(parent, parent)
        if ref and ref in keys and ref != fixed[index].ref:
            item = fixed[index]
            fixed[index] = replace(item, parent=ref)
    unique = {
        (lk.predecessor, lk.successor): lk
        for lk in links
        if lk.predecessor in keys and lk.successor in keys
    }
    dates = [i.created for i in fixed if i.created]
    return Plan(
        name="Jira import",
        format="jira",
        start=min(dates) if dates else None,
        items=tuple(fixed),
        links=tuple(unique.values()),
    )


# --- Keel's task template (CSV / XLSX) -------------------------------------------------------

TEMPLATE_COLUMNS = (
    "WBS",
    "Title",
    "Type",
    "Status",
    "Priority",
    "Assignee",
    "Start",
    "Finish",
    "Duration (days)",
    "Due",
    "Estimate (hours)",
    "Story points",
    "Progress (%)",
    "Constraint",
    "Constraint date",
    "Predecessors",
    "Labels",
    "Cost",
    "Description",
)
_REQUIRED = ("WBS", "Title")
_PRED = re.compile(r"^\s*([\w.\-]+?)\s*(FS|SS|FF|SF)?\s*([+-]\s*\d+(?:\.\d+)?)?\s*d?\s*$", re.I)
_TYPES = {"task", "milestone", "deliverable", "epic", "bug", "subtask"}
_CONSTRAINTS = {"", "ASAP", "ALAP", "SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO"}


def _table_plan(records: Iterable[tuple[int, Mapping[str, object]]], what: str, name: str) -> Plan:
    items: list[PlanItem] = []
    links: list[PlanLink] = []
    seen: set[str] = set()

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def when(value: object, where: str) -> datetime | None:
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, date):
            return datetime.combine(value, datetime.min.time())
        return parse_date(text(value), where)

    for line, row in records:
        wbs = text(row.get("WBS"))
        title = text(row.get("Title"))
        if not wbs and not title:
            continue
        where = f"{what} line {line}"
        if not wbs or not title:
            raise InterchangeError(f"{where}: WBS and Title are both needed.")
        if wbs in seen:
            raise InterchangeError(f"{where}: the WBS code {wbs} appears twice.")
        seen.add(wbs)
        kind = text(row.get("Type")).lower() or "task"
        if kind not in _TYPES:
            raise InterchangeError(
                f"{where}: unknown type {kind!r}; use one of {', '.join(sorted(_TYPES))}."
            )
        constraint = text(row.get("Constraint")).upper()
        if constraint not in _CONSTRAINTS:
            raise InterchangeError(f"{where}: unknown constraint {constraint!r}.")
        progress_text = text(row.get("Progress (%)")) or "0"
        try:
            progress = int(Decimal(progress_text.rstrip("%")))
        except InvalidOperation as err:
            raise InterchangeError(f"{where}: progress {progress_text!r} is not a number.") from err
        if not 0 <= progress <= 100:
            raise InterchangeError(f"{where}: progress must be between 0 and 100.")
        due = when(row.get("Due"), where)
        parent = wbs.rsplit(".", 1)[0] if "." in wbs else None
        items.append(
            PlanItem(
                ref=wbs,
                title=title[:255],
                parent=parent,
                type=kind,
                description=text(row.get("Description")),
                status=text(row.get("Status")),
                priority=text(row.get("Priority")).lower(),
                assignee=text(row.get("Assignee")),
                start=when(row.get("Start"), where),
                finish=when(row.get("Finish"), where),
                due=due.date() if due else None,
                duration_days=_dec(text(row.get("Duration (days)")), where),
                estimate_hours=_dec(text(row.get("Estimate (hours)")), where),
                story_points=_dec(text(row.get("Story points")), where),
                constraint_type=constraint,
                constraint_date=when(row.get("Constraint date"), where),
                progress=progress,
                labels=tuple(x.strip() for x in text(row.get("Labels")).split(",") if x.strip()),
                wbs=wbs,
                cost=_dec(text(row.get("Cost")), where),
            )
        )
        for part in text(row.get("Predecessors")).split(";"):
            if not part.strip():
                continue
            match = _PRED.match(part)
            if not match:
                raise InterchangeError(
                    f"{where}: predecessor {part.strip()!r} is not like 1.2 or 1.2FS+3."
                )
            lag = Decimal(match.group(3).replace(" ", "")) if match.group(3) else Decimal(0)
            links.append(PlanLink(match.group(1), wbs, (match.group(2) or "FS").upper(), lag))
    for item in items:
        if item.parent is not None and item.parent not in seen:
            raise InterchangeError(f"{what}: {item.wbs} has no parent row {item.parent}.")
    for link in links:
        if link.predecessor not in seen:
            raise InterchangeError(
                f"{what}: {link.successor} names predecessor {link.predecessor}, which has no row."
            )
    starts = [i.start for i in items if i.start]
    return Plan(
        name=name,
        format="csv" if what == "CSV" else "xlsx",
        start=min(starts) if starts else None,
        items=tuple(items),
        links=tuple(links),
    )


def _check_header(header: list[str], what: str) -> None:
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InterchangeError(
            f"{what} line 1: missing column(s) {', '.join(missing)}; Keel's task template has "
            f"the columns {', '.join(TEMPLATE_COLUMNS)}."
        )
    unknown = [c for c in header if c and c not in TEMPLATE_COLUMNS]
    if unknown:
        raise InterchangeError(
            f"{what} line 1: unknown column(s) {', '.join(unknown)}; Keel's task template has "
            f"the columns {', '.join(TEMPLATE_COLUMNS)}."
        )


def read_csv_template(data: bytes) -> Plan:
    """A ``Plan`` from Keel's CSV task template (``TEMPLATE_COLUMNS``; WBS gives the outline)."""
    rows = _rows(decode_text(data))
    if not rows:
        raise InterchangeError("The CSV file is empty.")
    header = [h.strip() for h in rows[0]]
    _check_header(header, "CSV")
    records = (
        (line, dict(zip(header, row, strict=False))) for line, row in enumerate(rows[1:], start=2)
    )
    return _table_plan(records, "CSV", "CSV import")


def read_xlsx_template(data: bytes) -> Plan:
    """A ``Plan`` from the "Plan" sheet (or the first sheet) of an XLSX task template."""
    from zipfile import BadZipFile

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as err:
        raise InterchangeError(f"The Excel file cannot be opened: {err}.") from err
    sheet = book["Plan"] if "Plan" in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first_row = next(rows, None)
    if first_row is None:
        raise InterchangeError("The Excel sheet is empty.")
    header = [str(h).strip() if h is not None else "" for h in first_row]
    _check_header(header, "Sheet Plan")
    records = (
        (line, dict(zip(header, row, strict=False))) for line, row in enumerate(rows, start=2)
    )
    plan = _table_plan(records, "Sheet Plan", "Excel import")
    book.close()
    return plan


# --- iCalendar -------------------------------------------------------------------------------


def read_ics(data: bytes) -> Plan:
    """A ``Plan`` from an iCalendar file: each VEVENT or VTODO becomes an item (one-day or
    zero-length events become milestones; DUE becomes the due date)."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(decode_text(data))
    except ValueError as err:
        raise InterchangeError(f"The iCalendar file cannot be read: {err}.") from err
    items: list[PlanItem] = []
    for number, component in enumerate(calendar.walk(), start=1):
        if component.name not in {"VEVENT", "VTODO"}:
            continue
        summary = str(component.get("SUMMARY", "")) or f"Entry {number}"

        def moment(name: str, component: Any = component) -> datetime | None:
            value = component.get(name)
            if value is None:
                return None
            raw = value.dt
            if isinstance(raw, datetime):
                return raw.replace(tzinfo=None)
            return datetime.combine(raw, datetime.min.time())

        start, end, due = moment("DTSTART"), moment("DTEND"), moment("DUE")
        milestone = component.name == "VEVENT" and (end is None or end == start)
        status = str(component.get("STATUS", ""))
        items.append(
            PlanItem(
                ref=str(component.get("UID", f"entry-{number}")),
                title=summary[:255],
                type="milestone" if milestone else "task",
                description=str(component.get("DESCRIPTION", "")),
                status=status.title() if status else "",
                start=start,
                finish=end,
                due=due.date() if due else None,
                progress=100
                if status.upper() == "COMPLETED"
                else int(component.get("PERCENT-COMPLETE", 0) or 0),
            )
        )
    starts = [i.start for i in items if i.start]
    return Plan(
        name=str(calendar.get("X-WR-CALNAME", "")) or "Calendar import",
        format="ics",
        start=min(starts) if starts else None,
        items=tuple(items),
    )


_READERS: dict[str, Callable[[bytes], Plan]] = {
    "mspdi": read_mspdi_plan,
    "gan": read_gan,
    "planner": read_planner,
    "jira": read_jira,
    "csv": read_csv_template,
    "xlsx": read_xlsx_template,
    "ics": read_ics,
}


def read_plan(data: bytes, format: str | None = None, filename: str = "") -> Plan:
    """Read any supported file: size checked first, format detected when not given.

    Raises
    ------
    InterchangeError
        For files over the size or item limit, unknown or unsupported formats (TaskJuggler), and any
        error in the file (the message names the line or element).
    """
    check_size(data)
    kind = format or detect_format(data, filename)
    if kind == "tjp":
        raise InterchangeError(
            "Keel does not import TaskJuggler (.tjp) files; it exports them. Export the plan "
            "from TaskJuggler as Microsoft Project XML or CSV and import that instead."
        )
    reader = _READERS.get(kind)
    if reader is None:
        raise InterchangeError(
            f"Unknown import format {kind!r}; use one of {', '.join(sorted(_READERS))}."
        )
    plan = reader(data)
    check_items(plan)
    return plan
