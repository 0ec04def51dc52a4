"""The Members tab: who is on the project in which role; managers add, re-role and remove."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keel.apps.accounts.models import User
from keel.apps.projects.access import Permission, access_project, project_permissions
from keel.apps.projects.models import ProjectMembership, Role
from keel.apps.projects.selectors import membership_list
from keel.apps.projects.services import membership_add, membership_remove, membership_update
from keel.web.views._common import attempt

__all__ = ["member_add", "member_change", "members"]

_SEARCH_LIMIT = 20


@login_required
def members(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.MEMBER_VIEW)
    can_manage = Permission.MEMBER_MANAGE in project_permissions(request.user, project)
    query = request.GET.get("q", "").strip()
    found: list[User] = []
    if can_manage and query:
        found = list(
            User.objects.filter(is_active=True)
            .filter(
                Q(username__icontains=query)
                | Q(first_name__icontains=query)
                | Q(last_name__icontains=query)
            )
            .exclude(project_memberships__project=project)
            .order_by("username")[:_SEARCH_LIMIT]
        )
    context = {
        "project": project,
        "tab": "members",
        "memberships": list(membership_list(project)),
        "can_manage": can_manage,
        "roles": Role.choices,
        "query": query,
        "found": found,
    }
    if request.htmx and request.htmx.target == "member-search-results":
        return render(request, "keel/members/_search.html", context)
    return render(request, "keel/members/page.html", context)


@login_required
@require_POST
def member_add(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.MEMBER_MANAGE)
    person = User.objects.filter(username=request.POST.get("username", "")).first()
    if person is None:
        messages.error(request, _("No such user."))
        return redirect("keel-web:project-members", project.key)
    outcome = attempt(
        lambda: membership_add(
            actor=request.user,  # type: ignore[arg-type]
            project=project,
            user=person,
            role=request.POST.get("role", Role.MEMBER),
        )
    )
    if not outcome.ok:
        messages.error(request, outcome.error)
    return redirect("keel-web:project-members", project.key)


@login_required
@require_POST
def member_change(request: HttpRequest, key: str, membership_id: int) -> HttpResponse:
    """Change the member's role, or (with ``remove``) take them off the project."""
    project = access_project(request.user, key, Permission.MEMBER_MANAGE)
    membership = (
        ProjectMembership.objects.select_related("user", "project")
        .filter(pk=membership_id, project=project)
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    if "remove" in request.POST:
        outcome = attempt(lambda: membership_remove(actor=request.user, membership=membership))  # type: ignore[arg-type]
    else:
        outcome = attempt(
            lambda: membership_update(
                actor=request.user,  # type: ignore[arg-type]
                membership=membership,
                role=request.POST.get("role", ""),
            )
        )
    if not outcome.ok:
        messages.error(request, outcome.error)
    return redirect("keel-web:project-members", project.key)
