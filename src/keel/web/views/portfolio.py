"""The portfolio page: every project the user may see, filtered and sorted, with progress."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keel.apps.projects.access import Permission
from keel.apps.projects.models import Health, Methodology, Project, ProjectStatus
from keel.apps.projects.overview import parse_portfolio_query, portfolio_page_get
from keel.apps.projects.permitted import permitted_projects_q
from keel.apps.risk.models import OPEN_STATUSES


def _count_open_risks(user: Any, projects: list[Project]) -> None:
    """Set ``open_risks`` on each project: its open risks where ``user`` may see the register,
    None elsewhere. One query, whatever the number of projects."""
    counts: dict[int, int] = {}
    if projects:
        counts = dict(
            Project.objects.filter(pk__in=[p.pk for p in projects])
            .filter(permitted_projects_q(user, Permission.RISK_VIEW))
            .values("pk")
            .annotate(n=Count("risks", filter=Q(risks__status__in=OPEN_STATUSES), distinct=True))
            .values_list("pk", "n")
        )
    for project in projects:
        project.open_risks = counts.get(project.pk)  # type: ignore[attr-defined]


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    query = parse_portfolio_query(request.GET)
    page = portfolio_page_get(request.user, query)
    _count_open_risks(request.user, page.projects)
    # A history restore (back button after a cache miss) needs the whole page again.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "keel/portfolio/_partial.html" if partial else "keel/portfolio/page.html"
    return render(
        request,
        template,
        {
            "projects": page.projects,
            "portfolios": page.portfolios,
            "query": query,
            "statuses": ProjectStatus.choices,
            "healths": Health.choices,
            "methodologies": Methodology.choices,
        },
    )
