"""Web pages of this app, mounted at the site root by keel.web.urls (keel-web namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
