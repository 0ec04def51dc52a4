"""The Gantt tab: the scheduled plan as one server-built SVG with a fixed column of names.

The chart is built as one string (no template per row) from three queries: the items, their
dependencies and the current baseline's rows, so it stays quick with thousands of items.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateformat import format as date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from keel.apps.projects.access import Permission, access_project
from keel.apps.work.models import BaselineItem, Dependency, ItemType, WorkItem

__all__ = ["ZOOMS", "GanttChart", "gantt", "gantt_build"]

ROW = 28  # px per row, in the names column and in the chart alike
HEAD = 44  # px of the time scale above the chart
# Pixels per calendar day at each zoom.
ZOOMS: dict[str, float] = {"day": 30.0, "week": 9.0, "month": 3.2, "quarter": 1.2}
MIN_WIDTH = 1100  # px of time scale at least, so a short plan's chart spans the page


@dataclass(frozen=True)
class GanttChart:
    """What the Gantt page shows: the names column, the time scale and the chart, as HTML."""

    names: SafeString
    head: SafeString
    body: SafeString
    width: int
    height: int
    rows: int
    has_baseline: bool
    unscheduled: int


def _day(moment: datetime | None, end: bool, zone: Any = None) -> date | None:
    """The calendar day a scheduled moment falls on; a finish at midnight ends the day before."""
    if moment is None:
        return None
    local = moment.astimezone(zone or timezone.get_current_timezone())
    if end and local.hour == 0 and local.minute == 0:
        return local.date() - timedelta(days=1)
    return local.date()


def _span(
    start: Any, finish: Any, planned_start: Any, planned_finish: Any, zone: Any = None
) -> tuple[Any, Any]:
    """First and last day of an item's bar: scheduled dates, else planned ones."""
    s, f = _day(start, False, zone), _day(finish, True, zone)
    if s is None:
        s, f = planned_start, planned_finish or planned_start
    if s is not None and (f is None or f < s):
        f = s
    return s, f


