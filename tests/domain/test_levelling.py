"""Resource levelling, resource calendars, the effort-driven rule and utilisation.

Hand-worked cases have answers worked out on paper (the standard calendar: Monday-Friday,
09:00-12:00 and 13:00-18:00, 480 working minutes a day; 3 March 2025 is a Monday). The
Hypothesis properties check every levelled schedule against an independent over-allocation
and link check written here, not the engine's own.
"""

from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keel.domain.errors import CalendarError, UnknownReferenceError, ValidationError
from keel.domain.resources import (
    Assignment,
    LevellingOptions,
    Resource,
    ResourceKind,
    effort_driven,
    level_resources,
    over_allocations,
    schedule_with_resources,
    utilisation,
)
from keel.domain.schedule import (
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Rescheduler,
    Task,
    WorkingCalendar,
    schedule,
    standard_calendar,
)

DAY = 480
MON = datetime(2025, 3, 3)
CAL = standard_calendar()


def at(day, hour=9):
    """An instant in the week of 3 March 2025 (day 0 = Monday)."""
    return datetime(2025, 3, 3 + day, hour)


def net(*tasks, deps=(), calendars=None, start=MON):
    return Network(tuple(tasks), tuple(deps), start, calendars or {})


ANN = Resource("ann", "Ann")


def starts(result):
    return {k: v.start for k, v in result.schedule.tasks.items()}


# --- hand-worked cases ---------------------------------------------------------------------


def test_two_tasks_on_one_person_run_one_after_the_other():
    """Two one-day tasks on one full-time person: the first by id keeps Monday, the other
    moves to Tuesday; the finish moves from Monday to Tuesday evening."""
    plan = net(Task("a", duration=DAY), Task("b", duration=DAY))
    result = level_resources(plan, [ANN], [Assignment("a", "ann"), Assignment("b", "ann")])
    assert starts(result) == {"a": at(0), "b": at(1)}
    assert result.delay == {"a": 0, "b": DAY}
    assert [(m.task_id, m.old_start, m.new_start, m.delay) for m in result.moves] == [
        ("b", at(0), at(1), DAY)
    ]
    assert result.finish_before == at(0, 18)
    assert result.finish_after == at(1, 18)
    assert result.unresolved == ()


def test_higher_priority_goes_first():
    """With b at priority 800 and a at the default 500, b keeps Monday and a waits."""
    plan = net(Task("a", duration=DAY), Task("b", duration=DAY, priority=800))
    result = level_resources(plan, [ANN], [Assignment("a", "ann"), Assignment("b", "ann")])
    assert starts(result) == {"a": at(1), "b": at(0)}


def test_float_absorbs_the_delay_and_the_finish_stays():
    """a (2 days) and b (1 day) share Ann beside a 5-day task d; b has more float, so b
    moves to Wednesday and the project still finishes on Friday."""
    plan = net(
        Task("a", duration=2 * DAY),
        Task("b", duration=DAY),
        Task("c", duration=DAY),
        Task("d", duration=5 * DAY),
        deps=[Dependency("a", "c")],
    )
    result = level_resources(plan, [ANN], [Assignment("a", "ann"), Assignment("b", "ann")])
    assert starts(result)["a"] == at(0)
    assert starts(result)["b"] == at(2)
    assert result.finish_before == result.finish_after == at(4, 18)
    # b's float was 4 days; the 2-day delay uses half of it.
    assert result.schedule.tasks["b"].total_float == 2 * DAY


def test_smaller_float_wins_at_equal_priority():
    """b has no float (it drives the finish), a has float: a waits although 'a' < 'b'."""
    plan = net(
        Task("a", duration=DAY),
        Task("b", duration=DAY),
        Task("c", duration=3 * DAY),
        deps=[Dependency("b", "c")],
    )
    result = level_resources(plan, [ANN], [Assignment("a", "ann"), Assignment("b", "ann")])
    assert starts(result)["b"] == at(0)
    assert starts(result)["a"] == at(1)
    assert result.finish_after == result.finish_before


