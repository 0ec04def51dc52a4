"""Web pages of this app, mounted at the site root by keel.web.urls (keel-web namespace)."""

from django.urls import URLPattern, path

from keel.apps.risk import views

urlpatterns: list[URLPattern] = [
    path("p/<str:key>/risks/", views.risks, name="risks"),
    path("p/<str:key>/risks/new/", views.risk_create, name="risk-create"),
    path("p/<str:key>/risks/simulation/", views.simulation, name="risk-simulation"),
    path(
        "p/<str:key>/risks/simulation/<int:run_id>/",
        views.simulation_run,
        name="risk-simulation-run",
    ),
    path("p/<str:key>/risks/<str:risk_key>/", views.risk_detail, name="risk-detail"),
    path("p/<str:key>/raid/", views.raid, name="raid"),
    path("p/<str:key>/changes/", views.changes, name="changes"),
]
