"""Panels that other areas add to shared pages (item page, project overview, portfolio).

An area registers a panel in its ``AppConfig.ready`` with :func:`panel_register`; the page
renders, in ``order``, each panel whose permission the viewer holds. A panel is a template
plus a function that builds its context from the request and the page's object (the work
item, the project, or None on the portfolio page), so the owning area keeps its queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from keel.apps.projects.access import Permission

__all__ = ["Panel", "panel_register", "panels_render"]

Page = Literal["item", "overview", "portfolio"]


@dataclass(frozen=True)
class Panel:
    page: Page
    key: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any]]
    # Needed on the page's project (item and overview pages); None: anyone who sees the page.
    permission: Permission | None
    order: int


_PANELS: dict[tuple[str, str], Panel] = {}


def panel_register(
    page: Page,
    key: str,
    template: str,
    context: Callable[[HttpRequest, Any], dict[str, Any]],
    permission: Permission | None = None,
    order: int = 100,
) -> None:
    """Add (or replace) the panel ``key`` on ``page``."""
    _PANELS[(page, key)] = Panel(page, key, template, context, permission, order)


def panels_render(
    request: HttpRequest, page: Page, obj: Any, permissions: frozenset[Permission] = frozenset()
) -> list[SafeString]:
    """The HTML of each panel on ``page`` that a holder of ``permissions`` may see."""
    panels = sorted(
        (p for p in _PANELS.values() if p.page == page),
        key=lambda p: (p.order, p.key),
    )
    return [
        mark_safe(render_to_string(p.template, p.context(request, obj), request=request))  # noqa: S308
        for p in panels
        if p.permission is None or p.permission in permissions
    ]
