"""Timesheets: logging, the rules on hours, submit, approve and reject, rollups, reminders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from tests.factories import UserFactory

from keel.apps.finance import selectors, services
from keel.apps.finance.models import TimeEntry, Timesheet
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db
MON = date(2025, 1, 6)


def test_quick_log_uses_the_weeks_draft(fin: dict[str, Any]) -> None:
    """Logging time on an item creates the week's draft timesheet, then adds to it."""
    first = services.time_log(actor=fin["dev"], item=fin["a"], day=date(2025, 1, 8), hours="3")
    second = services.time_log(actor=fin["dev"], item=fin["b"], day=date(2025, 1, 9), hours="2")
    assert first.timesheet == second.timesheet
    assert first.timesheet.week_start == MON
    assert first.timesheet.status == "draft"


@pytest.mark.parametrize("hours", ["-1", "25", "abc"])
def test_bad_hours_are_refused(fin: dict[str, Any], hours: str) -> None:
    """Negative hours, more than 24 and non-numbers are refused and nothing is saved."""
    with pytest.raises(ValidationError):
        services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours=hours)
    assert not TimeEntry.objects.exists()
    assert not Timesheet.objects.exists()


def test_a_day_over_24_hours_across_entries_is_refused(fin: dict[str, Any]) -> None:
    """The hours of one day add up across items; past 24 the entry is refused."""
    services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="20")
    with pytest.raises(ValidationError, match="24"):
        services.time_log(actor=fin["dev"], item=fin["b"], day=MON, hours="5")
    assert TimeEntry.objects.count() == 1
    # The grid replaces a cell, so setting it to 24 is fine.
    services.time_set(actor=fin["dev"], item=fin["a"], day=MON, hours="24")
    assert TimeEntry.objects.get().hours == Decimal(24)


def test_submit_approve_then_locked(fin: dict[str, Any]) -> None:
    """An approved timesheet cannot be edited any more."""
    entry = services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="8")
    sheet = services.timesheet_submit(actor=fin["dev"], timesheet=entry.timesheet)
    assert sheet.status == "submitted"
    services.timesheet_approve(actor=fin["coord"], timesheet=sheet)
    with pytest.raises(ValidationError, match="approved"):
        services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="1")
    with pytest.raises(ValidationError):
        services.time_set(actor=fin["dev"], item=fin["a"], day=MON, hours="0")
    assert TimeEntry.objects.get().hours == Decimal(8)


def test_reject_needs_a_reason_and_reopens(fin: dict[str, Any]) -> None:
    """Rejecting without a reason is refused; with one the person can edit and resubmit."""
    entry = services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="8")
    sheet = services.timesheet_submit(actor=fin["dev"], timesheet=entry.timesheet)
    with pytest.raises(ValidationError, match="reason"):
        services.timesheet_reject(actor=fin["pm"], timesheet=sheet, reason="  ")
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    services.timesheet_reject(actor=fin["pm"], timesheet=sheet, reason="Wrong item")
    assert sheet.reason == "Wrong item"
    services.time_set(actor=fin["dev"], item=fin["b"], day=MON, hours="8")
    services.time_set(actor=fin["dev"], item=fin["a"], day=MON, hours="0")
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    services.timesheet_submit(actor=fin["dev"], timesheet=sheet)


def test_only_approvers_decide(fin: dict[str, Any]) -> None:
    """A team member or finance manager cannot approve timesheets; an outsider gets 404."""
    entry = services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="8")
    sheet = services.timesheet_submit(actor=fin["dev"], timesheet=entry.timesheet)
    with pytest.raises(PermissionDenied):
        services.timesheet_approve(actor=fin["money"], timesheet=sheet)
    with pytest.raises(Http404):
        services.timesheet_approve(actor=UserFactory(), timesheet=sheet)
    with pytest.raises(PermissionDenied):
        services.time_log(actor=fin["viewer"], item=fin["a"], day=MON, hours="1")


def test_work_rolls_up_to_summaries(fin: dict[str, Any]) -> None:
    """Actual and remaining work add up from tasks to their phase."""
    services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="10")
    services.time_log(actor=fin["dev"], item=fin["b"], day=MON, hours="5")
    rollup = selectors.work_rollup(fin["project"])
    assert rollup[fin["a"].pk] == (Decimal(10), Decimal(30))
    assert rollup[fin["b"].pk] == (Decimal(5), Decimal(35))
    assert rollup[fin["phase"].pk] == (Decimal(15), Decimal(65))
    # The item page's panel reads one item's subtree only, with the same result.
    for key in ("a", "b", "phase"):
        assert selectors.work_of_item(fin[key]) == rollup[fin[key].pk]
    from django.test import Client

    client = Client()
    client.force_login(fin["dev"])
    page = client.get(f"/p/FIN/items/{fin['phase'].number}/").content.decode()
    assert "<dd>15 h</dd>" in page and "<dd>65 h</dd>" in page


def test_reminders_list_who_has_not_submitted(fin: dict[str, Any]) -> None:
    """Members who log time and have not submitted last week are listed; submitters are not."""
    assert [u.username for u in selectors.timesheets_missing(fin["project"], MON)] == [
        "coord",
        "dev",
    ]
    entry = services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="8")
    services.timesheet_submit(actor=fin["dev"], timesheet=entry.timesheet)
    assert [u.username for u in selectors.timesheets_missing(fin["project"], MON)] == ["coord"]


def test_timesheet_rows_for_export(fin: dict[str, Any]) -> None:
    """Every entry becomes one row with person, item key, day and hours."""
    services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="8", note="setup")
    rows = selectors.timesheet_rows(fin["project"])
    assert rows == [
        {
            "person": "dev",
            "week_start": MON,
            "status": "draft",
            "item": fin["a"].key,
            "title": "Build",
            "day": MON,
            "hours": Decimal(8),
            "note": "setup",
        }
    ]


def test_work_rolls_up_to_the_project_over_the_api(fin: dict[str, Any]) -> None:
    """GET /projects/{key}/work: each item, its summary, and the project's totals; rejected
    hours do not count; a viewer may read it, an outsider gets 404."""
    from django.test import Client
    from tests.api.conftest import ApiClient

    services.time_log(actor=fin["dev"], item=fin["a"], day=MON, hours="10")
    entry = services.time_log(actor=fin["dev"], item=fin["b"], day=date(2025, 1, 13), hours="6")
    sheet = services.timesheet_submit(actor=fin["dev"], timesheet=entry.timesheet)
    services.timesheet_reject(actor=fin["pm"], timesheet=sheet, reason="Wrong week")

    def api(user: Any) -> Any:
        client = Client()
        client.force_login(user)
        return ApiClient(client)

    body = api(fin["viewer"]).get("projects/FIN/work").json()
    items = {row["key"]: row for row in body["items"]}
    assert (items[fin["a"].key]["actual_hours"], items[fin["a"].key]["remaining_hours"]) == (
        "10.00",
        "30.00",
    )
    phase = items[fin["phase"].key]
    assert (phase["actual_hours"], phase["remaining_hours"]) == ("10.00", "70.00")
    assert (body["actual_hours"], body["remaining_hours"]) == ("10.00", "70.00")
    page = Client()
    page.force_login(fin["money"])
    html = page.get("/p/FIN/cost/").content.decode()
    assert 'id="work-remaining">70 h' in html
    assert api(UserFactory()).get("projects/FIN/work").status_code == 404
