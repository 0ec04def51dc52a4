"""Portfolios, programs and projects: templates, optimistic versions, memberships, lists."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from tests.factories import PortfolioMembershipFactory, UserFactory

from keel.apps.projects.models import Portfolio, Project, ProjectMembership, Role
from keel.apps.projects.selectors import (
    membership_list,
    portfolio_list_for_user,
    program_list_for_user,
    project_list_for_user,
)
from keel.apps.projects.services import (
    membership_add,
    membership_remove,
    membership_update,
    portfolio_create,
    portfolio_delete,
    program_create,
    project_create,
    project_delete,
    project_update,
)
from keel.apps.projects.templates import KANBAN_WIP_LIMIT, PHASES
from keel.apps.work.models import Dependency, WorkflowTransition, WorkItem
from keel.apps.work.selectors import work_item_list, workflow_statuses
from keel.domain.errors import ConflictError, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo():
    """A staff user who runs a portfolio."""
    staff = UserFactory(username="pmo", is_staff=True)
    portfolio_create(actor=staff, name="Corporate IT")
    return staff


def _create(pmo, template, key="NEW"):
    portfolio = Portfolio.objects.get(name="Corporate IT")
    return project_create(
        actor=pmo, key=key, name=f"{template} project", portfolio=portfolio, template=template
    )


def _moves(project):
    return {
        (t.from_status.name, t.to_status.name): t.allowed_roles
        for t in WorkflowTransition.objects.filter(workflow__project=project).select_related(
            "from_status", "to_status"
        )
    }


def test_waterfall_template_sets_up_phases_gates_and_gate_approval(pmo):
    """A waterfall project starts with five phases, each ending in a gate milestone; gates
    follow each other; only a PM, QA manager or PMO admin may approve Done."""
    project = _create(pmo, "waterfall")
    assert [s.name for s in workflow_statuses(project)] == [
        "To do",
        "In progress",
        "In review",
        "Done",
    ]
    items = list(work_item_list(project))
    phases = [i for i in items if i.parent_id is None]
    assert [(p.title, p.type, p.outline_code) for p in phases] == [
        (name, "deliverable", str(n)) for n, (name, _gate) in enumerate(PHASES, start=1)
    ]
    gates = [i for i in items if i.parent_id is not None]
    assert [(g.title, g.type, g.parent.title, g.outline_code, g.duration_days) for g in gates] == [
        (gate, "milestone", name, f"{n}.1", 0) for n, (name, gate) in enumerate(PHASES, start=1)
    ]
    links = list(Dependency.objects.filter(project=project).order_by("predecessor__number"))
    assert [(d.predecessor.title, d.successor.title, d.type) for d in links] == [
        (a, b, "FS") for (_p, a), (_q, b) in pairwise(PHASES)
    ]
    moves = _moves(project)
    assert set(moves[("In review", "Done")]) == {"pmo_admin", "project_manager", "qa_manager"}
    assert ("To do", "Done") not in moves
    assert project.methodology == "waterfall"
    assert ProjectMembership.objects.get(project=project, user=pmo).role == Role.PROJECT_MANAGER
    assert project.manager == pmo


def test_scrum_template_has_a_sprint_ready_workflow_and_no_phases(pmo):
    """A Scrum project starts empty with Backlog → Selected → In progress → In review → Done."""
    project = _create(pmo, "scrum")
    assert [s.name for s in workflow_statuses(project)] == [
        "Backlog",
        "Selected",
        "In progress",
        "In review",
        "Done",
    ]
    assert not WorkItem.objects.filter(project=project).exists()
    assert ("Backlog", "Selected") in _moves(project)
    assert ("Backlog", "Done") not in _moves(project)


def test_kanban_template_limits_work_in_progress(pmo):
    """A Kanban board has To do → Doing → Done with a WIP limit on Doing only."""
    project = _create(pmo, "kanban")
    assert [(s.name, s.wip_limit) for s in workflow_statuses(project)] == [
        ("To do", None),
        ("Doing", KANBAN_WIP_LIMIT),
        ("Done", None),
    ]


def test_hybrid_template_has_phases_and_the_agile_workflow(pmo):
    """A hybrid project has the waterfall phases with the Scrum board."""
    project = _create(pmo, "hybrid")
    assert WorkItem.objects.filter(project=project, type="milestone").count() == len(PHASES)
    assert workflow_statuses(project).first().name == "Backlog"


def test_a_project_created_in_chinese_gets_chinese_statuses_phases_and_gates(pmo):
    """The template's names are written in the creator's language: a PM working in 简体中文
    gets a board and a WBS in Chinese; one working in English gets English."""
    with translation.override("zh-hans"):
        project = _create(pmo, "hybrid", key="ZH")
    assert [s.name for s in workflow_statuses(project)] == [
        "待办列表",
        "已选定",
        "进行中",
        "评审中",
        "已完成",
    ]
    phases = WorkItem.objects.filter(project=project, parent=None).order_by("outline_sort")
    assert [p.title for p in phases] == ["启动", "规划", "执行", "监控", "收尾"]
    gate = WorkItem.objects.get(project=project, parent=phases[0], type="milestone")
    assert gate.title == "项目章程已批准" and "启动阶段" in gate.description
    english = _create(pmo, "hybrid", key="EN")
    assert workflow_statuses(english).first().name == "Backlog"


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("E", "2 to 10"),
        ("1ERP", "starts with a letter"),
        ("ERP-1", "capital"),
        ("ABCDEFGHIJK", "at most 10"),
    ],
)
def test_bad_project_keys_are_refused_and_nothing_is_stored(pmo, key, fragment):
    """Keys are 2-10 capitals/digits starting with a letter; bad ones leave no trace."""
    with pytest.raises(DjangoValidationError) as exc:
        _create(pmo, "kanban", key=key)
    assert any(fragment in m for m in exc.value.messages), exc.value.messages
    assert not Project.objects.exists()


def test_project_key_is_upper_cased_and_unique(pmo):
    """`erp` becomes ERP; a second ERP is refused."""
    assert _create(pmo, "kanban", key="erp").key == "ERP"
    with pytest.raises(DjangoValidationError):
        _create(pmo, "kanban", key="ERP")
    assert Project.objects.count() == 1


def test_unknown_template_and_fields_are_refused(pmo):
    """A template or field name Keel does not know is refused with the allowed names."""
    portfolio = Portfolio.objects.get()
    with pytest.raises(ValidationError, match="waterfall, scrum, kanban, hybrid"):
        project_create(actor=pmo, key="AB", name="x", portfolio=portfolio, template="spiral")
    with pytest.raises(ValidationError, match="budgett"):
        project_create(actor=pmo, key="AB", name="x", portfolio=portfolio, budgett=5)
    assert not Project.objects.exists()


def test_only_portfolio_pmo_admins_create_projects(pmo, user):
    """A portfolio viewer may not create projects in it; an outsider does not see it."""
    portfolio = Portfolio.objects.get()
    PortfolioMembershipFactory(portfolio=portfolio, user=user, role="viewer")
    with pytest.raises(PermissionDenied):
        project_create(actor=user, key="AB", name="x", portfolio=portfolio)
    assert not Project.objects.exists()


def test_stale_version_changes_nothing(project):
    """Two people edit the same project: the second, holding an old version, gets a conflict
    and the first one's change stands."""
    pm = project.manager
    first = project_update(actor=pm, project=project, version=1, name="Renamed", health="amber")
    assert first.version == 2
    with pytest.raises(ConflictError, match="version 2"):
        project_update(actor=pm, project=project, version=1, name="Mine", health="red")
    project.refresh_from_db()
    assert (project.name, project.health, project.version) == ("Renamed", "amber", 2)


