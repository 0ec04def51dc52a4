"""The portfolio page: every project the user may see, filtered and sorted, with progress."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from keel.apps.projects.models import Health, Methodology, ProjectStatus
from keel.apps.projects.overview import parse_portfolio_query, portfolio_page_get


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    query = parse_portfolio_query(request.GET)
    page = portfolio_page_get(request.user, query)
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
