"""The portfolio page: visible projects, progress, filters, sorting, HTMX partials."""

from decimal import Decimal

import pytest
from django.urls import reverse
from tests.factories import (
    MembershipFactory,
    PortfolioMembershipFactory,
    ProjectFactory,
    UserFactory,
    item_create,
)

from keel.apps.projects.access import (
    PORTFOLIO_ROLE_PERMISSIONS,
    ROLE_PERMISSIONS,
    Permission,
    portfolio_permissions,
    project_permissions,
)
from keel.apps.projects.models import Portfolio, PortfolioRole, Project, Role
from keel.apps.projects.overview import progress_by_project
from keel.apps.projects.permitted import permitted_portfolios_q, permitted_projects_q

pytestmark = pytest.mark.django_db

URL = reverse("keel-web:portfolio")


def _rows(html: str) -> list[str]:
    """Project keys in table order."""
    import re

    return re.findall(r"<td><code>([A-Z0-9]+)</code></td>", html)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    """The portfolio asks for a sign-in first."""
    resp = client.get(URL)
    assert resp.status_code == 302 and reverse("keel-web:login") in resp["Location"]


def test_portfolio_shows_only_visible_projects_with_links(client, user):
    """A user sees the projects they belong to, linked to their overview, and no others."""
    mine = ProjectFactory(key="MINE", name="My rollout", methodology="kanban")
    ProjectFactory(key="HIDDEN", name="Hidden merger", methodology="kanban")
    MembershipFactory(project=mine, user=user, role="viewer")
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert "My rollout" in html
    assert reverse("keel-web:project-overview", args=["MINE"]) in html
    assert "Hidden merger" not in html
    assert str(mine.manager) in html


def test_progress_is_weighted_by_duration(client):
    """Progress is the duration-weighted share of done leaf work, shown in percent."""
    project = ProjectFactory(key="PROG", methodology="kanban")
    item_create(project, "Long", duration_days=Decimal(3), progress=100)
    item_create(project, "Short", duration_days=Decimal(1), progress=0)
    # 3 of 4 working days are done: 75 %, not the 50 % a plain mean would give.
    assert progress_by_project([project.pk]) == {project.pk: 75}
    client.force_login(project.manager)
    assert "75%" in client.get(URL).content.decode()


def test_summary_items_do_not_count_twice():
    """A summary item's own progress is ignored: its children already carry the work."""
    project = ProjectFactory(key="SUMM", methodology="kanban")
    parent = item_create(project, "Phase", duration_days=Decimal(10), progress=0)
    item_create(project, "Child", parent=parent, duration_days=Decimal(2), progress=50)
    assert progress_by_project([project.pk]) == {project.pk: 50}


def test_progress_without_durations_is_the_plain_mean():
    """Items with no durations still show progress: the plain mean of their progress."""
    project = ProjectFactory(key="MEAN", methodology="kanban")
    item_create(project, "A", progress=20)
    item_create(project, "B", progress=60)
    assert progress_by_project([project.pk]) == {project.pk: 40}


def _portfolio_with(n, member, prefix="Q"):
    for i in range(n):
        project = ProjectFactory(
            key=f"{prefix}{i}X", name=f"Project {i}", methodology="kanban", health="green"
        )
        MembershipFactory(project=project, user=member, role="viewer")
        item_create(project, "Work", duration_days=Decimal(1), progress=10 * i)


