"""A project's tabs; only Overview so far."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keel.apps.projects.access import Permission, access_project, has_permission
from keel.apps.projects.overview import project_overview_get


@login_required
def overview(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.PROJECT_VIEW)
    data = project_overview_get(project)
    if not has_permission(request.user, project, Permission.HISTORY_VIEW):
        data = replace(data, recent_changes=[])  # the item history is for history.view
    return render(
        request, "keel/project/overview.html", {"project": project, "o": data, "tab": "overview"}
    )
