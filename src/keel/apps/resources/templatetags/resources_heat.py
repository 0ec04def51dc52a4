"""``{% heat_table heat %}``: the heat-map table, built in Python.

A year of weeks for a few hundred resources is over ten thousand cells; rendering them with
template tags took most of the page's time, so the table is assembled here with every value
escaped. The markup is what resources/_heat.html describes.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


def _number(value: float) -> str:
    """Like floatformat:'-1': one decimal, none when it is whole."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _shade(cell: Any) -> str:
    if cell.over:
        return "over"
    if cell.percent >= 80:
        return "h3"
    if cell.percent >= 50:
        return "h2"
    return "h1" if cell.load else "h0"


@register.simple_tag
def heat_table(heat: Any) -> SafeString:
    """Resources × periods, each cell coloured by load % with a button to its causing items."""
    head = "".join(
        f'<th scope="col" title="{p[0]:%Y-%m-%d} – {p[1]:%Y-%m-%d}">{p[0]:%m-%d}</th>'
        for p in heat.periods
    )
    out = [
        '<div class="table-scroll"><table class="grid res-heat"><thead><tr><th>',
        escape(gettext("Resource")),
        f"</th>{head}</tr></thead><tbody>",
    ]
    cell_url = reverse("keel-web:resource-heatmap-cell", args=[0])[: -len("0/")]
    detail_url = reverse("keel-web:resource-detail", args=[0])[: -len("0/")]
    for row in heat.rows:
        pk = row.resource.pk
        flag = ' class="row-over"' if row.over else ""
        out.append(
            f'<tr{flag}><th scope="row">'
            f'<a href="{detail_url}{pk}/">{escape(row.resource.name)}</a></th>'
        )
        for c in row.cells:
            if not c.load:
                out.append(f'<td class="heat {_shade(c)}"></td>')
                continue
            out.append(
                f'<td class="heat {_shade(c)}"><button type="button" class="link" '
                f'hx-get="{cell_url}{pk}/?start={c.start:%Y-%m-%d}&amp;end={c.end:%Y-%m-%d}" '
                f'hx-target="#cell-detail" title="{_number(c.load)} / {_number(c.capacity)}">'
                f"{c.percent}%{' ⚠' if c.over else ''}</button></td>"
            )
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number


@register.simple_tag(takes_context=True)
def team_table(context: Any, rows: Any) -> SafeString:
    """Teams × periods: load % of each team, the count of over-allocated people; each team
    links to the heat map of its people (the per-team view)."""
    if not rows:
        return mark_safe("")
    periods = [(c.start, c.end) for c in rows[0].cells]
    head = "".join(
        f'<th scope="col" title="{a:%Y-%m-%d} – {b:%Y-%m-%d}">{a:%m-%d}</th>' for a, b in periods
    )
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    out = [
        '<div class="table-scroll"><table class="grid res-heat res-teams"><thead><tr><th>',
        escape(gettext("Team")),
        f"</th>{head}</tr></thead><tbody>",
    ]
    for row in rows:
        label = escape(row.name or gettext("No team"))
        if row.slug and query is not None:
            query["team"] = row.slug
            label = f'<a href="?{escape(query.urlencode())}">{label}</a>'
        out.append(f'<tr><th scope="row">{label} <span class="muted">({row.people})</span></th>')
        for c in row.cells:
            shade = _shade_team(c)
            flag = f" ⚠ {c.over}" if c.over else ""
            text = f"{c.percent}%{flag}" if c.load else ""
            out.append(
                f'<td class="heat {shade}" title="{_number(c.load)} / {_number(c.capacity)}">'
                f"{text}</td>"
            )
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or a number


def _shade_team(cell: Any) -> str:
    if cell.over or cell.percent > 100:
        return "over"
    if cell.percent >= 80:
        return "h3"
    if cell.percent >= 50:
        return "h2"
    return "h1" if cell.load else "h0"
