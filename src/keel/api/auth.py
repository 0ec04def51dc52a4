"""Who is calling: a personal access token (``Authorization: Bearer``) or a signed-in session.

A bearer token is tried first; a request that sends one that is unknown, expired or revoked is
refused with 401 rather than falling back to the session. Session callers must send the CSRF
token (``X-CSRFToken`` header) on unsafe methods, as Django forms do; token callers need not.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from keel.api.errors import ApiError

__all__ = ["AUTH", "SessionAuth", "TokenAuth"]


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal access token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from keel.apps.accounts.services import token_authenticate

        user = token_authenticate(token.strip()) if token.strip() else None
        if user is None:
            raise AuthenticationError(
                message="The bearer token is not valid: it is unknown, expired or revoked."
            )
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """Django's session cookie, with Django's CSRF check on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Anonymous callers get 401, not a CSRF failure: check CSRF only for a real session.
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ApiError(
                403,
                "csrf_failed",
                "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header.",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


AUTH = [TokenAuth(), SessionAuth()]
