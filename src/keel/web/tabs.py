"""The project workspace's tabs, registered by the areas that own them.

An area adds its tab with :func:`tab_register` (keel.web's own tabs below; apps do it in their
``AppConfig.ready``). The tab bar shows, in ``order``, each tab whose permission the viewer
holds on the project, so a role never sees a tab it could not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from keel.apps.projects.access import Permission

__all__ = ["NavLink", "Tab", "nav_links", "nav_register", "tab_register", "tabs_visible"]


@dataclass(frozen=True)
class Tab:
    key: str  # the ``tab`` a page passes to its template to mark itself current
    label: str | Promise
    url_name: str  # in the keel-web namespace; takes the project key as its only argument
    permission: Permission
    order: int


_TABS: dict[str, Tab] = {}


def tab_register(
    key: str, label: str | Promise, url_name: str, permission: Permission, order: int
) -> None:
    """Add (or replace) the tab ``key``."""
    _TABS[key] = Tab(key, label, url_name, permission, order)


def tabs_visible(project: Any, permissions: frozenset[Permission]) -> list[dict[str, Any]]:
    """The tabs a holder of ``permissions`` sees on ``project``: key, label and URL."""
    return [
        {
            "key": t.key,
            "label": t.label,
            "url": reverse(f"keel-web:{t.url_name}", args=[project.key]),
        }
        for t in sorted(_TABS.values(), key=lambda t: (t.order, t.key))
        if t.permission in permissions
    ]


# keel.web's own tabs. Areas elsewhere register theirs in their AppConfig.ready.
tab_register("overview", _("Overview"), "project-overview", Permission.PROJECT_VIEW, 10)
tab_register("gantt", _("Gantt"), "project-gantt", Permission.ITEM_VIEW, 30)
tab_register("board", _("Board"), "project-board", Permission.ITEM_VIEW, 40)
tab_register("plan", _("Plan"), "project-plan", Permission.ITEM_VIEW, 20)
tab_register("members", _("Members"), "project-members", Permission.MEMBER_VIEW, 90)
tab_register("settings", _("Settings"), "project-settings", Permission.WORKFLOW_EDIT, 95)


@dataclass(frozen=True)
class NavLink:
    """A link in the top bar to a page outside any one project (e.g. resources, timesheets)."""

    key: str
    label: str | Promise
    url_name: str  # in the keel-web namespace, no arguments
    order: int


_NAV: dict[str, NavLink] = {}


def nav_register(key: str, label: str | Promise, url_name: str, order: int) -> None:
    """Add (or replace) the top-bar link ``key`` (shown to every signed-in person; the page
    itself shows each person only what they may see)."""
    _NAV[key] = NavLink(key, label, url_name, order)


def nav_links() -> list[dict[str, Any]]:
    """The registered top-bar links, in order: key, label and URL."""
    return [
        {"key": n.key, "label": n.label, "url": reverse(f"keel-web:{n.url_name}")}
        for n in sorted(_NAV.values(), key=lambda n: (n.order, n.key))
    ]
