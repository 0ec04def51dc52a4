"""An SVG Gantt chart of a computed schedule (``keel schedule --gantt out.svg``).

Left, a name column (WBS code and name, indented by level); right, a time axis with months
and days, bars for tasks, summary bars with end caps, diamonds for milestones, elbow arrows
for the four link types, the critical path in red, progress as a darker part of a bar,
baseline dates as grey ghost bars under the bars, and the status date as a dashed line.
The SVG is self-contained (inline styles) so it opens in any browser or document.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from keel.domain.schedule.calendar import WorkingCalendar
from keel.domain.schedule.model import Baseline, DependencyType, Schedule
from keel.plan.loader import Plan

__all__ = ["render_gantt"]

ROW = 24
HEADER = 48
NAME_WIDTH = 300
BAR = 12
MAX_CHART_WIDTH = 1600
_STYLE = """
text { font-family: 'Noto Sans', 'Noto Sans CJK SC', Arial, sans-serif; font-size: 12px; }
.name.summary { font-weight: bold; }
.axis text { font-size: 10px; fill: #555; }
.grid { stroke: #e4e4e4; }
.weekend { fill: #f4f4f4; }
.bar { fill: #4a7fc1; }
.bar.critical { fill: #d62728; }
.progress { fill: #000; fill-opacity: 0.35; }
.summary-bar { fill: #333; }
.summary-bar.critical { fill: #a31515; }
.milestone { fill: #333; }
.milestone.critical { fill: #d62728; }
.baseline { fill: #bbb; }
.link { fill: none; stroke: #666; stroke-width: 1; }
.link.critical { stroke: #d62728; }
.status { stroke: #2ca02c; stroke-dasharray: 4 3; }
"""


def _days(value: datetime, origin: datetime) -> float:
    return (value - origin).total_seconds() / 86400


def render_gantt(
    plan: Plan,
    result: Schedule,
    *,
    baseline: Baseline | None = None,
    title: str | None = None,
) -> str:
    """Draw ``result`` as an SVG document.

    Parameters
    ----------
    plan
        The plan (WBS codes, names, links, calendar for shading non-working days).
    result
        Its computed schedule.
    baseline
        When given, each task's baseline dates are drawn as a grey ghost bar.
    title
        Heading above the chart; the project name when omitted.

    Returns
    -------
    str
        A complete SVG document. Every task bar, summary bar and milestone carries
        ``data-task`` with the task id, every link ``data-link`` with ``PRED-TYPE-SUCC``.
    """
    network = plan.network
    tasks = [t for t in network.tasks if t.id in result.tasks]
    dates = [result.start, result.finish]
    if baseline is not None:
        for kept in baseline.tasks.values():
            dates += [kept.start, kept.finish]
    origin = datetime.combine(min(dates).date(), datetime.min.time())
    end = datetime.combine(max(dates).date(), datetime.min.time()) + timedelta(days=1)
    span_days = max(1, (end - origin).days)
    per_day = max(2.0, min(40.0, MAX_CHART_WIDTH / span_days))
    chart_width = span_days * per_day
    width = NAME_WIDTH + chart_width + 20
    height = HEADER + ROW * len(tasks) + 30
    heading = title or network.name or "Schedule"

    def x(value: datetime) -> float:
        return NAME_WIDTH + _days(value, origin) * per_day

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}" '
        f'viewBox="0 0 {width:.0f} {height}" role="img" aria-label={quoteattr(heading)}>',
        f"<title>{escape(heading)}</title>",
        f"<style>{_STYLE}</style>",
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#666"/>'
        '</marker><marker id="arrow-critical" viewBox="0 0 8 8" refX="8" refY="4" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L8,4 L0,8 z" fill="#d62728"/></marker></defs>',
        f'<rect x="0" y="0" width="{width:.0f}" height="{height}" fill="#fff"/>',
    ]
    out += _axis(network.calendars.get(network.calendar), origin, span_days, per_day, height)
    rows: dict[str, int] = {}
    for i, task in enumerate(tasks):
        rows[task.id] = i
        y = HEADER + i * ROW
        item = result.tasks[task.id]
        code = plan.wbs.get(task.id, "")
        indent = 8 + 12 * code.count(".")
        label = f"{code} {task.name or task.id}".strip()
        kind = " summary" if item.summary else ""
        out.append(
            f'<text class="name{kind}" x="{indent}" y="{y + ROW / 2 + 4:.1f}">'
            f"{escape(_clip(label, 44 - code.count('.') * 2))}</text>"
        )
        out.append(f'<line class="grid" x1="0" x2="{width:.0f}" y1="{y + ROW}" y2="{y + ROW}"/>')
        crit = " critical" if item.critical else ""
        tip = (
            f"<title>{escape(label)}: {item.start:%Y-%m-%d %H:%M} – {item.finish:%Y-%m-%d %H:%M}"
            f"{' (critical)' if item.critical else ''}</title>"
        )
        mid = y + ROW / 2
        saved = baseline.tasks.get(task.id) if baseline is not None else None
        if saved is not None:
            bx = x(saved.start)
            out.append(
                f'<rect class="baseline" data-baseline="{escape(task.id)}" x="{bx:.1f}" '
                f'y="{mid + BAR / 2:.1f}" width="{max(2.0, x(saved.finish) - bx):.1f}" '
                'height="4"/>'
            )
        x1, x2 = x(item.start), x(item.finish)
        if item.milestone:
            r = BAR / 2 + 1
            points = f"{x1:.1f},{mid - r:.1f} {x1 + r:.1f},{mid:.1f} {x1:.1f},{mid + r:.1f} "
            points += f"{x1 - r:.1f},{mid:.1f}"
            out.append(
                f'<polygon class="milestone{crit}" data-task={quoteattr(task.id)} '
                f'points="{points}">{tip}</polygon>'
            )
        elif item.summary:
            w = max(2.0, x2 - x1)
            top = mid - 4
            out.append(
                f'<path class="summary-bar{crit}" data-task={quoteattr(task.id)} '
                f'd="M{x1:.1f},{top:.1f} h{w:.1f} v10 l-5,-4 h{-(w - 10):.1f} l-5,4 z">'
                f"{tip}</path>"
            )
        else:
            w = max(2.0, x2 - x1)
            out.append(
                f'<rect class="bar{crit}" data-task={quoteattr(task.id)} x="{x1:.1f}" '
                f'y="{mid - BAR / 2:.1f}" width="{w:.1f}" height="{BAR}" rx="2">{tip}</rect>'
            )
            if task.percent_complete:
                done = w * min(100.0, task.percent_complete) / 100
                out.append(
                    f'<rect class="progress" x="{x1:.1f}" y="{mid - 2:.1f}" '
                    f'width="{done:.1f}" height="4"/>'
                )
    out += _links(plan, result, rows, x)
    if result.status_date is not None:
        sx = x(result.status_date)
        out.append(
            f'<line class="status" x1="{sx:.1f}" x2="{sx:.1f}" y1="{HEADER}" '
            f'y2="{height - 20}"><title>Status date {result.status_date:%Y-%m-%d %H:%M}</title>'
            "</line>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: max(1, size - 1)] + "…"


def _axis(
    calendar: object, origin: datetime, span_days: int, per_day: float, height: int
) -> list[str]:
    out = ['<g class="axis">']
    out.append(f'<line class="grid" x1="{NAME_WIDTH}" x2="{NAME_WIDTH}" y1="0" y2="{height}"/>')
    step = 1 if per_day >= 18 else 7 if per_day >= 3 else 28
    month = None
    for i in range(span_days + 1):
        day = (origin + timedelta(days=i)).date()
        px = NAME_WIDTH + i * per_day
        shade = isinstance(calendar, WorkingCalendar) and per_day >= 4 and i < span_days
        if shade and isinstance(calendar, WorkingCalendar) and not calendar.is_working_day(day):
            out.append(
                f'<rect class="weekend" x="{px:.1f}" y="{HEADER}" width="{per_day:.1f}" '
                f'height="{height - HEADER - 20}"/>'
            )
        if (day.year, day.month) != month:
            month = (day.year, day.month)
            out.append(f'<text x="{px + 2:.1f}" y="16">{day:%b %Y}</text>')
            out.append(f'<line class="grid" x1="{px:.1f}" x2="{px:.1f}" y1="4" y2="{HEADER}"/>')
        if _tick(day, step) and i < span_days:
            out.append(f'<text x="{px + 2:.1f}" y="36">{day.day}</text>')
            out.append(
                f'<line class="grid" x1="{px:.1f}" x2="{px:.1f}" y1="24" y2="{height - 20}"/>'
            )
    out.append("</g>")
    return out


def _tick(day: date, step: int) -> bool:
    if step == 1:
        return True
    if step == 7:
        return day.weekday() == 0
    return day.day == 1


def _links(
    plan: Plan,
    result: Schedule,
    rows: Mapping[str, int],
    x: object,
) -> list[str]:
    assert callable(x)
    out = []
    for dep in plan.network.dependencies:
        if dep.predecessor not in rows or dep.successor not in rows:
            continue
        pred, succ = result.tasks[dep.predecessor], result.tasks[dep.successor]
        from_start = dep.type in {DependencyType.SS, DependencyType.SF}
        to_finish = dep.type in {DependencyType.FF, DependencyType.SF}
        x1 = x(pred.start if from_start else pred.finish)
        x2 = x(succ.finish if to_finish else succ.start)
        y1 = HEADER + rows[dep.predecessor] * ROW + ROW / 2
        y2 = HEADER + rows[dep.successor] * ROW + ROW / 2
        # Leave the predecessor on the side the link starts from, enter the successor
        # from the side it constrains.
        out_x = x1 - 6 if from_start else x1 + 6
        in_x = x2 + 6 if to_finish else x2 - 6
        mid_y = y2 - (ROW / 2 - 2) if y2 > y1 else y2 + (ROW / 2 - 2)
        path = f"M{x1:.1f},{y1:.1f} H{out_x:.1f} V{mid_y:.1f} H{in_x:.1f} V{y2:.1f} H{x2:.1f}"
        critical = pred.critical and succ.critical
        marker = "arrow-critical" if critical else "arrow"
        kind = f"link link-{dep.type.value.lower()}" + (" critical" if critical else "")
        label = f"{dep.predecessor}-{dep.type.value}-{dep.successor}"
        out.append(
            f'<path class="{kind}" data-link={quoteattr(label)} d="{path}" '
            f'marker-end="url(#{marker})"/>'
        )
    return out
