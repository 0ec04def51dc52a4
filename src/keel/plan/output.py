"""A computed schedule as rows, then as a text table, CSV or JSON (``keel schedule``).

Columns: WBS code, id, name, start, finish, duration, total float and a critical mark; with
a baseline also the baseline's start and finish and the variances (working time, positive =
later than planned).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from keel.domain.schedule.baseline import baseline_variance
from keel.domain.schedule.calendar import WorkingCalendar
from keel.domain.schedule.model import Baseline, Schedule
from keel.plan.durations import TimeUnits, format_minutes
from keel.plan.loader import Plan

__all__ = ["Row", "format_csv", "format_json", "format_table", "schedule_rows"]


@dataclass(frozen=True, slots=True)
class Row:
    """One task of the schedule as the CLI shows it (times as datetimes, spans in minutes)."""

    wbs: str
    id: str
    name: str
    depth: int
    start: datetime
    finish: datetime
    duration: int
    total_float: int
    free_float: int
    critical: bool
    summary: bool
    milestone: bool
    baseline_start: datetime | None = None
    baseline_finish: datetime | None = None
    start_variance: int | None = None
    finish_variance: int | None = None


def schedule_rows(
    plan: Plan,
    result: Schedule,
    *,
    baseline: Baseline | None = None,
    critical_only: bool = False,
) -> list[Row]:
    """Rows in WBS order for ``result`` (the schedule of ``plan.network``).

    Parameters
    ----------
    plan
        The plan the schedule was computed from (for WBS codes, names and calendars).
    result
        The engine's schedule.
    baseline
        When given, each row carries the baseline dates and the variances.
    critical_only
        Keep only tasks on the critical path.

    Returns
    -------
    list[Row]
        One row per task in file order.
    """
    variance = {}
    if baseline is not None:
        calendar = plan.network.calendars[plan.network.calendar]
        assert isinstance(calendar, WorkingCalendar)
        variance = baseline_variance(result, baseline, calendar=calendar)
    rows = []
    for task in plan.network.tasks:
        item = result.tasks[task.id]
        if critical_only and not item.critical:
            continue
        code = plan.wbs.get(task.id, "")
        saved = baseline.tasks.get(task.id) if baseline is not None else None
        var = variance.get(task.id)
        rows.append(
            Row(
                wbs=code,
                id=task.id,
                name=task.name or task.id,
                depth=code.count("."),
                start=item.start,
                finish=item.finish,
                duration=item.duration,
                total_float=item.total_float,
                free_float=item.free_float,
                critical=item.critical,
                summary=item.summary,
                milestone=item.milestone,
                baseline_start=saved.start if saved else None,
                baseline_finish=saved.finish if saved else None,
                start_variance=var.start_variance if var else None,
                finish_variance=var.finish_variance if var else None,
            )
        )
    return rows


def _columns(with_baseline: bool) -> list[str]:
    cols = ["wbs", "id", "name", "start", "finish", "duration", "total_float", "critical"]
    if with_baseline:
        cols += ["baseline_start", "baseline_finish", "start_variance", "finish_variance"]
    return cols


def _cells(row: Row, units: TimeUnits, with_baseline: bool, *, indent: bool) -> list[str]:
    def span(minutes: int | None) -> str:
        return "" if minutes is None else format_minutes(minutes, units)

    def when(value: datetime | None) -> str:
        return value.isoformat(" ", "minutes") if value else ""

    name = ("  " * row.depth if indent else "") + row.name
    cells = [
        row.wbs,
        row.id,
        name,
        when(row.start),
        when(row.finish),
        "milestone" if row.milestone else span(row.duration),
        span(row.total_float),
        "*" if row.critical else "",
    ]
    if with_baseline:
        cells += [
            when(row.baseline_start),
            when(row.baseline_finish),
            span(row.start_variance),
            span(row.finish_variance),
        ]
    return cells


_HEADINGS = {
    "wbs": "WBS",
    "id": "ID",
    "name": "Name",
    "start": "Start",
    "finish": "Finish",
    "duration": "Duration",
    "total_float": "Total float",
    "critical": "Critical",
    "baseline_start": "Baseline start",
    "baseline_finish": "Baseline finish",
    "start_variance": "Start var.",
    "finish_variance": "Finish var.",
}


def format_table(rows: Sequence[Row], units: TimeUnits, *, with_baseline: bool = False) -> str:
    """A plain-text table with a heading row; names indented by WBS level, ``*`` = critical."""
    cols = _columns(with_baseline)
    body = [_cells(row, units, with_baseline, indent=True) for row in rows]
    table = [[_HEADINGS[c] for c in cols], *body]
    widths = [max(len(line[i]) for line in table) for i in range(len(cols))]
    out = []
    for n, line in enumerate(table):
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n"


def format_csv(rows: Iterable[Row], units: TimeUnits, *, with_baseline: bool = False) -> str:
    """CSV with one heading row (the column keys), dates as ``YYYY-MM-DD HH:MM``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_columns(with_baseline))
    for row in rows:
        cells = _cells(row, units, with_baseline, indent=False)
        cells[7] = "yes" if row.critical else "no"
        writer.writerow(cells)
    return buffer.getvalue()


def format_json(
    plan: Plan, result: Schedule, rows: Iterable[Row], *, with_baseline: bool = False
) -> str:
    """JSON: the project's dates and critical path, then one object per task.

    Dates are ISO 8601 without a zone (project-local time); spans are working minutes.
    """
    tasks = []
    for row in rows:
        item: dict[str, object] = {
            "wbs": row.wbs,
            "id": row.id,
            "name": row.name,
            "start": row.start.isoformat(timespec="minutes"),
            "finish": row.finish.isoformat(timespec="minutes"),
            "duration_minutes": row.duration,
            "total_float_minutes": row.total_float,
            "free_float_minutes": row.free_float,
            "critical": row.critical,
            "summary": row.summary,
            "milestone": row.milestone,
        }
        if with_baseline:
            item["baseline_start"] = (
                row.baseline_start.isoformat(timespec="minutes") if row.baseline_start else None
            )
            item["baseline_finish"] = (
                row.baseline_finish.isoformat(timespec="minutes") if row.baseline_finish else None
            )
            item["start_variance_minutes"] = row.start_variance
            item["finish_variance_minutes"] = row.finish_variance
        tasks.append(item)
    document = {
        "project": plan.network.name,
        "start": result.start.isoformat(timespec="minutes"),
        "finish": result.finish.isoformat(timespec="minutes"),
        "status_date": result.status_date.isoformat(timespec="minutes")
        if result.status_date
        else None,
        "critical_path": list(result.critical_path),
        "warnings": list(result.warnings),
        "tasks": tasks,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
