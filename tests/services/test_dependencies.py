"""Dependencies: FS/SS/FF/SF links with lags; self-links, duplicates and cycles are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from tests.factories import ProjectFactory, item_create

from keel.apps.work.models import Dependency
from keel.apps.work.selectors import dependency_list, item_history
from keel.apps.work.services import dependency_create, dependency_delete, dependency_update
from keel.domain.errors import ConflictError, CycleError, ValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """A Kanban project with four loose items A, B, C, D."""
    board = ProjectFactory(key="DEP", template="kanban")
    return board, [item_create(board, t) for t in "ABCD"]


def link(board, a, b, **kw):
    return dependency_create(actor=board.manager, predecessor=a, successor=b, **kw)


def test_link_is_stored_and_noted_on_both_items(chain):
    """A link with type and lag appears in the list and in both items' history."""
    board, (a, b, _c, _d) = chain
    dep = link(board, a, b, type="ss", lag_days="-1.5")
    dep.refresh_from_db()
    assert (dep.type, dep.lag_days) == ("SS", Decimal("-1.5"))
    assert list(dependency_list(board)) == [dep]
    assert item_history(b).last().new == "DEP-1 → DEP-2 (SS -1.5d)"
    assert item_history(a).last().action == "dependency_added"


def test_cycle_is_refused_naming_every_item_in_order(chain):
    """Closing a loop A → B → C → A is refused; the message walks the loop."""
    board, (a, b, c, _d) = chain
    link(board, a, b)
    link(board, b, c)
    with pytest.raises(CycleError) as exc:
        link(board, c, a)
    assert str(exc.value) == "This dependency would create a cycle: DEP-3 → DEP-1 → DEP-2 → DEP-3"
    assert Dependency.objects.count() == 2


def test_two_item_cycle_message(chain):
    """The shortest loop reads X → Y → X."""
    board, (a, b, _c, _d) = chain
    link(board, b, a)
    with pytest.raises(CycleError, match="DEP-1 → DEP-2 → DEP-1"):
        link(board, a, b)


@pytest.mark.parametrize(
    ("case", "fragment"),
    [
        ("self", "cannot depend on itself"),
        ("duplicate", "already depends"),
        ("other-project", "different projects"),
        ("bad-type", "Unknown dependency type"),
        ("huge-lag", "within ±3650"),
        ("bad-lag", "number of working days"),
    ],
)
def test_invalid_links_are_refused_with_a_reason(chain, case, fragment):
    """Each malformed link is refused with a message that says why; nothing is stored."""
    board, (a, b, _c, _d) = chain
    link(board, a, b)
    stranger = item_create(ProjectFactory(template="kanban"), "Elsewhere")
    args = {
        "self": (a, a, {}),
        "duplicate": (a, b, {}),
        "other-project": (a, stranger, {}),
        "bad-type": (b, a, {"type": "XX"}),
        "huge-lag": (b, _c, {"lag_days": 4000}),
        "bad-lag": (b, _c, {"lag_days": "soon"}),
    }[case]
    with pytest.raises(ValidationError, match=fragment):
        dependency_create(actor=board.manager, predecessor=args[0], successor=args[1], **args[2])
    assert Dependency.objects.count() == 1


def test_summary_cannot_link_to_its_own_parts(chain):
    """A parent item and its child cannot depend on each other in either direction."""
    board, (a, _b, _c, _d) = chain
    child = item_create(board, "A1", parent=a)
    with pytest.raises(ValidationError, match="contains"):
        link(board, a, child)
    with pytest.raises(ValidationError, match="contains"):
        link(board, child, a)


def test_update_and_delete_are_versioned_and_recorded(chain):
    """Changing the lag bumps the version; a stale version conflicts; removal is recorded."""
    board, (a, b, _c, _d) = chain
    dep = link(board, a, b)
    changed = dependency_update(actor=board.manager, dependency=dep, version=1, lag_days=2)
    assert (changed.version, changed.lag_days) == (2, 2)
    with pytest.raises(ConflictError):
        dependency_update(actor=board.manager, dependency=dep, version=1, type="FF")
    assert Dependency.objects.get().type == "FS"
    dependency_delete(actor=board.manager, dependency=dep)
    assert not Dependency.objects.exists()
    assert item_history(b).last().action == "dependency_removed"


def test_members_without_dependency_edit_cannot_link(chain, member_of):
    """A team member may not add dependencies (the plan's logic belongs to leads)."""
    board, (a, b, _c, _d) = chain
    dev = member_of(board, "member")
    with pytest.raises(PermissionDenied):
        dependency_create(actor=dev, predecessor=a, successor=b)


def test_dependency_list_is_one_query(chain, django_assert_num_queries):
    """Listing links with both item keys takes one query however many links there are."""
    board, (a, b, c, d) = chain
    link(board, a, b)
    link(board, b, c)
    link(board, c, d)
    with django_assert_num_queries(1):
        keys = [(x.predecessor.key, x.successor.key) for x in dependency_list(board)]
    assert keys == [("DEP-1", "DEP-2"), ("DEP-2", "DEP-3"), ("DEP-3", "DEP-4")]
