"""The project calendar page /p/<KEY>/calendar/: what it shows, who may change it."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from tests.factories import ProjectFactory, item_create

from keel.apps.work.models import CalendarException, ProjectCalendar, WorkItem
from keel.apps.work.services import calendar_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def erp(django_capture_on_commit_callbacks):
    """The ERP project in mainland China, from 14 September 2026."""
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(key="ERP", methodology="kanban", start_date=date(2026, 9, 14))
    return project


def _url(project):
    return reverse("keel-web:project-calendar", args=[project.key])


def _form(**over):
    body = {
        "version": "0",
        "rows": "2",
        "workdays": ["1", "2", "3", "4", "5"],
        "hours": "09:00-12:00, 13:00-18:00",
        "country": "CN",
        "exc-0-start": "2026-12-24",
        "exc-0-finish": "2026-12-25",
        "exc-0-name": "Office move",
        "exc-1-start": "2026-12-26",
        "exc-1-working": "on",
        "exc-1-hours": "09:00-12:00",
        "exc-1-name": "Move weekend",
    }
    body.update(over)
    return body


def test_editor_saves_the_calendar_and_the_project_is_rescheduled(
    client, erp, django_capture_on_commit_callbacks
):
    """The form stores CN holidays and two exceptions; a 5-day task from 30 September 2026
    then ends on Monday 12 October, after National Day (1-7 October off) and the worked
    Saturday 10 October (调休)."""
    with django_capture_on_commit_callbacks(execute=True):
        task = item_create(erp, "Data migration", duration_days=5, planned_start=date(2026, 9, 30))
    client.force_login(erp.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(erp), _form())
    assert response.status_code == 302
    row = ProjectCalendar.objects.get(project=erp)
    assert (row.country, row.workdays, row.version) == ("CN", "12345", 1)
    assert [(e.start, e.finish, e.working, e.hours) for e in row.exceptions.all()] == [
        (date(2026, 12, 24), date(2026, 12, 25), False, []),
        (date(2026, 12, 26), date(2026, 12, 26), True, [["09:00", "12:00"]]),
    ]
    assert WorkItem.objects.get(pk=task.pk).early_finish.date() == date(2026, 10, 12)
    page = client.get(_url(erp)).content.decode()
    assert 'data-testid="calendar-form"' in page
    assert "Office move" in page and "Move weekend" in page


def test_page_lists_holidays_and_marks_adjusted_working_weekends(client, erp):
    calendar_update(actor=erp.manager, project=erp, version=0, country="CN")
    client.force_login(erp.manager)
    page = client.get(_url(erp)).content.decode()
    assert 'data-date="2026-10-01"' in page  # National Day
    assert 'data-working="1" data-date="2026-10-10"' in page  # a 调休 Saturday
    assert 'data-working="1" data-date="2026-09-20"' in page  # a 调休 Sunday
    assert "National Day" in page
    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        page = client.get(_url(erp), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "国庆节" in page
    assert "调休上班日" in page and "日历" in page


def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, erp):
    client.force_login(erp.manager)
    for bad in (
        {"hours": "18:00-09:00"},
        {"hours": "nine to five"},
        {"country": "Narnia"},
        {"workdays": []},
        {"exc-1-start": "2026-12-25"},  # overlaps the office move
    ):
        response = client.post(_url(erp), _form(**bad), follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"], bad
    assert not ProjectCalendar.objects.filter(project=erp).exists()
    assert not CalendarException.objects.exists()


def test_viewer_sees_the_calendar_but_no_form_and_cannot_post(client, erp, member_of):
    calendar_update(actor=erp.manager, project=erp, version=0, country="CN")
    client.force_login(member_of(erp, role="viewer"))
    response = client.get(_url(erp))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="calendar-holidays"' in page
    assert "<form" not in page.split('data-testid="calendar-week"')[1]
    assert client.post(_url(erp), _form(version="1", country="DE")).status_code == 403
    assert ProjectCalendar.objects.get(project=erp).country == "CN"


def test_outsider_gets_404(client, erp, user):
    client.force_login(user)
    assert client.get(_url(erp)).status_code == 404
    assert client.post(_url(erp), _form()).status_code == 404
    assert not ProjectCalendar.objects.filter(project=erp).exists()


def test_tab_links_to_the_page(client, erp, member_of):
    client.force_login(member_of(erp, role="viewer"))
    overview = client.get(reverse("keel-web:project-overview", args=[erp.key])).content.decode()
    assert _url(erp) in overview


def test_refusal_speaks_chinese_to_a_chinese_user(client, erp):
    client.force_login(erp.manager)
    response = client.post(
        _url(erp), _form(hours="18:00-09:00"), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("工作时段 18:00-09:00 的结束时间必须晚于开始时间" in m for m in messages), messages
    assert not ProjectCalendar.objects.filter(project=erp).exists()
