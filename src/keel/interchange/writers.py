"""Write a ``Plan`` as Microsoft Project XML, Keel's CSV/XLSX task template, or iCalendar.

``write_mspdi`` writes the project, its calendars, tasks (UID, ID, OutlineLevel, WBS, duration,
constraint, milestone, progress, actual dates, Deadline, Notes and Keel's type/status/priority
as extended attributes Text1–Text3), PredecessorLink with all four types and lags in tenths of
a minute, baselines, resources and assignments. Durations are written at 8 hours a day.
``write_xlsx`` types its cells: dates as dates, numbers (money too) as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from keel.interchange.plan import Plan, PlanItem
from keel.interchange.readers import TEMPLATE_COLUMNS

__all__ = ["Sheet", "write_csv", "write_ics", "write_mspdi", "write_xlsx"]

_LINK_CODES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
_CONSTRAINT_CODES = {
    "": 0,
    "ASAP": 0,
    "ALAP": 1,
    "MSO": 2,
    "MFO": 3,
    "SNET": 4,
    "SNLT": 5,
    "FNET": 6,
    "FNLT": 7,
}
_TEXT_FIELDS = (
    ("188743731", "Text1", "Keel type"),
    ("188743734", "Text2", "Keel status"),
    ("188743737", "Text3", "Keel priority"),
)
MINUTES_PER_DAY = 480


def _dt(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(8))
    return value.replace(microsecond=0, tzinfo=None).isoformat()


def _duration(days: Decimal | None) -> str:
    minutes = int((days or Decimal(0)) * MINUTES_PER_DAY)
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def _el(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def _outline(plan: Plan) -> list[tuple[PlanItem, int, str]]:
    """Items in outline order with their level and outline number."""
    children: dict[str | None, list[PlanItem]] = {}
    refs = {item.ref for item in plan.items}
    for item in plan.items:
        parent = item.parent if item.parent in refs else None
        children.setdefault(parent, []).append(item)
    out: list[tuple[PlanItem, int, str]] = []

    def walk(parent: str | None, level: int, prefix: str) -> None:
        for number, item in enumerate(children.get(parent, []), start=1):
            code = f"{prefix}.{number}" if prefix else str(number)
            out.append((item, level, code))
            walk(item.ref, level + 1, code)

    walk(None, 1, "")
    return out


def write_mspdi(plan: Plan) -> bytes:
    """Microsoft Project XML (MSPDI) of ``plan``; task UIDs are 1.. in outline order."""
    ordered = _outline(plan)
    uid = {item.ref: n for n, (item, _l, _c) in enumerate(ordered, start=1)}
    has_children = {item.parent for item in plan.items if item.parent}
    start = plan.start or min(
        (i.start for i in plan.items if i.start), default=datetime(2000, 1, 3, 8)
    )
    finish = max((i.finish for i in plan.items if i.finish), default=start)
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<Project xmlns="http://schemas.microsoft.com/project">',
        _el("SaveVersion", 14),
        _el("Name", plan.name),
        _el("Title", plan.name),
        _el("ScheduleFromStart", 1),
        _el("StartDate", _dt(start)),
        _el("FinishDate", _dt(finish)),
        _el("CalendarUID", 1),
        _el("MinutesPerDay", MINUTES_PER_DAY),
        _el("MinutesPerWeek", MINUTES_PER_DAY * 5),
        _el("DaysPerMonth", 20),
        _el("DefaultStartTime", "08:00:00"),
        _el("DefaultFinishTime", "17:00:00"),
        "<ExtendedAttributes>",
    ]
    for field_id, field_name, alias in _TEXT_FIELDS:
        out.append(
            "<ExtendedAttribute>"
            + _el("FieldID", field_id)
            + _el("FieldName", field_name)
            + _el("Alias", alias)
            + "</ExtendedAttribute>"
        )
    out.append("</ExtendedAttributes>")
    out.append("<Calendars>")
    calendars = plan.calendars or ()
    if not calendars:
        week = tuple((d, ((480, 720), (780, 1020))) for d in range(5))
        from keel.interchange.plan import PlanCalendar

        calendars = (PlanCalendar("1", "Standard", week),)
    cal_uid = {cal.ref: n for n, cal in enumerate(calendars, start=1)}
    for cal in calendars:
        out.append("<Calendar>")
        out.append(_el("UID", cal_uid[cal.ref]))
        out.append(_el("Name", cal.name))
        base = cal_uid.get(cal.base or "")
        out.append(_el("IsBaseCalendar", 0 if base else 1))
        out.append(_el("BaseCalendarUID", base if base else -1))
        out.append("<WeekDays>")
        week_map = dict(cal.week)
        for weekday in range(7):
            periods = week_map.get(weekday, ())
            out.append("<WeekDay>" + _el("DayType", (weekday + 1) % 7 + 1))
            out.append(_el("DayWorking", 1 if periods else 0))
            if periods:
                out.append("<WorkingTimes>")
                for a, b in periods:
                    out.append(
                        "<WorkingTime>"
                        + _el("FromTime", f"{a // 60:02d}:{a % 60:02d}:00")
                        + _el("ToTime", f"{(b // 60) % 24:02d}:{b % 60:02d}:00")
                        + "</WorkingTime>"
                    )
                out.append("</WorkingTimes>")
            out.append("</WeekDay>")
        for day, periods in cal.exceptions:
            out.append("<WeekDay>" + _el("DayType", 0) + _el("DayWorking", 1 if periods else 0))
            out.append(
                "<TimePeriod>"
                + _el("FromDate", _dt(datetime.combine(day, time(0))))
                + _el("ToDate", _dt(datetime.combine(day, time(23, 59))))
                + "</TimePeriod>"
            )
            if periods:
                out.append("<WorkingTimes>")
                for a, b in periods:
                    out.append(
                        "<WorkingTime>"
                        + _el("FromTime", f"{a // 60:02d}:{a % 60:02d}:00")
                        + _el("ToTime", f"{(b // 60) % 24:02d}:{b % 60:02d}:00")
                        + "</WorkingTime>"
                    )
                out.append("</WorkingTimes>")
            out.append("</WeekDay>")
        out.append("</WeekDays></Calendar>")
    out.append("</Calendars>")
    preds: dict[str, list[str]] = {}
    for link in plan.links:
        if link.predecessor in uid and link.successor in uid:
            preds.setdefault(link.successor, []).append(
                "<PredecessorLink>"
                + _el("PredecessorUID", uid[link.predecessor])
                + _el("Type", _LINK_CODES.get(link.type, 1))
                + _el("CrossProject", 0)
                + _el("LinkLag", int(link.lag_days * MINUTES_PER_DAY * 10))
                + _el("LagFormat", 7)
                + "</PredecessorLink>"
            )
    base_rows: dict[str, list[str]] = {}
    for baseline in plan.baselines:
        for ref, b_start, b_finish, b_days in baseline.items:
            base_rows.setdefault(ref, []).append(
                "<Baseline>"
                + _el("Number", baseline.number)
                + (_el("Start", _dt(b_start)) if b_start else "")
                + (_el("Finish", _dt(b_finish)) if b_finish else "")
                + _el("Duration", _duration(b_days))
                + _el("DurationFormat", 7)
                + "</Baseline>"
            )
    out.append("<Tasks>")
    out.append(
        "<Task>"
        + _el("UID", 0)
        + _el("ID", 0)
        + _el("Name", plan.name)
        + _el("OutlineLevel", 0)
        + _el("OutlineNumber", 0)
        + _el("WBS", 0)
        + _el("Summary", 1)
        + _el("Start", _dt(start))
        + _el("Finish", _dt(finish))
        + "</Task>"
    )
    for n, (item, level, code) in enumerate(ordered, start=1):
        milestone = item.type == "milestone"
        parts = [
            "<Task>",
            _el("UID", n),
            _el("ID", n),
            _el("Name", item.title),
            _el("Type", 1),
            _el("IsNull", 0),
            _el("WBS", item.wbs or code),
            _el("OutlineNumber", code),
            _el("OutlineLevel", level),
            _el("Priority", 500),
        ]
        if item.start:
            parts.append(_el("Start", _dt(item.start)))
        if item.finish:
            parts.append(_el("Finish", _dt(item.finish)))
        parts += [
            _el("Duration", _duration(Decimal(0) if milestone else item.duration_days)),
            _el("DurationFormat", 7),
            _el("Milestone", 1 if milestone else 0),
            _el("Summary", 1 if item.ref in has_children else 0),
            _el("PercentComplete", item.progress),
            _el("ConstraintType", _CONSTRAINT_CODES.get(item.constraint_type, 0)),
        ]
        if item.constraint_date and item.constraint_type not in {"", "ASAP", "ALAP"}:
            parts.append(_el("ConstraintDate", _dt(item.constraint_date)))
        if item.actual_start:
            parts.append(_el("ActualStart", _dt(item.actual_start)))
        if item.actual_finish:
            parts.append(_el("ActualFinish", _dt(item.actual_finish)))
        if item.due:
            parts.append(_el("Deadline", _dt(datetime.combine(item.due, time(17)))))
        if item.estimate_hours is not None:
            minutes = int(item.estimate_hours * 60)
            parts.append(_el("Work", f"PT{minutes // 60}H{minutes % 60}M0S"))
        if item.cost is not None:
            parts.append(_el("Cost", int(item.cost * 100)))
        if item.description:
            parts.append(_el("Notes", item.description))
        parts += preds.get(item.ref, [])
        for (field_id, _name, _alias), value in zip(
            _TEXT_FIELDS, (item.type, item.status, item.priority), strict=True
        ):
            if value:
                parts.append(
                    "<ExtendedAttribute>"
                    + _el("FieldID", field_id)
                    + _el("Value", value)
                    + "</ExtendedAttribute>"
                )
        parts += base_rows.get(item.ref, [])
        parts.append("</Task>")
        out.append("".join(parts))
    out.append("</Tasks>")
    res_uid = {r.ref: n for n, r in enumerate(plan.resources, start=1)}
    out.append("<Resources>")
    for resource in plan.resources:
        kind = {"work": 1, "material": 0, "cost": 2}.get(resource.kind, 1)
        out.append(
            "<Resource>"
            + _el("UID", res_uid[resource.ref])
            + _el("ID", res_uid[resource.ref])
            + _el("Name", resource.name)
            + _el("Type", kind)
            + (_el("EmailAddress", resource.email) if resource.email else "")
            + "</Resource>"
        )
    out.append("</Resources><Assignments>")
    for n, assignment in enumerate(plan.assignments, start=1):
        if assignment.item not in uid or assignment.resource not in res_uid:
            continue
        hours = assignment.work_hours or Decimal(0)
        minutes = int(hours * 60)
        out.append(
            "<Assignment>"
            + _el("UID", n)
            + _el("TaskUID", uid[assignment.item])
            + _el("ResourceUID", res_uid[assignment.resource])
            + _el("Units", format(assignment.units, "f"))
            + _el("Work", f"PT{minutes // 60}H{minutes % 60}M0S")
            + "</Assignment>"
        )
    out.append("</Assignments></Project>")
    return "\n".join(out).encode("utf-8")


def _template_row(item: PlanItem, plan: Plan, wbs: dict[str, str]) -> list[object]:
    preds = [
        f"{wbs[lk.predecessor]}{lk.type}"
        + (f"{'+' if lk.lag_days >= 0 else ''}{lk.lag_days.normalize():f}" if lk.lag_days else "")
        for lk in plan.links
        if lk.successor == item.ref and lk.predecessor in wbs
    ]
    return [
        wbs[item.ref],
        item.title,
        item.type,
        item.status,
        item.priority,
        item.assignee,
        item.start.date() if item.start else None,
        item.finish.date() if item.finish else None,
        item.duration_days,
        item.due,
        item.estimate_hours,
        item.story_points,
        item.progress,
        item.constraint_type,
        item.constraint_date.date() if item.constraint_date else None,
        "; ".join(preds),
        ", ".join(item.labels),
        item.cost,
        item.description,
    ]


def _plan_rows(plan: Plan) -> tuple[list[str], list[list[object]]]:
    ordered = _outline(plan)
    wbs = {item.ref: code for item, _level, code in ordered}
    return list(TEMPLATE_COLUMNS), [_template_row(item, plan, wbs) for item, _l, _c in ordered]


def write_csv(plan: Plan) -> bytes:
    """Keel's task template as CSV (UTF-8 with BOM so spreadsheets open it right)."""
    header, rows = _plan_rows(plan)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class Sheet:
    """An extra sheet for ``write_xlsx``: a title, headers and typed rows."""

    def __init__(self, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]):
        self.title = title
        self.header = list(header)
        self.rows = [list(r) for r in rows]


def _cell(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)  # openpyxl stores numbers as IEEE doubles; shown with 2 decimals
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def write_xlsx(plan: Plan, extra: Sequence[Sheet] = ()) -> bytes:
    """An Excel workbook: sheet "Plan" (Keel's task template) and any ``extra`` sheets.

    Dates are date cells (``yyyy-mm-dd``), numbers and money numeric cells.
    """
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=False)
    sheets = [Sheet("Plan", *_plan_rows(plan)), *extra]
    book.remove(book.active) if book.active is not None else None
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        sheet.append(spec.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in spec.rows:
            sheet.append([_cell(v) for v in row])
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_ics(
    entries: Iterable[tuple[str, str, date, str, str]], name: str, stamp: datetime
) -> bytes:
    """An iCalendar file with one all-day event per ``(uid, summary, day, description, url)``.

    ``stamp`` (UTC) is written as DTSTAMP so the output is deterministic.
    """
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Keel//Keel calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for uid, summary, day, description, url in entries:
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("summary", summary)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        if description:
            event.add("description", description)
        if url:
            event.add("url", url)
        calendar.add_component(event)
    return calendar.to_ical()
