"""Projects in the database are scheduled by the engine: dates, floats and critical flags."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from tests.factories import ProjectFactory, UserFactory, item_create

from keel.apps.work.models import WorkItem
from keel.apps.work.scheduling import schedule_recalculate
from keel.apps.work.services import dependency_create, work_item_update
from keel.domain.errors import CycleError

pytestmark = pytest.mark.django_db


def at(day: int, hour: int) -> datetime:
    """March 2026 (the 2nd is a Monday), in the server's time zone."""
    return timezone.make_aware(datetime(2026, 3, day, hour), timezone.get_default_timezone())


@pytest.fixture
def plan(django_capture_on_commit_callbacks):
    """A kanban project from Monday 2 March 2026: A (3d) → B (2d) → M; C starts a day after A."""
    project = ProjectFactory(methodology="kanban", start_date=date(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True):
        a = item_create(project, "A", duration_days=3)
        b = item_create(project, "B", duration_days=2)
        c = item_create(project, "C", duration_days=1)
        m = item_create(project, "M", type="milestone")
        pm = project.manager
        dependency_create(actor=pm, predecessor=a, successor=b)
        dependency_create(actor=pm, predecessor=a, successor=c, type="SS", lag_days=1)
        dependency_create(actor=pm, predecessor=b, successor=m)
    return project, a, b, c, m


def fresh(item):
    return WorkItem.objects.get(pk=item.pk)


def test_edits_schedule_the_project(plan):
    """After items and links are saved, each item carries its early dates, floats and whether it
    is critical, as the critical path method gives them on the 09:00-18:00 working day."""
    _project, a, b, c, m = (plan[0], *map(fresh, plan[1:]))
    assert (a.early_start, a.early_finish) == (at(2, 9), at(4, 18))
    assert (b.early_start, b.early_finish) == (at(5, 9), at(6, 18))
    assert (c.early_start, c.early_finish) == (at(3, 9), at(3, 18))
    assert m.early_start == m.early_finish == at(6, 18)
    assert [x.is_critical for x in (a, b, c, m)] == [True, True, False, True]
    assert c.total_float_minutes == 3 * 480
    assert (c.late_start, c.late_finish) == (at(6, 9), at(6, 18))
    assert a.total_float_minutes == b.total_float_minutes == 0


def test_changing_a_duration_moves_the_successors(plan, django_capture_on_commit_callbacks):
    """Lengthening A by a day pushes B and the milestone a working day later (over the weekend)."""
    project, a, b, _c, m = plan
    with django_capture_on_commit_callbacks(execute=True):
        work_item_update(actor=project.manager, item=a, version=fresh(a).version, duration_days=4)
    assert fresh(b).early_start == at(6, 9)
    assert fresh(m).early_finish == at(9, 18)


def test_a_due_date_before_the_finish_shows_negative_float(
    plan, django_capture_on_commit_callbacks
):
    """A deadline never moves the task; it shows as negative float and marks it critical."""
    project, _a, b, _c, _m = plan
    with django_capture_on_commit_callbacks(execute=True):
        work_item_update(
            actor=project.manager, item=b, version=fresh(b).version, due_date=date(2026, 3, 5)
        )
    b = fresh(b)
    assert b.early_finish == at(6, 18)
    assert b.total_float_minutes == -480
    assert b.is_critical


def test_a_refused_link_leaves_the_schedule_alone(plan, django_capture_on_commit_callbacks):
    """A link that would close a cycle is refused and no stored date changes."""
    project, a, _b, _c, m = plan
    before = list(WorkItem.objects.order_by("pk").values_list("early_start", "early_finish"))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CycleError):
        dependency_create(actor=project.manager, predecessor=m, successor=a)
    after = list(WorkItem.objects.order_by("pk").values_list("early_start", "early_finish"))
    assert after == before


def test_schedule_on_demand_reports_finish_and_critical_path(plan):
    """A project manager can run the scheduler and gets the finish and the critical path."""
    project, a, b, _c, m = plan
    summary = schedule_recalculate(actor=project.manager, project=project)
    assert summary.finish == datetime(2026, 3, 6, 18)
    assert set(summary.critical_path) >= {a.key, b.key, m.key}
    assert summary.items == 4


def test_schedule_on_demand_checks_the_role(plan, member_of):
    """Outsiders get 'not found'; a viewer may look but not run the scheduler."""
    project = plan[0]
    with pytest.raises(Http404):
        schedule_recalculate(actor=UserFactory(), project=project)
    with pytest.raises(PermissionDenied):
        schedule_recalculate(actor=member_of(project, role="viewer"), project=project)
