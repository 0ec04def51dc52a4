"""A project's workflow through the API: statuses, transitions and whole replacement."""

from __future__ import annotations

import pytest
from tests.factories import item_create

from keel.apps.work.models import WorkflowStatus

pytestmark = pytest.mark.django_db


def _workflow(client, project):
    return client.get(f"projects/{project.key}/workflow").json()


def test_add_status_and_transition_then_items_can_use_it(project, as_user):
    """A new status with a transition into it lets an item move there; the version goes up."""
    client = as_user(project.manager)
    base = f"projects/{project.key}/workflow"
    before = _workflow(client, project)["version"]
    status = client.post(f"{base}/statuses", {"key": "blocked", "name": "Blocked"})
    assert status.status_code == 201
    link = client.post(f"{base}/transitions", {"from_status": "todo", "to_status": "blocked"})
    assert link.status_code == 201
    assert (link.json()["from_status"], link.json()["to_status"]) == ("todo", "blocked")
    assert _workflow(client, project)["version"] == before + 2
    item = item_create(project, "Waiting on vendor")
    moved = client.post(
        f"projects/{project.key}/items/{item.key}/transition", {"to_status": "blocked"}
    )
    assert moved.json()["status"] == "blocked"
    assert client.delete(f"{base}/transitions/{link.json()['id']}").status_code == 204
    assert all(t["to_status"] != "blocked" for t in _workflow(client, project)["transitions"])


def test_status_in_use_cannot_be_deleted(project, as_user, error_of):
    """Deleting a status that still holds items is refused with the reason."""
    item_create(project, "Open task")
    response = as_user(project.manager).delete(f"projects/{project.key}/workflow/statuses/todo")
    assert response.status_code == 400
    assert "item" in error_of(response)["message"]
    assert WorkflowStatus.objects.filter(workflow__project=project, key="todo").exists()


def test_replace_whole_workflow(project, as_user):
    """PUT replaces statuses and transitions in one go, matching statuses by key."""
    client = as_user(project.manager)
    current = _workflow(client, project)
    spec = {
        "version": current["version"],
        "statuses": [
            {"key": s["key"], "name": s["name"].upper(), "category": s["category"]}
            for s in current["statuses"]
        ],
        "transitions": [{"from_status": "todo", "to_status": "done"}],
    }
    response = client.put(f"projects/{project.key}/workflow", spec)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == current["version"] + 1
    assert [s["name"] for s in body["statuses"]] == [s["name"].upper() for s in current["statuses"]]
    assert [(t["from_status"], t["to_status"]) for t in body["transitions"]] == [("todo", "done")]


def test_replace_with_unknown_status_in_transition_changes_nothing(project, as_user, error_of):
    """A transition naming a status that is not in the new list is refused; the old one stays."""
    client = as_user(project.manager)
    current = _workflow(client, project)
    spec = {
        "version": current["version"],
        "statuses": [{"key": "todo", "name": "To do"}, {"key": "done", "name": "Done"}],
        "transitions": [{"from_status": "todo", "to_status": "nowhere"}],
    }
    response = client.put(f"projects/{project.key}/workflow", spec)
    assert response.status_code == 400
    error_of(response)
    assert _workflow(client, project) == current
