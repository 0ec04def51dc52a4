"""Web pages of this app, mounted at the site root by keel.web.urls (keel-web namespace)."""

from django.urls import URLPattern, path

from keel.apps.resources import views

urlpatterns: list[URLPattern] = [
    path("resources/", views.pool, name="resources"),
    path("resources/skills/", views.skills_matrix, name="resource-skills"),
    path("resources/heatmap/", views.heatmap, name="resource-heatmap"),
    path("resources/levelling/", views.portfolio_levelling, name="resource-levelling"),
    path("resources/heatmap/<int:resource_id>/", views.heatmap_cell, name="resource-heatmap-cell"),
    path("resources/<int:resource_id>/", views.resource_detail, name="resource-detail"),
    path("p/<str:key>/resources/", views.project_resources, name="project-resources"),
    path(
        "p/<str:key>/items/<str:item_key>/assignments/",
        views.item_assignments,
        name="item-assignments",
    ),
]