def test_project_update_validates_values(project):
    """A finish before the start or an unknown status is refused and nothing changes."""
    import datetime as dt

    with pytest.raises(DjangoValidationError):
        project_update(actor=project.manager, project=project, version=1, status="paused")
    with pytest.raises(DjangoValidationError):
        project_update(
            actor=project.manager,
            project=project,
            version=1,
            start_date=dt.date(2026, 5, 1),
            finish_date=dt.date(2026, 4, 1),
        )
    with pytest.raises(ValidationError, match="Unknown project field"):
        project_update(actor=project.manager, project=project, version=1, key="NEW")
    project.refresh_from_db()
    assert (project.status, project.start_date, project.version) == ("proposed", None, 1)


def test_project_delete_removes_everything(project):
    """Deleting a project removes its items and links; only a PM or PMO may do it."""
    member = UserFactory()
    membership_add(actor=project.manager, project=project, user=member, role="coordinator")
    with pytest.raises(PermissionDenied):
        project_delete(actor=member, project=project)
    project_delete(actor=project.manager, project=project)
    assert not Project.objects.exists()
    assert not WorkItem.objects.exists()


def test_last_project_manager_cannot_leave_or_be_demoted(project, member_of):
    """A project always keeps a project manager; with a second one, the first may step down."""
    pm_membership = ProjectMembership.objects.get(project=project, user=project.manager)
    with pytest.raises(ValidationError, match="last project manager"):
        membership_remove(actor=project.manager, membership=pm_membership)
    with pytest.raises(ValidationError, match="last project manager"):
        membership_update(actor=project.manager, membership=pm_membership, role="member")
    deputy = member_of(project, "project_manager")
    membership_update(actor=deputy, membership=pm_membership, role="member")
    assert ProjectMembership.objects.get(pk=pm_membership.pk).role == "member"


