"""Finance pages: my timesheet grid with HTMX save, approvals, the Cost tab, panels."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from tests.factories import UserFactory

from keel.apps.finance import services
from keel.apps.finance.models import TimeEntry
from keel.apps.work.services import baseline_capture

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_timesheet_grid_saves_a_cell_with_htmx(fin: dict[str, Any]) -> None:
    """My assigned items are rows; changing a cell saves it and re-renders the grid."""
    client = _client(fin["dev"])
    page = client.get("/timesheet/?week=2025-01-08")
    assert page.status_code == 200
    assert fin["a"].key in page.content.decode()
    r = client.post(
        "/timesheet/cell/",
        {"item": fin["a"].pk, "day": "2025-01-07", "hours": "6.5", "week": "2025-01-06"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert 'id="ts-grid"' in r.content.decode()
    assert TimeEntry.objects.get().hours == 6.5
    bad = client.post(
        "/timesheet/cell/",
        {"item": fin["b"].pk, "day": "2025-01-07", "hours": "20", "week": "2025-01-06"},
        HTTP_HX_REQUEST="true",
    )
    assert "24" in bad.content.decode()
    assert TimeEntry.objects.count() == 1


def test_submit_then_approve_in_the_browser_flow(fin: dict[str, Any]) -> None:
    """Submit from the timesheet page; the coordinator sees it on approvals and approves."""
    entry = services.time_log(actor=fin["dev"], item=fin["a"], day=date(2025, 1, 6), hours="8")
    _client(fin["dev"]).post(f"/timesheet/{entry.timesheet_id}/submit/")
    coord = _client(fin["coord"])
    page = coord.get("/timesheet/approvals/").content.decode()
    assert f"sheet-{entry.timesheet_id}" in page
    coord.post(f"/timesheet/{entry.timesheet_id}/decide/", {"decision": "approve"})
    entry.timesheet.refresh_from_db()
    assert entry.timesheet.status == "approved"


def test_cost_tab_shows_budget_evm_table_and_s_curve(fin: dict[str, Any]) -> None:
    """The Cost tab has budget vs actual by category, the EVM table and an SVG S-curve."""
    services.budget_change(
        actor=fin["money"],
        project=fin["project"],
        category="labour",
        amount="8000",
        reason="Initial",
    )
    baseline_capture(actor=fin["pm"], project=fin["project"], name="Plan")
    page = _client(fin["money"]).get("/p/FIN/cost/?status_date=2025-01-10")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'class="pv"' in html
    assert fin["phase"].key in html
    assert "8,000.00" in html or "8000.00" in html


def test_cost_tab_and_panel_need_budget_view(fin: dict[str, Any]) -> None:
    """A viewer gets 403 on the Cost tab and no EVM panel; an outsider gets 404."""
    assert _client(fin["viewer"]).get("/p/FIN/cost/").status_code == 403
    assert _client(UserFactory()).get("/p/FIN/cost/").status_code == 404
    assert "evm-overview" not in _client(fin["viewer"]).get("/p/FIN/").content.decode()
    assert "evm-overview" in _client(fin["money"]).get("/p/FIN/").content.decode()


def test_portfolio_panel_lists_only_budget_visible_projects(fin: dict[str, Any]) -> None:
    """The finance manager sees FIN's CPI/SPI on the portfolio; a viewer sees no panel."""
    assert "evm-portfolio" in _client(fin["money"]).get("/portfolio/").content.decode()
    assert "evm-portfolio" not in _client(fin["viewer"]).get("/portfolio/").content.decode()


def test_reminders_of_last_week_on_approvals_and_in_the_api(
    fin: dict[str, Any], monkeypatch: Any
) -> None:
    """On Monday 2025-01-13 the approvals page and GET …/timesheets/missing list who has not
    submitted for the week of 2025-01-06; once dev submits, only the coordinator is left."""
    from django.utils import timezone
    from tests.api.conftest import ApiClient

    monkeypatch.setattr(timezone, "localdate", lambda *a: date(2025, 1, 13))
    coord = _client(fin["coord"])
    html = coord.get("/timesheet/approvals/").content.decode()
    assert 'class="reminders"' in html and "FIN" in html
    api = ApiClient(coord)
    assert [u["username"] for u in api.get("projects/FIN/timesheets/missing").json()] == [
        "coord",
        "dev",
    ]
    entry = services.time_log(actor=fin["dev"], item=fin["a"], day=date(2025, 1, 8), hours="6")
    services.timesheet_submit(actor=fin["dev"], timesheet=entry.timesheet)
    assert [u["username"] for u in api.get("projects/FIN/timesheets/missing").json()] == ["coord"]
    assert ApiClient(_client(fin["dev"])).get("projects/FIN/timesheets/missing").status_code == 403
