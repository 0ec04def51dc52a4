"""Baselines: a saved copy of the plan that later variances are measured against."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from tests.factories import ProjectFactory, UserFactory, item_create

from keel.apps.work import selectors
from keel.apps.work.baselines import BASELINE_PRICERS
from keel.apps.work.models import Baseline, BaselineItem
from keel.apps.work.services import (
    baseline_capture,
    baseline_make_current,
    dependency_create,
    work_item_delete,
    work_item_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # each edit re-schedules on commit
        project = ProjectFactory(template="waterfall")
        design = item_create(project, "Design", duration_days=Decimal(3))
        build = item_create(project, "Build", duration_days=Decimal(5), estimate_hours=Decimal(40))
        dependency_create(actor=project.manager, predecessor=design, successor=build)
    return project, design, build


def test_capture_copies_the_scheduled_dates_of_every_item(plan):
    """Each item's early dates, duration and work are saved; the link shows in the dates."""
    project, design, build = plan
    baseline = baseline_capture(actor=project.manager, project=project, name="Approved plan")
    rows = {row.item_key: row for row in baseline.items.all()}
    design.refresh_from_db()
    build.refresh_from_db()
    assert set(rows) == {design.key, build.key} | {
        i.key for i in project.items.exclude(pk__in=[design.pk, build.pk])
    }
    assert rows[design.key].start == design.early_start
    assert rows[design.key].finish == design.early_finish
    assert rows[build.key].start == build.early_start >= rows[design.key].finish
    assert rows[build.key].duration_days == Decimal(5)
    assert rows[build.key].work_hours == Decimal(40)
    assert baseline.number == 1 and baseline.is_current


def test_later_changes_do_not_touch_a_saved_baseline(plan, django_capture_on_commit_callbacks):
    """Stretching a task after the capture moves the plan but not the baseline."""
    project, design, build = plan
    baseline = baseline_capture(actor=project.manager, project=project, name="Approved plan")
    saved_finish = baseline.items.get(item_key=build.key).finish
    design.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # the re-schedule after commit
        work_item_update(
            actor=project.manager, item=design, version=design.version, duration_days=Decimal(10)
        )
    build.refresh_from_db()
    assert build.early_finish > saved_finish
    assert baseline.items.get(item_key=build.key).finish == saved_finish


def test_each_capture_takes_the_next_number_and_becomes_current(plan):
    project, _design, _build = plan
    first = baseline_capture(actor=project.manager, project=project, name="Plan")
    second = baseline_capture(actor=project.manager, project=project, name="Re-plan", reason="CR-3")
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert not first.is_current and second.is_current
    assert selectors.baseline_current(project) == second
    assert second.reason == "CR-3"
    baseline_make_current(actor=project.manager, project=project, number=1)
    assert selectors.baseline_current(project) == first


def test_a_deleted_item_stays_in_the_baseline(plan):
    project, design, _build = plan
    baseline = baseline_capture(actor=project.manager, project=project, name="Plan")
    key = design.key
    design.refresh_from_db()
    work_item_delete(actor=project.manager, item=design)
    row = BaselineItem.objects.get(baseline=baseline, item_key=key)
    assert row.item is None and row.title == "Design"


def test_registered_pricers_fill_the_budgeted_cost(plan):
    """Costs come from the pricers other areas register; several add up."""
    project, design, build = plan

    def labour(p):
        return {design.pk: Decimal("1200.50"), build.pk: Decimal(4000)}

    def material(p):
        return {build.pk: Decimal("99.50")}

    BASELINE_PRICERS.extend([labour, material])
    try:
        baseline = baseline_capture(actor=project.manager, project=project, name="Priced")
    finally:
        BASELINE_PRICERS.remove(labour)
        BASELINE_PRICERS.remove(material)
    assert baseline.items.get(item_key=design.key).cost == Decimal("1200.50")
    assert baseline.items.get(item_key=build.key).cost == Decimal("4099.50")


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_bad_name_saves_nothing(plan, name):
    project, _design, _build = plan
    with pytest.raises(ValidationError) as caught:
        baseline_capture(actor=project.manager, project=project, name=name)
    assert "name" in caught.value.message_dict
    assert not Baseline.objects.filter(project=project).exists()


def test_only_those_who_manage_baselines_capture_them(plan, member_of):
    project, _design, _build = plan
    with pytest.raises(PermissionDenied):
        baseline_capture(actor=member_of(project, "member"), project=project, name="Mine")
    with pytest.raises(Http404):
        baseline_capture(actor=UserFactory(), project=project, name="Outsider")
    assert not Baseline.objects.exists()


def test_making_a_missing_baseline_current_is_refused(plan):
    project, _design, _build = plan
    with pytest.raises(ValidationError):
        baseline_make_current(actor=project.manager, project=project, number=7)
