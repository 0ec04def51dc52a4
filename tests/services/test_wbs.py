"""The WBS: outline codes stay 1, 1.2, 1.2.3 through create, move, indent, outdent, delete."""

from __future__ import annotations

import pytest
from tests.factories import ProjectFactory, item_create

from keel.apps.work.models import WorkItem
from keel.apps.work.selectors import item_history, work_item_list
from keel.apps.work.services import (
    work_item_delete,
    work_item_indent,
    work_item_move,
    work_item_outdent,
)
from keel.domain.errors import CycleError, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    """A Kanban project (no template items), so outlines start from 1."""
    return ProjectFactory(key="WBS", template="kanban")


def outline(project):
    """The WBS as (title, code) in outline order."""
    return [(i.title, i.outline_code) for i in work_item_list(project)]


def test_create_numbers_children_under_their_parent(board):
    """Top-level items count 1, 2, …; children extend their parent's code."""
    a = item_create(board, "A")
    item_create(board, "B")
    a1 = item_create(board, "A1", parent=a)
    item_create(board, "A1a", parent=a1)
    item_create(board, "A2", parent=a)
    assert outline(board) == [
        ("A", "1"),
        ("A1", "1.1"),
        ("A1a", "1.1.1"),
        ("A2", "1.2"),
        ("B", "2"),
    ]


def test_create_at_a_position_shifts_later_siblings(board):
    """Inserting at position 1 pushes the others down."""
    item_create(board, "A")
    item_create(board, "B")
    item_create(board, "First", position=1)
    assert outline(board) == [("First", "1"), ("A", "2"), ("B", "3")]


def test_outline_sorts_numerically_past_nine(board):
    """Item 10 follows item 9, not item 1."""
    for n in range(1, 12):
        item_create(board, f"T{n}")
    assert [code for _t, code in outline(board)] == [str(n) for n in range(1, 12)]


def test_move_renumbers_both_old_and_new_siblings(board):
    """Moving an item with its subtree under another renumbers everything it touched and
    records the old and new parent."""
    _a, b, c = (item_create(board, t) for t in "ABC")
    b1 = item_create(board, "B1", parent=b)
    work_item_move(actor=board.manager, item=b, parent=c, position=None)
    assert outline(board) == [("A", "1"), ("C", "2"), ("B", "2.1"), ("B1", "2.1.1")]
    row = item_history(b).filter(field="parent").get()
    assert (row.old, row.new) == ("", c.key)
    work_item_move(actor=board.manager, item=b1, parent=None, position=1)
    assert outline(board) == [("B1", "1"), ("A", "2"), ("C", "3"), ("B", "3.1")]


def test_moving_under_own_descendant_is_a_wbs_cycle(board):
    """Putting an item under its own grandchild is refused, naming the loop in order."""
    a = item_create(board, "A")
    a1 = item_create(board, "A1", parent=a)
    a1a = item_create(board, "A1a", parent=a1)
    with pytest.raises(CycleError) as exc:
        work_item_move(actor=board.manager, item=a, parent=a1a)
    assert exc.value.cycle == (a.key, a1.key, a1a.key)
    assert (
        str(exc.value) == f"This WBS would create a cycle: {a.key} → {a1.key} → {a1a.key} → {a.key}"
    )
    with pytest.raises(CycleError):
        work_item_move(actor=board.manager, item=a, parent=a)
    assert outline(board) == [("A", "1"), ("A1", "1.1"), ("A1a", "1.1.1")]


def test_parent_from_another_project_is_refused(board):
    """An item cannot hang under another project's item."""
    a = item_create(board, "A")
    stranger = item_create(ProjectFactory(template="kanban"), "Elsewhere")
    with pytest.raises(ValidationError, match="another project"):
        work_item_move(actor=board.manager, item=a, parent=stranger)
    with pytest.raises(ValidationError, match="another project"):
        item_create(board, "B", parent=stranger)


def test_indent_and_outdent(board):
    """Indent makes an item the last child of the one above; outdent puts it right after its
    parent; the first item cannot indent and a top-level item cannot outdent."""
    a, b, c = (item_create(board, t) for t in "ABC")
    with pytest.raises(ValidationError, match="nothing to indent"):
        work_item_indent(actor=board.manager, item=a)
    work_item_indent(actor=board.manager, item=b)
    work_item_indent(actor=board.manager, item=c)
    assert outline(board) == [("A", "1"), ("B", "1.1"), ("C", "1.2")]
    work_item_indent(actor=board.manager, item=WorkItem.objects.get(pk=c.pk))
    assert outline(board) == [("A", "1"), ("B", "1.1"), ("C", "1.1.1")]
    work_item_outdent(actor=board.manager, item=WorkItem.objects.get(pk=c.pk))
    assert outline(board) == [("A", "1"), ("B", "1.1"), ("C", "1.2")]
    work_item_outdent(actor=board.manager, item=WorkItem.objects.get(pk=b.pk))
    assert outline(board) == [("A", "1"), ("C", "1.1"), ("B", "2")]
    with pytest.raises(ValidationError, match="top level"):
        work_item_outdent(actor=board.manager, item=WorkItem.objects.get(pk=b.pk))


def test_delete_closes_the_gap(board):
    """Deleting an item renumbers the siblings after it."""
    _a, b, c = (item_create(board, t) for t in "ABC")
    item_create(board, "C1", parent=c)
    work_item_delete(actor=board.manager, item=b)
    assert outline(board) == [("A", "1"), ("C", "2"), ("C1", "2.1")]


def test_move_needs_edit_permission(board, member_of):
    """A viewer cannot restructure the WBS."""
    from django.core.exceptions import PermissionDenied

    a, b = item_create(board, "A"), item_create(board, "B")
    viewer = member_of(board, "viewer")
    with pytest.raises(PermissionDenied):
        work_item_move(actor=viewer, item=b, parent=a)
    assert outline(board) == [("A", "1"), ("B", "2")]


def test_renumbering_a_large_wbs_is_one_bulk_write(board, django_assert_max_num_queries):
    """Moving the first of 60 items renumbers them all in a bounded number of queries."""
    items = [item_create(board, f"T{n}") for n in range(60)]
    with django_assert_max_num_queries(20):
        work_item_move(actor=board.manager, item=items[0], parent=None, position=60)
    assert outline(board)[-1] == ("T0", "60")
    assert outline(board)[0] == ("T1", "1")