def _scale(first: date, last: date, zoom: str, px: float) -> tuple[list[str], list[str]]:
    """The time scale (two bands of labels) and the vertical grid lines as SVG fragments."""
    top: list[str] = []
    lines: list[str] = []

    def x(d: date) -> float:
        return (d - first).days * px

    # Upper band: months (day, week zoom) or years (month, quarter zoom).
    d = first.replace(day=1)
    while d <= last:
        nxt = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        if zoom in ("day", "week"):
            label, end = formats.date_format(d, "YEAR_MONTH_FORMAT"), nxt
        else:
            end = d.replace(year=d.year + 1, month=1)
            label = str(d.year) if d.month == 1 or d == first.replace(day=1) else ""
            if d.month != 1 and d != first.replace(day=1):
                d = nxt
                continue
        xs = max(x(d), 0.0)
        top.append(f'<line class="tick major" x1="{xs:.1f}" x2="{xs:.1f}" y1="0" y2="{HEAD}"/>')
        # A cut-off first period too narrow for its label would overlap the next one's.
        if label and x(min(end, last)) - xs < 8 * len(label) and d < first:
            label = ""
        if label:
            top.append(f'<text class="band" x="{xs + 4:.1f}" y="16">{escape(label)}</text>')
        d = end if zoom not in ("day", "week") else nxt
    # Lower band and grid lines.
    if zoom == "day":
        d = first
        while d <= last:
            cls = "weekend" if d.weekday() >= 5 else "day"
            top.append(f'<text class="{cls}" x="{x(d) + px / 2:.1f}" y="36">{d.day}</text>')
            if d.weekday() >= 5:
                lines.append(f'<rect class="weekend" x="{x(d):.1f}" width="{px:.1f}"/>')
            elif d.weekday() == 0:
                lines.append(f'<line class="grid" x1="{x(d):.1f}" x2="{x(d):.1f}"/>')
            d += timedelta(days=1)
    elif zoom == "week":
        d = first - timedelta(days=first.weekday())
        while d <= last:
            if d >= first:
                top.append(f'<text class="tick" x="{x(d) + 3:.1f}" y="36">{d.day}</text>')
                lines.append(f'<line class="grid" x1="{x(d):.1f}" x2="{x(d):.1f}"/>')
            d += timedelta(days=7)
    elif zoom == "month":
        d = first.replace(day=1)
        while d <= last:
            if d >= first:
                label = escape(date_format(d, "M"))
                top.append(f'<text class="tick" x="{x(d) + 3:.1f}" y="36">{label}</text>')
                lines.append(f'<line class="grid" x1="{x(d):.1f}" x2="{x(d):.1f}"/>')
            d = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        d = first.replace(day=1, month=(first.month - 1) // 3 * 3 + 1)
        while d <= last:
            if d >= first:
                label = _("Q%(number)s") % {"number": (d.month - 1) // 3 + 1}
                top.append(f'<text class="tick" x="{x(d) + 3:.1f}" y="36">{escape(label)}</text>')
                lines.append(f'<line class="grid" x1="{x(d):.1f}" x2="{x(d):.1f}"/>')
            month = d.month + 3
            d = d.replace(year=d.year + (month - 1) // 12, month=(month - 1) % 12 + 1)
    return top, lines


def _arrow(x1: float, y1: float, x2: float, y2: float, out_right: bool, in_left: bool) -> str:
    """An elbow path from one bar end to another, leaving and entering on the right sides."""
    ex = x1 + 8 if out_right else x1 - 8
    nx = x2 - 8 if in_left else x2 + 8
    if (in_left and ex <= nx) or (not in_left and ex >= nx):
        return f"M{x1:.1f},{y1:.1f}H{ex:.1f}V{y2:.1f}H{x2:.1f}"
    mid = y2 - ROW / 2 if y2 > y1 else y2 + ROW / 2
    return f"M{x1:.1f},{y1:.1f}H{ex:.1f}V{mid:.1f}H{nx:.1f}V{y2:.1f}H{x2:.1f}"


def gantt_build(project: Any, zoom: str = "week", today: date | None = None) -> GanttChart:
    """Build the Gantt chart of ``project`` at ``zoom`` (three queries, however many items)."""
    px = ZOOMS.get(zoom, ZOOMS["week"])
    today = today or timezone.localdate()
    items = list(
        WorkItem.objects.filter(project=project)
        .order_by("outline_sort", "id")
        .values_list(
            "id", "number", "title", "type", "outline_code", "parent_id", "early_start",
            "early_finish", "planned_start", "planned_finish", "is_critical", "progress",
        )
    )  # fmt: skip
    links = list(
        Dependency.objects.filter(project=project).values_list(
            "predecessor_id", "successor_id", "type"
        )
    )
    ghosts = {
        item_id: (start, finish)
        for item_id, start, finish in BaselineItem.objects.filter(
            baseline__project=project, baseline__is_current=True, item__isnull=False
        ).values_list("item_id", "start", "finish")
    }
    zone = timezone.get_current_timezone()
    parents = {row[5] for row in items if row[5] is not None}
    spans: dict[int, tuple[Any, Any]] = {}
    for row in items:
        spans[row[0]] = _span(row[6], row[7], row[8], row[9], zone)
    ghost_spans = {k: (_day(s, False, zone), _day(f, True, zone)) for k, (s, f) in ghosts.items()}
    # Words and day labels every row repeats, made once (thousands of rows share ~300 days).
    baseline_title = f"<title>{escape(_('Baseline'))}</title>"
    day_labels: dict[date, str] = {}

    def day_label(d: date) -> str:
        label = day_labels.get(d)
        if label is None:
            label = day_labels[d] = date_format(d, "j M")
        return label

    days = [d for pair in spans.values() for d in pair if d is not None]
    days += [d for pair in ghost_spans.values() for d in pair if d is not None]
    days.append(today)
    first = min(days) - timedelta(days=7)
    last = max(days) + timedelta(days=21)
    first -= timedelta(days=first.weekday())  # start on a Monday
    # A short plan still fills a wide screen with its time scale rather than blank space.
    last = max(last, first + timedelta(days=int(MIN_WIDTH / px)))
    width = int(((last - first).days + 1) * px)
    height = max(len(items), 1) * ROW

    def x(d: date) -> float:
        return (d - first).days * px

    key = project.key
    base_url = reverse("keel-web:item-detail", args=[key, f"{key}-0"])[: -len(f"{key}-0/")]
    names: list[str] = []
    bars: list[str] = []
    ends: dict[int, tuple[float, float, float]] = {}  # id -> (start x, finish x, centre y)
    critical: set[int] = set()
    unscheduled = 0
    for index, row in enumerate(items):
        item_id, number, title, kind, code, *_rest, is_critical, progress = row
        item_key = f"{key}-{number}"
        url = f"{base_url}{item_key}/"
        depth = code.count(".") if code else 0
        summary = item_id in parents
        milestone = kind == ItemType.MILESTONE
        classes = "summary" if summary else "milestone" if milestone else "task"
        if is_critical:
            classes += " critical"
            critical.add(item_id)
        safe_title = escape(title)
        names.append(
            f'<a class="gantt-name {classes}" href="{url}" data-row="{index}" '
            f'data-key="{item_key}" style="padding-left:{0.6 + depth * 1.1:.1f}rem" '
            f'title="{item_key} {safe_title}"><span class="wbs">{escape(code)}</span>'
            f"<span>{safe_title}</span></a>"
        )
        y = index * ROW
        cy = y + ROW / 2
        ghost = ghost_spans.get(item_id)
        if ghost and ghost[0] is not None:
            gs, gf = ghost[0], ghost[1] or ghost[0]
            gw = max(x(gf) + px - x(gs), 2.0)
            bars.append(
                f'<rect class="ghost" x="{x(gs):.1f}" y="{y + ROW - 9}" width="{gw:.1f}" '
                f'height="4" rx="1">{baseline_title}</rect>'
            )
        start, finish = spans[item_id]
        if start is None:
            unscheduled += 1
            continue
        x1 = x(start)
        x2 = x(finish) + px
        tip = f"{item_key} {safe_title}: {day_label(start)} – {day_label(finish)}"
        head = f'<a href="{url}"><g class="bar {classes}" data-key="{item_key}" data-row="{index}">'
        if milestone:
            # A milestone at the end of a working day sits at that day's right edge.
            mx = x2 if row[7] is not None and row[7].astimezone(zone).hour >= 12 else x1
            bars.append(
                f'{head}<title>{tip}</title><path d="M{mx:.1f},{cy - 8:.1f}l8,8l-8,8l-8,-8z"/>'
                f'<text x="{mx + 12:.1f}" y="{cy + 4:.1f}">{safe_title}</text></g></a>'
            )
            ends[item_id] = (mx, mx, cy)
            continue
        w = max(x2 - x1, 3.0)
        if summary:
            bars.append(
                f'{head}<title>{tip}</title><path d="M{x1:.1f},{y + 8}h{w:.1f}v9l-5,-4'
                f'h{-(w - 10):.1f}l-5,4z"/></g></a>'
            )
        else:
            done = w * min(max(progress, 0), 100) / 100
            bars.append(
                f'{head}<title>{tip}</title><rect x="{x1:.1f}" y="{y + 6}" width="{w:.1f}" '
                f'height="{ROW - 14}" rx="3"/>'
                + (
                    f'<rect class="done" x="{x1:.1f}" y="{y + 6}" width="{done:.1f}" '
                    f'height="{ROW - 14}" rx="3"/>'
                    if done
                    else ""
                )
                + f'<text x="{x1 + w + 6:.1f}" y="{cy + 4:.1f}">{safe_title}</text></g></a>'
            )
        ends[item_id] = (x1, x1 + w, cy)
    numbers = {row[0]: row[1] for row in items}
    arrows: list[str] = []
    for pred, succ, dtype in links:
        a, b = ends.get(pred), ends.get(succ)
        if a is None or b is None:
            continue
        out_right = dtype[0] == "F"
        in_left = dtype[1] == "S"
        x1 = a[1] if out_right else a[0]
        x2 = b[0] if in_left else b[1]
        cls = "dep critical" if pred in critical and succ in critical else "dep"
        arrows.append(
            f'<path class="{cls}" data-from="{key}-{numbers[pred]}" '
            f'data-to="{key}-{numbers[succ]}" data-type="{dtype}" '
            f'd="{_arrow(x1, a[2], x2, b[2], out_right, in_left)}"/>'
        )
    top, lines = _scale(first, last, zoom, px)
    tx = x(today) + (px / 2 if zoom == "day" else 0)
    head_svg = (
        f'<svg class="gantt-scale" width="{width}" height="{HEAD}" '
        f'viewBox="0 0 {width} {HEAD}" aria-hidden="true">{"".join(top)}'
        f'<line class="today" x1="{tx:.1f}" x2="{tx:.1f}" y1="{HEAD - 8}" y2="{HEAD}"/></svg>'
    )
    grid = "".join(lines).replace("/>", f' y1="0" y2="{height}" height="{height}"/>')
    body_svg = (
        f'<svg class="gantt-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(_("Gantt chart"))}">'
        '<defs><pattern id="gantt-rows" width="8" height="56" patternUnits="userSpaceOnUse">'
        '<rect class="stripe" y="28" width="8" height="28"/></pattern>'
        '<marker id="gantt-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L8,4L0,8z"/></marker>'
        '<marker id="gantt-arrow-critical" viewBox="0 0 8 8" refX="7" refY="4" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0L8,4L0,8z"/></marker></defs>'
        f'<rect class="rows" width="{width}" height="{height}" fill="url(#gantt-rows)"/>'
        f'<g class="grid">{grid}</g>'
        f'<rect class="hover-row" x="0" y="-{ROW}" width="{width}" height="{ROW}"/>'
        f'<g class="deps">{"".join(arrows)}</g><g class="bars">{"".join(bars)}</g>'
        f'<line class="today" x1="{tx:.1f}" x2="{tx:.1f}" y1="0" y2="{height}">'
        f"<title>{escape(_('Today'))}</title></line></svg>"
    )
    return GanttChart(
        names=mark_safe("".join(names)),  # noqa: S308 - every value above is escaped
        head=mark_safe(head_svg),  # noqa: S308
        body=mark_safe(body_svg),  # noqa: S308
        width=width,
        height=height,
        rows=len(items),
        has_baseline=bool(ghosts),
        unscheduled=unscheduled,
    )


@login_required
def gantt(request: HttpRequest, key: str) -> HttpResponse:
    """The Gantt tab; ``?zoom=day|week|month|quarter``. HTMX zoom swaps only the chart."""
    project = access_project(request.user, key, Permission.ITEM_VIEW)
    zoom = request.GET.get("zoom", "week")
    if zoom not in ZOOMS:
        zoom = "week"
    context = {
        "project": project,
        "tab": "gantt",
        "zoom": zoom,
        "zooms": [
            # A context keeps these apart from other areas' "Day" (a date column, 日期).
            ("day", pgettext("Gantt zoom", "Day")),
            ("week", pgettext("Gantt zoom", "Week")),
            ("month", pgettext("Gantt zoom", "Month")),
            ("quarter", pgettext("Gantt zoom", "Quarter")),
        ],
        "chart": gantt_build(project, zoom),
        "row_height": ROW,
        "head_height": HEAD,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "keel/gantt/_chart.html", context)
    return render(request, "keel/gantt/page.html", context)
