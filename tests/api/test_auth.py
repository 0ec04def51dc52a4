"""Authentication: sessions with CSRF, personal access tokens, and the 401 for everyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from keel.apps.accounts.models import PersonalAccessToken
from keel.apps.accounts.services import token_create

pytestmark = pytest.mark.django_db


def test_anonymous_request_gets_401_in_error_format(anon, error_of):
    """A caller with neither session nor token is told to authenticate, in the error format."""
    response = anon.get("me")
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "not_authenticated"
    assert "Bearer" in error["message"]


def test_session_user_reads_me(make_user, as_user, as_token, error_of, wrap):
    """A signed-in session sees its own account at /me."""
    ann = make_user("ann", display_name="Ann Lee")
    response = as_user(ann).get("me")
    assert response.status_code == 200
    assert response.json()["username"] == "ann"
    assert response.json()["display_name"] == "Ann Lee"


def test_session_write_without_csrf_token_is_refused(make_user, as_user, as_token, error_of, wrap):
    """A session-authenticated POST without the CSRF token is refused and stores nothing."""
    ann = make_user("ann")
    client = Client(enforce_csrf_checks=True)
    client.force_login(ann)
    response = wrap(client).post("me/tokens", {"name": "laptop"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    assert not PersonalAccessToken.objects.exists()


def test_session_write_with_csrf_token_succeeds(make_user, as_user, as_token, error_of, wrap):
    """Sending the csrftoken cookie's value as X-CSRFToken lets a session write."""
    ann = make_user("ann")
    client = Client(enforce_csrf_checks=True)
    client.force_login(ann)
    client.get("/api/v1/me")  # any page; the cookie is set below if missing
    from django.middleware.csrf import _get_new_csrf_string

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = wrap(client).post("me/tokens", {"name": "laptop"}, headers={"X-CSRFToken": secret})
    assert response.status_code == 201


def test_token_lifecycle_bearer_works_then_revoked_fails(
    make_user, as_user, as_token, error_of, wrap
):
    """A created token authenticates as its owner until revoked, then gets 401."""
    ann = make_user("ann")
    created = as_user(ann).post("me/tokens", {"name": "ci"})
    assert created.status_code == 201
    raw = created.json()["token"]
    bearer = as_token(raw)
    assert bearer.get("me").json()["username"] == "ann"
    # Token callers need no CSRF token for writes.
    assert bearer.post("me/tokens", {"name": "second"}).status_code == 201

    revoked = as_user(ann).delete(f"me/tokens/{created.json()['id']}")
    assert revoked.status_code == 204
    response = bearer.get("me")
    assert response.status_code == 401
    assert "revoked" in error_of(response)["message"]


def test_raw_token_is_never_shown_again(make_user, as_user, as_token, error_of, wrap):
    """After creation, listing tokens shows name and prefix but never the raw token."""
    ann = make_user("ann")
    raw = as_user(ann).post("me/tokens", {"name": "ci"}).json()["token"]
    listing = as_user(ann).get("me/tokens")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert raw not in listing.content.decode()
    assert "token" not in listing.json()["items"][0]
    assert raw.split("_")[1] == listing.json()["items"][0]["prefix"]


def test_bad_or_expired_token_gets_401_even_with_a_session(
    make_user, as_user, as_token, error_of, wrap
):
    """A wrong token is refused outright rather than falling back to the session."""
    ann = make_user("ann")
    _token, raw = token_create(user=ann, name="old")
    PersonalAccessToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client = Client()
    client.force_login(ann)
    for value in (raw, raw + "x", "nonsense"):
        response = wrap(client, {"Authorization": f"Bearer {value}"}).get("me")
        assert response.status_code == 401, value


def test_someone_elses_token_cannot_be_revoked(make_user, as_user, as_token, error_of, wrap):
    """Revoking another user's token is a 404 and leaves the token working."""
    ann, bob = make_user("ann"), make_user("bob")
    token, raw = token_create(user=ann, name="mine")
    response = as_user(bob).delete(f"me/tokens/{token.pk}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    assert as_token(raw).get("me").status_code == 200


def test_token_needs_a_name(make_user, as_user, as_token, error_of, wrap):
    """A token without a name is refused with a field-level 400."""
    ann = make_user("ann")
    response = as_user(ann).post("me/tokens", {"name": ""})
    assert response.status_code == 400
    assert "name" in error_of(response)["details"]["fields"]
    assert not PersonalAccessToken.objects.exists()
