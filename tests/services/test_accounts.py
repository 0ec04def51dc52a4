"""Accounts: creating users and the first admin, personal access tokens, teams."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from tests.factories import UserFactory

from keel.apps.accounts.models import PersonalAccessToken, TeamMembership, User
from keel.apps.accounts.services import (
    admin_ensure,
    team_create,
    team_member_add,
    team_member_remove,
    token_authenticate,
    token_create,
    token_revoke,
    user_create,
)
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db


def test_user_create_stores_a_usable_password_and_admin_flags():
    """A created user can sign in with the password; --admin makes a staff superuser."""
    ann = user_create(username="ann", password="Tr1cky-horse-battery", display_name="Ann")
    root = user_create(username="root", password="Tr1cky-horse-battery", is_admin=True)
    assert ann.check_password("Tr1cky-horse-battery")
    assert str(ann) == "Ann"
    assert not ann.is_superuser
    assert root.is_superuser and root.is_staff


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short", "too short"), ("password123", "too common"), ("83749201938", "entirely numeric")],
)
def test_user_create_rejects_weak_passwords_and_saves_nothing(password, fragment):
    """Django's password validators run; the error says why and no user is stored."""
    with pytest.raises(DjangoValidationError) as exc:
        user_create(username="bob", password=password)
    assert any(fragment in m for m in exc.value.messages)
    assert not User.objects.filter(username="bob").exists()


def test_user_create_refuses_a_taken_username():
    """A second account with the same username is refused with a clear message."""
    user_create(username="ann", password="Tr1cky-horse-battery")
    with pytest.raises(DjangoValidationError) as exc:
        user_create(username="ann", password="Tr1cky-horse-battery")
    assert any("already exists" in m for m in exc.value.messages)
    assert User.objects.filter(username="ann").count() == 1


def test_admin_ensure_generates_a_strong_password_once():
    """With no superuser, `admin` is created with a generated password that works; later calls
    leave it alone and reveal nothing."""
    created, username, password = admin_ensure(password=None)
    assert (created, username) == (True, "admin")
    assert password and len(password) >= 20
    assert User.objects.get(username="admin").check_password(password)
    assert admin_ensure(password=None) == (False, "admin", None)
    assert User.objects.filter(is_superuser=True).count() == 1


def test_admin_ensure_uses_the_given_password():
    """A password from the environment is used and not echoed back."""
    created, username, password = admin_ensure(password="Given-pass-2026!")
    assert (created, username, password) == (True, "admin", None)
    assert User.objects.get(username="admin").check_password("Given-pass-2026!")


def test_admin_ensure_does_nothing_when_a_superuser_exists():
    """An existing superuser (any name) means no new admin account."""
    UserFactory(username="boss", is_superuser=True)
    assert admin_ensure(password=None) == (False, "boss", None)
    assert not User.objects.filter(username="admin").exists()


def test_token_authenticates_its_user_and_only_the_hash_is_stored(user):
    """The raw token signs its owner in; the database keeps only its SHA-256."""
    token, raw = token_create(user=user, name="laptop")
    assert raw.startswith(f"keel_{token.prefix}_")
    stored = PersonalAccessToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.token_hash, stored.prefix, stored.name}
    assert stored.last_used_at is None
    assert token_authenticate(raw) == user
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.parametrize("tamper", ["", "keel_", "nonsense", "secret-changed", "other-prefix"])
def test_wrong_tokens_authenticate_nobody(user, tamper):
    """Garbage, truncated or altered tokens are refused."""
    token, raw = token_create(user=user, name="laptop")
    bad = {
        "secret-changed": raw[:-1] + ("A" if raw[-1] != "A" else "B"),
        "other-prefix": raw.replace(
            token.prefix, "ffffffff" if token.prefix != "ffffffff" else "0"
        ),
    }.get(tamper, tamper)
    assert token_authenticate(bad) is None


def test_revoked_and_expired_tokens_stop_working(user):
    """After revocation, or once past its expiry, a token authenticates nobody."""
    token, raw = token_create(user=user, name="ci")
    token_revoke(actor=user, token=token)
    assert token_authenticate(raw) is None
    soon, raw2 = token_create(
        user=user, name="short", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert token_authenticate(raw2) == user
    PersonalAccessToken.objects.filter(pk=soon.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert token_authenticate(raw2) is None


def test_inactive_users_token_is_refused(user):
    """Deactivating an account stops its tokens too."""
    _token, raw = token_create(user=user, name="ci")
    user.is_active = False
    user.save()
    assert token_authenticate(raw) is None


def test_token_needs_a_name_and_a_future_expiry(user):
    """A nameless token or one already expired is refused and nothing is stored."""
    with pytest.raises(ValidationError, match="name"):
        token_create(user=user, name="  ")
    with pytest.raises(ValidationError, match="future"):
        token_create(user=user, name="old", expires_at=timezone.now() - timedelta(days=1))
    assert not PersonalAccessToken.objects.exists()


def test_only_the_owner_or_a_superuser_revokes_a_token(user):
    """Someone else's token looks missing (404) and stays valid."""
    token, raw = token_create(user=user, name="ci")
    with pytest.raises(Http404):
        token_revoke(actor=UserFactory(), token=token)
    assert token_authenticate(raw) == user
    token_revoke(actor=UserFactory(is_superuser=True), token=token)
    assert token_authenticate(raw) is None


def test_teams_are_managed_by_admins_and_leads(user):
    """Staff create teams; a team lead adds and removes members; others are refused."""
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        team_create(actor=user, name="Platform")
    team = team_create(actor=staff, name="Platform team")
    assert team.slug == "platform-team"
    lead, dev = UserFactory(), UserFactory()
    team_member_add(actor=staff, team=team, user=lead, role="lead")
    team_member_add(actor=lead, team=team, user=dev)
    with pytest.raises(PermissionDenied):
        team_member_remove(actor=dev, team=team, user=lead)
    with pytest.raises(ValidationError, match="team role"):
        team_member_add(actor=lead, team=team, user=user, role="boss")
    team_member_remove(actor=lead, team=team, user=dev)
    assert list(TeamMembership.objects.values_list("user__username", "role")) == [
        (lead.username, "lead")
    ]