def test_successors_follow_a_delayed_task():
    """When b waits a day, its successor c (on nobody) moves a day too, with no delay of
    its own."""
    plan = net(
        Task("a", duration=DAY),
        Task("b", duration=DAY),
        Task("c", duration=DAY),
        deps=[Dependency("b", "c")],
        start=MON,
    )
    result = level_resources(plan, [ANN], [Assignment("a", "ann"), Assignment("b", "ann", 1.0)])
    # b has less float than a (it has a successor), so a waits and c is untouched.
    assert starts(result) == {"a": at(1), "b": at(0), "c": at(1)}
    plan = replace(plan, tasks=(replace(plan.tasks[0], priority=900), *plan.tasks[1:]))
    result = level_resources(plan, [ANN], [Assignment("a", "ann"), Assignment("b", "ann")])
    assert starts(result) == {"a": at(0), "b": at(1), "c": at(2)}
    assert result.delay["c"] == 0
    assert {m.task_id for m in result.moves} == {"b", "c"}


def test_a_started_task_is_never_moved():
    """a started on Monday (half done); b has top priority but cannot push a aside: it
    waits until a finishes on Tuesday."""
    plan = net(
        Task("a", duration=2 * DAY, actual_start=at(0), percent_complete=50),
        Task("b", duration=DAY, priority=1000),
    )
    result = level_resources(plan, [ANN], [Assignment("a", "ann"), Assignment("b", "ann")])
    assert starts(result) == {"a": at(0), "b": at(2)}
    assert result.delay["a"] == 0


def test_must_start_on_tasks_stay_and_their_conflict_is_reported():
    """Two MSO tasks on Monday over-allocate Ann: neither moves and the conflict is
    reported; a third, unconstrained task moves around them."""
    mso = Constraint(ConstraintType.MSO, at(0))
    plan = net(
        Task("a", duration=DAY, constraint=mso),
        Task("b", duration=DAY, constraint=mso),
        Task("c", duration=DAY, priority=1000),
    )
    links = [Assignment(t, "ann") for t in "abc"]
    result = level_resources(plan, [ANN], links)
    assert starts(result) == {"a": at(0), "b": at(0), "c": at(1)}
    [conflict] = result.unresolved
    assert conflict.resource_id == "ann"
    assert (conflict.start, conflict.finish) == (at(0), at(0, 18))
    assert conflict.task_ids == ("a", "b")
    assert (conflict.load, conflict.capacity) == (2.0, 1.0)


def test_half_units_share_a_day():
    """Two tasks at 50 % each fit on one full-time person on the same day: nothing moves."""
    plan = net(Task("a", duration=DAY), Task("b", duration=DAY))
    links = [Assignment("a", "ann", 0.5), Assignment("b", "ann", 0.5)]
    result = level_resources(plan, [ANN], links)
    assert starts(result) == {"a": at(0), "b": at(0)}
    assert result.moves == ()
    assert over_allocations(result.schedule, [ANN], links) == ()


def test_a_resource_with_two_units_runs_two_tasks_at_once():
    """Two interchangeable machines (max units 2) take three tasks: two Monday, one Tuesday."""
    crane = Resource("crane", kind=ResourceKind.EQUIPMENT, max_units=2.0)
    plan = net(*(Task(t, duration=DAY) for t in "abc"))
    result = level_resources(plan, [crane], [Assignment(t, "crane") for t in "abc"])
    assert starts(result) == {"a": at(0), "b": at(0), "c": at(1)}


def test_material_is_not_levelled_by_hours():
    """Material limits quantities, not working time: two tasks using all the concrete a day
    allows still run together, and utilisation shows the excess in units."""
    concrete = Resource("concrete", kind=ResourceKind.MATERIAL, max_units=10)
    plan = net(Task("a", duration=DAY), Task("b", duration=DAY))
    links = [Assignment("a", "concrete", 10), Assignment("b", "concrete", 10)]
    result = level_resources(plan, [concrete], links)
    assert result.moves == ()
    table = utilisation(
        result.schedule, [concrete], links, start=date(2025, 3, 3), end=date(2025, 3, 4)
    )
    monday, tuesday = table.rows[0].cells
    assert (monday.load, monday.capacity, monday.over_allocated) == (20.0, 10.0, True)
    assert (tuesday.load, tuesday.over_allocated) == (0.0, False)


