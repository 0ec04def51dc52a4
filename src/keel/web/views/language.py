"""The language switcher for signed-in users: the choice is saved on the user."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST


@login_required
@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("keel-web:home")
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Keel does not speak “%(code)s” yet.") % {"code": language})
        return HttpResponseRedirect(next_url)
    request.user.language = language
    request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(next_url)
    # The cookie keeps the choice on this browser after signing out too.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
