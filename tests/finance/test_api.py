"""Finance over the API: log and approve time, budget changes, expenses with receipts, EVM."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from keel.apps.finance.models import Expense
from keel.apps.work.services import baseline_capture

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


@pytest.fixture
def api_as(fin: dict[str, Any]) -> Any:
    def make(name: str) -> Any:
        from tests.api.conftest import ApiClient

        client = Client()
        client.force_login(fin[name])
        return ApiClient(client)

    return make


def test_log_submit_approve_moves_actual_cost(fin: dict[str, Any], api_as: Any) -> None:
    """A member logs and submits; the coordinator approves; the EVM's AC rises by 8 h x 100."""
    dev, coord, money = api_as("dev"), api_as("coord"), api_as("money")
    key = fin["a"].key
    r = dev.post(f"projects/FIN/items/{key}/time", {"day": "2025-01-06", "hours": "8"})
    assert r.status_code == 201, r.content
    sheet = r.json()
    assert sheet["status"] == "draft" and sheet["total_hours"] == "8.00"
    r = dev.post("me/timesheets/submit", {"week": "2025-01-08"})
    assert [s["status"] for s in r.json()] == ["submitted"]
    before = money.get("projects/FIN/evm?status_date=2025-01-12").json()["total"]["ac"]
    r = coord.post(f"projects/FIN/timesheets/{sheet['id']}/approve")
    assert r.json()["status"] == "approved"
    after = money.get("projects/FIN/evm?status_date=2025-01-12").json()
    assert (before, after["total"]["ac"]) == ("0.00", "800.00")
    assert after["series"] and after["nodes"][0]["key"] == "FIN"
    # Locked now: changing the approved day is a 400 in the error format.
    r = dev.put(f"projects/FIN/items/{key}/time", {"day": "2025-01-06", "hours": "1"})
    assert r.status_code == 400
    assert "approved" in r.json()["error"]["message"]


def test_bad_input_is_a_clear_400(fin: dict[str, Any], api_as: Any) -> None:
    """Negative hours, a budget change without a reason, an expense without a rate: 400s."""
    dev, money = api_as("dev"), api_as("money")
    r = dev.post(f"projects/FIN/items/{fin['a'].key}/time", {"day": "2025-01-06", "hours": "-2"})
    assert r.status_code == 400
    # A day over 24 hours, across two items: the second entry is refused, the first kept.
    r = dev.post(f"projects/FIN/items/{fin['a'].key}/time", {"day": "2025-01-07", "hours": "20"})
    assert r.status_code == 201
    r = dev.post(f"projects/FIN/items/{fin['b'].key}/time", {"day": "2025-01-07", "hours": "5"})
    assert r.status_code == 400 and "24" in r.json()["error"]["message"]
    assert [e["hours"] for e in dev.get("me/timesheets?week=2025-01-07").json()[0]["entries"]] == [
        "20.00"
    ]
    r = money.post(
        "projects/FIN/budget/changes", {"category": "labour", "amount": "5", "reason": " "}
    )
    assert r.status_code == 400 and "reason" in r.json()["error"]["message"]
    r = dev.post(
        "projects/FIN/expenses",
        {"category": "material", "amount": "9", "currency": "USD", "day": "2025-01-06"},
    )
    assert r.status_code == 400 and "USD" in r.json()["error"]["message"]
    assert not Expense.objects.exists()


def test_expense_with_receipt_multipart(fin: dict[str, Any], settings: Any, tmp_path: Any) -> None:
    """A multipart expense with a PNG receipt is stored and converted at the USD rate."""
    settings.MEDIA_ROOT = tmp_path
    from keel.apps.finance import services

    services.exchange_rate_set(
        actor=fin["money"],
        project=fin["project"],
        currency="USD",
        rate="7.2",
        effective=date(2025, 1, 1),
    )
    client = Client()
    client.force_login(fin["dev"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("r.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    r = client.post(
        f"{V1}/projects/FIN/expenses",
        {
            "category": "vendor",
            "amount": "100",
            "currency": "USD",
            "day": "2025-01-07",
            "receipt": png,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["amount_project"] == "720.00" and body["has_receipt"] is True


def test_budget_and_portfolio_evm(fin: dict[str, Any], api_as: Any) -> None:
    """The budget shows lines and categories; the portfolio EVM lists the project and a
    total; a viewer cannot read the budget."""
    money = api_as("money")
    r = money.post(
        "projects/FIN/budget/changes",
        {"category": "labour", "amount": "8000", "reason": "Initial", "item": fin["phase"].key},
    )
    assert r.status_code == 201 and r.json()["item"] == fin["phase"].key
    budget = money.get("projects/FIN/budget").json()
    assert budget["total_budget"] == "8000.00" and budget["currency"] == "CNY"
    baseline_capture(actor=fin["pm"], project=fin["project"], name="Plan")
    pid = fin["project"].portfolio_id
    body = money.get(f"portfolios/{pid}/evm?status_date=2025-01-10").json()
    assert [p["key"] for p in body["projects"]] == ["FIN"]
    assert body["total"]["bac"] == body["projects"][0]["figures"]["bac"] == "8000.00"
    assert api_as("viewer").get("projects/FIN/budget").status_code == 403
