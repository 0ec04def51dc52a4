from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "keel.apps.resources"
    label = "resources"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Resources")

    def ready(self) -> None:
        from keel.apps.projects.access import Permission
        from keel.apps.resources import views
        from keel.web.panels import panel_register
        from keel.web.tabs import nav_register, tab_register

        nav_register("resources", _("Resources"), "resources", 40)
        tab_register("resources", _("Resources"), "project-resources", Permission.ITEM_VIEW, 50)
        panel_register(
            "item",
            "assignments",
            "resources/_item_panel.html",
            views.item_panel_context,
            Permission.ITEM_VIEW,
            40,
        )