def test_leave_on_a_resource_calendar_is_honoured():
    """Ann is on leave on Tuesday: a 2-day task on her runs Monday and Wednesday, and a
    second task waits until Thursday."""
    leave = WorkingCalendar("ann", exceptions={date(2025, 3, 4): ()})
    ann = Resource("ann", calendar="ann")
    plan = net(Task("a", duration=2 * DAY), Task("b", duration=DAY), calendars={"ann": leave})
    links = [Assignment("a", "ann"), Assignment("b", "ann")]
    cpm = schedule_with_resources(plan, [ann], links)
    assert (cpm.tasks["a"].start, cpm.tasks["a"].finish) == (at(0), at(2, 18))
    result = level_resources(plan, [ann], links)
    assert starts(result) == {"a": at(0), "b": at(3)}


def test_a_task_works_only_when_all_its_resources_can():
    """Ann is off on Monday and Bob on Tuesday: their joint one-day task runs on Wednesday;
    Ann's solo task runs on Tuesday."""
    calendars = {
        "ann": WorkingCalendar("ann", exceptions={date(2025, 3, 3): ()}),
        "bob": WorkingCalendar("bob", exceptions={date(2025, 3, 4): ()}),
    }
    people = [Resource("ann", calendar="ann"), Resource("bob", calendar="bob")]
    plan = net(Task("joint", duration=DAY), Task("solo", duration=DAY), calendars=calendars)
    links = [Assignment("joint", "ann"), Assignment("joint", "bob"), Assignment("solo", "ann")]
    result = schedule_with_resources(plan, people, links)
    assert result.tasks["joint"].start == at(2)
    assert result.tasks["solo"].start == at(1)


def test_a_public_holiday_moves_a_whole_team():
    """A holiday in the project's base calendar applies to resources on their own calendars
    built on it: the task skips it."""
    base = WorkingCalendar("site", exceptions={date(2025, 3, 3): ()})
    part_time = WorkingCalendar(
        "part", week=(((540, 720),),) * 5 + ((), ()), base=base
    )  # mornings only
    plan = net(Task("a", duration=360), calendars={"site": base, "part": part_time})
    plan = replace(plan, calendar="site")
    result = schedule_with_resources(plan, [Resource("pat", calendar="part")],
                                     [Assignment("a", "pat")])  # fmt: skip
    # 6 hours of mornings from Tuesday: Tue, Wed (3 h each).
    assert result.tasks["a"].start == at(1)
    assert result.tasks["a"].finish == at(2, 12)


def test_within_float_only_leaves_conflicts_that_need_more():
    """Both tasks are critical, so with within_float_only nothing moves, the finish stays
    and the conflict is reported."""
    plan = net(Task("a", duration=DAY), Task("b", duration=DAY))
    links = [Assignment("a", "ann"), Assignment("b", "ann")]
    result = level_resources(plan, [ANN], links, options=LevellingOptions(within_float_only=True))
    assert result.moves == ()
    assert result.finish_after == result.finish_before
    assert [c.task_ids for c in result.unresolved] == [("a", "b")]


def test_within_float_only_still_uses_float():
    """Where float suffices, within_float_only delays just as plain levelling does."""
    plan = net(Task("a", duration=DAY), Task("b", duration=DAY), Task("long", duration=3 * DAY))
    links = [Assignment("a", "ann"), Assignment("b", "ann")]
    result = level_resources(plan, [ANN], links, options=LevellingOptions(within_float_only=True))
    assert starts(result)["b"] == at(1)
    assert result.unresolved == ()


def test_only_the_chosen_resources_are_levelled():
    """resources_to_level without Ann leaves Ann's conflict alone (and reports nothing for
    her: she was not asked about)."""
    plan = net(Task("a", duration=DAY), Task("b", duration=DAY))
    links = [Assignment("a", "ann"), Assignment("b", "ann")]
    options = LevellingOptions(resources_to_level=frozenset({"bob"}))
    result = level_resources(plan, [ANN, Resource("bob")], links, options=options)
    assert result.moves == ()


