"""Actual start and finish of work items: the rules, the history and what the schedule does."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from tests.factories import ProjectFactory, item_create

from keel.apps.work import adapters
from keel.apps.work.adapters import project_to_network
from keel.apps.work.models import ItemChange, WorkItem
from keel.apps.work.services import dependency_create, work_item_update
from keel.domain.errors import ValidationError

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """March 2026 (the 2nd is a Monday), in the server's time zone."""
    return timezone.make_aware(
        datetime(2026, 3, day, hour, minute), timezone.get_default_timezone()
    )


def fresh(item: WorkItem) -> WorkItem:
    return WorkItem.objects.get(pk=item.pk)


@pytest.fixture
def plan(django_capture_on_commit_callbacks):
    """From Monday 2 March 2026: A (3 days) → B (2 days); C (1 day) on its own."""
    project = ProjectFactory(methodology="kanban", start_date=date(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True):
        a = item_create(project, "A", duration_days=3)
        b = item_create(project, "B", duration_days=2)
        c = item_create(project, "C", duration_days=1)
        dependency_create(actor=project.manager, predecessor=a, successor=b)
    return project, a, b, c


@pytest.fixture
def now(monkeypatch):
    """Pin the status date (the site's wall-clock "now") the server schedules with."""

    def pin(day: int, hour: int, minute: int = 0) -> None:
        monkeypatch.setattr(adapters, "status_now", lambda: datetime(2026, 3, day, hour, minute))

    return pin


def update(item: WorkItem, capture, **fields) -> WorkItem:
    with capture(execute=True):
        return work_item_update(
            actor=item.project.manager, item=item, version=fresh(item).version, **fields
        )


def test_an_actual_finish_needs_an_actual_start(plan):
    """Refused with a clear message; nothing changes, not even the version."""
    _project, a, _b, _c = plan
    before = fresh(a)
    with pytest.raises(ValidationError, match="actual finish needs an actual start"):
        work_item_update(
            actor=a.project.manager, item=a, version=before.version, actual_finish=at(3, 18)
        )
    after = fresh(a)
    assert (after.actual_finish, after.progress, after.version) == (None, 0, before.version)


def test_an_actual_finish_before_the_actual_start_is_refused(plan):
    _project, a, _b, _c = plan
    version = fresh(a).version
    with pytest.raises(ValidationError, match="comes before the actual start"):
        work_item_update(
            actor=a.project.manager,
            item=a,
            version=version,
            actual_start=at(4, 9),
            actual_finish=at(3, 18),
        )
    after = fresh(a)
    assert (after.actual_start, after.actual_finish, after.version) == (None, None, version)
    assert not ItemChange.objects.filter(item=a, field__startswith="actual").exists()


def test_clearing_the_start_of_a_finished_item_is_refused(plan, django_capture_on_commit_callbacks):
    _project, a, _b, _c = plan
    update(a, django_capture_on_commit_callbacks, actual_start=at(2, 9), actual_finish=at(4, 18))
    with pytest.raises(ValidationError, match="needs an actual start"):
        update(a, django_capture_on_commit_callbacks, actual_start=None)
    assert fresh(a).actual_start == at(2, 9)


def test_an_actual_finish_completes_the_item_with_history(
    plan, now, django_capture_on_commit_callbacks
):
    """Setting the actual finish sets progress to 100; each change gets one history row."""
    now(5, 9)
    _project, a, _b, _c = plan
    update(a, django_capture_on_commit_callbacks, progress=40)
    a = update(
        a, django_capture_on_commit_callbacks, actual_start=at(2, 9), actual_finish=at(4, 18)
    )
    assert a.progress == 100
    rows = {
        r.field: (r.old, r.new)
        for r in ItemChange.objects.filter(
            item=a, field__in=["progress", "actual_start", "actual_finish"]
        ).order_by("id")
    }
    assert rows["progress"] == ("40", "100")
    assert rows["actual_start"][0] == "" and "2026-03-02" in rows["actual_start"][1]
    assert rows["actual_finish"][0] == "" and "2026-03-04" in rows["actual_finish"][1]


def test_without_actuals_the_schedule_is_as_before(plan, django_capture_on_commit_callbacks):
    """Progress alone (no actual start) does not move an item, and no status date applies."""
    project, a, b, c = plan
    before = [(fresh(x).early_start, fresh(x).early_finish) for x in (a, b, c)]
    update(a, django_capture_on_commit_callbacks, progress=60)
    assert [(fresh(x).early_start, fresh(x).early_finish) for x in (a, b, c)] == before
    assert project_to_network(project).network.status_date is None
    assert before[0] == (at(2, 9), at(4, 18))


def test_an_actual_start_in_the_past_stays_and_the_rest_runs_from_now(
    plan, now, django_capture_on_commit_callbacks
):
    """A began a day late (Tuesday 09:00) and is 25 % done on Wednesday 09:00: the 6 hours done
    stay on Tuesday, the 18 hours left run from Wednesday 09:00 to Friday 11:00; B follows A,
    and C (not started) waits for the status date."""
    now(4, 9)
    _project, a, b, c = plan
    update(a, django_capture_on_commit_callbacks, actual_start=at(3, 9), progress=25)
    a, b, c = fresh(a), fresh(b), fresh(c)
    assert (a.early_start, a.early_finish) == (at(3, 9), at(6, 11))
    assert (b.early_start, b.early_finish) == (at(6, 11), at(10, 11))
    assert c.early_start == at(4, 9)


def test_a_finished_item_holds_its_successors_after_its_actual_finish(
    plan, now, django_capture_on_commit_callbacks
):
    """A ran late, Monday 09:00 to Thursday 12:00 (planned to end Wednesday): B, planned for
    Thursday morning, starts after A's actual finish, at Thursday 13:00."""
    now(5, 12)
    _project, a, b, _c = plan
    assert fresh(b).early_start == at(5, 9)
    update(a, django_capture_on_commit_callbacks, actual_start=at(2, 9), actual_finish=at(5, 12))
    a, b = fresh(a), fresh(b)
    assert (a.early_start, a.early_finish, a.progress) == (at(2, 9), at(5, 12), 100)
    assert (b.early_start, b.early_finish) == (at(5, 13), at(9, 12))


def test_finishing_early_pulls_the_successors_in(plan, now, django_capture_on_commit_callbacks):
    """A took one day instead of three: B starts on Tuesday instead of Thursday."""
    now(2, 18)
    _project, a, b, _c = plan
    update(a, django_capture_on_commit_callbacks, actual_start=at(2, 9), actual_finish=at(2, 18))
    assert (fresh(b).early_start, fresh(b).early_finish) == (at(3, 9), at(4, 18))
