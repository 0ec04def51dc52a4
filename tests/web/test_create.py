"""Creating a project from the web: form, portfolio rights, errors, redirect to the Plan."""

import pytest
from django.urls import reverse
from tests.factories import PortfolioFactory, PortfolioMembershipFactory, ProjectFactory

from keel.apps.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

URL = reverse("keel-web:project-create")


@pytest.fixture
def pmo(user):
    portfolio = PortfolioFactory(name="Corporate IT")
    PortfolioMembershipFactory(portfolio=portfolio, user=user, role="pmo_admin")
    return user, portfolio


def test_form_offers_only_portfolios_i_may_create_in(client, pmo):
    user, _portfolio = pmo
    other = PortfolioFactory(name="Secret portfolio")
    PortfolioMembershipFactory(portfolio=other, user=user, role="viewer")
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert "Corporate IT" in html and "Secret portfolio" not in html
    for name in ("key", "name", "portfolio", "template", "start_date", "goals", "program"):
        assert f'name="{name}"' in html
    assert 'data-testid="project-create-submit"' in html


def test_create_redirects_to_plan_with_template_applied(client, pmo):
    user, portfolio = pmo
    client.force_login(user)
    resp = client.post(
        URL,
        {
            "key": "crm",
            "name": "CRM rebuild",
            "portfolio": portfolio.pk,
            "template": "scrum",
            "start_date": "2026-03-02",
            "goals": "One customer record",
        },
    )
    assert resp.status_code == 302
    assert resp["Location"] == reverse("keel-web:project-plan", args=["CRM"])
    project = Project.objects.get(key="CRM")
    assert project.methodology == "scrum" and str(project.start_date) == "2026-03-02"
    assert ProjectMembership.objects.filter(project=project, user=user, role="project_manager")
    assert project.workflow.statuses.exists()
    assert client.get(resp["Location"]).status_code == 200


def test_bad_key_shows_error_and_creates_nothing(client, pmo):
    user, portfolio = pmo
    client.force_login(user)
    resp = client.post(
        URL, {"key": "1bad key", "name": "X", "portfolio": portfolio.pk, "template": "waterfall"}
    )
    assert resp.status_code == 200
    assert 'class="error"' in resp.content.decode()
    assert not Project.objects.filter(name="X").exists()


def test_duplicate_key_is_refused_with_message(client, pmo):
    user, portfolio = pmo
    ProjectFactory(key="DUP")
    client.force_login(user)
    resp = client.post(
        URL, {"key": "DUP", "name": "Again", "portfolio": portfolio.pk, "template": "kanban"}
    )
    assert "already exists" in resp.content.decode()
    assert Project.objects.filter(key="DUP").count() == 1


def test_portfolio_i_may_not_create_in_is_refused(client, user):
    other = PortfolioFactory(name="Not mine")
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert "may not create projects" in html
    resp = client.post(
        URL, {"key": "NOPE", "name": "N", "portfolio": other.pk, "template": "kanban"}
    )
    assert not Project.objects.filter(key="NOPE").exists()
    assert resp.status_code == 200


def test_new_project_link_on_home_only_for_creators(client, pmo, member_of, project):
    user, _portfolio = pmo
    client.force_login(user)
    assert URL in client.get("/").content.decode()
    client.force_login(member_of(project))
    assert URL not in client.get("/").content.decode()
