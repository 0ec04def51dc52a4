"""The Plan tab's rows, built as strings: ``{% plan_rows items %}`` and ``{% plan_row item %}``.

A template per row costs about a millisecond, too much for a 2,000-item plan (see
benchmarks/pages.py), so a row is one format string here. The URLs come from one ``reverse``
per request and every value is escaped.
"""

from __future__ import annotations

from html import escape  # the standard library's: same characters as Django's, less overhead
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from keel.apps.work.models import ItemType

__all__ = ["plan_row", "plan_rows"]

register = template.Library()

_MARK = "ITEMKEY"  # stands for the item key in URLs reversed once per request


class _Urls:
    """Each row's URLs from one reverse per kind."""

    def __init__(self, project_key: str) -> None:
        self.parts = {
            name: reverse(f"keel-web:{name}", args=[project_key, _MARK]).split(_MARK)
            for name in ("item-detail", "plan-row-edit", "plan-move")
        }
        self.structure = {
            action: reverse("keel-web:plan-structure", args=[project_key, _MARK, action]).split(
                _MARK
            )
            for action in ("indent", "outdent")
        }
        self.add = reverse("keel-web:plan-add", args=[project_key])
        # Words every row repeats, translated once.
        self.types = {value: escape(str(label)) for value, label in ItemType.choices}
        self.words = {
            name: escape(text)
            for name, text in (
                ("on_path", _("On the critical path")),
                ("critical", _("Critical")),
                ("edit", _("Edit")),
                ("child", _("Add child")),
                ("sibling", _("Add sibling")),
                ("indent", _("Indent")),
                ("outdent", _("Outdent")),
            )
        }
        self.done = _("%(value)s%% done")
        # Plans repeat a few hundred days and a few durations: each is formatted once.
        self.zone = timezone.get_current_timezone()
        self.dates: dict[Any, str] = {}
        self.numbers: dict[Any, str] = {}

    def of(self, name: str, key: str) -> str:
        head, tail = self.parts[name]
        return f"{head}{key}{tail}"

    def action(self, action: str, key: str) -> str:
        head, tail = self.structure[action]
        return f"{head}{key}{tail}"


def _date(moment: Any, urls: _Urls) -> str:
    if moment is None:
        return "—"
    day = moment.astimezone(urls.zone).date()
    text = urls.dates.get(day)
    if text is None:
        text = urls.dates[day] = escape(date_format(day, "SHORT_DATE_FORMAT"))
    return text


def _number(value: Any, urls: _Urls) -> str:
    if value is None:
        return "—"
    text = urls.numbers.get(value)
    if text is None:
        text = urls.numbers[value] = escape(floatformat(value, "-2"))
    return text