def test_status_date_keeps_earlier_work_in_place():
    """With a status date of Tuesday, Monday's tasks stay; a later task is levelled."""
    plan = net(
        Task("a", duration=DAY),
        Task("b", duration=DAY),
        Task("c", duration=DAY, constraint=Constraint(ConstraintType.SNET, at(1))),
        Task("d", duration=DAY, constraint=Constraint(ConstraintType.SNET, at(1))),
    )
    links = [Assignment(t, "ann") for t in "abcd"]
    result = level_resources(plan, [ANN], links, options=LevellingOptions(status_date=at(1)))
    got = starts(result)
    assert (got["a"], got["b"]) == (at(0), at(0))
    assert sorted([got["c"], got["d"]]) == [at(1), at(2)]
    assert [c.task_ids for c in result.unresolved] == [("a", "b")]


def test_cross_project_levelling_on_a_merged_network():
    """Two projects share Ann; merged into one network (ids prefixed), the higher-priority
    project's task keeps its date and the other's moves."""
    p1 = [Task("P1.design", duration=DAY, priority=700), Task("P1.build", duration=DAY)]
    p2 = [Task("P2.design", duration=DAY)]
    plan = net(*p1, *p2, deps=[Dependency("P1.design", "P1.build")])
    links = [Assignment("P1.design", "ann"), Assignment("P2.design", "ann")]
    result = level_resources(plan, [ANN], links)
    assert starts(result) == {"P1.design": at(0), "P1.build": at(1), "P2.design": at(1)}


def test_a_task_that_needs_more_than_the_capacity_is_reported_not_looped():
    """A task at 200 % on a one-unit person can never fit: it stays and is reported."""
    plan = net(Task("a", duration=DAY))
    result = level_resources(plan, [ANN], [Assignment("a", "ann", 2.0)])
    assert result.moves == ()
    assert [c.load for c in result.unresolved] == [2.0]


def test_summary_tasks_span_their_levelled_children():
    """A summary is never delayed itself; it stretches over its children's new dates."""
    plan = net(
        Task("phase"),
        Task("a", duration=DAY, parent="phase"),
        Task("b", duration=DAY, parent="phase"),
    )
    result = level_resources(plan, [ANN], [Assignment("a", "ann"), Assignment("b", "ann")])
    phase = result.schedule.tasks["phase"]
    assert (phase.start, phase.finish) == (at(0), at(1, 18))
    assert result.delay["phase"] == 0


def test_levelling_handles_start_to_start_links_and_lags():
    """An SS link with a half-day lag is kept after levelling."""
    plan = net(
        Task("a", duration=DAY),
        Task("b", duration=DAY),
        Task("c", duration=DAY),
        deps=[Dependency("a", "b", DependencyType.SS, lag=240)],
    )
    links = [Assignment("a", "ann"), Assignment("c", "ann")]
    result = level_resources(plan, [ANN], links)
    tasks = result.schedule.tasks
    assert tasks["a"].start == at(0)
    assert tasks["c"].start == at(1)
    assert tasks["b"].start == at(0, 14)


# --- the levelling delay in the engine -----------------------------------------------------


def test_levelling_delay_moves_a_task_after_its_predecessors_allow_it():
    """A one-day delay on b (after a) starts b on Wednesday; a's free float is not counted
    through the delay, but its total float is unchanged (b has none of its own)."""
    plan = net(
        Task("a", duration=DAY),
        Task("b", duration=DAY, levelling_delay=DAY),
        deps=[Dependency("a", "b")],
    )
    result = schedule(plan)
    assert result.tasks["b"].start == at(2)
    assert result.tasks["a"].total_float == 0
    assert result.tasks["a"].free_float == 0
    assert result.finish == at(2, 18)


