"""The Cost tab's forms: budget changes, exchange rates, expenses with receipts, downloads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.factories import ProjectFactory, UserFactory

from keel.apps.finance import services
from keel.apps.finance.models import Budget, BudgetChange, BudgetLine, ExchangeRate, Expense

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_budget_form_changes_a_wbs_line_with_its_reason(fin: dict[str, Any]) -> None:
    """The finance manager sets the phase's labour line; the change and reason show."""
    client = _client(fin["money"])
    r = client.post(
        "/p/FIN/cost/budget/",
        {
            "category": "labour",
            "item": fin["phase"].key,
            "amount": "8000",
            "reason": "Signed offer",
        },
    )
    assert r.status_code == 302
    line = BudgetLine.objects.get()
    assert (line.item, line.amount) == (fin["phase"], Decimal(8000))
    page = client.get("/p/FIN/cost/").content.decode()
    assert "Signed offer" in page and 'id="budget-form"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"category": "labour", "amount": "10", "reason": "  "}, "reason"),
        ({"category": "labour", "amount": "-5", "reason": "x"}, "negative"),
        ({"category": "labour", "amount": "ten", "reason": "x"}, "number"),
        ({"category": "labour", "amount": "5", "reason": "x", "item": "FIN-999"}, "FIN-999"),
    ],
)
def test_bad_budget_change_is_a_400_and_saves_nothing(
    fin: dict[str, Any], data: dict[str, str], message: str
) -> None:
    """No reason, a negative amount, not a number, an unknown WBS element: 400, nothing kept,
    the form keeps what was typed."""
    r = _client(fin["money"]).post("/p/FIN/cost/budget/", data)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="cost-error"' in html and message in html
    assert not BudgetLine.objects.exists() and not BudgetChange.objects.exists()


def test_budget_form_needs_budget_edit(fin: dict[str, Any]) -> None:
    """The coordinator sees the Cost tab without the form and may not post it; outsiders 404."""
    coord = _client(fin["coord"])
    assert 'id="budget-form"' not in coord.get("/p/FIN/cost/").content.decode()
    data = {"category": "labour", "amount": "5", "reason": "x"}
    assert coord.post("/p/FIN/cost/budget/", data).status_code == 403
    assert _client(UserFactory()).post("/p/FIN/cost/budget/", data).status_code == 404
    assert not BudgetLine.objects.exists()


def test_budget_set_up_from_the_page() -> None:
    """A project without a budget offers to set one up in a currency."""
    project = ProjectFactory(key="NEW")
    client = _client(project.manager)
    assert 'id="budget-setup"' in client.get("/p/NEW/cost/").content.decode()
    assert client.post("/p/NEW/cost/budget/", {"currency": "eur"}).status_code == 302
    assert Budget.objects.get(project=project).currency == "EUR"


