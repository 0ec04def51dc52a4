"""The Settings tab: project fields and the workflow editor, through the services."""

import pytest
from django.urls import reverse
from tests.factories import item_create

from keel.apps.work.models import WorkflowStatus, WorkflowTransition

pytestmark = pytest.mark.django_db


def _url(project):
    return reverse("keel-web:project-settings", args=[project.key])


def test_outsider_404_and_roles_without_workflow_edit_refused(client, project, user, member_of):
    client.force_login(user)
    assert client.get(_url(project)).status_code == 404
    for role in ("viewer", "member", "coordinator"):
        client.force_login(member_of(project, role=role))
        assert client.get(_url(project)).status_code == 403


def test_tab_shown_only_to_those_who_may_open_it(client, project, member_of):
    settings_url = _url(project)
    client.force_login(member_of(project, role="viewer"))
    assert (
        settings_url
        not in client.get(reverse("keel-web:project-plan", args=[project.key])).content.decode()
    )
    client.force_login(project.manager)
    assert (
        settings_url
        in client.get(reverse("keel-web:project-plan", args=[project.key])).content.decode()
    )


def test_save_project_fields(client, project):
    client.force_login(project.manager)
    client.post(
        _url(project),
        {
            "action": "project",
            "version": project.version,
            "name": "ERP phase 2",
            "start_date": "2026-01-05",
            "finish_date": "2026-12-18",
            "goals": "Go live",
            "scope_statement": "Finance",
            "health": "amber",
        },
    )
    project.refresh_from_db()
    assert project.name == "ERP phase 2" and project.health == "amber"
    assert str(project.finish_date) == "2026-12-18"


def test_stale_project_save_changes_nothing(client, project):
    client.force_login(project.manager)
    resp = client.post(
        _url(project),
        {
            "action": "project",
            "version": project.version + 3,
            "name": "Other",
            "health": "red",
        },
        follow=True,
    )
    assert "Changed by someone else" in resp.content.decode()
    project.refresh_from_db()
    assert project.name == "ERP roll-out"


def test_add_edit_remove_status(client, project):
    client.force_login(project.manager)
    client.post(
        _url(project),
        {
            "action": "status-add",
            "name": "Awaiting sign-off",
            "category": "in_progress",
            "wip_limit": "3",
        },
    )
    status = WorkflowStatus.objects.get(workflow__project=project, name="Awaiting sign-off")
    assert status.wip_limit == 3 and status.category == "in_progress"
    client.post(
        _url(project),
        {
            "action": "status-save",
            "status": status.pk,
            "name": "Reviewing",
            "category": "in_progress",
            "wip_limit": "",
            "position": status.position,
        },
    )
    status.refresh_from_db()
    assert status.name == "Reviewing" and status.wip_limit is None
    client.post(_url(project), {"action": "status-remove", "status": status.pk})
    assert not WorkflowStatus.objects.filter(pk=status.pk).exists()


def test_status_in_use_cannot_be_removed(client, project):
    item = item_create(project, "Task")
    client.force_login(project.manager)
    resp = client.post(
        _url(project), {"action": "status-remove", "status": item.status_id}, follow=True
    )
    assert "move them to another status first" in resp.content.decode()
    assert WorkflowStatus.objects.filter(pk=item.status_id).exists()


def test_add_and_remove_transition_with_roles(client, project):
    client.force_login(project.manager)
    statuses = list(WorkflowStatus.objects.filter(workflow__project=project).order_by("position"))
    first, last = statuses[0], statuses[-1]
    WorkflowTransition.objects.filter(from_status=first, to_status=last).delete()
    client.post(
        _url(project),
        {
            "action": "transition-add",
            "from_status": first.pk,
            "to_status": last.pk,
            "allowed_roles": ["project_manager", "qa_manager"],
        },
    )
    t = WorkflowTransition.objects.get(from_status=first, to_status=last)
    assert sorted(t.allowed_roles) == ["project_manager", "qa_manager"]
    html = client.get(_url(project)).content.decode()
    assert "QA manager" in html
    client.post(_url(project), {"action": "transition-remove", "transition": t.pk})
    assert not WorkflowTransition.objects.filter(pk=t.pk).exists()


def test_loop_transition_is_refused_with_message(client, project):
    client.force_login(project.manager)
    s = WorkflowStatus.objects.filter(workflow__project=project).first()
    resp = client.post(
        _url(project),
        {"action": "transition-add", "from_status": s.pk, "to_status": s.pk},
        follow=True,
    )
    assert "to itself" in resp.content.decode()
