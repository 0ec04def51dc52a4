"""Writes for users, teams and personal access tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from keel.apps.accounts.models import (
    PersonalAccessToken,
    Team,
    TeamMembership,
    TeamRole,
    User,
)
from keel.domain.errors import ValidationError

__all__ = [
    "admin_ensure",
    "secret_hash",
    "team_create",
    "team_member_add",
    "team_member_remove",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "user_create",
]

TOKEN_PREFIX = "keel_"  # noqa: S105 - a public marker, not a secret
_PREFIX_LEN = 8
ADMIN_USERNAME = "admin"


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str = "",
    password: str,
    display_name: str = "",
    is_admin: bool = False,
) -> User:
    """Create a user after Django's username and password checks.

    Raises
    ------
    django.core.exceptions.ValidationError
        With every message, e.g. a taken username or a password that is too short.
    """
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        is_staff=is_admin,
        is_superuser=is_admin,
    )
    errors: list[str] = []
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as exc:
        errors.extend(exc.messages)
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise DjangoValidationError(errors)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def admin_ensure(*, password: str | None) -> tuple[bool, str, str | None]:
    """Create the superuser ``admin`` unless a superuser exists already.

    Returns
    -------
    tuple
        ``(created, username, generated_password)``; the password is returned only when Keel
        generated it (``password`` was None), so the caller can show it once.
    """
    existing = User.objects.filter(is_superuser=True).order_by("pk").first()
    if existing is not None:
        return False, existing.username, None
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(18)
    username = ADMIN_USERNAME
    if User.objects.filter(username=username).exists():
        username = "keel-admin"
    user_create(username=username, password=password, display_name="Administrator", is_admin=True)
    return True, username, generated


def secret_hash(raw: str) -> str:
    """The SHA-256 of a token secret, the only form in which tokens are stored."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[PersonalAccessToken, str]:
    """Create a personal access token; return it with the raw token, which is never stored.

    The raw token looks like ``keel_<prefix>_<secret>``; the prefix finds the row, the SHA-256
    of the whole token proves it.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError("A token needs a name to recognise it by.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("A token's expiry must lie in the future.")
    while True:
        prefix = secrets.token_hex(_PREFIX_LEN // 2)
        if not PersonalAccessToken.objects.filter(prefix=prefix).exists():
            break
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        token_hash=secret_hash(raw),
        expires_at=expires_at,
    )
    return token, raw


def token_authenticate(raw: str) -> User | None:
    """The active user a raw token belongs to, or None (unknown, revoked, expired, inactive)."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    rest = raw[len(TOKEN_PREFIX) :]
    prefix, sep, _secret = rest.partition("_")
    if not sep or len(prefix) != _PREFIX_LEN:
        return None
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, secret_hash(raw)):
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if not token.user.is_active:
        return None
    PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, actor: User, token: PersonalAccessToken) -> PersonalAccessToken:
    """Revoke a token; only its owner or a superuser may (others get Http404)."""
    if not (actor.is_superuser or token.user_id == actor.pk):
        raise Http404("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _require_team_manager(actor: User, team: Team | None = None) -> None:
    if actor.is_staff or actor.is_superuser:
        return
    if (
        team is not None
        and TeamMembership.objects.filter(team=team, user=actor, role=TeamRole.LEAD).exists()
    ):
        return
    raise PermissionDenied("Only administrators and team leads may change a team.")


@transaction.atomic
def team_create(*, actor: User, name: str, slug: str = "", description: str = "") -> Team:
    """Create a team (administrators only)."""
    _require_team_manager(actor)
    team = Team(name=name, slug=slug or slugify(name)[:80], description=description)
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_member_add(
    *, actor: User, team: Team, user: User, role: str = TeamRole.MEMBER
) -> TeamMembership:
    """Add ``user`` to ``team`` or change their team role (administrators and team leads)."""
    _require_team_manager(actor, team)
    if role not in TeamRole.values:
        raise ValidationError(
            f"Unknown team role {role!r}; use one of: {', '.join(TeamRole.values)}."
        )
    membership, _created = TeamMembership.objects.update_or_create(
        team=team, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def team_member_remove(*, actor: User, team: Team, user: User) -> None:
    """Take ``user`` out of ``team`` (administrators and team leads)."""
    _require_team_manager(actor, team)
    deleted, _ = TeamMembership.objects.filter(team=team, user=user).delete()
    if not deleted:
        raise ValidationError(f"{user.username} is not in team {team.name}.")
