"""Web pages of this app, mounted at the site root by keel.web.urls (keel-web namespace)."""

from django.urls import URLPattern, path

from keel.apps.finance import views

urlpatterns: list[URLPattern] = [
    path("timesheet/", views.timesheet, name="timesheet"),
    path("timesheet/cell/", views.timesheet_cell, name="timesheet-cell"),
    path("timesheet/<int:sheet_id>/submit/", views.timesheet_submit, name="timesheet-submit"),
    path("timesheet/approvals/", views.approvals, name="timesheet-approvals"),
    path("timesheet/<int:sheet_id>/decide/", views.timesheet_decide, name="timesheet-decide"),
    path("items/<int:item_id>/log-time/", views.time_log, name="time-log"),
    path("portfolio/evm/", views.portfolio_evm, name="portfolio-evm"),
    path("p/<str:key>/cost/", views.cost, name="cost"),
    path("p/<str:key>/cost/budget/", views.budget_change, name="budget-change"),
    path("p/<str:key>/cost/exchange-rates/", views.exchange_rate_set, name="exchange-rate-set"),
    path("p/<str:key>/cost/expenses/", views.expense_create, name="expense-create"),
    path("p/<str:key>/cost/material/", views.material_use_record, name="material-use-record"),
    path(
        "p/<str:key>/cost/expenses/<int:expense_id>/receipt/",
        views.expense_receipt,
        name="expense-receipt",
    ),
    path(
        "p/<str:key>/cost/expenses/<int:expense_id>/decide/",
        views.expense_decide,
        name="expense-decide",
    ),
]
