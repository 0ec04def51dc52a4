"""Who may do what: the role matrix seen through the services, and the 404 rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from tests.factories import (
    PortfolioMembershipFactory,
    ProgramFactory,
    ProjectFactory,
    UserFactory,
    item_create,
)

from keel.apps.projects.access import (
    Permission,
    access_portfolio,
    access_program,
    access_project,
    has_permission,
    permission_matrix_markdown,
)
from keel.apps.projects.models import Role
from keel.apps.projects.selectors import project_list_for_user
from keel.apps.projects.services import membership_add, project_update
from keel.apps.work.services import (
    comment_create,
    dependency_create,
    work_item_create,
    work_item_delete,
    work_item_transition,
    work_item_update,
    workflow_status_create,
)

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _read(actor, project, items):
    access_project(actor, project.key, Permission.ITEM_VIEW)


def _create(actor, project, items):
    work_item_create(actor=actor, project=project, type="task", title="New")


def _edit(actor, project, items):
    work_item_update(actor=actor, item=items[0], version=None, title="Renamed")


def _delete(actor, project, items):
    work_item_delete(actor=actor, item=items[2])


def _transition(actor, project, items):
    work_item_transition(actor=actor, item=items[0], to_status="selected")


def _link(actor, project, items):
    dependency_create(actor=actor, predecessor=items[0], successor=items[1])


def _comment(actor, project, items):
    comment_create(actor=actor, item=items[0], body="Looks good")


def _add_member(actor, project, items):
    membership_add(actor=actor, project=project, user=UserFactory(), role="viewer")


def _edit_workflow(actor, project, items):
    workflow_status_create(actor=actor, project=project, key="blocked", name="Blocked")


def _edit_project(actor, project, items):
    project_update(actor=actor, project=project, version=None, health="amber")


def _history(actor, project, items):
    access_project(actor, project.key, Permission.HISTORY_VIEW)


ACTIONS = {
    "read": _read,
    "create": _create,
    "edit": _edit,
    "delete": _delete,
    "transition": _transition,
    "link": _link,
    "comment": _comment,
    "members": _add_member,
    "workflow": _edit_workflow,
    "project": _edit_project,
    "history": _history,
}

# The policy, as a person would state it: one row per role, one letter per action above
# (Y may, - may not). Kept apart from ROLE_PERMISSIONS so a careless edit there fails here.
POLICY = {
    Role.PMO_ADMIN: "Y Y Y Y Y Y Y Y Y Y Y",
    Role.PROJECT_MANAGER: "Y Y Y Y Y Y Y Y Y Y Y",
    Role.COORDINATOR: "Y Y Y Y Y Y Y - - - Y",
    Role.FINANCE_MANAGER: "Y - - - - - Y - - - Y",
    Role.QA_MANAGER: "Y Y Y - Y - Y - - - Y",
    Role.RISK_MANAGER: "Y Y - - - - Y - - - Y",
    Role.TECH_LEAD: "Y Y Y Y Y Y Y - - - Y",
    Role.MEMBER: "Y Y Y - Y - Y - - - Y",
    Role.CUSTOMER_REPRESENTATIVE: "Y - - - - - Y - - - -",
    Role.EXTERNAL_CONSULTANT: "Y - - - - - Y - - - -",
    Role.VIEWER: "Y - - - - - - - - - Y",
}


def test_policy_covers_every_role():
    """The policy table names every role Keel offers, with one verdict per action."""
    assert set(POLICY) == set(Role)
    assert all(len(row.split()) == len(ACTIONS) for row in POLICY.values())


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_may_do_exactly_what_the_policy_says(role, member_of):
    """Every action a role may take succeeds; every other is refused with PermissionDenied."""
    project = ProjectFactory(template="scrum")
    items = [item_create(project, f"Item {n}") for n in range(3)]
    actor = member_of(project, role)
    wrong = []
    for (name, action), verdict in zip(ACTIONS.items(), POLICY[role].split(), strict=True):
        try:
            action(actor, project, items)
            allowed = True
        except PermissionDenied:
            allowed = False
        if allowed != (verdict == "Y"):
            wrong.append(f"{name}: {'allowed' if allowed else 'refused'}")
    assert wrong == []


def test_outsider_gets_404_not_403(project, user):
    """A non-member cannot tell a project exists: reading and writing both say 404."""
    with pytest.raises(Http404):
        access_project(user, project.key)
    with pytest.raises(Http404):
        work_item_create(actor=user, project=project, type="task", title="Sneaky")
    with pytest.raises(Http404):
        access_project(user, "NOPE")
    assert not project.items.filter(title="Sneaky").exists()


@pytest.mark.parametrize("lookup", ["key", "lower", "id"])
def test_access_project_finds_by_key_or_id(project, lookup):
    """A project is found by its key (any case) or its numeric id."""
    value = {"key": "ERP", "lower": "erp", "id": project.pk}[lookup]
    assert access_project(project.manager, value) == project


def test_anonymous_and_inactive_users_get_404(project):
    """Signed-out visitors and deactivated accounts see no project."""
    with pytest.raises(Http404):
        access_project(AnonymousUser(), project.key)
    project.manager.is_active = False
    project.manager.save()
    with pytest.raises(Http404):
        access_project(project.manager, project.key)


def test_superuser_acts_as_pmo_admin_everywhere(project):
    """A site administrator may manage members of any project without joining it."""
    root = UserFactory(is_superuser=True, is_staff=True)
    membership_add(actor=root, project=project, user=UserFactory(), role="member")
    assert project.memberships.count() == 2


def test_portfolio_pmo_admin_acts_as_pmo_admin_on_its_projects_only(project):
    """A portfolio's PMO administrator manages its projects but not another portfolio's."""
    pmo = UserFactory()
    PortfolioMembershipFactory(portfolio=project.portfolio, user=pmo, role="pmo_admin")
    other = ProjectFactory(template="kanban")
    assert has_permission(pmo, project, Permission.MEMBER_MANAGE)
    with pytest.raises(Http404):
        access_project(pmo, other.key)
    assert list(project_list_for_user(pmo)) == [project]


def test_portfolio_viewer_reads_every_project_but_changes_nothing(project):
    """A portfolio viewer sees the portfolio's projects and cannot create items in them."""
    watcher = UserFactory()
    PortfolioMembershipFactory(portfolio=project.portfolio, user=watcher, role="viewer")
    assert access_project(watcher, project.key) == project
    with pytest.raises(PermissionDenied):
        work_item_create(actor=watcher, project=project, type="task", title="No")
    with pytest.raises(PermissionDenied):
        access_portfolio(watcher, project.portfolio.pk, Permission.PORTFOLIO_EDIT)


def test_program_visible_to_members_of_its_projects_only(user):
    """A program shows to members of one of its projects; others get 404; edits need the PMO."""
    program = ProgramFactory()
    project = ProjectFactory(portfolio=program.portfolio, program=program, template="kanban")
    assert access_program(project.manager, program.pk) == program
    with pytest.raises(PermissionDenied):
        access_program(project.manager, program.pk, Permission.PORTFOLIO_EDIT)
    with pytest.raises(Http404):
        access_program(user, program.pk)
    with pytest.raises(Http404):
        access_portfolio(user, program.portfolio.pk)


def test_permissions_doc_shows_the_matrix_the_code_enforces():
    """docs/permissions.md holds exactly the table generated from ROLE_PERMISSIONS."""
    text = (DOCS / "permissions.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- matrix:start -->\n(.*?)<!-- matrix:end -->", text, re.S)
    assert match, "docs/permissions.md lacks the matrix markers"
    assert match.group(1) == permission_matrix_markdown()
