"""Per-user language: a signed-in user's saved choice wins over the browser's Accept-Language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

__all__ = ["UserLanguageMiddleware"]


class UserLanguageMiddleware:
    """Activate ``User.language`` for signed-in users; runs after AuthenticationMiddleware.

    Anonymous visitors, and users who never picked a language, keep what LocaleMiddleware chose
    from the ``django_language`` cookie or Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language in self.known:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
