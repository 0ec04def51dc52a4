"""The Members tab: list with roles; managers add, change roles and remove."""

import pytest
from django.urls import reverse
from tests.factories import UserFactory

from keel.apps.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


def _url(project, name="project-members", *extra):
    return reverse(f"keel-web:{name}", args=[project.key, *extra])


def test_outsider_gets_404(client, project, user):
    client.force_login(user)
    assert client.get(_url(project)).status_code == 404
    assert client.post(_url(project, "member-add"), {"username": user.username}).status_code == 404
    assert not ProjectMembership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "role,manage", [("project_manager", True), ("member", False), ("viewer", False)]
)
def test_list_per_role(client, project, member_of, role, manage):
    person = member_of(project, role=role)
    client.force_login(person)
    html = client.get(_url(project)).content.decode()
    assert person.username in html and project.manager.username in html
    assert ("Add a member" in html) == manage
    assert ('name="remove"' in html) == manage


def test_consultant_without_member_view_is_refused(client, project, member_of):
    client.force_login(member_of(project, role="external_consultant"))
    assert client.get(_url(project)).status_code == 403


def test_search_add_change_role_and_remove(client, project):
    UserFactory(username="zhang.wei", first_name="Wei", last_name="Zhang")
    client.force_login(project.manager)
    html = client.get(
        _url(project),
        {"q": "zhang"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="member-search-results",
    ).content.decode()
    assert "zhang.wei" in html and "<html" not in html
    client.post(_url(project, "member-add"), {"username": "zhang.wei", "role": "tech_lead"})
    membership = ProjectMembership.objects.get(project=project, user__username="zhang.wei")
    assert membership.role == "tech_lead"
    client.post(_url(project, "member-change", membership.pk), {"role": "viewer"})
    membership.refresh_from_db()
    assert membership.role == "viewer"
    client.post(_url(project, "member-change", membership.pk), {"remove": "1"})
    assert not ProjectMembership.objects.filter(pk=membership.pk).exists()


def test_last_manager_cannot_be_removed_and_message_shown(client, project):
    client.force_login(project.manager)
    membership = ProjectMembership.objects.get(project=project, user=project.manager)
    resp = client.post(_url(project, "member-change", membership.pk), {"remove": "1"}, follow=True)
    assert "last project manager" in resp.content.decode()
    assert ProjectMembership.objects.filter(pk=membership.pk).exists()


def test_member_cannot_manage(client, project, member_of):
    person = member_of(project, role="member")
    other = UserFactory()
    client.force_login(person)
    assert client.post(_url(project, "member-add"), {"username": other.username}).status_code == 403
    assert not ProjectMembership.objects.filter(user=other).exists()
