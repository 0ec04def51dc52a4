"""Work items: numbering, updates with audit history, versions, workflow transitions, deletion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from tests.factories import ProjectFactory, item_create

from keel.apps.work.models import ItemChange, WorkItem
from keel.apps.work.selectors import item_history, project_history, work_item_get, work_item_list
from keel.apps.work.services import (
    work_item_create,
    work_item_delete,
    work_item_transition,
    work_item_update,
)
from keel.domain.errors import ConflictError, ValidationError

pytestmark = pytest.mark.django_db


def test_items_are_numbered_per_project_and_keyed(project):
    """Items get the next number of their project; the key reads ERP-<n>."""
    other = ProjectFactory(template="kanban")
    existing = WorkItem.objects.filter(project=project).count()
    first = item_create(project, "Blueprint")
    assert first.key == f"ERP-{existing + 1}"
    assert item_create(other, "Elsewhere").key == f"{other.key}-1"
    second = item_create(project, "Build")
    assert second.number == first.number + 1
    assert work_item_get(project, second.key) == second
    assert work_item_get(project, str(second.number)) == second


def test_create_records_history_and_starts_in_the_first_status(project):
    """A new item sits in To do, reported by its creator, with a *created* history row."""
    item = item_create(project, "Blueprint", estimate_hours="12.5", labels=["sap", "finance"])
    assert item.status.name == "To do"
    assert item.reporter == project.manager
    assert item.estimate_hours == Decimal("12.5")
    assert sorted(item.labels.values_list("name", flat=True)) == ["finance", "sap"]
    [row] = item_history(item)
    assert (row.action, row.actor, row.new) == ("created", project.manager, "Blueprint")


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"progress": 120}, "between 0 and 100"),
        ({"estimate_hours": "-1"}, "negative"),
        ({"duration_days": "abc"}, "must be a number"),
        ({"colour": "red"}, "Unknown work item field"),
        ({"type": "story"}, "Unknown item type"),
        ({"title": "   "}, "needs a title"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(project, fields, fragment):
    """Bad values get a message naming the problem; no item, number or history is used up."""
    before = (WorkItem.objects.count(), ItemChange.objects.count())
    fields = {"title": "X", **fields}
    with pytest.raises(ValidationError, match=fragment):
        work_item_create(actor=project.manager, project=project, **fields)
    assert (WorkItem.objects.count(), ItemChange.objects.count()) == before
    project.refresh_from_db()
    assert item_create(project).number == before[0] + 1


def test_assignee_must_be_a_project_member(project, user):
    """Work cannot be assigned to someone outside the project."""
    with pytest.raises(ValidationError, match="not a member"):
        item_create(project, assignee=user)


def test_every_changed_field_gets_a_history_row(project, member_of):
    """One update touching three fields writes three rows: who, when, field, old → new;
    unchanged fields write none."""
    dev = member_of(project, "member", username="dev")
    item = item_create(project, "Blueprint", priority="medium")
    updated = work_item_update(
        actor=dev,
        item=item,
        version=1,
        title="Blueprint v2",
        assignee=dev,
        progress=40,
        priority="medium",
    )
    assert updated.version == 2
    rows = [(r.action, r.actor.username, r.field, r.old, r.new) for r in item_history(item)[1:]]
    assert sorted(rows) == sorted(
        [
            ("updated", "dev", "title", "Blueprint", "Blueprint v2"),
            ("updated", "dev", "assignee", "", "dev"),
            ("updated", "dev", "progress", "0", "40"),
        ]
    )
    work_item_update(actor=dev, item=item, version=2, labels=["risk"])
    assert item_history(item).last().field == "labels"
    assert item_history(item).last().new == "risk"


def test_stale_version_changes_nothing(project):
    """An update based on an old version is refused and the newer value stays."""
    item = item_create(project, "Blueprint")
    work_item_update(actor=project.manager, item=item, version=1, title="Theirs")
    with pytest.raises(ConflictError):
        work_item_update(actor=project.manager, item=item, version=1, title="Mine")
    item.refresh_from_db()
    assert (item.title, item.version) == ("Theirs", 2)
    assert ItemChange.objects.filter(item=item, new="Mine").count() == 0


@pytest.mark.parametrize("field", ["status", "parent", "position"])
def test_update_points_elsewhere_for_status_and_wbs_fields(project, field):
    """Status and WBS position change through their own services, and the message says so."""
    item = item_create(project)
    with pytest.raises(ValidationError, match=r"work_item_(transition|move)"):
        work_item_update(actor=project.manager, item=item, version=1, **{field: None})


def test_planned_finish_before_start_is_refused(project):
    """A planned finish earlier than the planned start is refused."""
    import datetime as dt

    item = item_create(project)
    with pytest.raises(ValidationError, match="before the planned start"):
        work_item_update(
            actor=project.manager,
            item=item,
            version=1,
            planned_start=dt.date(2026, 3, 2),
            planned_finish=dt.date(2026, 3, 1),
        )
    item.refresh_from_db()
    assert item.planned_start is None


def test_transition_along_the_workflow_is_recorded(project, member_of):
    """Moving To do → In progress works and leaves a *transitioned* history row."""
    dev = member_of(project, "member", username="dev")
    item = item_create(project)
    moved = work_item_transition(actor=dev, item=item, to_status="in_progress", version=1)
    assert (moved.status.name, moved.version) == ("In progress", 2)
    row = item_history(item).last()
    assert (row.action, row.field, row.old, row.new) == (
        "transitioned",
        "status",
        "To do",
        "In progress",
    )


def test_transition_not_in_the_workflow_names_the_allowed_moves(project):
    """Jumping from To do straight to Done is refused with the moves that are allowed."""
    item = item_create(project)
    with pytest.raises(ValidationError) as exc:
        work_item_transition(actor=project.manager, item=item, to_status="done")
    assert str(exc.value) == (
        f"Moving {item.key} from To do to Done is not allowed; allowed next: In progress."
    )
    item.refresh_from_db()
    assert item.status.name == "To do"


def test_gate_approval_needs_an_approving_role(project, member_of):
    """A team member may send work to review but not approve it into Done; the QA manager may,
    and reaching Done marks it 100 % complete."""
    dev = member_of(project, "member")
    qa = member_of(project, "qa_manager")
    item = item_create(project)
    work_item_transition(actor=dev, item=item, to_status="in_progress")
    work_item_transition(actor=dev, item=item, to_status="in_review")
    with pytest.raises(PermissionDenied, match="QA manager"):
        work_item_transition(actor=dev, item=item, to_status="done")
    done = work_item_transition(actor=qa, item=item, to_status="Done")
    assert (done.status.name, done.progress) == ("Done", 100)


def test_kanban_wip_limit_blocks_one_more(member_of):
    """With Doing at its WIP limit, moving another item there is refused."""
    board = ProjectFactory(template="kanban")
    items = [item_create(board, f"Card {n}") for n in range(4)]
    for card in items[:3]:
        work_item_transition(actor=board.manager, item=card, to_status="doing")
    with pytest.raises(ValidationError, match="WIP limit"):
        work_item_transition(actor=board.manager, item=items[3], to_status="doing")
    with pytest.raises(ValidationError, match="WIP limit"):
        item_create(board, "Straight into Doing", status="doing")
    assert work_item_list(board, status="doing").count() == 3


def test_delete_refuses_items_with_children_unless_cascading(project):
    """A phase with work under it stays unless deleted with cascade, which takes the subtree
    and leaves a *deleted* row per item in the project history."""
    phase = work_item_get(project, 1)
    with pytest.raises(ValidationError, match="1 item"):
        work_item_delete(actor=project.manager, item=phase)
    assert work_item_delete(actor=project.manager, item=phase, cascade=True) == 2
    assert not WorkItem.objects.filter(pk=phase.pk).exists()
    deleted = [r.item_key for r in project_history(project) if r.action == "deleted"]
    assert sorted(deleted) == ["ERP-1", "ERP-2"]
    assert work_item_get(project, 3).outline_code == "1"


def test_item_lists_take_constant_queries(project, django_assert_num_queries):
    """Listing items with status, people, parent and labels costs the same for 10 or 20 items."""
    for n in range(10):
        item_create(project, f"Extra {n}", labels=["x"])
    with django_assert_num_queries(2):
        rows = [
            (
                i.key,
                i.status.name,
                i.reporter.username,
                i.parent and i.parent.key,
                [lab.name for lab in i.labels.all()],
            )
            for i in work_item_list(project)
        ]
    assert len(rows) == 20
    assert rows[-1][4] == ["x"]
    assert [r[0] for r in rows][:2] == ["ERP-1", "ERP-2"]


def test_item_list_filters(project, member_of):
    """Filters by status, assignee, type, label, text and parent level narrow the list."""
    dev = member_of(project, "member")
    a = item_create(project, "Data migration", assignee=dev, labels=["data"])
    item_create(project, "Training", type="milestone")
    assert list(work_item_list(project, assignee=dev)) == [a]
    assert list(work_item_list(project, label="data")) == [a]
    assert list(work_item_list(project, text="migration")) == [a]
    assert list(work_item_list(project, text=a.key)) == [a]
    assert work_item_list(project, type="milestone").count() == 6
    assert work_item_list(project, parent=None).count() == 7
    assert work_item_list(project, status="todo").count() == 12


def test_history_lists_take_one_query(project, django_assert_num_queries):
    """The project history (newest first) and an item's history come with their actors in one
    query each."""
    item = item_create(project, "Blueprint")
    for n in range(3):
        work_item_update(actor=project.manager, item=item, version=None, progress=10 * (n + 1))
    with django_assert_num_queries(1):
        newest = [(r.actor.username, r.field, r.new) for r in project_history(project)][:1]
    assert newest == [(project.manager.username, "progress", "30")]
    with django_assert_num_queries(1):
        assert [r.new for r in item_history(item)] == ["Blueprint", "10", "20", "30"]