def _portfolio_queries(client, user, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _portfolio_with(count, user, prefix=f"N{count}")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(URL).content.decode()
    assert len(_rows(html)) == count
    return [q["sql"] for q in queries.captured_queries]


def test_query_count_does_not_grow_with_projects(client):
    """The page costs the same number of queries for 2 projects as for 6."""
    few_user, many_user = UserFactory(), UserFactory()
    client.force_login(few_user)
    few = _portfolio_queries(client, few_user, 2)
    client.force_login(many_user)
    many = _portfolio_queries(client, many_user, 6)
    assert len(few) == len(many), "\n".join(many)
    # session, user, project list, progress aggregate, portfolios for the picker, open risks;
    # then the panels other areas add: the projects whose risks the viewer may see (with none,
    # no risk query follows), those whose budget they may see (with none, no earned-value
    # query follows), and whether they may import into some project or create one in some
    # portfolio. Each is one query, whatever the number of projects.
    assert len(many) <= 12, "\n".join(many)


@pytest.mark.parametrize(
    "role", ["viewer", "member", "finance_manager", "risk_manager", "project_manager"]
)
@pytest.mark.parametrize("perm", [Permission.RISK_VIEW, Permission.BUDGET_VIEW])
def test_permitted_projects_filter_agrees_with_the_permission_matrix(user, role, perm):
    """The one-query filter the portfolio panels use lists exactly the projects on which the
    permission matrix grants the permission, through a project or a portfolio role."""
    mine = ProjectFactory(key="MINE", methodology="kanban")
    MembershipFactory(project=mine, user=user, role=role)
    watched = ProjectFactory(key="WATCH", methodology="kanban")
    PortfolioMembershipFactory(portfolio=watched.portfolio, user=user, role="viewer")
    ProjectFactory(key="OTHER", methodology="kanban")
    found = set(
        Project.objects.filter(permitted_projects_q(user, perm))
        .distinct()
        .values_list("key", flat=True)
    )
    expected = {p.key for p in Project.objects.all() if perm in project_permissions(user, p)}
    assert found == expected
    assert ("MINE" in found) == (perm in ROLE_PERMISSIONS[Role(role)])
    assert "OTHER" not in found


def test_filters_by_status_health_methodology_and_text(client, user):
    """Filters in the query string narrow the list; text matches key or name."""
    a = ProjectFactory(key="ALPHA", name="Alpha ERP", methodology="kanban", health="red")
    b = ProjectFactory(
        key="BETA", name="Beta CRM", methodology="scrum", health="green", status="active"
    )
    for p in (a, b):
        MembershipFactory(project=p, user=user, role="viewer")
    client.force_login(user)
    assert _rows(client.get(URL, {"health": "red"}).content.decode()) == ["ALPHA"]
    assert _rows(client.get(URL, {"methodology": "scrum"}).content.decode()) == ["BETA"]
    assert _rows(client.get(URL, {"status": "active"}).content.decode()) == ["BETA"]
    assert _rows(client.get(URL, {"q": "crm"}).content.decode()) == ["BETA"]
    assert _rows(client.get(URL, {"q": "alp"}).content.decode()) == ["ALPHA"]


def test_sorts_by_health_worst_first_and_by_name_descending(client, user):
    """Sorting by health puts red before amber before green; '-name' reverses the name order."""
    for key, name, health in [
        ("GRN", "Apple", "green"),
        ("RED", "Cherry", "red"),
        ("AMB", "Banana", "amber"),
    ]:
        MembershipFactory(
            project=ProjectFactory(key=key, name=name, methodology="kanban", health=health),
            user=user,
            role="viewer",
        )
    client.force_login(user)
    assert _rows(client.get(URL, {"sort": "health"}).content.decode()) == ["RED", "AMB", "GRN"]
    assert _rows(client.get(URL, {"sort": "-name"}).content.decode()) == ["RED", "AMB", "GRN"]
    assert _rows(client.get(URL, {"sort": "name"}).content.decode()) == ["GRN", "AMB", "RED"]
    assert _rows(client.get(URL, {"sort": "key"}).content.decode()) == ["AMB", "GRN", "RED"]


def test_sorts_by_dates_with_undated_projects_last(client, user):
    """Sorting by start date puts undated projects last, in either direction."""
    import datetime as dt

    for key, start in [
        ("LATE", dt.date(2026, 9, 1)),
        ("NONE", None),
        ("EARLY", dt.date(2026, 1, 5)),
    ]:
        MembershipFactory(
            project=ProjectFactory(key=key, methodology="kanban", start_date=start),
            user=user,
            role="viewer",
        )
    client.force_login(user)
    assert _rows(client.get(URL, {"sort": "start"}).content.decode()) == ["EARLY", "LATE", "NONE"]
    assert _rows(client.get(URL, {"sort": "-start"}).content.decode()) == ["LATE", "EARLY", "NONE"]


def test_unknown_filter_values_are_named_and_ignored(client, project):
    """A bad filter or sort value shows a clear message and the unfiltered list, not an error."""
    client.force_login(project.manager)
    resp = client.get(URL, {"health": "purple", "sort": "colour"})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "purple" in html and "colour" in html
    assert _rows(html) == ["ERP"]


def test_htmx_request_gets_only_the_partial(client, project):
    """An HTMX request receives the results fragment, without the page layout."""
    client.force_login(project.manager)
    partial = client.get(URL, headers={"HX-Request": "true"}).content.decode()
    full = client.get(URL).content.decode()
    assert "<html" not in partial and "ERP roll-out" in partial
    assert "<html" in full and 'id="portfolio-results"' in full
    restore = client.get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).content.decode()
    assert "<html" in restore, "going back in history gets the whole page"


