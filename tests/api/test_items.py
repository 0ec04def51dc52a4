"""Work items through the API: create, read, filters, pagination, actions, comments, history."""

from __future__ import annotations

import pytest
from tests.factories import item_create

from keel.apps.work.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(project, member_of):
    """A kanban-like spread: items of several types, assignees, labels and statuses."""
    ann = member_of(project, "member", username="ann")
    items = {
        "login": item_create(
            project, "Login page", assignee=ann, labels=["ui"], description="OAuth sign-in"
        ),
        "db": item_create(project, "Database schema", type="deliverable", labels=["backend"]),
        "bug": item_create(project, "Crash on save", type="bug", assignee=ann, labels=["ui"]),
    }
    return {"ann": ann, **items}


def _items(client, project, query=""):
    response = client.get(f"projects/{project.key}/items{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _keys(page):
    return [row["key"] for row in page["items"]]


def test_create_then_read_by_key_and_by_number(project, as_user):
    """A created item gets the next key; it can be read by key (ERP-n) or by number (n)."""
    client = as_user(project.manager)
    created = client.post(
        f"projects/{project.key}/items",
        {"title": "Procure servers", "type": "task", "estimate_hours": "16", "labels": ["infra"]},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["key"] == f"{project.key}-{body['number']}"
    assert body["status"] == "todo"
    assert body["labels"] == ["infra"]
    by_key = client.get(f"projects/{project.key}/items/{body['key']}").json()
    by_number = client.get(f"projects/{project.key}/items/{body['number']}").json()
    assert by_key == by_number
    assert by_key["title"] == "Procure servers"


def test_item_of_another_project_is_404(project, as_user):
    """An item key from another project does not resolve under this project."""
    response = as_user(project.manager).get(f"projects/{project.key}/items/OTHER-1")
    assert response.status_code == 404


def test_filters_by_status_assignee_type_label_and_text(project, board, as_user):
    """Each filter narrows the list to the matching items; filters combine."""
    client = as_user(board["ann"])
    login, db, bug = board["login"].key, board["db"].key, board["bug"].key
    assert set(_keys(_items(client, project, "?assignee=ann"))) == {login, bug}
    assert set(_keys(_items(client, project, "?assignee=me"))) == {login, bug}
    assert _keys(_items(client, project, "?type=bug")) == [bug]
    assert set(_keys(_items(client, project, "?label=ui"))) == {login, bug}
    assert _keys(_items(client, project, "?text=oauth")) == [login]
    assert _keys(_items(client, project, "?text=schema")) == [db]
    assert _keys(_items(client, project, "?label=ui&type=bug")) == [bug]
    client.post(f"projects/{project.key}/items/{bug}/transition", {"to_status": "in_progress"})
    assert _keys(_items(client, project, "?status=in_progress")) == [bug]


def test_pagination_counts_and_links(project, as_user):
    """Pages carry the total count and next/previous links that lead through every item."""
    client = as_user(project.manager)
    total = WorkItem.objects.filter(project=project).count()
    seen = []
    page = _items(client, project, "?page_size=4")
    assert page["previous"] is None
    while True:
        assert page["count"] == total
        assert len(page["items"]) <= 4
        seen.extend(_keys(page))
        if page["next"] is None:
            break
        response = client.client.get(page["next"])
        page = response.json()
        assert page["previous"] is not None
    assert len(seen) == total == len(set(seen))
    assert total > 4


def test_page_past_the_end_is_empty(project, as_user):
    """A page beyond the last one is empty but still reports the count."""
    page = _items(as_user(project.manager), project, "?page=99")
    assert page["items"] == []
    assert page["count"] > 0
    assert page["next"] is None


def test_transition_follows_the_workflow(project, as_user, error_of):
    """An allowed move changes the status; a forbidden one is a 400 and changes nothing."""
    item = item_create(project, "Draft charter")
    client = as_user(project.manager)
    url = f"projects/{project.key}/items/{item.key}/transition"
    refused = client.post(url, {"to_status": "done"})
    assert refused.status_code == 400
    assert "allowed" in error_of(refused)["message"]
    assert WorkItem.objects.get(pk=item.pk).status.key == "todo"
    moved = client.post(url, {"to_status": "in_progress"})
    assert moved.status_code == 200
    assert moved.json()["status"] == "in_progress"


def test_move_indent_outdent_reshape_the_wbs(project, as_user, error_of):
    """Indent nests an item under the sibling above; outdent undoes it; move re-parents."""
    first = item_create(project, "First")
    second = item_create(project, "Second")
    client = as_user(project.manager)
    base = f"projects/{project.key}/items"
    indented = client.post(f"{base}/{second.key}/indent")
    assert indented.status_code == 200
    assert indented.json()["parent"] == first.key
    outdented = client.post(f"{base}/{second.key}/outdent")
    assert outdented.json()["parent"] is None
    moved = client.post(f"{base}/{first.key}/move", {"parent": second.key, "position": 1})
    assert moved.status_code == 200
    assert moved.json()["parent"] == second.key
    parent_code = client.get(f"{base}/{second.key}").json()["outline_code"]
    assert moved.json()["outline_code"] == f"{parent_code}.1"
    loop = client.post(f"{base}/{second.key}/move", {"parent": first.key})
    assert loop.status_code == 400
    assert error_of(loop)["code"] == "cycle"


def test_history_shows_who_when_and_old_to_new(project, as_user):
    """After an edit, the item's history names the actor, the field and old → new values."""
    item = item_create(project, "Old title")
    client = as_user(project.manager)
    url = f"projects/{project.key}/items/{item.key}"
    client.patch(url, {"title": "New title", "priority": "high", "version": item.version})
    history = client.get(f"{url}/history").json()
    changes = {(c["field"], c["old"], c["new"]) for c in history["items"]}
    assert ("title", "Old title", "New title") in changes
    assert ("priority", "medium", "high") in changes
    row = next(c for c in history["items"] if c["field"] == "title" and c["new"] == "New title")
    assert row["actor"] == project.manager.username
    assert row["at"]
    project_history = client.get(f"projects/{project.key}/history").json()
    assert project_history["items"][0]["item"] == item.key


def test_comments_add_edit_delete(project, member_of, as_user):
    """A member comments; the author edits; another member may not; the author deletes."""
    item = item_create(project, "Review")
    ann, bob = member_of(project, username="ann"), member_of(project, username="bob")
    base = f"projects/{project.key}/items/{item.key}/comments"
    created = as_user(ann).post(base, {"body": "Ready for @bob"})
    assert created.status_code == 201
    assert created.json()["author"] == "ann"
    one = f"{base}/{created.json()['id']}"
    assert as_user(bob).patch(one, {"body": "Hijacked"}).status_code == 403
    assert as_user(ann).patch(one, {"body": "Ready now"}).json()["body"] == "Ready now"
    assert [c["body"] for c in as_user(bob).get(base).json()["items"]] == ["Ready now"]
    assert as_user(ann).delete(one).status_code == 204
    assert as_user(ann).get(base).json()["count"] == 0


def test_delete_item_with_children_needs_cascade(project, as_user, error_of):
    """Deleting a parent without ?cascade=true is refused; with it, the subtree goes."""
    parent = item_create(project, "Parent")
    child = item_create(project, "Child", parent=parent)
    client = as_user(project.manager)
    url = f"projects/{project.key}/items/{parent.key}"
    assert client.delete(url).status_code == 400
    assert WorkItem.objects.filter(pk=child.pk).exists()
    assert client.delete(f"{url}?cascade=true").status_code == 204
    assert not WorkItem.objects.filter(pk__in=[parent.pk, child.pk]).exists()
