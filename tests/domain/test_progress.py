"""Progress against a status date: done work stays put, remaining work waits for the date.

Worked on the standard calendar (09:00-12:00, 13:00-18:00; D = 480 minutes) from Monday
3 March 2025 with the status date Wednesday 5 March 09:00.
"""

from datetime import datetime

from keel.domain.schedule import Dependency, Network, Task, schedule

D = 480


def day(d: int, hour: int) -> datetime:
    return datetime(2025, 3, d, hour)


STATUS = day(5, 9)


def progress_plan(status=STATUS):
    return Network(
        tasks=(
            Task("A", duration=2 * D, actual_start=day(3, 9), actual_finish=day(3, 18)),
            Task("B", duration=2 * D, actual_start=day(4, 9), percent_complete=25),
            Task("C", duration=D),
            Task("D", duration=D),
            Task("E", duration=D),
            Task("F", duration=2 * D, actual_start=day(3, 9), remaining=60),
            Task("G", duration=D, percent_complete=100),
        ),
        dependencies=(Dependency("A", "B"), Dependency("B", "C"), Dependency("A", "E")),
        start=datetime(2025, 3, 3),
        calendars={},
        status_date=status,
    )


def span(result, task_id):
    return result.tasks[task_id].start, result.tasks[task_id].finish


def test_completed_task_stays_where_it_happened():
    """A finished early keeps its actual dates and reports the work actually done."""
    result = schedule(progress_plan())
    assert span(result, "A") == (day(3, 9), day(3, 18))
    assert result.tasks["A"].duration == D
    assert not result.tasks["A"].critical


def test_remaining_work_of_an_in_progress_task_resumes_at_the_status_date():
    """B did a quarter (to Tuesday 14:00); its other 12 hours run from Wednesday 09:00."""
    result = schedule(progress_plan())
    assert span(result, "B") == (day(4, 9), day(6, 14))
    assert span(result, "C") == (day(6, 14), day(7, 14))
    assert result.tasks["B"].critical
    assert result.finish == day(7, 14)


def test_unstarted_work_never_starts_before_the_status_date():
    """D (no predecessors) and E (after finished A) both wait for Wednesday 09:00."""
    result = schedule(progress_plan())
    assert span(result, "D") == (day(5, 9), day(5, 18))
    assert span(result, "E") == (day(5, 9), day(5, 18))


def test_explicit_remaining_work_overrides_the_percentage():
    """F has one hour left: it resumes at the status date and ends Wednesday 10:00."""
    result = schedule(progress_plan())
    assert span(result, "F") == (day(3, 9), day(5, 10))


def test_task_marked_complete_without_dates_keeps_its_scheduled_dates():
    """100% complete without actual dates means it happened as planned."""
    result = schedule(progress_plan())
    assert span(result, "G") == (day(3, 9), day(3, 18))
    assert result.tasks["G"].total_float == 0
    assert not result.tasks["G"].critical


def test_without_a_status_date_unstarted_work_starts_at_the_project_start():
    """The status-date rule only applies when a status date is given."""
    result = schedule(progress_plan(status=None))
    assert span(result, "D") == (day(3, 9), day(3, 18))
    assert span(result, "E") == (day(4, 9), day(4, 18))
    # B's remaining work follows straight on from the done quarter.
    assert span(result, "B") == (day(4, 9), day(5, 18))
