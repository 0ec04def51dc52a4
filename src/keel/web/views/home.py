"""The signed-in start page, "My work": my items by due date, my mentions, my projects."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keel.apps.projects.access import visible_projects_q
from keel.apps.projects.models import Project, ProjectMembership, Role
from keel.apps.projects.selectors import project_list_for_user
from keel.apps.work.models import Comment, StatusCategory, WorkItem
from keel.web.views.create import creatable_portfolios

__all__ = ["home", "my_items_grouped"]

_MENTIONS_SHOWN = 10


def my_items_grouped(user: Any, today: date) -> list[dict[str, Any]]:
    """Open items assigned to ``user`` in projects they may see, grouped by due date:
    overdue, due this week (to Sunday), later, no date."""
    visible = Project.objects.filter(visible_projects_q(user)).values("pk")
    items = (
        WorkItem.objects.filter(assignee=user, project__in=visible)
        .exclude(status__category=StatusCategory.DONE)
        .select_related("project", "status")
        .order_by("due_date", "project__key", "number")
    )
    week_end = today + timedelta(days=6 - today.weekday())
    groups: dict[str, list[WorkItem]] = {"overdue": [], "week": [], "later": [], "none": []}
    for item in items:
        if item.due_date is None:
            groups["none"].append(item)
        elif item.due_date < today:
            groups["overdue"].append(item)
        elif item.due_date <= week_end:
            groups["week"].append(item)
        else:
            groups["later"].append(item)
    labels = {
        "overdue": _("Overdue"),
        "week": _("Due this week"),
        "later": _("Later"),
        "none": _("No due date"),
    }
    return [{"key": k, "label": labels[k], "items": v} for k, v in groups.items()]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    projects = list(project_list_for_user(request.user))
    roles = dict(
        ProjectMembership.objects.filter(user=request.user).values_list("project_id", "role")
    )
    for project in projects:
        role = roles.get(project.pk)
        project.my_role = Role(role).label if role else ""
    visible = Project.objects.filter(visible_projects_q(request.user)).values("pk")
    mentions = list(
        Comment.objects.filter(mentions__user=request.user, item__project__in=visible)
        .select_related("author", "item__project")
        .order_by("-created_at", "-id")[:_MENTIONS_SHOWN]
    )
    groups = my_items_grouped(request.user, timezone.localdate())
    return render(
        request,
        "keel/home/page.html",
        {
            "projects": projects,
            "groups": groups,
            "has_items": any(g["items"] for g in groups),
            "mentions": mentions,
            "can_create": bool(creatable_portfolios(request.user)),
        },
    )
