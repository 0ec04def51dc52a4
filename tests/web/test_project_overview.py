"""A project's Overview tab: goals, scope, dates, milestones, progress, recent activity."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from tests.factories import PortfolioMembershipFactory, ProjectFactory, item_create

from keel.apps.projects.models import Role
from keel.apps.work.models import ItemChange, WorkItem
from keel.apps.work.scheduling import schedule_recalculate

pytestmark = pytest.mark.django_db


def _url(key):
    return reverse("keel-web:project-overview", args=[key])


def test_non_member_gets_404(client, project, user):
    """Someone outside the project cannot tell it exists."""
    client.force_login(user)
    resp = client.get(_url(project.key))
    assert resp.status_code == 404
    assert "Not found" in resp.content.decode() and project.name not in resp.content.decode()
    assert client.get(_url("NOPE")).status_code == 404
    zh = client.get(_url("NOPE"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "未找到" in zh


def test_anonymous_visitor_is_sent_to_sign_in(client, project):
    """The overview asks for a sign-in first."""
    assert client.get(_url(project.key)).status_code == 302


def test_overview_shows_goals_scope_dates_and_manager(client, member_of):
    """Goals, scope statement, planned dates and the manager appear on the tab."""
    project = ProjectFactory(
        key="OVR",
        name="Overview test",
        methodology="kanban",
        goals="Cut month-end close to 3 days",
        scope_statement="Finance and procurement modules only",
        start_date=dt.date(2026, 3, 2),
        finish_date=dt.date(2026, 11, 30),
    )
    viewer = member_of(project, role="viewer")
    client.force_login(viewer)
    html = client.get(_url("ovr")).content.decode()
    assert "Cut month-end close to 3 days" in html
    assert "Finance and procurement modules only" in html
    assert "March 2, 2026" in html and "Nov. 30, 2026" in html
    assert str(project.manager) in html
    assert 'aria-current="page"' in html


def test_milestones_show_status_and_scheduled_dates(client, project):
    """Each milestone is listed with its status category and the scheduler's dates."""
    project.start_date = dt.date(2026, 3, 2)
    project.save()
    schedule_recalculate(actor=project.manager, project=project)
    client.force_login(project.manager)
    gates = list(WorkItem.objects.filter(project=project, type="milestone"))
    assert gates, "the waterfall template gives the project gate milestones"
    html = client.get(_url(project.key)).content.decode()
    for gate in gates:
        assert gate.early_finish is not None, "the scheduler fills the milestone's dates"
        shown = date_format(timezone.localtime(gate.early_finish), "DATE_FORMAT")
        row = html[html.index(gate.key) :].split("</tr>")[0]
        assert gate.title in row and shown in row
        assert "To do" in row


def test_progress_and_recent_activity(client):
    """Progress is shown in percent; recent activity lists the newest 15 changes, newest first."""
    project = ProjectFactory(key="ACT", methodology="kanban")
    first = item_create(project, "First task", duration_days=Decimal(1), progress=100)
    item_create(project, "Second task", duration_days=Decimal(1), progress=0)
    for n in range(20):
        ItemChange.objects.create(
            project=project,
            item=first,
            item_key=first.key,
            actor=project.manager,
            action="updated",
            field="title",
            old=f"old-{n}",
            new=f"new-{n:02d}",
        )
    client.force_login(project.manager)
    html = client.get(_url("ACT")).content.decode()
    assert "50%" in html
    assert html.count("<time ") == 15
    assert "new-19" in html and "new-05" in html
    assert "new-04" not in html
    assert html.index("new-19") < html.index("new-10")
    zh = client.get(_url("ACT"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "标题: old-19 → new-19" in zh, "the changed field is named in the reader's language"


def test_home_links_to_overview(client, project):
    """The start page links each project to its overview."""
    client.force_login(project.manager)
    assert _url("ERP") in client.get("/").content.decode()


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_project_role_can_open_portfolio_and_overview(client, project, member_of, role):
    """Each project role reaches both pages and sees the project on them."""
    person = member_of(project, role=role)
    client.force_login(person)
    overview = client.get(_url(project.key))
    portfolio = client.get(reverse("keel-web:portfolio"))
    assert overview.status_code == 200 and portfolio.status_code == 200
    assert project.name in overview.content.decode()
    assert _url(project.key) in portfolio.content.decode()


def test_portfolio_viewer_sees_every_project_of_the_portfolio(client, project, user):
    """A portfolio-level viewer sees the portfolio's projects without a project role."""
    PortfolioMembershipFactory(portfolio=project.portfolio, user=user, role="viewer")
    client.force_login(user)
    assert client.get(_url(project.key)).status_code == 200
    assert project.name in client.get(reverse("keel-web:portfolio")).content.decode()