def test_membership_add_refuses_duplicates_and_unknown_roles(project, user):
    """Adding someone twice or with a made-up role is refused with a clear message."""
    membership_add(actor=project.manager, project=project, user=user, role="viewer")
    with pytest.raises(ValidationError, match="already a member"):
        membership_add(actor=project.manager, project=project, user=user, role="member")
    with pytest.raises(ValidationError, match="Unknown role"):
        membership_add(actor=project.manager, project=project, user=UserFactory(), role="boss")
    assert [m.user for m in membership_list(project)] == sorted(
        [project.manager, user], key=lambda u: u.username
    )


def test_portfolio_with_projects_cannot_be_deleted(pmo):
    """A portfolio that still holds projects stays; an empty one goes."""
    project = _create(pmo, "kanban")
    with pytest.raises(ValidationError, match="1 project"):
        portfolio_delete(actor=pmo, portfolio=project.portfolio)
    empty = portfolio_create(actor=pmo, name="Empty")
    portfolio_delete(actor=pmo, portfolio=empty)
    assert list(Portfolio.objects.values_list("name", flat=True)) == ["Corporate IT"]


def test_creating_a_portfolio_needs_staff(user):
    """Ordinary users cannot create portfolios."""
    with pytest.raises(PermissionDenied):
        portfolio_create(actor=user, name="Mine")
    assert not Portfolio.objects.exists()


def test_lists_show_only_what_the_user_may_see(pmo, user, django_assert_max_num_queries):
    """Each list holds only the user's projects, portfolios and programs, in few queries."""
    portfolio = Portfolio.objects.get()
    program = program_create(actor=pmo, portfolio=portfolio, name="ERP programme")
    mine = _create(pmo, "kanban", key="MINE")
    project_update(actor=pmo, project=mine, version=None, program=program, status="active")
    _create(pmo, "kanban", key="HIDDEN")
    membership_add(actor=pmo, project=mine, user=user, role="viewer")
    with django_assert_max_num_queries(2):
        assert [p.key for p in project_list_for_user(user)] == ["MINE"]
        assert [p.key for p in project_list_for_user(user, status="proposed")] == []
    assert [p.key for p in project_list_for_user(pmo, text="hid")] == ["HIDDEN"]
    assert list(portfolio_list_for_user(user)) == [portfolio]
    assert list(program_list_for_user(user)) == [program]
    assert list(portfolio_list_for_user(UserFactory())) == []
    with pytest.raises(ValidationError, match="colour"):
        project_list_for_user(user, colour="red")


def test_project_list_query_count_does_not_grow(pmo, django_assert_num_queries):
    """Listing projects with their portfolio, program and manager takes one query."""
    for key in ("AA", "BB", "CC"):
        _create(pmo, "kanban", key=key)
    with django_assert_num_queries(1):
        rows = [(p.key, p.portfolio.name, p.manager.username) for p in project_list_for_user(pmo)]
    assert rows == [(k, "Corporate IT", "pmo") for k in ("AA", "BB", "CC")]


def test_manager_must_belong_to_the_project_and_loses_the_title_on_leaving(project, member_of):
    """The manager field names a member; removing that member clears it."""
    outsider = UserFactory()
    with pytest.raises(ValidationError, match="not a member"):
        project_update(actor=project.manager, project=project, version=None, manager=outsider)
    deputy = member_of(project, "project_manager")
    project_update(actor=project.manager, project=project, version=None, manager=deputy)
    membership_remove(actor=project.manager, membership=ProjectMembership.objects.get(user=deputy))
    project.refresh_from_db()
    assert project.manager is None