def test_levelling_delay_from_the_project_start_counts_working_minutes():
    """Four hours of delay from Friday 9:00 for a task on a calendar: Friday 14:00."""
    plan = net(Task("a", duration=60, levelling_delay=240), start=at(4))
    assert schedule(plan).tasks["a"].start == at(4, 14)


def test_negative_levelling_delay_is_refused():
    """A negative levelling delay is a validation error."""
    with pytest.raises(ValidationError, match="levelling delay"):
        schedule(net(Task("a", duration=DAY, levelling_delay=-1)))


def test_the_rescheduler_honours_levelling_delays():
    """After a duration change, the incremental result equals a full run with the delays."""
    plan = net(
        Task("a", duration=DAY),
        Task("b", duration=DAY, levelling_delay=DAY),
        Task("c", duration=DAY),
        deps=[Dependency("a", "b"), Dependency("b", "c")],
    )
    session = Rescheduler(plan)
    again = session.set_duration("a", 2 * DAY)
    full = schedule(session.network)
    assert dict(again.tasks.items()) == dict(full.tasks.items())
    assert again.tasks["b"].start == at(3)


def test_applying_the_delays_reproduces_the_levelled_schedule():
    """Storing the delays and scheduling with resources gives the levelled dates back."""
    plan = net(*(Task(t, duration=DAY) for t in "abc"), deps=[Dependency("a", "c")])
    links = [Assignment(t, "ann") for t in "abc"]
    result = level_resources(plan, [ANN], links)
    stored = replace(
        plan, tasks=tuple(replace(t, levelling_delay=result.delay[t.id]) for t in plan.tasks)
    )
    again = schedule_with_resources(stored, [ANN], links)
    assert {k: v.start for k, v in again.tasks.items()} == starts(result)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "text"),
    [
        (lambda: Assignment("a", "ann", 0), ValidationError, "units must be more than 0"),
        (lambda: Assignment("a", "ann", -0.5), ValidationError, "units must be more than 0"),
        (lambda: Resource("ann", max_units=0), ValidationError, "max units"),
    ],
)
def test_bad_values_are_refused(make, error, text):
    """Units and capacities of zero or less are refused with a clear message."""
    with pytest.raises(error, match=text):
        make()


def test_bad_references_are_refused():
    """Assignments to unknown tasks or resources, and unknown calendars, name the culprit."""
    plan = net(Task("a", duration=DAY))
    with pytest.raises(UnknownReferenceError, match="'zed'"):
        level_resources(plan, [ANN], [Assignment("a", "zed")])
    with pytest.raises(UnknownReferenceError, match="'nope'"):
        level_resources(plan, [ANN], [Assignment("nope", "ann")])
    with pytest.raises(UnknownReferenceError, match="'night'"):
        schedule_with_resources(plan, [Resource("ann", calendar="night")], [])


def test_material_in_hours_is_refused():
    """Material is assigned in units; giving it work in hours is an error."""
    plan = net(Task("a", duration=DAY))
    sand = Resource("sand", kind=ResourceKind.MATERIAL)
    with pytest.raises(ValidationError, match="material is assigned in units only"):
        level_resources(plan, [sand], [Assignment("a", "sand", 2, work=60)])


def test_resources_with_no_common_working_time_are_refused():
    """A task needing a weekday person and a weekend person can never run."""
    weekend = WorkingCalendar("weekend", week=((),) * 5 + (((540, 1080),),) * 2)
    plan = net(Task("a", duration=DAY), calendars={"weekend": weekend})
    people = [ANN, Resource("wes", calendar="weekend")]
    with pytest.raises(CalendarError, match="no working time in common"):
        schedule_with_resources(plan, people, [Assignment("a", "ann"), Assignment("a", "wes")])


