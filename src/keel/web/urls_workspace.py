"""Web pages, included by keel.web.urls (names in the keel-web namespace)."""

from django.urls import URLPattern, path

from keel.web.views import create, item, members, plan, settings

ITEM = "p/<str:key>/items/<str:item_key>/"

urlpatterns: list[URLPattern] = [
    path("projects/new/", create.project_new, name="project-create"),
    path("p/<str:key>/plan/", plan.plan, name="project-plan"),
    path("p/<str:key>/plan/add/", plan.plan_add, name="plan-add"),
    path("p/<str:key>/plan/<str:item_key>/", plan.plan_row, name="plan-row"),
    path("p/<str:key>/plan/<str:item_key>/edit/", plan.plan_row_edit, name="plan-row-edit"),
    path("p/<str:key>/plan/<str:item_key>/move/", plan.plan_move, name="plan-move"),
    path(
        "p/<str:key>/plan/<str:item_key>/<str:action>/",
        plan.plan_structure,
        name="plan-structure",
    ),
    path(ITEM, item.item_detail, name="item-detail"),
    path(f"{ITEM}comments/", item.item_comment, name="item-comment"),
    path(f"{ITEM}dependencies/", item.item_dependency_add, name="item-dependency-add"),
    path(
        f"{ITEM}dependencies/<int:dependency_id>/delete/",
        item.item_dependency_remove,
        name="item-dependency-remove",
    ),
    path("p/<str:key>/members/", members.members, name="project-members"),
    path("p/<str:key>/members/add/", members.member_add, name="member-add"),
    path(
        "p/<str:key>/members/<int:membership_id>/",
        members.member_change,
        name="member-change",
    ),
    path("p/<str:key>/settings/", settings.project_settings, name="project-settings"),
]
