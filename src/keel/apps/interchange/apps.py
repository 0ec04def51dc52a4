from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    name = "keel.apps.interchange"
    label = "interchange"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from keel.apps.interchange import views
        from keel.apps.projects.access import Permission
        from keel.web.panels import panel_register
        from keel.web.tabs import nav_register, tab_register

        tab_register("data", _("Import and export"), "project-data", Permission.DATA_EXPORT, 92)
        nav_register("feeds", _("Calendar feeds"), "feeds", 80)
        panel_register(
            "portfolio",
            "interchange",
            "interchange/_portfolio_panel.html",
            views.portfolio_context,
            None,
            90,
        )
