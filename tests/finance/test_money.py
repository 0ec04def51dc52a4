"""Budgets, budget changes, exchange rates, expenses with receipts, actual cost and EVM."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from keel.apps.finance import selectors, services
from keel.apps.finance.models import BudgetChange, BudgetLine, Expense
from keel.apps.work.services import baseline_capture
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db
MON = date(2025, 1, 6)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def test_budget_change_is_kept_with_its_reason(fin: dict[str, Any]) -> None:
    """Each change of a line is kept with old and new amounts and the reason."""
    services.budget_change(
        actor=fin["money"],
        project=fin["project"],
        category="labour",
        amount="8000",
        reason="Initial budget",
    )
    services.budget_change(
        actor=fin["money"],
        project=fin["project"],
        category="labour",
        amount="9000",
        reason="Scope added",
        item=None,
    )
    line = BudgetLine.objects.get()
    assert line.amount == Decimal(9000)
    changes = list(BudgetChange.objects.order_by("pk").values_list("old_amount", "new_amount"))
    assert changes == [(Decimal(0), Decimal(8000)), (Decimal(8000), Decimal(9000))]


def test_budget_change_without_reason_is_refused(fin: dict[str, Any]) -> None:
    """No reason, no change: nothing saved."""
    with pytest.raises(ValidationError, match="reason"):
        services.budget_change(
            actor=fin["money"], project=fin["project"], category="labour", amount="1", reason=""
        )
    assert not BudgetLine.objects.exists()
    assert not BudgetChange.objects.exists()


def test_budget_edit_needs_permission(fin: dict[str, Any]) -> None:
    """A coordinator may view the budget but not change it."""
    with pytest.raises(PermissionDenied):
        services.budget_change(
            actor=fin["coord"],
            project=fin["project"],
            category="labour",
            amount="1",
            reason="x",
        )


def test_expense_in_a_currency_without_rate_is_refused(fin: dict[str, Any]) -> None:
    """USD with no USD rate: refused with a message naming both currencies; nothing saved."""
    with pytest.raises(ValidationError, match="USD to CNY"):
        services.expense_create(
            actor=fin["dev"],
            project=fin["project"],
            category="material",
            amount="10",
            currency="USD",
            day=MON,
        )
    assert not Expense.objects.exists()


def test_expense_converted_at_the_rate_in_effect(fin: dict[str, Any]) -> None:
    """The rate effective on the expense's date converts it to the project currency."""
    p = fin["project"]
    services.exchange_rate_set(
        actor=fin["money"], project=p, currency="usd", rate="7.1", effective=date(2024, 12, 1)
    )
    services.exchange_rate_set(
        actor=fin["money"], project=p, currency="USD", rate="7.3", effective=date(2025, 1, 7)
    )
    early = services.expense_create(
        actor=fin["dev"], project=p, category="material", amount="100", currency="USD", day=MON
    )
    late = services.expense_create(
        actor=fin["dev"],
        project=p,
        category="material",
        amount="100",
        currency="USD",
        day=date(2025, 1, 8),
    )
    assert early.amount_project == Decimal("710.00")
    assert late.amount_project == Decimal("730.00")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("receipt.exe", b"MZ", "PDF, PNG or JPEG"),
        ("receipt.pdf", b"not a pdf", "not the kind of file"),
        ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "5 MB"),
    ],
)
def test_bad_receipts_are_refused(
    fin: dict[str, Any], name: str, content: bytes, message: str
) -> None:
    """Only PDF, PNG or JPEG files of at most 5 MB whose content matches their name."""
    with pytest.raises(ValidationError, match=message):
        services.expense_create(
            actor=fin["dev"],
            project=fin["project"],
            category="other",
            amount="5",
            currency="CNY",
            day=MON,
            receipt=SimpleUploadedFile(name, content),
        )
    assert not Expense.objects.exists()