def test_filter_by_portfolio(client, user):
    """Picking a portfolio lists only its projects; a malformed id is named and ignored."""
    east = ProjectFactory(key="EAST", methodology="kanban")
    west = ProjectFactory(key="WEST", methodology="kanban")
    for p in (east, west):
        MembershipFactory(project=p, user=user, role="viewer")
    client.force_login(user)
    page = client.get(URL).content.decode()
    assert east.portfolio.name in page and west.portfolio.name in page
    picked = client.get(URL, {"portfolio": west.portfolio.pk}).content.decode()
    assert _rows(picked) == ["WEST"]
    bad = client.get(URL, {"portfolio": "west"}).content.decode()
    assert _rows(bad) == ["EAST", "WEST"] and "west" in bad


@pytest.mark.parametrize("role", ["viewer", "pmo_admin"])
@pytest.mark.parametrize("perm", [Permission.PORTFOLIO_VIEW, Permission.PROJECT_CREATE])
def test_permitted_portfolios_filter_agrees_with_portfolio_permissions(user, role, perm):
    """The one-query portfolio filter agrees with the portfolio permissions, including the
    portfolio a project member sees through their project."""
    held = PortfolioMembershipFactory(user=user, role=role).portfolio
    through_project = ProjectFactory(key="THRU", methodology="kanban")
    MembershipFactory(project=through_project, user=user, role="member")
    ProjectFactory(key="ELSE", methodology="kanban")
    found = set(Portfolio.objects.filter(permitted_portfolios_q(user, perm)).distinct())
    expected = {pf for pf in Portfolio.objects.all() if perm in portfolio_permissions(user, pf)}
    assert found == expected
    assert (held in found) == (perm in PORTFOLIO_ROLE_PERMISSIONS[PortfolioRole(role)])


def test_open_risks_are_counted_for_those_who_may_see_the_register(client, user):
    """The Open risks column counts identified, assessed and responding risks (not closed
    ones), links to the register, and shows a dash where the role does not show risks."""
    from keel.apps.risk.models import Risk

    mine = ProjectFactory(key="RSK", methodology="kanban")
    watched = ProjectFactory(key="WCH", methodology="kanban")
    MembershipFactory(project=mine, user=user, role="member")
    MembershipFactory(project=watched, user=user, role="viewer")
    for number, (project, status) in enumerate(
        [(mine, "identified"), (mine, "responding"), (mine, "closed"), (watched, "assessed")],
        start=1,
    ):
        Risk.objects.create(
            project=project, number=number, title=f"Risk {number}", probability=3, impact=3,
            status=status,
        )  # fmt: skip
    client.force_login(user)
    html = client.get(URL).content.decode()
    risks_url = reverse("keel-web:risks", args=["RSK"])
    assert f'<a href="{risks_url}">2</a>' in html
    row = html[html.index("<code>WCH</code>") :]
    row = row[: row.index("</tr>")]
    assert "—" in row and reverse("keel-web:risks", args=["WCH"]) not in row
