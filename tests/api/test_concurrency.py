"""Optimistic concurrency: version in the body or If-Match; stale → 409/412; neither → 428."""

from __future__ import annotations

import pytest
from tests.factories import item_create

from keel.apps.work.models import ItemChange, WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(project):
    return item_create(project, "Write the charter")


def _url(task):
    return f"projects/{task.project.key}/items/{task.key}"


def test_get_carries_version_and_etag(project, task, as_user):
    """A single item's GET shows its version in the body and as the ETag."""
    response = as_user(project.manager).get(_url(task))
    assert response.status_code == 200
    assert response.json()["version"] == task.version
    assert response["ETag"] == f'"{task.version}"'


def test_update_with_current_version_bumps_it(project, task, as_user):
    """An update based on the current version succeeds and returns the next version."""
    response = as_user(project.manager).patch(_url(task), {"title": "New", "version": 1})
    assert response.status_code == 200
    assert response.json()["title"] == "New"
    assert response.json()["version"] == 2


def test_stale_body_version_is_409_and_changes_nothing(project, task, as_user, error_of):
    """Two people edit from version 1: the second gets 409 and the first one's edit stays."""
    client = as_user(project.manager)
    assert client.patch(_url(task), {"title": "First", "version": 1}).status_code == 200
    history_before = ItemChange.objects.count()

    response = client.patch(_url(task), {"title": "Second", "priority": "high", "version": 1})

    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict"
    assert error["details"]["current_version"] == 2
    stored = WorkItem.objects.get(pk=task.pk)
    assert (stored.title, stored.priority, stored.version) == ("First", "medium", 2)
    assert ItemChange.objects.count() == history_before


def test_stale_if_match_is_412_and_changes_nothing(project, task, as_user, error_of):
    """A stale If-Match header gets 412 Precondition Failed and the row stays as it was."""
    client = as_user(project.manager)
    etag = client.get(_url(task))["ETag"]
    assert (
        client.patch(_url(task), {"title": "First"}, headers={"If-Match": etag}).status_code == 200
    )

    response = client.patch(_url(task), {"title": "Second"}, headers={"If-Match": etag})

    assert response.status_code == 412
    assert error_of(response)["code"] == "conflict"
    assert WorkItem.objects.get(pk=task.pk).title == "First"


def test_update_without_any_version_is_428(project, task, as_user, error_of):
    """An update that says nothing about the version it is based on is refused with 428."""
    response = as_user(project.manager).patch(_url(task), {"title": "Blind"})
    assert response.status_code == 428
    error = error_of(response)
    assert error["code"] == "precondition_required"
    assert "If-Match" in error["message"]
    assert WorkItem.objects.get(pk=task.pk).title == "Write the charter"


def test_if_match_and_body_disagreeing_is_400(project, task, as_user, error_of):
    """If-Match and the body's version must agree; otherwise nothing happens."""
    response = as_user(project.manager).patch(
        _url(task), {"title": "X", "version": 1}, headers={"If-Match": '"2"'}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "version_mismatch"
    assert WorkItem.objects.get(pk=task.pk).version == 1


def test_malformed_if_match_is_400(project, task, as_user, error_of):
    """If-Match that is not one version is refused with a message showing the expected form."""
    response = as_user(project.manager).patch(_url(task), {"title": "X"}, headers={"If-Match": "*"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_if_match"


def test_project_and_workflow_carry_versions(project, as_user, error_of):
    """Projects and workflows have versions too; a stale one is refused the same way."""
    client = as_user(project.manager)
    got = client.get(f"projects/{project.key}")
    assert got["ETag"] == f'"{got.json()["version"]}"'
    stale = client.patch(f"projects/{project.key}", {"name": "X", "version": 99})
    assert stale.status_code == 409
    workflow = client.get(f"projects/{project.key}/workflow")
    version = workflow.json()["version"]
    response = client.patch(
        f"projects/{project.key}/workflow/statuses/todo",
        {"name": "Open"},
        headers={"If-Match": f'"{version - 1}"'},
    )
    assert response.status_code == 412
    assert client.get(f"projects/{project.key}/workflow").json()["statuses"][0]["name"] == "To do"


def test_update_and_action_responses_carry_the_new_etag(project, task, as_user):
    """The answer to an update or an item action carries the new version as ETag, ready for
    the next If-Match; list responses carry none."""
    client = as_user(project.manager)
    updated = client.patch(_url(task), {"title": "New"}, headers={"If-Match": '"1"'})
    assert updated["ETag"] == '"2"'
    moved = client.post(f"{_url(task)}/transition", {"to_status": "in_progress"})
    assert moved["ETag"] == f'"{moved.json()["version"]}"'
    assert moved.json()["version"] == 3
    assert not client.get(f"projects/{project.key}/items").has_header("ETag")