def test_receipt_stored_under_a_generated_name(
    fin: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    """A good receipt is kept under MEDIA_ROOT with a generated name, not the uploaded one."""
    settings.MEDIA_ROOT = tmp_path
    expense = services.expense_create(
        actor=fin["dev"],
        project=fin["project"],
        category="other",
        amount="5",
        currency="CNY",
        day=MON,
        receipt=SimpleUploadedFile("../../evil name.png", PNG),
    )
    assert expense.receipt.name.startswith("receipts/")
    assert "evil" not in expense.receipt.name
    assert (tmp_path / expense.receipt.name).read_bytes() == PNG


def _approved_week(fin: dict[str, Any], hours: str = "8") -> None:
    entry = None
    for day in range(6, 11):
        entry = services.time_log(
            actor=fin["dev"], item=fin["a"], day=date(2025, 1, day), hours=hours
        )
    assert entry is not None
    services.timesheet_submit(actor=fin["dev"], timesheet=entry.timesheet)
    services.timesheet_approve(actor=fin["pm"], timesheet=entry.timesheet)


def test_actual_cost_is_approved_hours_times_rate_plus_approved_expenses(
    fin: dict[str, Any],
) -> None:
    """40 approved hours at 100 plus an approved 500 material expense; a pending expense and
    draft hours do not count."""
    p = fin["project"]
    _approved_week(fin)
    services.time_log(actor=fin["dev"], item=fin["b"], day=date(2025, 1, 13), hours="8")
    approved = services.expense_create(
        actor=fin["dev"], project=p, category="material", amount="500", currency="CNY", day=MON
    )
    services.expense_create(
        actor=fin["dev"], project=p, category="material", amount="77", currency="CNY", day=MON
    )
    services.expense_approve(actor=fin["money"], expense=approved)
    costs = selectors.actual_costs(p)
    assert costs.by_category["labour"] == Decimal(4000)
    assert costs.by_category["material"] == Decimal(500)
    assert costs.total == Decimal(4500)
    rows = {r.category: r for r in selectors.budget_vs_actual(p)}
    assert rows[""].actual == Decimal(4500)


def test_baseline_is_priced_and_evm_moves_when_timesheets_are_approved(
    fin: dict[str, Any],
) -> None:
    """The baseline prices each task at estimate x rate (40 h x 100); approving a week of
    hours raises AC, so CPI appears and EAC follows."""
    p = fin["project"]
    fin["a"].progress = 50
    fin["a"].save(update_fields=["progress"])
    baseline = baseline_capture(actor=fin["pm"], project=p, name="Plan")
    costs = {bi.item_id: bi.cost for bi in baseline.items.all()}
    assert costs[fin["a"].pk] == Decimal(4000)
    assert costs[fin["b"].pk] == Decimal(4000)
    status = date(2025, 1, 12)
    before = selectors.evm_for_project(p, status).total
    assert before.bac == Decimal(8000)
    assert before.ev == Decimal(2000)
    assert before.ac == 0
    assert before.cpi is None
    _approved_week(fin)
    after = selectors.evm_for_project(p, status).total
    assert after.ac == Decimal(4000)
    assert after.cpi == Decimal("0.5")
    assert after.eac_cpi == Decimal(16000)
    table = selectors.evm_table(p, status)
    assert table[0]["key"] == "FIN"
    assert {fin["phase"].key, fin["a"].key, fin["b"].key} <= {r["key"] for r in table}


def test_budget_lines_on_wbs_elements_price_their_tasks(fin: dict[str, Any]) -> None:
    """A labour line on the phase replaces rate pricing of its tasks (spread by estimated
    hours); a vendor line adds on top."""
    for category, amount in (("labour", "1000"), ("vendor", "200")):
        services.budget_change(
            actor=fin["money"],
            project=fin["project"],
            category=category,
            amount=amount,
            reason="Contract",
            item=fin["phase"],
        )
    prices = selectors.baseline_price(fin["project"])
    assert prices[fin["a"].pk] == Decimal(600)
    assert prices[fin["b"].pk] == Decimal(600)


def test_portfolio_rollup_sums_projects(fin: dict[str, Any]) -> None:
    """Several projects roll up under one root whose BAC is the sum."""
    baseline_capture(actor=fin["pm"], project=fin["project"], name="Plan")
    result = selectors.evm_for_projects([fin["project"]], date(2025, 1, 12))
    assert result.node("ALL").figures.bac == result.node("FIN").figures.bac == Decimal(8000)
