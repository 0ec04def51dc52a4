"""The Board tab's cards, built as strings: ``{% board_cards cell %}``.

A template per card costs about a millisecond, too much for a 2,000-item board (see
benchmarks/pages.py), so a card is one format string here; the URLs, the CSRF field and the
"Move to…" options of each column are made once per request, and every value is escaped.
"""

from __future__ import annotations

from html import escape  # the standard library's: same characters as Django's, less overhead
from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from keel.apps.work.models import Priority

__all__ = ["board_cards"]

register = template.Library()

_MARK = "ITEMKEY"


class _Parts:
    """What every card of one board render shares, built on the first cell."""

    def __init__(self, context: Any) -> None:
        project_key = context["project"].key
        self.project_key = project_key
        self.detail = reverse("keel-web:item-detail", args=[project_key, _MARK]).split(_MARK)
        self.move_url = escape(reverse("keel-web:board-move", args=[project_key]))
        self.can_move = bool(context.get("can_move"))
        token = context.get("csrf_token")
        self.csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
            if token
            else ""
        )
        self.lanes_by = escape(context.get("lanes_by", ""))
        columns = context.get("columns", [])
        self.options = {
            c.status.pk: "".join(
                f'<option value="{o.status.pk}">{escape(o.status.name)}</option>'
                for o in columns
                if o.status.pk != c.status.pk
            )
            for c in columns
        }
        self.priority = escape(_("Priority"))
        self.unassigned = escape(_("Unassigned"))
        self.critical = escape(_("Critical"))
        self.move_to = escape(_("Move to…"))
        self.move = escape(_("Move"))
        self.move_label = _("Move %(key)s to")
        self.priorities = {value: escape(str(label)) for value, label in Priority.choices}

    def card(self, item: Any) -> str:
        key = f"{self.project_key}-{item.number}"
        ekey = escape(key)
        url = f"{self.detail[0]}{key}{self.detail[1]}"
        person = item.assignee
        who = (
            f'<span class="avatar" aria-hidden="true">{escape(person.username[:1].upper())}'
            f"</span>{escape(str(person))}"
            if person
            else f'<span class="muted">{self.unassigned}</span>'
        )
        critical = (
            f'<span class="badge critical">{self.critical}</span>' if item.is_critical else ""
        )
        form = ""
        if self.can_move:
            label = escape(self.move_label % {"key": key})
            form = (
                f'<form class="move" method="post" action="{self.move_url}">{self.csrf}'
                f'<input type="hidden" name="item" value="{ekey}">'
                f'<input type="hidden" name="version" value="{item.version}">'
                f'<input type="hidden" name="lanes" value="{self.lanes_by}">'
                f'<label class="sr-only" for="move-{ekey}">{label}</label>'
                f'<select id="move-{ekey}" name="to_status" class="move-to">'
                f'<option value="">{self.move_to}</option>{self.options.get(item.status_id, "")}'
                f'</select><noscript><button type="submit" class="secondary">{self.move}'
                "</button></noscript></form>"
            )
        drag = ' draggable="true"' if self.can_move else ""
        priority = self.priorities.get(item.priority) or escape(item.priority)
        return (
            f'<li class="card priority-{escape(item.priority)}" data-key="{ekey}" '
            f'data-version="{item.version}"{drag}>'
            f'<div class="card-top"><a href="{url}"><code>{ekey}</code></a>'
            f'<span class="prio" title="{self.priority}">{priority}'
            f'</span></div><a class="card-title" href="{url}">{escape(item.title)}</a>'
            f'<div class="card-foot"><span class="assignee">{who}</span>{critical}</div>'
            f"{form}</li>\n"
        )


@register.simple_tag(takes_context=True)
def board_cards(context: Any, cell: Any) -> SafeString:
    """Every card of one board cell."""
    # The render context lives as long as this template's render: every cell shares the parts.
    parts = context.render_context.get("keel_board_parts")
    if parts is None:
        parts = context.render_context["keel_board_parts"] = _Parts(context)
    return mark_safe("".join(parts.card(item) for item in cell))  # noqa: S308 - all escaped
