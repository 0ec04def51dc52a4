from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "keel.apps.finance"
    label = "finance"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Time and money")

    def ready(self) -> None:
        from keel.apps.finance import panels, selectors
        from keel.apps.projects.access import Permission
        from keel.apps.work.baselines import BASELINE_PRICERS
        from keel.web.panels import panel_register
        from keel.web.tabs import nav_register, tab_register

        if selectors.baseline_price not in BASELINE_PRICERS:
            BASELINE_PRICERS.append(selectors.baseline_price)
        nav_register("timesheet", _("Timesheet"), "timesheet", 40)
        tab_register("cost", _("Cost"), "cost", Permission.BUDGET_VIEW, 60)
        panel_register(
            "overview",
            "finance-evm",
            "finance/_overview_panel.html",
            panels.overview_context,
            Permission.BUDGET_VIEW,
            60,
        )
        panel_register(
            "portfolio",
            "finance-evm",
            "finance/_portfolio_panel.html",
            panels.portfolio_context,
            None,
            60,
        )
        panel_register(
            "item", "finance-time", "finance/_item_panel.html", panels.item_context, None, 60
        )
