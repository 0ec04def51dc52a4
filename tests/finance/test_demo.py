"""The demo's money: budgets, baselines, timesheets awaiting approval that move CPI/SPI."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from keel.apps.accounts.models import User
from keel.apps.finance import selectors, services
from keel.apps.finance.models import Expense, MaterialUse, Timesheet
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


def test_finance_manager_sees_the_portfolio_move(monkeypatch: Any) -> None:
    """Chen (finance manager) opens the portfolio EVM page from the portfolio page: budget
    against actual by category, CPI, SPI and EAC per program, per project and for the whole
    portfolio, and the S-curve; once ERP's waiting timesheets are approved, the portfolio's
    AC and labour actual rise, its CPI falls and its EAC moves, on the page and in the API."""
    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 11, 22))
    monkeypatch.setenv("KEEL_DEMO_PASSWORD", "demo-pass-2026")
    demo_load()
    chen = User.objects.get(username="chen")
    client = Client()
    client.force_login(chen)
    assert 'href="/portfolio/evm/' in client.get("/portfolio/").content.decode()
    url = "/portfolio/evm/?status_date=2026-11-22"
    first = client.get(url)
    html = first.content.decode()
    assert first.status_code == 200 and "<svg" in html and "portfolio-by-category" in html
    before = first.context["data"]
    keys = [line.key for line in before.lines if line.kind == "project"]
    assert set(keys) >= {"ERP", "DCM", "MBA"}
    assert any(line.kind == "program" for line in before.lines)
    assert before.total is not None and before.total.cpi is not None
    assert before.total.spi is not None and before.total.eac_cpi is not None
    for line in before.lines:
        if line.kind == "project" and line.key in {"ERP", "DCM", "MBA"}:
            assert line.figures.cpi is not None and line.figures.eac_cpi is not None
    labour = {r.category: r for r in before.by_category}["labour"]
    assert labour.budget > 0 and labour.actual > 0
    # Material use from the resource pool's cable counts in the material actual.
    used = MaterialUse.objects.filter(project__key__in=["ERP", "DCM", "MBA"])
    assert used.exists()
    material = {r.category: r for r in before.by_category}["material"]
    assert material.actual >= sum(u.cost for u in used)
    erp = Project.objects.get(key="ERP")
    for sheet in Timesheet.objects.filter(project=erp, status="submitted"):
        services.timesheet_approve(actor=erp.manager, timesheet=sheet)
    after = client.get(url).context["data"]
    assert after.total.ac > before.total.ac
    assert after.total.cpi < before.total.cpi
    assert after.total.eac_cpi != before.total.eac_cpi
    labour_after = {r.category: r for r in after.by_category}["labour"]
    assert labour_after.actual - labour.actual == after.total.ac - before.total.ac
    api = client.get(f"/api/v1/portfolios/{erp.portfolio_id}/evm?status_date=2026-11-22")
    assert api.status_code == 200
    assert api.json()["total"]["ac"] == str(after.total.ac)
