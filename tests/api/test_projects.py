"""Portfolios, programs, projects and members through the API, as a PMO administrator."""

from __future__ import annotations

import pytest
from tests.factories import PortfolioMembershipFactory, UserFactory

from keel.apps.projects.models import Portfolio, Project, ProjectMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(username="root", is_staff=True)


def test_pmo_builds_portfolio_program_and_project(admin, as_user):
    """An administrator creates a portfolio, a program in it and a project in that program."""
    client = as_user(admin)
    portfolio = client.post("portfolios", {"name": "Digital", "slug": "digital"})
    assert portfolio.status_code == 201
    pid = portfolio.json()["id"]
    program = client.post("programs", {"portfolio": pid, "name": "ERP programme"})
    assert program.status_code == 201
    project = client.post(
        "projects",
        {
            "key": "ERP",
            "name": "ERP roll-out",
            "portfolio": pid,
            "program": program.json()["id"],
            "template": "kanban",
            "start_date": "2027-01-04",
        },
    )
    assert project.status_code == 201, project.content
    body = project.json()
    assert (body["key"], body["methodology"], body["manager"]) == ("ERP", "kanban", "root")
    assert body["program"] == program.json()["id"]
    statuses = client.get("projects/ERP/workflow").json()["statuses"]
    assert [s["key"] for s in statuses] == ["todo", "doing", "done"]
    listed = client.get(f"projects?portfolio={pid}").json()
    assert [p["key"] for p in listed["items"]] == ["ERP"]
    assert client.get(f"programs?portfolio={pid}").json()["count"] == 1


def test_project_create_refuses_bad_key_and_stores_nothing(admin, as_user, error_of):
    """A lower-case or too-long key is refused with the rule in the message."""
    client = as_user(admin)
    pid = client.post("portfolios", {"name": "P", "slug": "p"}).json()["id"]
    response = client.post("projects", {"key": "erp-1", "name": "X", "portfolio": pid})
    assert response.status_code == 400
    assert "key" in error_of(response)["message"].lower()
    assert not Project.objects.exists()


def test_project_in_unknown_portfolio_is_a_field_error(admin, as_user, error_of):
    """A project naming a portfolio that does not exist is a 400 on the portfolio field."""
    response = as_user(admin).post("projects", {"key": "ERP", "name": "X", "portfolio": 999})
    assert response.status_code == 400
    assert "portfolio" in error_of(response)["details"]["fields"]


def test_portfolio_update_and_delete(admin, as_user, error_of):
    """A portfolio is renamed with its version, and deleted only once it holds no project."""
    client = as_user(admin)
    created = client.post("portfolios", {"name": "Ops", "slug": "ops"}).json()
    url = f"portfolios/{created['id']}"
    renamed = client.patch(url, {"name": "Operations", "version": created["version"]})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Operations"
    client.post("projects", {"key": "OPS", "name": "Ops", "portfolio": created["id"]})
    refused = client.delete(url)
    assert refused.status_code == 400
    assert "project" in error_of(refused)["message"]
    client.delete("projects/OPS")
    assert client.delete(url).status_code == 204
    assert not Portfolio.objects.filter(pk=created["id"]).exists()


def test_non_admin_cannot_create_a_portfolio(user, as_user, error_of):
    """Only administrators create portfolios: others get 403 and nothing is stored."""
    response = as_user(user).post("portfolios", {"name": "Mine", "slug": "mine"})
    assert response.status_code == 403
    error_of(response)
    assert not Portfolio.objects.exists()


def test_portfolio_viewer_sees_projects_but_cannot_change_them(project, as_user):
    """A portfolio viewer reads every project of the portfolio but may not edit one."""
    viewer = UserFactory(username="auditor")
    PortfolioMembershipFactory(portfolio=project.portfolio, user=viewer, role="viewer")
    client = as_user(viewer)
    assert [p["key"] for p in client.get("projects").json()["items"]] == [project.key]
    assert client.get(f"projects/{project.key}/items").status_code == 200
    refused = client.patch(f"projects/{project.key}", {"name": "X", "version": project.version})
    assert refused.status_code == 403


