"""Web pages of this app, mounted at the site root by keel.web.urls (keel-web namespace)."""

from django.urls import URLPattern, path

from keel.apps.interchange import views

urlpatterns: list[URLPattern] = [
    path("import/", views.import_start, name="import"),
    path("import/template.csv", views.import_template, name="import-template"),
    path("import/<str:upload_id>/", views.import_preview, name="import-preview"),
    path("p/<str:key>/data/", views.project_data, name="project-data"),
    path("p/<str:key>/export/<str:fmt>/", views.project_export, name="project-export"),
    path("me/calendar-feeds/", views.feeds, name="feeds"),
    path("me/calendar-feeds/<int:token_id>/revoke/", views.feed_revoke, name="feed-revoke"),
    # Read by calendar programs: the token is the only credential.
    path("feeds/<str:token>.ics", views.feed_all, name="feed-all"),
    path("feeds/<str:token>/<str:key>.ics", views.feed_project, name="feed-project"),
]
