"""Template tags for the shared page frame.

``{% project_tabs project tab %}``: the tab bar of a project page.
``{% nav_extra %}``: the top-bar links other areas registered.
``{% panels "item" obj %}``: the panels other areas registered for a page.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from keel.apps.projects.access import project_permissions
from keel.web.panels import panels_render
from keel.web.tabs import nav_links, tabs_visible

register = template.Library()


@register.inclusion_tag("keel/project/_tab_bar.html", takes_context=True)
def project_tabs(context: Any, project: Any, current: str) -> dict[str, Any]:
    request = context["request"]
    perms = project_permissions(request.user, project)
    return {"tabs": tabs_visible(project, perms), "current": current}


@register.inclusion_tag("keel/layout/_nav_extra.html")
def nav_extra() -> dict[str, Any]:
    return {"links": nav_links()}


@register.simple_tag(takes_context=True)
def panels(context: Any, page: str, obj: Any = None) -> str:
    """Each registered panel of ``page`` the viewer may see, rendered in order."""
    request = context["request"]
    perms = (
        project_permissions(request.user, obj if page == "overview" else obj.project)
        if (obj is not None)
        else frozenset()
    )
    return mark_safe("".join(panels_render(request, page, obj, perms)))  # noqa: S308