def test_members_add_change_remove(project, as_user, error_of):
    """The manager adds a person, changes their role and removes them; the last PM stays."""
    UserFactory(username="dana")
    client = as_user(project.manager)
    base = f"projects/{project.key}/members"
    added = client.post(base, {"username": "dana", "role": "member"})
    assert added.status_code == 201
    assert added.json()["role"] == "member"
    assert client.patch(f"{base}/dana", {"role": "tech_lead"}).json()["role"] == "tech_lead"
    roles = {m["username"]: m["role"] for m in client.get(base).json()["items"]}
    assert roles == {project.manager.username: "project_manager", "dana": "tech_lead"}
    assert client.delete(f"{base}/dana").status_code == 204
    last_pm = client.delete(f"{base}/{project.manager.username}")
    assert last_pm.status_code == 400
    assert "last project manager" in error_of(last_pm)["message"]
    assert ProjectMembership.objects.filter(project=project).count() == 1


def test_member_with_unknown_role_or_user_is_refused(project, as_user, error_of):
    """An unknown role (answered with the allowed ones) or username is a 400 and adds nobody."""
    UserFactory(username="erin")
    client = as_user(project.manager)
    base = f"projects/{project.key}/members"
    bad_role = client.post(base, {"username": "erin", "role": "overlord"})
    assert bad_role.status_code == 400
    role_errors = error_of(bad_role)["details"]["fields"]["role"]
    assert "project_manager" in role_errors[0]
    nobody = client.post(base, {"username": "ghost", "role": "member"})
    assert nobody.status_code == 400
    assert "username" in error_of(nobody)["details"]["fields"]
    assert ProjectMembership.objects.filter(project=project).count() == 1


def test_invisible_portfolio_reads_as_missing(project, user, as_user, error_of):
    """Naming a portfolio you cannot see gives the same 400 as naming one that does not exist."""
    client = as_user(user)
    hidden = client.post("projects", {"key": "NEW", "name": "X", "portfolio": project.portfolio_id})
    missing = client.post("projects", {"key": "NEW", "name": "X", "portfolio": 99999})
    assert hidden.status_code == missing.status_code == 400
    hidden_msg = error_of(hidden)["message"].replace(str(project.portfolio_id), "N")
    assert hidden_msg == error_of(missing)["message"].replace("99999", "N")
    assert not Project.objects.filter(key="NEW").exists()


def test_pmo_grants_and_removes_portfolio_access(project, as_user, error_of):
    """A portfolio's PMO administrator gives someone viewer access (they then see its
    projects) and takes it away again."""
    pmo = UserFactory(username="pmo")
    PortfolioMembershipFactory(portfolio=project.portfolio, user=pmo, role="pmo_admin")
    auditor_user = UserFactory(username="auditor")
    client, auditor = as_user(pmo), as_user(auditor_user)
    base = f"portfolios/{project.portfolio_id}/members"
    assert auditor.get(f"projects/{project.key}").status_code == 404
    granted = client.post(base, {"username": "auditor", "role": "viewer"})
    assert granted.status_code == 201
    assert granted.json()["role"] == "viewer"
    listed = {m["username"]: m["role"] for m in client.get(base).json()["items"]}
    assert listed == {"pmo": "pmo_admin", "auditor": "viewer"}
    assert auditor.get(f"projects/{project.key}").status_code == 200
    assert auditor.post(base, {"username": "auditor", "role": "pmo_admin"}).status_code == 403
    assert client.delete(f"{base}/auditor").status_code == 204
    assert auditor.get(f"projects/{project.key}").status_code == 404
    gone = client.delete(f"{base}/auditor")
    assert gone.status_code == 404
    error_of(gone)


def test_labels_list(project, as_user):
    """Labels named on items are listed for the project, by name."""
    client = as_user(project.manager)
    client.post(f"projects/{project.key}/items", {"title": "A", "labels": ["ux", "api"]})
    names = [
        label["name"] for label in client.get(f"projects/{project.key}/labels").json()["items"]
    ]
    assert names == ["api", "ux"]
