"""Actual start and finish of work items through the API: set with the version, refused cleanly."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone
from tests.factories import item_create

from keel.apps.work.models import WorkItem

pytestmark = pytest.mark.django_db


def _url(item: WorkItem) -> str:
    return f"projects/{item.project.key}/items/{item.key}"


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_patch_sets_the_actual_dates_and_completes_the_item(project, as_user):
    """Both dates come back as given; an actual finish makes the item 100 % done; the history
    lists the change."""
    item = item_create(project, "Install servers", duration_days=2)
    client = as_user(project.manager)
    response = client.patch(
        _url(item),
        {
            "actual_start": "2026-03-02T09:00:00+01:00",
            "actual_finish": "2026-03-03T17:30:00+01:00",
            "version": item.version,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert _moment(body["actual_start"]) == _moment("2026-03-02T09:00:00+01:00")
    assert _moment(body["actual_finish"]) == _moment("2026-03-03T17:30:00+01:00")
    assert body["progress"] == 100
    assert body["version"] == item.version + 1
    again = client.get(_url(item)).json()
    assert again["actual_finish"] == body["actual_finish"]
    history = client.get(f"{_url(item)}/history").json()["items"]
    assert {"actual_start", "actual_finish", "progress"} <= {row["field"] for row in history}


def test_a_stale_version_is_a_conflict_and_saves_nothing(project, as_user):
    item = item_create(project, "Install servers")
    client = as_user(project.manager)
    client.patch(_url(item), {"title": "Install racks", "version": item.version})
    response = client.patch(
        _url(item), {"actual_start": "2026-03-02T09:00:00Z", "version": item.version}
    )
    assert response.status_code == 409
    assert WorkItem.objects.get(pk=item.pk).actual_start is None


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"actual_finish": "2026-03-03T17:00:00Z"}, "needs an actual start"),
        (
            {"actual_start": "2026-03-05T09:00:00Z", "actual_finish": "2026-03-03T17:00:00Z"},
            "comes before the actual start",
        ),
    ],
)
def test_bad_actual_dates_are_a_400_and_save_nothing(project, as_user, error_of, body, says):
    item = item_create(project, "Install servers", progress=30)
    response = as_user(project.manager).patch(_url(item), {**body, "version": item.version})
    assert response.status_code == 400
    assert says in error_of(response)["message"]
    stored = WorkItem.objects.get(pk=item.pk)
    assert (stored.actual_start, stored.actual_finish, stored.progress, stored.version) == (
        None,
        None,
        30,
        item.version,
    )


def test_a_date_that_is_not_a_date_is_a_400(project, as_user):
    item = item_create(project, "Install servers")
    response = as_user(project.manager).patch(
        _url(item), {"actual_start": "next Tuesday", "version": item.version}
    )
    assert response.status_code == 400
    assert WorkItem.objects.get(pk=item.pk).actual_start is None


def test_a_viewer_may_not_set_actuals_and_an_outsider_sees_nothing(
    project, member_of, as_user, make_user
):
    item = item_create(project, "Install servers")
    viewer = member_of(project, "viewer")
    body = {"actual_start": "2026-03-02T09:00:00Z", "version": item.version}
    assert as_user(viewer).patch(_url(item), body).status_code == 403
    assert as_user(viewer).get(_url(item)).json()["actual_start"] is None
    assert as_user(make_user("stranger")).patch(_url(item), body).status_code == 404
    assert WorkItem.objects.get(pk=item.pk).actual_start is None


def test_create_with_an_actual_start(project, as_user):
    """An item can be created as already started."""
    response = as_user(project.manager).post(
        f"projects/{project.key}/items",
        {"title": "Survey", "actual_start": "2026-03-02T09:00:00Z", "progress": 20},
    )
    assert response.status_code == 201, response.content
    stored = WorkItem.objects.get(project=project, number=response.json()["number"])
    assert stored.actual_start == timezone.make_aware(
        datetime(2026, 3, 2, 9), timezone.get_fixed_timezone(0)
    )
    assert stored.progress == 20
