"""The item page: fields, sanitised Markdown, comments with mentions, dependencies, history."""

import pytest
from django.urls import reverse
from tests.factories import item_create

from keel.apps.work.models import Comment, Dependency, Mention

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _url(item, name="item-detail", *extra):
    return reverse(f"keel-web:{name}", args=[item.project.key, item.key, *extra])


def test_outsider_gets_404(client, project, user):
    item = item_create(project, "Secret")
    client.force_login(user)
    assert client.get(_url(item)).status_code == 404
    assert client.post(_url(item, "item-comment"), {"body": "hi"}).status_code == 404
    assert not Comment.objects.exists()


def test_unknown_item_is_404(client, project):
    client.force_login(project.manager)
    assert (
        client.get(reverse("keel-web:item-detail", args=[project.key, "ERP-999"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "role,edit,comment,link",
    [
        ("project_manager", True, True, True),
        ("member", True, True, False),
        ("customer_representative", False, True, False),
        ("viewer", False, False, False),
    ],
)
def test_controls_follow_the_role(client, project, member_of, role, edit, comment, link):
    item = item_create(project, "Task", description="Plain words")
    client.force_login(member_of(project, role=role))
    html = client.get(_url(item)).content.decode()
    assert "Plain words" in html
    assert ('data-testid="item-edit"' in html) == edit
    assert ('data-testid="comment-add"' in html) == comment
    assert ('data-testid="dependency-add"' in html) == link


def test_description_markdown_is_rendered_and_script_removed(client, project):
    item = item_create(
        project,
        "Task",
        description="**Bold** text\n\n<script>alert('x')</script>\n\n[bad](javascript:alert(1))"
        '\n\n<img src=x onerror="alert(2)">',
    )
    client.force_login(project.manager)
    page = client.get(_url(item)).content.decode()
    assert "<script>alert" not in page
    # The edit form's textarea keeps the (escaped) source; check the rendered part.
    html = page.split('class="prose markdown">', 1)[1].split("</div>", 1)[0]
    assert "<strong>Bold</strong>" in html
    assert "javascript:" not in html and "onerror" not in html and "<script" not in html


def test_edit_form_saves_and_records_history(client, project):
    item = item_create(project, "Task")
    client.force_login(project.manager)
    resp = client.post(
        _url(item),
        {
            "version": item.version,
            "title": "Task renamed",
            "description": "New *words*",
            "type": "task",
            "priority": "high",
            "assignee": "",
            "duration_days": "2",
            "progress": "40",
            "status": item.status_id,
        },
    )
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.title == "Task renamed" and item.priority == "high" and item.progress == 40
    html = client.get(_url(item)).content.decode()
    assert "Task renamed" in html and "<em>words</em>" in html
    assert "priority" in html  # the history lists the changed field


def test_stale_edit_changes_nothing(client, project):
    item = item_create(project, "Task")
    client.force_login(project.manager)
    resp = client.post(_url(item), {"version": item.version + 5, "title": "Mine"})
    assert "Changed by someone else" in resp.content.decode()
    item.refresh_from_db()
    assert item.title == "Task"


def test_invalid_progress_shows_message(client, project):
    item = item_create(project, "Task")
    client.force_login(project.manager)
    resp = client.post(_url(item), {"version": item.version, "title": "T", "progress": "250"})
    assert "between 0 and 100" in resp.content.decode()
    item.refresh_from_db()
    assert item.progress == 0 and item.title == "Task"


def test_comment_with_mention_posts_over_htmx(client, project, member_of):
    ana = member_of(project, username="ana")
    item = item_create(project, "Task")
    client.force_login(project.manager)
    resp = client.post(_url(item, "item-comment"), {"body": "Please check, @ana"}, **HX)
    html = resp.content.decode()
    assert resp.status_code == 200 and "<html" not in html
    assert 'class="mention"' in html and "#member-ana" in html
    assert Mention.objects.filter(user=ana).exists()


def test_empty_comment_is_refused(client, project):
    item = item_create(project, "Task")
    client.force_login(project.manager)
    resp = client.post(_url(item, "item-comment"), {"body": "  "}, **HX)
    assert "cannot be empty" in resp.content.decode()
    assert not Comment.objects.exists()


def test_comment_script_does_not_survive(client, project):
    item = item_create(project, "Task")
    client.force_login(project.manager)
    html = client.post(
        _url(item, "item-comment"), {"body": "hi <script>alert(1)</script>"}, **HX
    ).content.decode()
    assert "<script>alert" not in html


def test_add_and_remove_dependency(client, project):
    a = item_create(project, "A")
    b = item_create(project, "B")
    client.force_login(project.manager)
    resp = client.post(
        _url(b, "item-dependency-add"),
        {"predecessor": a.key, "type": "SS", "lag_days": "2"},
        **HX,
    )
    dep = Dependency.objects.get(predecessor=a, successor=b)
    assert dep.type == "SS" and dep.lag_days == 2
    assert a.key in resp.content.decode()
    client.post(_url(b, "item-dependency-remove", dep.pk), **HX)
    assert not Dependency.objects.filter(pk=dep.pk).exists()


def test_cycle_is_refused_naming_the_items(client, project):
    a = item_create(project, "A")
    b = item_create(project, "B")
    client.force_login(project.manager)
    client.post(_url(b, "item-dependency-add"), {"predecessor": a.key, "type": "FS"}, **HX)
    html = client.post(
        _url(a, "item-dependency-add"), {"predecessor": b.key, "type": "FS"}, **HX
    ).content.decode()
    assert a.key in html and b.key in html and 'role="alert"' in html
    assert Dependency.objects.filter(successor__in=[a, b]).count() == 1


def test_unknown_predecessor_shows_message(client, project):
    a = item_create(project, "A")
    client.force_login(project.manager)
    html = client.post(
        _url(a, "item-dependency-add"), {"predecessor": "ERP-999"}, **HX
    ).content.decode()
    assert "ERP-999" in html
    assert not Dependency.objects.filter(successor=a).exists()


def test_member_without_dependency_right_is_refused(client, project, member_of):
    a = item_create(project, "A")
    b = item_create(project, "B")
    client.force_login(member_of(project, role="member"))
    resp = client.post(_url(b, "item-dependency-add"), {"predecessor": a.key})
    assert resp.status_code == 403
    assert not Dependency.objects.filter(successor=b).exists()


def test_children_listed(client, project):
    parent = item_create(project, "Parent")
    item_create(project, "Kid one", parent=parent)
    client.force_login(project.manager)
    assert "Kid one" in client.get(_url(parent)).content.decode()
