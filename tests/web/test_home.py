"""Sign-in and the signed-in start page."""

import pytest
from django.urls import reverse
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    """The start page asks for a sign-in first."""
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp["Location"].startswith(reverse("keel-web:login"))


def test_home_lists_only_my_projects_with_my_role(client, project, member_of):
    """A member sees the projects they belong to, with their role; never anyone else's."""
    other = ProjectFactory(key="SECRET", name="Secret merger")
    viewer = member_of(project, role="viewer")
    client.force_login(viewer)
    page = client.get("/").content.decode()
    assert "ERP roll-out" in page
    assert "Viewer" in page
    assert other.name not in page


def test_sign_in_and_out(client, django_user_model):
    """A user signs in with username and password, lands on the start page, and signs out."""
    django_user_model.objects.create_user("maria", password="s3cret-Passw0rd")
    resp = client.post(
        reverse("keel-web:login"), {"username": "maria", "password": "s3cret-Passw0rd"}
    )
    assert resp.status_code == 302 and resp["Location"] == reverse("keel-web:home")
    assert client.get("/").status_code == 200
    resp = client.post(reverse("keel-web:logout"))
    assert resp.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error(client, django_user_model):
    """A wrong password keeps the user on the sign-in page with a message."""
    django_user_model.objects.create_user("maria", password="s3cret-Passw0rd")
    resp = client.post(reverse("keel-web:login"), {"username": "maria", "password": "nope"})
    assert resp.status_code == 200
    assert "didn" in resp.content.decode()
