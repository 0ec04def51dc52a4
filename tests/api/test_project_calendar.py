"""A project's calendar through the API: GET/PUT /projects/{key}/calendar."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import ProjectFactory, UserFactory, item_create

from keel.apps.work.models import ProjectCalendar, WorkItem

pytestmark = pytest.mark.django_db

CN_BODY = {
    "version": 0,
    "country": "cn",
    "workdays": "12345",
    "hours": [["09:00", "12:00"], ["13:00", "18:00"]],
    "exceptions": [
        {"start": "2026-12-24", "finish": "2026-12-25", "name": "Office move"},
        {"start": "2026-12-26", "working": True, "name": "Move weekend"},
    ],
}


@pytest.fixture
def erp(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(key="ERP", methodology="kanban", start_date=date(2026, 9, 14))
    return project


def test_a_new_project_reads_as_the_standard_calendar(erp, as_user):
    response = as_user(erp.manager).get("projects/ERP/calendar")
    assert response.status_code == 200
    body = response.json()
    assert body["standard"] is True and body["version"] == 0
    assert body["hours"] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert response["ETag"] == '"0"'


def test_put_stores_the_calendar_and_reschedules(erp, as_user, django_capture_on_commit_callbacks):
    """After the PUT the project is on the CN calendar: a 5-day task from 30 September 2026
    runs over National Day (1-7 October off) and the 调休 Saturday 10 October, ending on
    Monday 12 October (see tests/services/test_project_calendar.py for the count)."""
    with django_capture_on_commit_callbacks(execute=True):
        task = item_create(erp, "Data migration", duration_days=5, planned_start=date(2026, 9, 30))
    client = as_user(erp.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.put("projects/ERP/calendar", CN_BODY)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["version"], body["standard"], body["country"]) == (1, False, "CN")
    assert body["exceptions"][0] == {
        "start": "2026-12-24",
        "finish": "2026-12-25",
        "working": False,
        "name": "Office move",
        "hours": [],
    }
    assert body["exceptions"][1]["finish"] == "2026-12-26"
    assert client.get("projects/ERP/calendar").json() == body
    finish = WorkItem.objects.get(pk=task.pk).early_finish
    assert finish.date() == date(2026, 10, 12)


def test_bad_input_is_refused_with_the_field_and_nothing_saved(erp, as_user, error_of):
    client = as_user(erp.manager)
    for change, field in (
        ({"country": "Narnia"}, "country"),
        ({"hours": [["12:00", "09:00"]]}, "hours"),
        (
            {
                "exceptions": [
                    {"start": "2026-12-24", "finish": "2026-12-28"},
                    {"start": "2026-12-26"},
                ]
            },
            "exceptions",
        ),
    ):
        response = client.put("projects/ERP/calendar", {**CN_BODY, **change})
        assert response.status_code == 400, response.content
        assert field in error_of(response)["details"]["fields"]
    assert not ProjectCalendar.objects.filter(project=erp).exists()


def test_stale_version_conflicts(erp, as_user, error_of):
    client = as_user(erp.manager)
    assert client.put("projects/ERP/calendar", CN_BODY).status_code == 200
    response = client.put("projects/ERP/calendar", {**CN_BODY, "country": "DE"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert ProjectCalendar.objects.get(project=erp).country == "CN"


def test_viewer_reads_but_cannot_edit_and_outsider_gets_404(erp, as_user, member_of, error_of):
    viewer = as_user(member_of(erp, role="viewer"))
    assert viewer.get("projects/ERP/calendar").status_code == 200
    response = viewer.put("projects/ERP/calendar", CN_BODY)
    assert response.status_code == 403
    error_of(response)
    outsider = as_user(UserFactory())
    assert outsider.get("projects/ERP/calendar").status_code == 404
    assert outsider.put("projects/ERP/calendar", CN_BODY).status_code == 404
    assert not ProjectCalendar.objects.filter(project=erp).exists()
