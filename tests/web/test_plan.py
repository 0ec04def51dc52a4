"""The Plan tab: WBS tree table, inline edits, adding, indenting, moving; roles and queries."""

from decimal import Decimal

import pytest
from django.urls import reverse
from tests.factories import item_create

from keel.apps.work.models import ItemChange, WorkItem

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _url(project):
    return reverse("keel-web:project-plan", args=[project.key])


def _row_url(item, name="plan-row"):
    return reverse(f"keel-web:{name}", args=[item.project.key, item.key])


def test_outsider_gets_404(client, project, user):
    """Someone outside the project cannot tell the plan exists."""
    client.force_login(user)
    assert client.get(_url(project)).status_code == 404
    item = item_create(project, "Hidden")
    assert client.get(_row_url(item, "plan-row-edit")).status_code == 404
    assert (
        client.post(reverse("keel-web:plan-add", args=[project.key]), {"title": "x"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "role,edits",
    [
        ("project_manager", True),
        ("member", True),
        ("viewer", False),
        ("customer_representative", False),
    ],
)
def test_plan_renders_per_role_and_hides_edit_controls(client, project, member_of, role, edits):
    """Every member sees the WBS with codes and keys; only those who may edit get controls."""
    parent = item_create(project, "Design phase")
    item_create(project, "Write spec", parent=parent)
    client.force_login(member_of(project, role=role))
    resp = client.get(_url(project))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert f'data-key="{parent.key}"' in html and "Write spec" in html
    assert reverse("keel-web:item-detail", args=[project.key, parent.key]) in html
    assert ('data-testid="plan-add"' in html) == edits
    assert ("plan-row-edit" in html or "/edit/" in html) == edits
    assert ('draggable="true"' in html) == edits


def test_add_top_level_task_with_duration(client, project):
    """The add form creates a top-level task with its duration; HTMX gets the rows back."""
    client.force_login(project.manager)
    resp = client.post(
        reverse("keel-web:plan-add", args=[project.key]),
        {"title": "Cut over", "duration_days": "3"},
        **HX,
    )
    item = WorkItem.objects.get(project=project, title="Cut over")
    assert item.parent is None and item.duration_days == Decimal(3)
    assert f'data-key="{item.key}"' in resp.content.decode()
    assert "<html" not in resp.content.decode()


def test_add_with_bad_duration_shows_message_and_adds_nothing(client, project):
    client.force_login(project.manager)
    before = WorkItem.objects.count()
    resp = client.post(
        reverse("keel-web:plan-add", args=[project.key]),
        {"title": "X", "duration_days": "abc"},
        **HX,
    )
    assert "must be a number" in resp.content.decode()
    assert WorkItem.objects.count() == before


def test_add_child_and_sibling(client, project):
    client.force_login(project.manager)
    a = item_create(project, "A")
    b = item_create(project, "B")
    add = reverse("keel-web:plan-add", args=[project.key])
    client.post(add, {"parent": a.key, "title": "A child"}, **HX)
    client.post(add, {"sibling": a.key, "title": "Between"}, **HX)
    child = WorkItem.objects.get(title="A child")
    between = WorkItem.objects.get(title="Between")
    b.refresh_from_db()
    assert child.parent_id == a.pk and child.outline_code == f"{a.outline_code}.1"
    assert between.parent is None and between.position == a.position + 1
    assert b.position == between.position + 1


def test_inline_edit_saves_through_services(client, project):
    """Title, dates, estimate and assignee change; each change is in the item's history."""
    client.force_login(project.manager)
    item = item_create(project, "Old title")
    resp = client.post(
        _row_url(item),
        {
            "version": item.version,
            "title": "New title",
            "planned_start": "2026-04-01",
            "planned_finish": "2026-04-10",
            "estimate_hours": "12.5",
            "assignee": project.manager.username,
            "status": item.status_id,
        },
        **HX,
    )
    assert resp.status_code == 200 and "New title" in resp.content.decode()
    item.refresh_from_db()
    assert item.title == "New title" and item.estimate_hours == Decimal("12.5")
    assert str(item.planned_start) == "2026-04-01" and item.assignee == project.manager
    fields = set(ItemChange.objects.filter(item=item).values_list("field", flat=True))
    assert {"title", "planned_start", "estimate_hours", "assignee"} <= fields


def test_stale_edit_is_refused_and_changes_nothing(client, project):
    client.force_login(project.manager)
    item = item_create(project, "Original")
    resp = client.post(_row_url(item), {"version": item.version - 1 or 99, "title": "Mine"}, **HX)
    assert "Changed by someone else" in resp.content.decode()
    item.refresh_from_db()
    assert item.title == "Original"


def test_refused_status_change_shows_reason_and_keeps_other_edits_unsaved(client, project):
    """A status move the workflow does not allow is refused with its reason; the title edit
    sent with it is not saved either."""
    client.force_login(project.manager)
    item = item_create(project, "Task")
    done = item.project.workflow.statuses.filter(category="done").first()
    resp = client.post(
        _row_url(item),
        {"version": item.version, "title": "Renamed", "status": done.pk},
        **HX,
    )
    html = resp.content.decode()
    item.refresh_from_db()
    if item.status_id == done.pk:
        pytest.fail("the workflow should not allow a direct move to done in this template")
    assert "not allowed" in html
    assert item.title == "Task"


def test_invalid_dates_show_message_and_change_nothing(client, project):
    client.force_login(project.manager)
    item = item_create(project, "Task")
    resp = client.post(
        _row_url(item),
        {
            "version": item.version,
            "title": "T",
            "planned_start": "2026-05-10",
            "planned_finish": "2026-05-01",
        },
        **HX,
    )
    assert "comes before" in resp.content.decode()
    item.refresh_from_db()
    assert item.title == "Task" and item.planned_start is None


def test_viewer_cannot_edit(client, project, member_of):
    item = item_create(project, "Task")
    client.force_login(member_of(project, role="viewer"))
    assert client.get(_row_url(item, "plan-row-edit")).status_code == 403
    assert client.post(_row_url(item), {"version": item.version, "title": "X"}).status_code == 403
    item.refresh_from_db()
    assert item.title == "Task"


def test_indent_outdent_and_move(client, project):
    client.force_login(project.manager)
    a = item_create(project, "A")
    b = item_create(project, "B")
    c = item_create(project, "C")
    url = reverse("keel-web:plan-structure", args=[project.key, b.key, "indent"])
    resp = client.post(url, **HX)
    b.refresh_from_db()
    assert b.parent_id == a.pk
    assert f'data-key="{b.key}"' in resp.content.decode()
    client.post(reverse("keel-web:plan-structure", args=[project.key, b.key, "outdent"]), **HX)
    b.refresh_from_db()
    assert b.parent_id is None
    # Drag C before A.
    c.refresh_from_db()
    client.post(
        reverse("keel-web:plan-move", args=[project.key, c.key]),
        {"before": a.key, "version": c.version},
        **HX,
    )
    order = list(
        WorkItem.objects.filter(project=project, parent=None, title__in=["A", "B", "C"])
        .order_by("position")
        .values_list("title", flat=True)
    )
    assert order == ["C", "A", "B"]


def test_indent_first_item_shows_refusal(client, project):
    client.force_login(project.manager)
    first = WorkItem.objects.filter(project=project, parent=None).order_by(
        "position"
    ).first() or item_create(project, "A")
    resp = client.post(
        reverse("keel-web:plan-structure", args=[project.key, first.key, "indent"]), **HX
    )
    assert "nothing to indent it under" in resp.content.decode()


def _count_queries(client, project, django_assert_max_num_queries, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(n):
        item_create(project, f"Item {i}", estimate_hours=4)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_url(project)).status_code == 200
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(_url(project))
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_items(client, member_of, django_assert_max_num_queries):
    """The page costs the same number of queries for 10 and 100 items."""
    from tests.factories import ProjectFactory

    small = ProjectFactory(key="SMALL", methodology="kanban")
    big = ProjectFactory(key="BIG", methodology="kanban")
    client.force_login(small.manager)
    a = _count_queries(client, small, django_assert_max_num_queries, 10)
    client.force_login(big.manager)
    b = _count_queries(client, big, django_assert_max_num_queries, 100)
    assert a == b


def test_row_text_is_escaped(client, project):
    """A title with markup shows as text in its plan row, with the assignee's display name."""
    item_create(project, '<script>alert("x")</script> & co', assignee=project.manager)
    client.force_login(project.manager)
    html = client.get(_url(project)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html
    assert f"<td>{project.manager}</td>" in html, "the assignee's display name"
