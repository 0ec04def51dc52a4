"""Small server-side SVG charts of the risk pages: the burn-down and the simulation's
histogram with its cumulative curve."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = ["burn_down_svg", "histogram_svg", "simulation_chart_svg"]


def burn_down_svg(points: list[tuple[date, int]], *, width: int = 640, height: int = 200) -> str:
    """A line of total exposure per day with the first and last day and the top value marked."""
    if not points:
        return ""
    left, right, top, bottom = 40, 10, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(value for _day, value in points) or 1
    count = max(len(points) - 1, 1)
    coords = [
        (left + plot_w * n / count, top + plot_h * (1 - value / peak))
        for n, (_day, value) in enumerate(points)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    area = f"{left},{top + plot_h} {line} {left + plot_w},{top + plot_h}"
    title = escape(_("Risk exposure over time"))
    first, last = points[0], points[-1]
    svg = (
        f'<svg class="burndown" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{title}"><title>{title}</title>'
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'class="axis"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" class="axis"/>'
        f'<polygon points="{area}" class="area"/><polyline points="{line}" class="line"/>'
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>'
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>'
        f'<text x="{left}" y="{height - 6}">{first[0].isoformat()}</text>'
        f'<text x="{left + plot_w}" y="{height - 6}" text-anchor="end">'
        f"{last[0].isoformat()} · {last[1]}</text></svg>"
    )
    return svg


def safe(svg: str) -> SafeString:
    """Mark an SVG built here (numbers and escaped labels only) as safe for templates."""
    return mark_safe(svg)  # noqa: S308


def histogram_svg(
    edges: list[float],
    counts: list[int],
    cumulative: list[float],
    *,
    edge_labels: list[str],
    title: str,
    markers: Sequence[tuple[float, str]] = (),
    width: int = 640,
    height: int = 240,
) -> str:
    """Bars of iterations per bin, the cumulative share as a line (right axis, 0–100 %),
    and dashed vertical markers (the percentiles). ``edge_labels`` name the bin edges."""
    if not counts or len(edges) != len(counts) + 1:
        return ""
    left, right, top, bottom = 44, 44, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    peak = max(counts) or 1
    low, high = float(edges[0]), float(edges[-1])
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return left + plot_w * (float(value) - low) / span

    def y(share: float) -> float:
        return top + plot_h * (1 - share)

    label = escape(title)
    parts = [
        f'<svg class="sim-histogram" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{label}"><title>{label}</title>',
        f'<text x="{left}" y="14" class="title">{label}</text>',
    ]
    for n, count in enumerate(counts):
        x0, x1 = x(edges[n]), x(edges[n + 1])
        h = plot_h * count / peak
        tip = escape(f"{edge_labels[n]} – {edge_labels[n + 1]}: {count}")
        bar_w = max(x1 - x0 - 1, 0.5)
        parts.append(
            f'<rect class="bar" x="{x0:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}"><title>{tip}</title></rect>'
        )
    line = [f"{x(low):.1f},{base:.1f}"] + [
        f"{x(edges[n + 1]):.1f},{y(share):.1f}" for n, share in enumerate(cumulative)
    ]
    parts.append(f'<polyline class="cumulative" points="{" ".join(line)}"/>')
    for value, name in markers:
        if low <= float(value) <= high:
            mx = x(value)
            parts.append(
                f'<line class="marker" x1="{mx:.1f}" y1="{top}" x2="{mx:.1f}" y2="{base}"/>'
                f'<text class="marker" x="{mx + 2:.1f}" y="{top + 10}">{escape(name)}</text>'
            )
    middle = len(edges) // 2
    parts += [
        f'<line class="axis" x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{base}"/>',
        f'<line class="axis" x1="{left + plot_w}" y1="{top}" x2="{left + plot_w}" y2="{base}"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>',
        f'<text x="{left - 4}" y="{base}" text-anchor="end">0</text>',
        f'<text x="{left + plot_w + 4}" y="{top + 4}">100%</text>',
        f'<text x="{left + plot_w + 4}" y="{y(0.5) + 4:.1f}">50%</text>',
        f'<text x="{left}" y="{height - 8}">{escape(edge_labels[0])}</text>',
        f'<text x="{x(edges[middle]):.1f}" y="{height - 8}" text-anchor="middle">'
        f"{escape(edge_labels[middle])}</text>",
        f'<text x="{left + plot_w}" y="{height - 8}" text-anchor="end">'
        f"{escape(edge_labels[-1])}</text>",
        "</svg>",
    ]
    return "".join(parts)


def simulation_chart_svg(data: dict[str, Any]) -> str:
    """Histogram + cumulative curve of the finish and of the total cost of a stored run.

    ``data`` is a run's stored result (``keel.apps.risk.engine.compact``); the labels are in
    the active language, so pages draw it when they show the run.
    """
    charts = []
    finish = data.get("finish_histogram") or {}
    if finish.get("counts"):
        dates = [str(d)[:10] for d in finish.get("edge_dates") or []]
        labels = dates if len(dates) == len(finish["edges"]) else [
            f"{float(e) / 480:.1f} d" for e in finish["edges"]
        ]  # fmt: skip
        marks = [(float(v), f"P{p}") for p, v in (data.get("duration_percentiles") or {}).items()]
        charts.append(
            histogram_svg(
                finish["edges"], finish["counts"], finish["cumulative"], edge_labels=labels,
                title=_("Finish date: iterations per bin and cumulative probability"),
                markers=[m for m in marks if m[1] in ("P50", "P80")],
            )
        )  # fmt: skip
    cost = data.get("cost_histogram") or {}
    if cost.get("counts") and len(set(cost["edges"])) > 1 and max(cost["edges"]) > 0:
        marks = [
            (float(v), f"P{p}")
            for p, v in (data.get("cost_percentiles") or {}).items()
            if v is not None and p in ("50", "80")
        ]
        charts.append(
            histogram_svg(
                cost["edges"], cost["counts"], cost["cumulative"],
                edge_labels=[f"{float(e):,.0f}" for e in cost["edges"]],
                title=_("Total cost: iterations per bin and cumulative probability"),
                markers=marks,
            )
        )  # fmt: skip
    return "".join(charts)
