"""The item page shows actual start and finish and lets editors set them."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import item_create

from keel.apps.work.models import WorkItem

pytestmark = pytest.mark.django_db


def _url(item):
    return reverse("keel-web:item-detail", args=[item.project.key, item.key])


def _form(item, **fields):
    return {"version": item.version, "title": item.title, "progress": item.progress, **fields}


def test_an_editor_sets_the_actual_dates(client, project):
    item = item_create(project, "Pour concrete", progress=30)
    client.force_login(project.manager)
    resp = client.post(
        _url(item), _form(item, actual_start="2026-03-02T09:00", actual_finish="2026-03-03T16:30")
    )
    assert resp.status_code == 302
    stored = WorkItem.objects.get(pk=item.pk)
    zone = timezone.get_current_timezone()
    assert stored.actual_start == timezone.make_aware(datetime(2026, 3, 2, 9), zone)
    assert stored.actual_finish == timezone.make_aware(datetime(2026, 3, 3, 16, 30), zone)
    assert stored.progress == 100
    html = client.get(_url(item)).content.decode()
    assert 'name="actual_start" value="2026-03-02T09:00"' in html
    assert 'name="actual_finish" value="2026-03-03T16:30"' in html


def test_saving_the_form_unchanged_keeps_stored_seconds(client, project):
    """The form shows minutes; saving other fields leaves an imported 09:00:30 alone."""
    moment = timezone.make_aware(datetime(2026, 3, 2, 9, 0, 30), timezone.get_current_timezone())
    item = item_create(project, "Pour concrete", actual_start=moment)
    client.force_login(project.manager)
    resp = client.post(_url(item), _form(item, title="Pour", actual_start="2026-03-02T09:00"))
    assert resp.status_code == 302
    stored = WorkItem.objects.get(pk=item.pk)
    assert (stored.title, stored.actual_start) == ("Pour", moment)


def test_a_finish_without_a_start_shows_the_error_and_saves_nothing(client, project):
    item = item_create(project, "Pour concrete")
    client.force_login(project.manager)
    resp = client.post(_url(item), _form(item, title="Changed", actual_finish="2026-03-03T16:30"))
    assert "needs an actual start" in resp.content.decode()
    stored = WorkItem.objects.get(pk=item.pk)
    assert (stored.title, stored.actual_finish, stored.version) == (
        "Pour concrete",
        None,
        item.version,
    )


def test_a_bad_date_shows_a_message(client, project):
    item = item_create(project, "Pour concrete")
    client.force_login(project.manager)
    resp = client.post(_url(item), _form(item, actual_start="soon"))
    assert "must be a date and time" in resp.content.decode()
    assert WorkItem.objects.get(pk=item.pk).actual_start is None


def test_a_viewer_sees_the_actual_dates_but_no_form(client, project, member_of):
    moment = timezone.make_aware(datetime(2026, 3, 2, 9), timezone.get_current_timezone())
    item = item_create(project, "Pour concrete", actual_start=moment)
    client.force_login(member_of(project, role="viewer"))
    html = client.get(_url(item)).content.decode()
    assert "Actual start" in html and 'name="actual_start"' not in html
    assert "2026" in html.split("Actual start", 1)[1].split("</dd>", 1)[0]
    assert client.post(_url(item), _form(item, actual_start="")).status_code == 403
