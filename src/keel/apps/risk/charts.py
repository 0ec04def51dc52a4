"""Small server-side SVG charts of the risk pages (the burn-down)."""

from __future__ import annotations

from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = ["burn_down_svg"]


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