# --- duration, units and work ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"duration": 480, "units": 1.0}, (480, 1.0, 480)),
        ({"duration": 480, "units": 0.5}, (480, 0.5, 240)),
        ({"units": 0.5, "work": 480}, (960, 0.5, 480)),
        ({"duration": 960, "work": 480}, (960, 0.5, 480)),
        # Fixed units, effort-driven: editing duration recomputes work ...
        ({"duration": 960, "units": 1.0, "work": 480, "changed": "duration"}, (960, 1.0, 960)),
        # ... editing work recomputes duration ...
        ({"duration": 480, "units": 0.5, "work": 480, "changed": "work"}, (960, 0.5, 480)),
        # ... and editing units recomputes duration, work staying as estimated.
        ({"duration": 960, "units": 2.0, "work": 960, "changed": "units"}, (480, 2.0, 960)),
    ],
)
def test_effort_driven_rule(given, expected):
    """work = duration x units; which one moves follows Microsoft Project's fixed units."""
    assert effort_driven(**given) == expected


def test_effort_driven_refuses_too_little_or_conflicting_input():
    """One value alone, or three that disagree with no edit named, are refused."""
    with pytest.raises(ValidationError, match="at least two"):
        effort_driven(duration=480)
    with pytest.raises(ValidationError, match="say which one"):
        effort_driven(duration=480, units=1.0, work=100)
    with pytest.raises(ValidationError, match="Units must be more than 0"):
        effort_driven(duration=480, units=0)


# --- utilisation --------------------------------------------------------------------------


def test_utilisation_flags_the_over_allocated_day_and_names_the_tasks():
    """Unlevelled, Ann carries two tasks on Monday (200 %); a week view sums the days."""
    plan = net(Task("a", duration=DAY), Task("b", duration=2 * DAY))
    links = [Assignment("a", "ann"), Assignment("b", "ann")]
    result = schedule(plan)
    daily = utilisation(result, [ANN], links, start=date(2025, 3, 3), end=date(2025, 3, 5))
    mon, tue, wed = daily.rows[0].cells
    assert (mon.load, mon.capacity, mon.load_percent, mon.over_allocated) == (
        960.0,
        480.0,
        200.0,
        True,
    )
    assert mon.task_ids == ("a", "b")
    assert (tue.load, tue.over_allocated, tue.task_ids) == (480.0, False, ("b",))
    assert (wed.load, wed.task_ids) == (0.0, ())
    weekly = utilisation(
        result, [ANN], links, start=date(2025, 3, 5), end=date(2025, 3, 12), period="week"
    )
    assert weekly.periods == (date(2025, 3, 3), date(2025, 3, 10))
    first = weekly.rows[0].cells[0]
    assert (first.load, first.capacity, first.load_percent) == (1440.0, 2400.0, 60.0)


def test_utilisation_counts_a_resource_calendar_and_part_time_capacity():
    """Half-time Ann on leave on Tuesday has 240 minutes of capacity on Monday and none on
    Tuesday; a task there shows as load with no capacity."""
    leave = WorkingCalendar("ann", exceptions={date(2025, 3, 4): ()})
    ann = Resource("ann", calendar="ann", max_units=0.5)
    plan = net(Task("a", duration=DAY), calendars={"ann": leave})
    result = schedule(plan)  # not resource-aware: the task lands on her day off
    table = utilisation(
        replace(result), [ann], [Assignment("a", "ann", 0.5)],
        start=date(2025, 3, 3), end=date(2025, 3, 4), network=plan,
    )  # fmt: skip
    mon, tue = table.rows[0].cells
    assert (mon.load, mon.capacity, mon.over_allocated) == (240.0, 240.0, False)
    assert (tue.load, tue.capacity) == (0.0, 0.0)


def test_utilisation_refuses_an_unknown_period():
    """Only day and week periods exist."""
    with pytest.raises(ValidationError, match="period"):
        utilisation(schedule(net(Task("a"))), [], [], start=MON.date(), end=MON.date(),
                    period="month")  # fmt: skip


# --- properties ---------------------------------------------------------------------------

PEOPLE = [Resource(f"r{k}") for k in range(3)] + [
    Resource("pair", kind=ResourceKind.EQUIPMENT, max_units=2.0)
]
FAST = settings(max_examples=60, deadline=None)


