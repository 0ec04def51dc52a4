"""Critical path scheduling, worked by hand on the standard calendar.

Every example starts on Monday 3 March 2025; a working day is 09:00-12:00 and 13:00-18:00,
so one day (D) is 480 working minutes and half a day (H) 240.
"""

from datetime import datetime

import pytest

from keel.domain.schedule import (
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Task,
    WorkingCalendar,
    schedule,
    standard_calendar,
)

D, H = 480, 240
START = datetime(2025, 3, 3)
FS, SS, FF, SF = DependencyType.FS, DependencyType.SS, DependencyType.FF, DependencyType.SF


def day(d: int, hour: int, minute: int = 0) -> datetime:
    """``day(3, 9)`` is 3 March 2025 09:00 (3-7 and 10-14 March are Monday-Friday)."""
    return datetime(2025, 3, d, hour, minute)


def plan(*tasks: Task, deps=(), **kwargs) -> Network:
    return Network(
        tasks=tuple(tasks), dependencies=tuple(deps), start=START, calendars={}, **kwargs
    )


def dates(result, task_id):
    item = result.tasks[task_id]
    return item.start, item.finish


LINK_CASES = [
    # successor B after A (A = one day on Monday unless said), expected B start and finish
    ("FS", Task("A", duration=D), Task("B", duration=D), Dependency("A", "B"),
     day(4, 9), day(4, 18)),
    ("SS with 2h lag", Task("A", duration=D), Task("B", duration=H),
     Dependency("A", "B", SS, lag=120), day(3, 11), day(3, 16)),
    ("FF", Task("A", duration=2 * D), Task("B", duration=H), Dependency("A", "B", FF),
     day(4, 14), day(4, 18)),
    ("SF with a day of lag", Task("A", duration=D), Task("B", duration=H),
     Dependency("A", "B", SF, lag=D), day(3, 14), day(3, 18)),
    ("SF cannot pull before the project start", Task("A", duration=D), Task("B", duration=H),
     Dependency("A", "B", SF), day(3, 9), day(3, 14)),
    ("FS with a day of lag", Task("A", duration=D), Task("B", duration=D),
     Dependency("A", "B", lag=D), day(5, 9), day(5, 18)),
    ("FS with a half-day lead", Task("A", duration=D), Task("B", duration=D),
     Dependency("A", "B", lag=-H), day(3, 14), day(4, 14)),
    ("FS with 50% lag of a two-day task", Task("A", duration=2 * D), Task("B", duration=D),
     Dependency("A", "B", lag_percent=50), day(6, 9), day(6, 18)),
    ("SS with 50% lag", Task("A", duration=2 * D), Task("B", duration=D),
     Dependency("A", "B", SS, lag_percent=50), day(4, 9), day(4, 18)),
    ("SS with -50% lead cannot start before the project", Task("A", duration=2 * D),
     Task("B", duration=D), Dependency("A", "B", SS, lag_percent=-50), day(3, 9), day(3, 18)),
    ("milestone after a task sits at its finish", Task("A", duration=D),
     Task("B", milestone=True), Dependency("A", "B"), day(3, 18), day(3, 18)),
    ("task over a weekend", Task("A", duration=4 * D), Task("B", duration=2 * D),
     Dependency("A", "B"), day(7, 9), day(10, 18)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("why", "a", "b", "link", "start", "finish"), LINK_CASES, ids=[c[0] for c in LINK_CASES]
)
def test_dependency_types_and_lags(why, a, b, link, start, finish):
    """Each link type, lag, lead and percentage lag places the successor as worked out."""
    result = schedule(plan(a, b, deps=[link]))
    assert dates(result, "B") == (start, finish), why


def test_successor_of_a_milestone_starts_next_morning():
    """A task after a milestone at 18:00 starts at 09:00 the next working day."""
    result = schedule(
        plan(
            Task("A", duration=D),
            Task("M", milestone=True),
            Task("B", duration=D),
            deps=[Dependency("A", "M"), Dependency("M", "B")],
        )
    )
    assert dates(result, "M") == (day(3, 18), day(3, 18))
    assert dates(result, "B") == (day(4, 9), day(4, 18))
    assert result.tasks["M"].milestone


def test_first_tasks_snap_to_the_first_working_instant():
    """A project starting at midnight starts work, and lone milestones, at 09:00."""
    result = schedule(plan(Task("A", duration=60), Task("M", milestone=True)))
    assert dates(result, "A") == (day(3, 9), day(3, 10))
    assert dates(result, "M") == (day(3, 9), day(3, 9))


def small_network():
    """A(1d) -> B(1d) -> D(1d); A -> C(3d). Critical: A, C. B and D have a day of float."""
    return plan(
        Task("A", duration=D),
        Task("B", duration=D),
        Task("C", duration=3 * D),
        Task("D", duration=D),
        deps=[Dependency("A", "B"), Dependency("A", "C"), Dependency("B", "D")],
    )


def test_total_and_free_float():
    """Total float is slack to the project finish; free float is slack to the successors."""
    result = schedule(small_network())
    assert result.finish == day(6, 18)
    floats = {t: (r.total_float, r.free_float) for t, r in result.tasks.items()}
    assert floats == {"A": (0, 0), "B": (D, 0), "C": (0, 0), "D": (D, D)}
    assert result.tasks["B"].late_start == day(5, 9)
    assert result.tasks["D"].late_finish == day(6, 18)
    assert result.critical_path == ("A", "C")


def test_near_critical_marks_tasks_within_the_margin():
    """near_critical=N also marks tasks whose total float is at most N minutes."""
    assert schedule(small_network(), near_critical=D).critical_path == ("A", "B", "C", "D")
    marked = schedule(small_network(), near_critical=D - 1)
    assert not marked.tasks["B"].critical
    assert marked.critical_path == ("A", "C")


def test_driving_predecessor_is_the_one_that_sets_the_start():
    """With two predecessors, the one finishing later drives the successor."""
    result = schedule(
        plan(
            Task("A", duration=D),
            Task("B", duration=2 * D),
            Task("C", duration=D),
            deps=[Dependency("A", "C"), Dependency("B", "C")],
        )
    )
    assert result.tasks["C"].driving_predecessor == "B"
    assert result.tasks["A"].driving_predecessor is None
    assert result.tasks["A"].free_float == D


def with_constraint(kind, when, duration=D, **extra):
    return Task("B", duration=duration, constraint=Constraint(ConstraintType(kind), when), **extra)


CONSTRAINT_CASES = [
    # constraint on B (one day, after A of two days), B dates, A total float
    ("SNET later than links", "SNET", day(6, 9), day(6, 9), day(6, 18), D),
    ("SNET earlier than links", "SNET", day(3, 9), day(5, 9), day(5, 18), 0),
    ("FNET", "FNET", day(7, 18), day(7, 9), day(7, 18), 2 * D),
    ("MSO wins over the link", "MSO", day(4, 9), day(4, 9), day(4, 18), -D),
    ("MFO wins over the link", "MFO", day(4, 18), day(4, 9), day(4, 18), -D),
    ("SNLT holds the start", "SNLT", day(4, 9), day(4, 9), day(4, 18), -D),
    ("SNLT later than links has no effect", "SNLT", day(7, 9), day(5, 9), day(5, 18), 0),
    ("FNLT holds the finish", "FNLT", day(4, 18), day(4, 9), day(4, 18), -D),
    ("FNLT later than links has no effect", "FNLT", day(7, 18), day(5, 9), day(5, 18), 0),
]


@pytest.mark.parametrize(
    ("why", "kind", "when", "start", "finish", "a_float"),
    CONSTRAINT_CASES,
    ids=[c[0] for c in CONSTRAINT_CASES],
)
def test_constraints(why, kind, when, start, finish, a_float):
    """Hard constraints beat links and leave negative float on the predecessors."""
    network = plan(
        Task("A", duration=2 * D), with_constraint(kind, when), deps=[Dependency("A", "B")]
    )
    result = schedule(network)
    assert dates(result, "B") == (start, finish), why
    assert result.tasks["A"].total_float == a_float, why
    if a_float < 0:
        assert result.tasks["A"].critical
        assert any("constraint" in w for w in result.warnings)


def test_constraint_on_a_task_without_predecessors():
    """SNET moves a lone task; MSO on a non-working instant starts at the next working one."""
    result = schedule(
        plan(
            Task("A", duration=D, constraint=Constraint(ConstraintType.SNET, day(5, 0))),
            Task("B", duration=H, constraint=Constraint(ConstraintType.MSO, day(8, 10))),
        )
    )
    assert dates(result, "A") == (day(5, 9), day(5, 18))
    assert dates(result, "B") == (day(10, 9), day(10, 14))


def test_alap_task_is_placed_as_late_as_its_successor_allows():
    """ALAP moves A next to C without delaying it; early dates stay as they were."""
    result = schedule(
        plan(
            Task("A", duration=D, constraint=Constraint(ConstraintType.ALAP)),
            Task("B", duration=3 * D),
            Task("C", duration=D),
            deps=[Dependency("A", "C"), Dependency("B", "C")],
        )
    )
    a = result.tasks["A"]
    assert (a.start, a.finish) == (day(5, 9), day(5, 18))
    assert (a.early_start, a.late_start) == (day(3, 9), day(5, 9))
    assert a.total_float == 2 * D
    assert dates(result, "C") == (day(6, 9), day(6, 18))


def test_deadline_gives_negative_float_but_never_moves_the_task():
    """A two-day task with a deadline on day one keeps its dates and shows -1 day of float."""
    result = schedule(plan(Task("A", duration=2 * D, deadline=day(3, 18)), Task("B", duration=D)))
    a = result.tasks["A"]
    assert (a.start, a.finish) == (day(3, 9), day(4, 18))
    assert a.total_float == -D
    assert a.critical
    assert a.late_finish == day(3, 18)
    assert any("deadline" in w for w in result.warnings)


def test_deadline_that_is_met_leaves_float():
    """A deadline later than the finish does not change float to the project end."""
    result = schedule(plan(Task("A", duration=D, deadline=day(7, 18)), Task("B", duration=3 * D)))
    assert result.tasks["A"].total_float == 2 * D
    assert not result.warnings


def summary_plan(*extra_tasks, deps=()):
    return plan(
        Task("S", name="Phase 1"),
        Task("A", duration=D, parent="S"),
        Task("B", duration=2 * D, parent="S"),
        *extra_tasks,
        deps=[Dependency("A", "B"), *deps],
    )


def test_summary_rolls_up_its_children():
    """A summary spans its children: start of the first, finish of the last."""
    result = schedule(summary_plan())
    s = result.tasks["S"]
    assert s.summary
    assert (s.start, s.finish) == (day(3, 9), day(5, 18))
    assert s.duration == 3 * D
    assert "S" not in result.critical_path
    assert result.critical_path == ("A", "B")


def test_link_from_a_summary_uses_its_rolled_up_finish():
    """A task after a summary starts after the summary's last child finishes."""
    result = schedule(summary_plan(Task("X", duration=D), deps=[Dependency("S", "X")]))
    assert dates(result, "X") == (day(6, 9), day(6, 18))
    assert result.tasks["X"].driving_predecessor == "S"
    assert result.tasks["B"].total_float == 0


def test_link_onto_a_summary_applies_to_every_child():
    """P -> S delays both of S's children, even the one with no link of its own."""
    result = schedule(
        plan(
            Task("P", duration=D),
            Task("S"),
            Task("C1", duration=D, parent="S"),
            Task("C2", duration=2 * D, parent="S"),
            deps=[Dependency("P", "S")],
        )
    )
    assert dates(result, "C1") == (day(4, 9), day(4, 18))
    assert dates(result, "C2") == (day(4, 9), day(5, 18))
    assert dates(result, "S") == (day(4, 9), day(5, 18))
    assert result.tasks["C1"].total_float == D
    assert result.tasks["P"].total_float == 0


def test_link_from_a_summary_limits_its_children_late_dates():
    """The late finish of a summary's children is bounded by the summary's successor."""
    result = schedule(
        plan(
            Task("S"),
            Task("C1", duration=D, parent="S"),
            Task("C2", duration=2 * D, parent="S"),
            Task("X", duration=D),
            Task("Y", duration=5 * D),
            deps=[Dependency("S", "X")],
        )
    )
    # Y ends Friday 18:00; X may finish then, so S's children must finish by Thursday 18:00.
    assert result.tasks["C2"].late_finish == day(6, 18)
    assert result.tasks["C2"].total_float == 2 * D
    assert result.tasks["C1"].total_float == 3 * D


def test_nested_summaries_roll_up_through_every_level():
    """A summary of summaries spans all the work beneath it."""
    result = schedule(
        plan(
            Task("Top"),
            Task("S1", parent="Top"),
            Task("S2", parent="Top"),
            Task("A", duration=D, parent="S1"),
            Task("B", duration=D, parent="S2"),
            deps=[Dependency("S1", "S2")],
        )
    )
    assert dates(result, "B") == (day(4, 9), day(4, 18))
    assert dates(result, "Top") == (day(3, 9), day(4, 18))


def test_elapsed_duration_runs_through_nights_and_weekends():
    """Two elapsed days from Friday 09:00 end Sunday 09:00; the successor starts Monday."""
    result = schedule(
        plan(
            Task(
                "Cure",
                duration=2 * 1440,
                elapsed=True,
                constraint=Constraint(ConstraintType.SNET, day(7, 9)),
            ),
            Task("Paint", duration=D),
            deps=[Dependency("Cure", "Paint")],
        )
    )
    assert dates(result, "Cure") == (day(7, 9), day(9, 9))
    assert dates(result, "Paint") == (day(10, 9), day(10, 18))


def test_task_calendar_overrides_the_project_calendar():
    """A task on a Saturday-working calendar finishes on Saturday; others wait for Monday."""
    six_days = WorkingCalendar("six-day", week=(((540, 1080),),) * 6 + ((),))
    network = Network(
        tasks=(
            Task("A", duration=D, constraint=Constraint(ConstraintType.SNET, day(7, 9))),
            Task("Weekend", duration=2 * 540, calendar="six-day"),
            Task("Office", duration=D),
        ),
        dependencies=(Dependency("A", "Weekend"), Dependency("A", "Office")),
        start=START,
        calendars={"standard": standard_calendar(), "six-day": six_days},
    )
    result = schedule(network)
    assert dates(result, "Weekend") == (day(8, 9), day(10, 18))
    assert dates(result, "Office") == (day(10, 9), day(10, 18))


def test_results_follow_input_order_and_cover_every_task():
    """The schedule lists every task once, in the order given."""
    network = small_network()
    result = schedule(network)
    assert list(result.tasks) == [t.id for t in network.tasks]
    assert len(result.tasks) == 4
    assert "A" in result.tasks and "Z" not in result.tasks


def test_empty_network_finishes_where_it_starts():
    """A plan without tasks schedules to an empty result at the project start."""
    result = schedule(plan())
    assert len(result.tasks) == 0
    assert result.start == result.finish == START


def test_reading_results_one_by_one_or_all_at_once_agrees():
    """Looking tasks up singly and iterating all of them give the same TaskSchedule values."""
    network = small_network()
    single = {task_id: schedule(network).tasks[task_id] for task_id in "ABCD"}
    result = schedule(network)
    first = result.tasks["C"]
    assert dict(result.tasks.items()) == single
    assert result.tasks["C"] is first
    assert list(result.tasks.values()) == [single[t] for t in "ABCD"]


def test_start_constraint_on_a_summary_holds_back_the_work_under_it():
    """SNET on a summary task keeps each of its children from starting earlier."""
    result = schedule(
        plan(
            Task("S", constraint=Constraint(ConstraintType.SNET, day(5, 9))),
            Task("A", duration=D, parent="S"),
            Task("B", duration=D, parent="S"),
            Task("Free", duration=D),
            deps=[Dependency("A", "B")],
        )
    )
    assert dates(result, "A") == (day(5, 9), day(5, 18))
    assert dates(result, "B") == (day(6, 9), day(6, 18))
    assert dates(result, "S") == (day(5, 9), day(6, 18))
    assert dates(result, "Free") == (day(3, 9), day(3, 18))


def test_finish_constraint_on_a_summary_limits_the_work_under_it():
    """FNLT on a summary task gives its late children negative float when it cannot be met."""
    result = schedule(
        plan(
            Task("S", constraint=Constraint(ConstraintType.FNLT, day(3, 18))),
            Task("A", duration=D, parent="S"),
            Task("B", duration=D, parent="S"),
            deps=[Dependency("A", "B")],
        )
    )
    assert dates(result, "B") == (day(4, 9), day(4, 18))
    assert result.tasks["B"].total_float == -D
    assert result.tasks["A"].total_float == -D


def test_start_to_finish_successor_finishes_at_its_predecessors_start():
    """As Microsoft Project shows it: an SF successor ends at 09:00 Tuesday when its
    predecessor starts then (the same working instant as 18:00 Monday)."""
    result = schedule(
        plan(
            Task("A", duration=D, constraint=Constraint(ConstraintType.SNET, day(4, 9))),
            Task("B", duration=D),
            deps=[Dependency("A", "B", SF)],
        )
    )
    assert dates(result, "B") == (day(3, 9), day(4, 9))
    # Nothing follows B: it may slip to the project finish, Tuesday 18:00.
    assert result.tasks["B"].total_float == D
    assert result.tasks["B"].driving_predecessor == "A"


def test_plan_on_the_china_calendar_works_the_adjusted_sunday_and_skips_the_festival():
    """Three days from Friday 24 January 2025 are Fri, Sun 26 (调休) and Mon 27; the next
    task waits for Wednesday 5 February, after the Spring Festival."""
    from keel.domain.schedule import holiday_calendar

    network = Network(
        tasks=(Task("Build", duration=3 * D), Task("Ship", duration=D)),
        dependencies=(Dependency("Build", "Ship"),),
        start=datetime(2025, 1, 24),
        calendars={"cn": holiday_calendar("CN", years=2025)},
        calendar="cn",
    )
    result = schedule(network)
    assert dates(result, "Build") == (datetime(2025, 1, 24, 9), datetime(2025, 1, 27, 18))
    assert dates(result, "Ship") == (datetime(2025, 2, 5, 9), datetime(2025, 2, 5, 18))


def test_lag_counts_on_the_successors_calendar():
    """A one-day lag before a Saturday-working task counts Saturday as a working day."""
    six_days = WorkingCalendar("six-day", week=(((540, 1080),),) * 6 + ((),))
    network = Network(
        tasks=(
            Task("A", duration=D, constraint=Constraint(ConstraintType.SNET, day(7, 9))),
            Task("B", duration=540, calendar="six-day"),
            Task("C", duration=D),
        ),
        dependencies=(Dependency("A", "B", lag=540), Dependency("A", "C", lag=D)),
        start=START,
        calendars={"six-day": six_days},
    )
    result = schedule(network)
    # A ends Friday 18:00; B's lag is Saturday, so B works Monday; C's lag is Monday.
    assert dates(result, "B") == (day(10, 9), day(10, 18))
    assert dates(result, "C") == (day(11, 9), day(11, 18))
