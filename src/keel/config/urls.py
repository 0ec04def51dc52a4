"""URL map: web pages at /, REST API at /api/v1/, Django admin at /admin/."""

from django.contrib import admin
from django.urls import include, path

from keel.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("keel.web.urls")),
]
