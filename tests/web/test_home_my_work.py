"""My work: my open items grouped by due date, my mentions, my projects."""

import datetime as dt

import pytest
from django.utils import timezone
from tests.factories import ProjectFactory, item_create

from keel.apps.work.services import comment_create

pytestmark = pytest.mark.django_db


def test_my_items_grouped_by_due_date(client, project, member_of):
    me = member_of(project, username="maria")
    today = timezone.localdate()
    item_create(project, "Late thing", assignee=me, due_date=today - dt.timedelta(days=3))
    item_create(project, "Soon thing", assignee=me, due_date=today)
    item_create(project, "Far thing", assignee=me, due_date=today + dt.timedelta(days=30))
    item_create(project, "Undated thing", assignee=me)
    item_create(project, "Not mine", assignee=project.manager)
    client.force_login(me)
    html = client.get("/").content.decode()

    def group(key):
        return html.split(f'data-group="{key}"', 1)[1].split("</ul>", 1)[0]

    assert "Late thing" in group("overdue")
    assert "Soon thing" in group("week")
    assert "Far thing" in group("later")
    assert "Undated thing" in group("none")
    assert "Not mine" not in html


def test_items_of_projects_i_left_are_not_shown(client, member_of):
    other = ProjectFactory(key="GONE")
    me = member_of(other, username="maria")
    item_create(other, "Old work", assignee=me)
    other.memberships.filter(user=me).delete()
    client.force_login(me)
    assert "Old work" not in client.get("/").content.decode()


def test_mentions_listed_with_link_to_the_comment(client, project, member_of):
    me = member_of(project, username="maria")
    item = item_create(project, "Review the spec")
    comment = comment_create(actor=project.manager, item=item, body="@maria please look")
    client.force_login(me)
    html = client.get("/").content.decode()
    section = html.split('id="my-mentions"', 1)[1]
    assert "Review the spec" in section and f"#comment-{comment.pk}" in section


def test_empty_states(client, user):
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Nothing open is assigned to you." in html
    assert "No one has mentioned you yet." in html
