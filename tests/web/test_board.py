"""The Board tab: columns with WIP counts, swimlanes, moves through the workflow service."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import ProjectFactory, UserFactory, item_create

from keel.apps.projects.models import ProjectMembership
from keel.apps.work.models import ItemChange, WorkflowStatus, WorkItem

pytestmark = pytest.mark.django_db


def _url(key, **query):
    url = reverse("keel-web:project-board", args=[key])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _status(project, key):
    return WorkflowStatus.objects.get(workflow__project=project, key=key)


@pytest.fixture
def kanban():
    """A kanban project (To do → Doing (WIP 3) → Done) with three cards in To do."""
    project = ProjectFactory(key="KB", methodology="kanban")
    for title in ("Alpha", "Beta", "Gamma"):
        item_create(project, title)
    return project


def _move(client, project, item_key, status, as_json=True, **extra):
    data = {"item": item_key, "to_status": str(status.pk), **extra}
    headers = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    return client.post(reverse("keel-web:board-move", args=[project.key]), data, **headers)


def test_columns_follow_the_workflow_with_wip_counts(client, kanban):
    """One column per status in order, each with its count and, where set, its WIP limit."""
    client.force_login(kanban.manager)
    html = client.get(_url("KB")).content.decode()
    assert html.index(">To do<") < html.index(">Doing<") < html.index(">Done<")
    assert ">3</span>" in html  # To do holds 3, no limit
    assert ">0/3</span>" in html  # Doing: none of its 3
    for key in ("KB-1", "KB-2", "KB-3"):
        assert f'data-key="{key}"' in html


def test_drag_move_is_a_transition_and_is_saved(client, kanban):
    """A move calls the workflow service: the status changes, the history records it."""
    client.force_login(kanban.manager)
    doing = _status(kanban, "doing")
    resp = _move(client, kanban, "KB-1", doing)
    body = json.loads(resp.content)
    assert resp.status_code == 200 and body["ok"]
    assert body["columns"][str(doing.pk)]["count"] == 1
    item = WorkItem.objects.get(project=kanban, number=1)
    assert item.status == doing
    assert ItemChange.objects.filter(item=item, action="transitioned").exists()
    html = client.get(_url("KB")).content.decode()
    assert ">1/3</span>" in html


def test_refused_transition_says_why_and_changes_nothing(client, kanban):
    """To do → Done skips a step of the workflow: refused with the service's reason."""
    client.force_login(kanban.manager)
    resp = _move(client, kanban, "KB-1", _status(kanban, "done"))
    body = json.loads(resp.content)
    assert resp.status_code == 409 and not body["ok"]
    assert "not allowed" in body["error"] and "Doing" in body["error"]
    assert WorkItem.objects.get(project=kanban, number=1).status.key == "todo"


def test_full_column_is_warned_and_the_wip_limit_holds(client, kanban):
    """At its WIP limit a column shows the warning; one more card is refused with the reason."""
    client.force_login(kanban.manager)
    item_create(kanban, "Delta")
    doing = _status(kanban, "doing")
    for n in (1, 2, 3):
        assert json.loads(_move(client, kanban, f"KB-{n}", doing).content)["ok"]
    html = client.get(_url("KB")).content.decode()
    assert "column-head status-in_progress full" in html
    assert "WIP limit reached" in html
    body = json.loads(_move(client, kanban, "KB-4", doing).content)
    assert not body["ok"] and "WIP limit" in body["error"]
    assert body["columns"][str(doing.pk)]["full"] is True


def test_role_restricted_transition_is_refused_for_a_member(client, member_of):
    """In a waterfall project only managers approve the move into Done."""
    project = ProjectFactory(key="WF")
    task = item_create(project, "Spec")
    member = member_of(project, role="member")
    client.force_login(member)
    for key in ("in_progress", "in_review"):
        assert json.loads(_move(client, project, task.key, _status(project, key)).content)["ok"]
    body = json.loads(_move(client, project, task.key, _status(project, "done")).content)
    assert not body["ok"] and "Only these roles" in body["error"]


