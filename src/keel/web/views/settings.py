"""The Settings tab: the project's fields and its workflow (statuses and transitions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.models import Health, Project, Role
from keel.apps.projects.services import project_update
from keel.apps.work import selectors, services
from keel.apps.work.models import StatusCategory, WorkflowStatus, WorkflowTransition
from keel.web.views._common import attempt
from keel.web.views.plan import _date

__all__ = ["project_settings"]


def _status(project: Project, value: str) -> WorkflowStatus:
    found = selectors.workflow_statuses(project).filter(pk=int(value or 0)).first()
    if found is None:
        raise Http404("No such status.")
    return found


def _project_save(request: HttpRequest, project: Project) -> Any:
    data = request.POST
    return project_update(
        actor=request.user,  # type: ignore[arg-type]
        project=project,
        version=int(data.get("version") or 0),
        name=data.get("name", "").strip(),
        start_date=_date(data.get("start_date", ""), _("Start date")),
        finish_date=_date(data.get("finish_date", ""), _("Finish date")),
        goals=data.get("goals", ""),
        scope_statement=data.get("scope_statement", ""),
        health=data.get("health", project.health),
    )


def _status_add(request: HttpRequest, project: Project) -> Any:
    data = request.POST
    name = data.get("name", "").strip()
    return services.workflow_status_create(
        actor=request.user,  # type: ignore[arg-type]
        project=project,
        key=slugify(data.get("key") or name)[:40],
        name=name,
        category=data.get("category", StatusCategory.TODO),
        wip_limit=data.get("wip_limit") or None,
    )


def _status_save(request: HttpRequest, project: Project) -> Any:
    data = request.POST
    return services.workflow_status_update(
        actor=request.user,  # type: ignore[arg-type]
        status=_status(project, data.get("status", "")),
        name=data.get("name", "").strip(),
        category=data.get("category", ""),
        wip_limit=data.get("wip_limit") or None,
        position=int(data.get("position") or 0),
    )


def _status_remove(request: HttpRequest, project: Project) -> Any:
    return services.workflow_status_delete(
        actor=request.user,  # type: ignore[arg-type]
        status=_status(project, request.POST.get("status", "")),
    )


def _transition_add(request: HttpRequest, project: Project) -> Any:
    data = request.POST
    return services.workflow_transition_create(
        actor=request.user,  # type: ignore[arg-type]
        project=project,
        from_status=_status(project, data.get("from_status", "")),
        to_status=_status(project, data.get("to_status", "")),
        allowed_roles=data.getlist("allowed_roles"),
    )


def _transition_remove(request: HttpRequest, project: Project) -> Any:
    transition = (
        WorkflowTransition.objects.filter(workflow__project=project)
        .filter(pk=int(request.POST.get("transition") or 0))
        .first()
    )
    if transition is None:
        raise Http404("No such transition.")
    return services.workflow_transition_delete(
        actor=request.user,  # type: ignore[arg-type]
        transition=transition,
    )


_ACTIONS: dict[str, Callable[[HttpRequest, Project], Any]] = {
    "project": _project_save,
    "status-add": _status_add,
    "status-save": _status_save,
    "status-remove": _status_remove,
    "transition-add": _transition_add,
    "transition-remove": _transition_remove,
}


@login_required
def project_settings(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.WORKFLOW_EDIT)
    if request.method == "POST":
        action = _ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404("No such action.")
        outcome = attempt(lambda: action(request, project))
        if outcome.ok:
            messages.success(request, _("Saved."))
        else:
            messages.error(request, outcome.error)
        return redirect("keel-web:project-settings", project.key)
    transitions = list(selectors.workflow_transitions(project))
    names = dict(Role.choices)
    for t in transitions:
        t.role_labels = [str(names.get(r, r)) for r in t.allowed_roles]
    context = {
        "project": project,
        "tab": "settings",
        "healths": Health.choices,
        "categories": StatusCategory.choices,
        "roles": Role.choices,
        "statuses": list(selectors.workflow_statuses(project)),
        "transitions": transitions,
    }
    return render(request, "keel/settings/page.html", context)
