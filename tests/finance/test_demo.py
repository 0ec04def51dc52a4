"""The demo's money: budgets, baselines, timesheets awaiting approval that move CPI/SPI."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from keel.apps.accounts.models import User
from keel.apps.finance import selectors, services
from keel.apps.finance.models import Expense, Timesheet
from keel.apps.projects.demo import demo_load
from keel.apps.projects.models import Project

pytestmark = pytest.mark.django_db


def test_finance_manager_watches_cpi_move_when_approving(monkeypatch: Any) -> None:
    """Each demo project has a budget by category, a priced baseline, approved and waiting
    timesheets and expenses in CNY and USD; approving ERP's waiting timesheets raises AC
    and changes CPI, as the finance manager sees on the portfolio page."""
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 11, 22))
    monkeypatch.setenv("KEEL_DEMO_PASSWORD", "demo-pass-2026")
    demo_load()
    for project in Project.objects.filter(key__in=["ERP", "DCM", "MBA"]):
        budget = selectors.budget_vs_actual(project)
        assert budget[-1].budget > 0
        assert project.baselines.get(is_current=True).items.filter(cost__gt=0).exists()
    erp = Project.objects.get(key="ERP")
    assert Timesheet.objects.filter(project=erp, status="approved").exists()
    waiting = list(Timesheet.objects.filter(project=erp, status="submitted"))
    assert waiting
    assert set(Expense.objects.values_list("currency", flat=True)) == {"CNY", "USD"}
    status = date(2026, 11, 22)
    before = selectors.evm_for_project(erp, status).total
    assert before.cpi is not None and before.spi is not None and before.eac_cpi is not None
    chen = User.objects.get(username="chen")
    approver = erp.manager
    for sheet in waiting:
        services.timesheet_approve(actor=approver, timesheet=sheet)
    after = selectors.evm_for_project(erp, status).total
    assert after.ac > before.ac
    assert after.cpi < before.cpi
    client = Client()
    client.force_login(chen)
    page = client.get("/portfolio/").content.decode()
    assert "evm-portfolio" in page and "ERP" in page
    assert client.get("/p/ERP/cost/").status_code == 200