def test_exchange_rate_then_expense_with_receipt(
    fin: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    """A USD rate is added; a USD expense with a PNG receipt is converted at it, listed with
    a receipt link, and the receipt downloads as an attachment."""
    settings.MEDIA_ROOT = tmp_path
    client = _client(fin["money"])
    r = client.post(
        "/p/FIN/cost/exchange-rates/",
        {"currency": "usd", "rate": "7.2", "effective": "2025-01-01"},
    )
    assert r.status_code == 302
    assert ExchangeRate.objects.get().currency == "USD"
    r = client.post(
        "/p/FIN/cost/expenses/",
        {
            "day": "2025-01-07",
            "category": "vendor",
            "amount": "100",
            "currency": "USD",
            "item": fin["a"].key,
            "description": "Licence",
            "receipt": SimpleUploadedFile("scan.png", PNG, content_type="image/png"),
        },
    )
    assert r.status_code == 302, r.content
    expense = Expense.objects.get()
    assert expense.amount_project == Decimal("720.00") and expense.item == fin["a"]
    assert not expense.receipt.name.endswith("scan.png")
    page = client.get("/p/FIN/cost/").content.decode()
    url = f"/p/FIN/cost/expenses/{expense.pk}/receipt/"
    assert url in page
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


@pytest.mark.parametrize(
    ("data", "receipt", "message"),
    [
        ({"currency": "USD"}, None, "No exchange rate from USD"),
        ({"amount": "-3"}, None, "above zero"),
        ({"day": "someday"}, None, "not a date"),
        ({}, ("bill.html", b"<script>alert(1)</script>"), "PDF, PNG or JPEG"),
        ({}, ("fake.pdf", b"MZ\x90\x00 not a pdf"), "not the kind of file"),
    ],
)
def test_bad_expense_is_a_400_and_saves_nothing(
    fin: dict[str, Any],
    settings: Any,
    tmp_path: Any,
    data: dict[str, str],
    receipt: tuple[str, bytes] | None,
    message: str,
) -> None:
    """A currency without a rate, a negative amount, a bad date, a disallowed or disguised
    receipt: 400 with the reason; no expense and no stored file."""
    settings.MEDIA_ROOT = tmp_path
    form: dict[str, Any] = {"day": "2025-01-07", "category": "material", "amount": "10"}
    form["currency"] = "CNY"
    form.update(data)
    if receipt is not None:
        form["receipt"] = SimpleUploadedFile(receipt[0], receipt[1])
    r = _client(fin["money"]).post("/p/FIN/cost/expenses/", form)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not Expense.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_oversized_receipt_is_refused(fin: dict[str, Any], settings: Any, tmp_path: Any) -> None:
    """A receipt over the size limit is refused before anything is stored."""
    settings.MEDIA_ROOT = tmp_path
    big = PNG + b"0" * services.MAX_RECEIPT_BYTES
    r = _client(fin["money"]).post(
        "/p/FIN/cost/expenses/",
        {
            "day": "2025-01-07",
            "category": "material",
            "amount": "10",
            "currency": "CNY",
            "receipt": SimpleUploadedFile("big.png", big, content_type="image/png"),
        },
    )
    assert r.status_code == 400 and "5 MB" in r.content.decode()
    assert not Expense.objects.exists()


def test_receipt_download_needs_budget_view_or_being_the_submitter(
    fin: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    """The member who recorded it and the finance manager may download; the viewer may not;
    an outsider gets 404, in the web and the API alike."""
    settings.MEDIA_ROOT = tmp_path
    expense = services.expense_create(
        actor=fin["dev"],
        project=fin["project"],
        category="material",
        amount="10",
        currency="CNY",
        day=date(2025, 1, 7),
        receipt=SimpleUploadedFile("r.png", PNG),
    )
    web = f"/p/FIN/cost/expenses/{expense.pk}/receipt/"
    api = f"/api/v1/projects/FIN/expenses/{expense.pk}/receipt"
    for url in (web, api):
        assert _client(fin["dev"]).get(url).status_code == 200
        assert _client(fin["money"]).get(url).status_code == 200
        assert _client(fin["viewer"]).get(url).status_code == 403
        assert _client(UserFactory()).get(url).status_code == 404


def test_expense_rejected_on_the_page_needs_a_reason(fin: dict[str, Any]) -> None:
    """The finance manager rejects a waiting expense with a reason shown next to it; without
    a reason it stays submitted."""
    expense = services.expense_create(
        actor=fin["dev"],
        project=fin["project"],
        category="other",
        amount="40",
        currency="CNY",
        day=date(2025, 1, 7),
    )
    client = _client(fin["money"])
    url = f"/p/FIN/cost/expenses/{expense.pk}/decide/"
    client.post(url, {"decision": "reject", "reason": " "})
    expense.refresh_from_db()
    assert expense.status == "submitted"
    client.post(url, {"decision": "reject", "reason": "Not a project cost"})
    expense.refresh_from_db()
    assert (expense.status, expense.reason) == ("rejected", "Not a project cost")
    assert "Not a project cost" in client.get("/p/FIN/cost/").content.decode()