def test_form_post_without_script_redirects_with_message(client, kanban):
    """The "Move to…" form works without JavaScript: redirect back and a message."""
    client.force_login(kanban.manager)
    resp = _move(client, kanban, "KB-2", _status(kanban, "done"), as_json=False, lanes="assignee")
    assert resp.status_code == 302 and resp.url.endswith("?lanes=assignee")
    html = client.get(resp.url).content.decode()
    assert "not allowed" in html


def test_stale_version_is_refused(client, kanban):
    """A card moved by someone else since the page loaded is not moved blindly."""
    client.force_login(kanban.manager)
    resp = _move(client, kanban, "KB-1", _status(kanban, "doing"), version="99")
    assert not json.loads(resp.content)["ok"]


def test_swimlanes_by_assignee_and_by_epic(client, kanban):
    """Lanes group the cards by assignee (unassigned last) or by their epic."""
    ann = UserFactory(username="ann")
    ProjectMembership.objects.create(project=kanban, user=ann, role="member")
    WorkItem.objects.filter(project=kanban, number=2).update(assignee=ann)
    epic = item_create(kanban, "Checkout", type="epic")
    item_create(kanban, "Pay button", parent=epic)
    client.force_login(kanban.manager)
    html = client.get(_url("KB", lanes="assignee")).content.decode()
    assert html.index('data-lane="' + str(ann.pk)) < html.index('data-lane=""')
    html = client.get(_url("KB", lanes="epic")).content.decode()
    lane = html[html.index('data-lane="KB-4"') : html.index('data-lane=""')]
    assert "Pay button" in lane and "Alpha" not in lane
    assert 'data-key="KB-4"' not in html  # the epic is a lane, not a card


def test_viewer_sees_no_drag_or_move_controls_and_cannot_post(client, kanban, member_of):
    """A viewer sees the board but nothing to move cards with; a forged post is refused."""
    viewer = member_of(kanban, role="viewer")
    client.force_login(viewer)
    html = client.get(_url("KB")).content.decode()
    assert 'data-key="KB-1"' in html
    assert 'draggable="true"' not in html and "move-to" not in html
    assert _move(client, kanban, "KB-1", _status(kanban, "doing")).status_code == 403


def test_non_member_gets_404(client, kanban, user):
    client.force_login(user)
    assert client.get(_url("KB")).status_code == 404
    assert _move(client, kanban, "KB-1", _status(kanban, "doing")).status_code == 404


def test_queries_do_not_grow_with_cards(client, kanban):
    """The board costs the same number of queries with 3 cards as with 33."""
    client.force_login(kanban.manager)
    client.get(_url("KB", lanes="assignee"))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("KB", lanes="assignee"))
    for n in range(30):
        item_create(kanban, f"More {n}", assignee=kanban.manager)
    with CaptureQueriesContext(connection) as many:
        client.get(_url("KB", lanes="assignee"))
    assert len(many) == len(few)


def test_card_text_is_escaped_and_moves_carry_the_csrf_token(client, kanban):
    """A title with markup shows as text on its card, and each card's move form posts the
    page's CSRF token and lists every other column."""
    item_create(kanban, '<img src=x onerror="alert(1)"> & more', assignee=kanban.manager)
    client.force_login(kanban.manager)
    html = client.get(_url("KB")).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more" in html
    assert re.search(r'name="csrfmiddlewaretoken" value="\w{32,}"', html)
    card = html[html.index('data-key="KB-1"') : html.index("</li>", html.index('data-key="KB-1"'))]
    own = WorkItem.objects.get(project=kanban, number=1).status_id
    for s in WorkflowStatus.objects.filter(workflow__project=kanban):
        assert (f'<option value="{s.pk}">' in card) == (s.pk != own), s.name
