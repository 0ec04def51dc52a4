"""The signed-in start page: the projects the user belongs to."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keel.apps.projects.selectors import project_list_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    projects = project_list_for_user(request.user)
    return render(request, "keel/home/page.html", {"projects": projects})
