"""The database itself refuses impossible rows, even when code skips the services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from tests.factories import ProjectFactory, item_create

from keel.apps.work.models import Dependency, WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    board = ProjectFactory(template="kanban")
    return item_create(board, "A"), item_create(board, "B")


@pytest.mark.parametrize(
    "change",
    [
        {"progress": 101},
        {"estimate_hours": -1},
        {"duration_days": -2},
        {"type": "story"},
        {"priority": "urgent"},
    ],
    ids=lambda c: next(iter(c)),
)
def test_work_item_check_constraints(pair, change):
    """Out-of-range progress, negative estimates and unknown choices are refused by the
    database; the stored row keeps its value."""
    a, _b = pair
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItem.objects.filter(pk=a.pk).update(**change)
    field = next(iter(change))
    assert getattr(WorkItem.objects.get(pk=a.pk), field) == getattr(a, field)


def test_item_cannot_be_its_own_parent(pair):
    """A row naming itself as parent is refused."""
    a, _b = pair
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkItem.objects.filter(pk=a.pk).update(parent=a)


@pytest.mark.parametrize("case", ["self", "lag", "duplicate"])
def test_dependency_check_constraints(pair, case):
    """Self-links, absurd lags and duplicate pairs are refused by the database."""
    a, b = pair
    Dependency.objects.create(project=a.project, predecessor=a, successor=b)
    row = {
        "self": {"predecessor": a, "successor": a},
        "lag": {"predecessor": b, "successor": a, "lag_days": 5000},
        "duplicate": {"predecessor": a, "successor": b},
    }[case]
    with pytest.raises(IntegrityError), transaction.atomic():
        Dependency.objects.create(project=a.project, **row)
    assert Dependency.objects.count() == 1
