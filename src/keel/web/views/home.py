"""The signed-in start page: the projects the user belongs to, with their role in each."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keel.apps.projects.models import ProjectMembership, Role
from keel.apps.projects.selectors import project_list_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    projects = list(project_list_for_user(request.user))
    roles = dict(
        ProjectMembership.objects.filter(user=request.user).values_list("project_id", "role")
    )
    for project in projects:
        role = roles.get(project.pk)
        project.my_role = Role(role).label if role else ""
    return render(request, "keel/home/page.html", {"projects": projects})