def _row(item: Any, project_key: str, urls: _Urls, can_edit: bool, can_create: bool) -> str:
    key = f"{project_key}-{item.number}"
    ekey = escape(key)
    detail = urls.of("item-detail", key)
    classes = "plan-row"
    if item.is_critical:
        classes += " critical"
    if getattr(item, "is_summary", False):
        classes += " summary"
    depth = getattr(item, "depth", 0)
    attrs = ""
    if can_edit:
        attrs = (
            f' draggable="true" data-edit-url="{urls.of("plan-row-edit", key)}"'
            f' data-indent-url="{urls.action("indent", key)}"'
            f' data-outdent-url="{urls.action("outdent", key)}"'
            f' data-move-url="{urls.of("plan-move", key)}"'
        )
    # A full plan hands over its rows' statuses and people (see views.plan._rows).
    assignee = item.plan_person if hasattr(item, "plan_person") else item.assignee
    who = escape(str(assignee)) if assignee else "—"
    status = getattr(item, "plan_status", None) or item.status
    progress = int(item.progress or 0)
    words = urls.words
    critical = (
        f'<span class="badge critical" title="{words["on_path"]}">{words["critical"]}</span>'
        if item.is_critical
        else ""
    )
    cells = [
        f'<td class="wbs"><code>{escape(item.outline_code)}</code></td>',
        f'<td><a href="{detail}"><code>{ekey}</code></a></td>',
        f'<td class="title"><span class="indent" style="padding-left: {depth}.25rem"></span>'
        f'<a href="{detail}">{escape(item.title)}</a></td>',
        f"<td>{urls.types.get(item.type) or escape(item.type)}</td>",
        f'<td><span class="status status-{escape(status.category)}">{escape(status.name)}'
        "</span></td>",
        f"<td>{who}</td>",
        f'<td class="date">{_date(item.early_start, urls)}</td>',
        f'<td class="date">{_date(item.early_finish, urls)}</td>',
        f'<td class="num">{_number(item.duration_days, urls)}</td>',
        f'<td class="num">{_number(item.estimate_hours, urls)}</td>',
        f'<td class="progress-cell"><span class="progress" role="progressbar" '
        f'aria-valuemin="0" aria-valuemax="100" '
        f'aria-valuenow="{progress}" title="{escape(urls.done % {"value": progress})}">'
        f'<span class="bar" style="width: {progress}%"></span></span> '
        f'<span class="pct">{progress}%</span></td>',
        f"<td>{critical}</td>",
    ]
    if can_edit or can_create:
        buttons = []
        if can_edit:
            edit = words["edit"]
            buttons.append(
                f'<button type="button" class="icon" title="{edit}" aria-label="{edit} {ekey}" '
                f'data-action="edit" hx-get="{urls.of("plan-row-edit", key)}" '
                f'hx-target="closest tr" hx-swap="outerHTML">✎</button>'
            )
        if can_create:
            child, sibling = words["child"], words["sibling"]
            buttons.append(
                f'<button type="button" class="icon" title="{child}" aria-label="{child}" '
                f'hx-post="{urls.add}" hx-vals=\'{{"parent": "{ekey}"}}\' '
                f'hx-target="#plan-rows">↳</button>'
                f'<button type="button" class="icon" title="{sibling}" aria-label="{sibling}" '
                f'hx-post="{urls.add}" hx-vals=\'{{"sibling": "{ekey}"}}\' '
                f'hx-target="#plan-rows">+</button>'
            )
        if can_edit:
            indent, outdent = words["indent"], words["outdent"]
            buttons.append(
                f'<button type="button" class="icon" title="{indent}" aria-label="{indent}" '
                f'data-action="indent" hx-post="{urls.action("indent", key)}" '
                f'hx-target="#plan-rows">→</button>'
                f'<button type="button" class="icon" title="{outdent}" aria-label="{outdent}" '
                f'data-action="outdent" hx-post="{urls.action("outdent", key)}" '
                f'hx-target="#plan-rows">←</button>'
            )
        cells.append(f'<td class="actions">{"".join(buttons)}</td>')
    return (
        f'<tr data-key="{ekey}" data-version="{item.version}" data-depth="{depth}" '
        f'data-href="{detail}" tabindex="0" class="{classes}"{attrs}>{"".join(cells)}</tr>\n'
    )


def _flags(context: Any) -> tuple[str, bool, bool]:
    return context["project"].key, bool(context.get("can_edit")), bool(context.get("can_create"))


@register.simple_tag(takes_context=True)
def plan_rows(context: Any, items: Any) -> SafeString:
    """Every row of the plan (the caller handles the empty plan)."""
    project_key, can_edit, can_create = _flags(context)
    urls = _Urls(project_key)
    html = "".join(_row(i, project_key, urls, can_edit, can_create) for i in items)
    return mark_safe(html)  # noqa: S308 - every value in the row is escaped


@register.simple_tag(takes_context=True)
def plan_row(context: Any, item: Any) -> SafeString:
    """One row (after an inline edit)."""
    project_key, can_edit, can_create = _flags(context)
    return mark_safe(_row(item, project_key, _Urls(project_key), can_edit, can_create))  # noqa: S308
