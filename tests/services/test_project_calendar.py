"""Project calendars in the server: the scheduler works on the project's own calendar."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from tests.factories import ProjectFactory, UserFactory, item_create

from keel.apps.work.adapters import project_calendar
from keel.apps.work.models import CalendarException, ItemChange, ProjectCalendar, WorkItem
from keel.apps.work.services import calendar_update
from keel.domain.errors import ConflictError

pytestmark = pytest.mark.django_db


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args), timezone.get_default_timezone())


def scheduled(item: WorkItem) -> tuple[datetime, datetime]:
    row = WorkItem.objects.get(pk=item.pk)
    return row.early_start, row.early_finish


@pytest.fixture
def cn_project(django_capture_on_commit_callbacks):
    """A project from Monday 14 September 2026 on the mainland China calendar."""
    with django_capture_on_commit_callbacks(execute=True):
        project = ProjectFactory(key="CNP", methodology="kanban", start_date=date(2026, 9, 14))
        calendar_update(actor=project.manager, project=project, version=0, country="CN")
    return project


def test_a_task_across_national_day_finishes_after_the_holiday(
    cn_project, django_capture_on_commit_callbacks
):
    """A 5-day task starting on Wednesday 30 September 2026, the last working day before
    National Day, finishes on Monday 12 October at 18:00.

    The 2026 official schedule (the ``holidays`` package's CN data): 1-7 October are off
    (Thu 1, Fri 2, Sat 3 National Day; Sun 4 a weekend; Mon 5 observed; Tue 6 and Wed 7 days
    off moved from Sunday 20 September and Saturday 10 October), and Saturday 10 October is
    a 调休 working day. Counting: day 1 = Wed 30 Sep; day 2 = Thu 8 Oct; day 3 = Fri 9 Oct;
    day 4 = Sat 10 Oct (worked); Sun 11 Oct is off; day 5 = Mon 12 Oct, ending at 18:00.
    On the standard calendar the same task would finish on Tuesday 6 October.
    """
    with django_capture_on_commit_callbacks(execute=True):
        task = item_create(
            cn_project, "Data migration", duration_days=5, planned_start=date(2026, 9, 30)
        )
    assert scheduled(task) == (local(2026, 9, 30, 9), local(2026, 10, 12, 18))

    # Back to no holidays: the same task now ends five weekdays later, on Tuesday 6 October.
    with django_capture_on_commit_callbacks(execute=True):
        calendar_update(actor=cn_project.manager, project=cn_project, version=1, country="")
    assert scheduled(task) == (local(2026, 9, 30, 9), local(2026, 10, 6, 18))


def test_a_tiaoxiu_sunday_counts_as_working(cn_project, django_capture_on_commit_callbacks):
    """Sunday 20 September 2026 is worked (it pays for Tuesday 6 October): a 2-day task from
    Saturday 19 September starts on that Sunday and ends on Monday 21 September."""
    with django_capture_on_commit_callbacks(execute=True):
        task = item_create(cn_project, "Cut-over", duration_days=2, planned_start=date(2026, 9, 19))
    assert scheduled(task) == (local(2026, 9, 20, 9), local(2026, 9, 21, 18))
    calendar = project_calendar(cn_project)
    assert calendar.is_working_day(date(2026, 10, 10))  # Saturday, 调休
    assert not calendar.is_working_day(date(2026, 10, 1))
    assert not calendar.is_working_day(date(2026, 9, 25))  # Mid-Autumn Festival


def test_own_exceptions_working_days_and_hours(cn_project, django_capture_on_commit_callbacks):
    """A six-day week of 08:00-12:00 (four hours), a closed week and a worked holiday: the
    project's own exceptions win over the country's holidays."""
    pm = cn_project.manager
    with django_capture_on_commit_callbacks(execute=True):
        task = item_create(cn_project, "Audit", duration_days=1, planned_start=date(2026, 9, 14))
        calendar_update(
            actor=pm,
            project=cn_project,
            version=1,
            workdays="123456",
            hours=[["08:00", "12:00"]],
            exceptions=[
                {"start": "2026-09-14", "finish": "2026-09-15", "name": "Stock-take"},
                {"start": "2026-10-01", "working": True, "hours": [["10:00", "11:00"]]},
            ],
        )
    # 8 hours = two half days, after the closed Monday and Tuesday: Wednesday and Thursday.
    assert scheduled(task) == (local(2026, 9, 16, 8), local(2026, 9, 17, 12))
    calendar = project_calendar(cn_project)
    assert calendar.working_periods(date(2026, 10, 1)) == ((600, 660),)
    assert calendar.is_working_day(date(2026, 9, 19))  # a Saturday in the six-day week
    row = ProjectCalendar.objects.get(project=cn_project)
    assert row.version == 2
    fields = set(ItemChange.objects.filter(item_key="calendar").values_list("field", flat=True))
    assert {"calendar.workdays", "calendar.hours", "calendar.exceptions"} <= fields


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"workdays": "1289"}, "workdays"),
        ({"workdays": ""}, "workdays"),
        ({"hours": [["13:00", "18:00"], ["09:00", "12:00"]]}, "hours"),
        ({"hours": [["18:00", "09:00"]]}, "hours"),
        ({"hours": [["9h", "12:00"]]}, "hours"),
        (
            {
                "exceptions": [
                    {"start": "2026-12-24", "finish": "2026-12-31", "name": "Winter break"},
                    {"start": "2026-12-31", "name": "Year-end close"},
                ]
            },
            "exceptions",
        ),
        ({"exceptions": [{"start": "2026-12-31", "finish": "2026-12-01"}]}, "exceptions.1"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(cn_project, change, field):
    """Each bad value names its field; the stored calendar is untouched (still version 1)."""
    pm = cn_project.manager
    with pytest.raises(ValidationError) as err:
        calendar_update(actor=pm, project=cn_project, version=1, **{"workdays": "12", **change})
    assert field in err.value.message_dict
    row = ProjectCalendar.objects.get(project=cn_project)
    assert (row.version, row.country, row.workdays) == (1, "CN", "12345")
    assert not CalendarException.objects.filter(calendar=row).exists()


def test_stale_version_is_refused(cn_project):
    with pytest.raises(ConflictError):
        calendar_update(actor=cn_project.manager, project=cn_project, version=0, country="DE")
    assert ProjectCalendar.objects.get(project=cn_project).country == "CN"


def test_viewer_cannot_edit_and_outsider_gets_404(cn_project, member_of):
    viewer = member_of(cn_project, role="viewer")
    with pytest.raises(PermissionDenied):
        calendar_update(actor=viewer, project=cn_project, version=1, country="DE")
    with pytest.raises(Http404):
        calendar_update(actor=UserFactory(), project=cn_project, version=1, country="DE")
    assert ProjectCalendar.objects.get(project=cn_project).country == "CN"


def test_a_project_without_a_calendar_is_on_the_standard_one(project):
    calendar = project_calendar(project)
    assert calendar.working_periods(date(2026, 10, 1)) == ((540, 720), (780, 1080))
    assert not calendar.is_working_day(date(2026, 10, 10))


def test_mspdi_round_trip_keeps_the_calendar(cn_project, django_capture_on_commit_callbacks):
    """Export as Microsoft Project XML and import into an empty project: the working week,
    the hours, the project's own exceptions (a closed range, a worked day with its own hours)
    and the country's holidays and 调休 days (written as dated exceptions) all come back, so
    the imported task is scheduled on the same dates."""
    from keel.apps.interchange.services import export_project, import_commit

    pm = cn_project.manager
    with django_capture_on_commit_callbacks(execute=True):
        item_create(cn_project, "Data migration", duration_days=5, planned_start=date(2026, 9, 30))
        calendar_update(
            actor=pm,
            project=cn_project,
            version=1,
            hours=[["08:30", "12:00"], ["13:00", "17:30"]],
            exceptions=[
                {"start": "2026-12-24", "finish": "2026-12-25", "name": "Office move"},
                {"start": "2026-12-26", "working": True, "hours": [["09:00", "12:00"]]},
            ],
        )
    data = export_project(cn_project, "mspdi", actor=pm)
    assert b"<FromDate>2026-12-24T00:00:00</FromDate>" in data
    with django_capture_on_commit_callbacks(execute=True):
        target = ProjectFactory(
            key="CNB", methodology="kanban", manager=pm, start_date=date(2026, 9, 14)
        )
    result = import_commit(actor=pm, data=data, format="mspdi", project_key="CNB")
    row = ProjectCalendar.objects.get(project=target)
    assert (row.workdays, row.hours) == ("12345", [["08:30", "12:00"], ["13:00", "17:30"]])
    spans = {
        (e.start, e.finish, e.working, tuple(map(tuple, e.hours))) for e in row.exceptions.all()
    }
    assert (date(2026, 12, 24), date(2026, 12, 25), False, ()) in spans
    assert (date(2026, 12, 26), date(2026, 12, 26), True, (("09:00", "12:00"),)) in spans
    assert (date(2026, 10, 1), date(2026, 10, 2), False, ()) in spans  # National Day (Thu-Fri)
    assert (date(2026, 10, 10), date(2026, 10, 10), True, ()) in spans  # 调休 Saturday
    before, after = project_calendar(cn_project), project_calendar(target)
    for offset in range(0, 400):
        day = date.fromordinal(date(2026, 9, 1).toordinal() + offset)
        assert before.working_periods(day) == after.working_periods(day), day
    imported = WorkItem.objects.get(project=target, title="Data migration")
    assert imported.early_finish.date() == date(2026, 10, 12)
    assert result.warnings == () or all("calendar" not in w for w in result.warnings)


def test_taskjuggler_export_writes_the_holidays_as_leaves(cn_project):
    from keel.apps.interchange.services import export_project

    text = export_project(cn_project, "tjp", actor=cn_project.manager).decode()
    assert 'leaves holiday "Closed" 2026-10-01' in text
    assert 'leaves holiday "Closed" 2026-10-07' in text


def test_demo_erp_project_is_on_the_china_calendar():
    """The demo's ERP roll-out (China and Germany entities, run from China) is scheduled on
    mainland China's calendar; the other demo projects stay on the standard one."""
    from keel.apps.projects.demo import demo_load

    demo_load()
    rows = dict(ProjectCalendar.objects.values_list("project__key", "country"))
    assert rows == {"ERP": "CN"}