@st.composite
def staffed_networks(draw, max_tasks=9):
    n = draw(st.integers(1, max_tasks))
    durations = draw(st.lists(st.sampled_from([0, 60, 240, 480, 600, 960]), min_size=n,
                              max_size=n))  # fmt: skip
    priorities = draw(st.lists(st.sampled_from([300, 500, 500, 800]), min_size=n, max_size=n))
    pairs = [(i, j) for j in range(n) for i in range(j)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=n)) if pairs else []
    deps = [
        Dependency(f"T{i}", f"T{j}", draw(st.sampled_from([DependencyType.FS, DependencyType.SS])),
                   lag=draw(st.sampled_from([0, 0, 120])))
        for i, j in chosen
    ]  # fmt: skip
    tasks = tuple(
        Task(f"T{i}", duration=d, priority=p)
        for i, (d, p) in enumerate(zip(durations, priorities, strict=True))
    )
    links = []
    for i in range(n):
        for res in draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=2)):
            links.append(Assignment(f"T{i}", res.id, draw(st.sampled_from([0.5, 1.0]))))
    return Network(tasks, tuple(deps), MON, {}), links


def offset(instant):
    return CAL.working_minutes_between(at(0), instant)


def assert_no_over_allocation(result, links):
    """At every booking's start, the units booked at that instant fit the capacity."""
    caps = {r.id: r.max_units for r in PEOPLE}
    tasks = result.tasks
    spans = [
        (a.resource_id, tasks[a.task_id].start, tasks[a.task_id].finish, a.units)
        for a in links
        if tasks[a.task_id].finish > tasks[a.task_id].start
    ]
    for rid, s, _, _ in spans:
        load = sum(u for r, s2, f2, u in spans if r == rid and s2 <= s < f2)
        assert load <= caps[rid] + 1e-9, (rid, s, load)


def assert_links_kept(network, result):
    tasks = result.tasks
    for dep in network.dependencies:
        p, s = tasks[dep.predecessor], tasks[dep.successor]
        anchor = p.finish if dep.type is DependencyType.FS else p.start
        assert offset(s.start) >= offset(anchor) + dep.lag, dep


@FAST
@given(staffed_networks())
def test_levelled_schedules_have_no_over_allocation_and_keep_every_link(case):
    """No resource is over-allocated, no link is broken, nothing is left unresolved."""
    network, links = case
    result = level_resources(network, PEOPLE, links)
    assert result.unresolved == ()
    assert_no_over_allocation(result.schedule, links)
    assert_links_kept(network, result.schedule)
    assert over_allocations(result.schedule, PEOPLE, links) == ()


@FAST
@given(staffed_networks())
def test_levelling_never_finishes_before_the_unlevelled_schedule(case):
    """Delaying tasks can only keep or push the finish; no task starts earlier."""
    network, links = case
    cpm = schedule_with_resources(network, PEOPLE, links)
    result = level_resources(network, PEOPLE, links)
    assert result.finish_after >= cpm.finish == result.finish_before
    for task_id, item in result.schedule.tasks.items():
        assert item.start >= cpm.tasks[task_id].start


@FAST
@given(staffed_networks())
def test_levelling_twice_changes_nothing(case):
    """Levelling a levelled plan (its delays kept) moves nothing more."""
    network, links = case
    first = level_resources(network, PEOPLE, links)
    applied = replace(
        network,
        tasks=tuple(replace(t, levelling_delay=first.delay[t.id]) for t in network.tasks),
    )
    again = level_resources(applied, PEOPLE, links, options=LevellingOptions(clear_existing=False))
    assert again.moves == ()
    assert again.delay == first.delay
    assert starts(again) == starts(first)


@FAST
@given(staffed_networks())
def test_within_float_levelling_never_moves_the_finish(case):
    """Levelling within float keeps the finish and every link; what it cannot fit is
    reported, and the rest has no over-allocation."""
    network, links = case
    result = level_resources(
        network, PEOPLE, links, options=LevellingOptions(within_float_only=True)
    )
    assert result.finish_after == result.finish_before
    assert_links_kept(network, result.schedule)
    if not result.unresolved:
        assert_no_over_allocation(result.schedule, links)
