"""The TaskJuggler writer and the tj3 runner: what is written, what is left out, and errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from keel.domain.schedule.calendar import STANDARD_WEEK, WorkingCalendar
from keel.domain.schedule.model import (
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Task,
)
from keel.interchange.tj3 import Tj3Error, Tj3Missing, find_tj3, parse_report, run_tj3
from keel.interchange.tjp import TjpExport, write_tjp

START = datetime(2025, 3, 3, 9, 0)


def network(*tasks: Task, links: tuple[Dependency, ...] = (), **calendars: WorkingCalendar):
    cals = {"site": WorkingCalendar("site", week=STANDARD_WEEK), **calendars}
    return Network(tuple(tasks), links, START, cals, calendar="site", name='Quote "this"')


def test_tasks_links_and_calendar_are_written() -> None:
    """Working durations become `length`, elapsed `duration`, FS/SS links `depends` with
    `gaplength`, nested tasks nest, and holidays become `leaves holiday`."""
    site = WorkingCalendar(
        "site", week=STANDARD_WEEK, exceptions={date(2025, 3, 5): (), date(2025, 3, 8): ()}
    )
    net = Network(
        (
            Task("p", "Phase"),
            Task("a", "A", 480, parent="p"),
            Task("b", "B", 2880, parent="p", elapsed=True),
            Task("m", "M", milestone=True),
        ),
        (
            Dependency("a", "b", DependencyType.SS, 60),
            Dependency("p", "m", DependencyType.FS, 0, 50.0),
        ),
        START,
        {"site": site},
        calendar="site",
    )
    export = write_tjp(net)
    text = export.text
    assert export.ids == {"p": "t0", "a": "t0.t1", "b": "t0.t2", "m": "t3"}
    assert "workinghours mon 9:00-12:00, 13:00-18:00" in text
    assert "workinghours sat off" in text
    assert 'leaves holiday "Closed" 2025-03-05' in text
    assert "2025-03-08" not in text  # a Saturday is off anyway
    assert "length 480min" in text and "duration 2880min" in text
    assert "depends t0.t1 { onstart gaplength 60min }" in text
    assert "depends t0\n" in text  # a percentage of a summary's zero duration is no gap
    assert "milestone" in text
    assert export.skipped == ()


def test_constraints_map_to_fixed_dates_and_anchor_milestones() -> None:
    """MSO/MFO become start/end, SNET a hidden milestone to depend on, SNLT/FNLT checks."""
    net = network(
        Task("a", duration=480, constraint=Constraint(ConstraintType.MSO, START)),
        Task(
            "b", duration=480, constraint=Constraint(ConstraintType.MFO, datetime(2025, 3, 7, 18))
        ),
        Task(
            "c", duration=480, constraint=Constraint(ConstraintType.SNET, datetime(2025, 3, 6, 9))
        ),
        Task(
            "d", duration=480, constraint=Constraint(ConstraintType.SNLT, datetime(2025, 3, 6, 9))
        ),
        Task(
            "e", duration=480, constraint=Constraint(ConstraintType.FNLT, datetime(2025, 3, 6, 9))
        ),
    )
    text = write_tjp(net).text
    assert "start 2025-03-03-09:00" in text
    assert "end 2025-03-07-18:00" in text
    assert "task snet_t2" in text and "depends snet_t2" in text
    assert "maxstart 2025-03-06-09:00" in text
    assert "maxend 2025-03-06-09:00" in text


def test_what_taskjuggler_cannot_express_is_listed() -> None:
    """FF and SF links, leads, FNET, ALAP, deadlines and changed hours are reported as skipped."""
    site = WorkingCalendar("site", week=STANDARD_WEEK, exceptions={date(2025, 3, 8): ((540, 720),)})
    net = Network(
        (
            Task("a", duration=480),
            Task("b", duration=480, constraint=Constraint(ConstraintType.FNET, START)),
            Task("c", duration=480, constraint=Constraint(ConstraintType.ALAP)),
            Task("d", duration=480, deadline=START),
        ),
        (
            Dependency("a", "b", DependencyType.FF),
            Dependency("a", "c", DependencyType.SF),
            Dependency("a", "d", DependencyType.FS, -60),
        ),
        START,
        {"site": site},
        calendar="site",
    )
    skipped = write_tjp(net).skipped
    assert "FF link a → b" in skipped
    assert "SF link a → c" in skipped
    assert "lead of 60 min on a → d" in skipped
    assert "FNET constraint on b" in skipped
    assert "ALAP constraint on c" in skipped
    assert "deadline on d" in skipped
    assert "changed working hours on 2025-03-08" in skipped


def test_task_calendars_become_shifts() -> None:
    """A task on its own calendar runs on a shift with that calendar's hours."""
    night = WorkingCalendar("night", week=(((1200, 1440),),) * 5 + ((), ()))
    text = write_tjp(network(Task("a", duration=480, calendar="night"), night=night)).text
    assert 'shift cal_night "night" {' in text
    assert "workinghours mon 20:00-24:00" in text
    assert "shifts cal_night" in text


def test_report_rows_map_back_to_keel_ids() -> None:
    """TaskJuggler's CSV report is read back into Keel task ids; other rows are ignored."""
    text = (
        '"Id";"Start";"End"\n'
        '"t0.t1";"2025-03-03 09:00";"2025-03-04 18:00"\n'
        '"snet_t2";"2025-03-06 09:00";"2025-03-06 09:00"\n'
    )
    dates = parse_report(text, {"a": "t0.t1"})
    assert list(dates) == ["a"]
    assert dates["a"].end == datetime(2025, 3, 4, 18, 0)
    with pytest.raises(Tj3Error, match="unexpected TaskJuggler report header"):
        parse_report('"Name";"x"\n', {})


def test_missing_tj3_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without tj3 on PATH the error tells the user to run scripts/test.sh."""
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(Tj3Missing, match=r"run scripts/test\.sh"):
        find_tj3()


@pytest.mark.tj3
def test_taskjuggler_errors_are_reported() -> None:
    """A file TaskJuggler rejects raises an error quoting TaskJuggler's message."""
    try:
        find_tj3()
    except Tj3Missing as err:
        pytest.fail(str(err))
    broken = TjpExport('project p "P" 2025-03-03 +1m {}\ntask a "A" { length 1x }\n', {})
    with pytest.raises(Tj3Error, match="TaskJuggler failed"):
        run_tj3(broken)


@pytest.mark.tj3
def test_names_with_quotes_and_backslashes_are_accepted() -> None:
    """Task and project names with quotes still give a file TaskJuggler schedules."""
    try:
        find_tj3()
    except Tj3Missing as err:
        pytest.fail(str(err))
    net = network(Task("a", 'Say "hi" \\ bye', 480), Task("b", "B", 60))
    dates = run_tj3(write_tjp(net, horizon=timedelta(days=30)))
    assert dates["a"].end == datetime(2025, 3, 3, 18, 0)
    assert dates["b"].end == datetime(2025, 3, 3, 10, 0)
