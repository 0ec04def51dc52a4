from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "keel.apps.risk"
    label = "risk"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Risk and change control")

    def ready(self) -> None:
        from keel.apps.projects.access import Permission
        from keel.apps.risk import panels
        from keel.web.panels import panel_register
        from keel.web.tabs import tab_register

        tab_register("risks", _("Risks"), "risks", Permission.RISK_VIEW, 70)
        tab_register("raid", _("RAID log"), "raid", Permission.RISK_VIEW, 72)
        tab_register("changes", _("Changes"), "changes", Permission.PROJECT_VIEW, 75)
        panel_register(
            "overview",
            "risks",
            "risk/_overview_panel.html",
            panels.overview_context,
            Permission.RISK_VIEW,
            70,
        )
        panel_register(
            "portfolio", "risks", "risk/_portfolio_panel.html", panels.portfolio_context, None, 70
        )
