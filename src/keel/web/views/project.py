"""A project's tabs; only Overview so far."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keel.apps.projects.access import Permission, access_project
from keel.apps.projects.overview import project_overview_get


@login_required
def overview(request: HttpRequest, key: str) -> HttpResponse:
    project = access_project(request.user, key, Permission.PROJECT_VIEW)
    data = project_overview_get(project)
    return render(
        request, "keel/project/overview.html", {"project": project, "o": data, "tab": "overview"}
    )
