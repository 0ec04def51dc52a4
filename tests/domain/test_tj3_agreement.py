"""Keel's engine agrees with TaskJuggler (tj3) on random networks.

Random plans (seeded) are written as one ``.tjp`` project per calendar, scheduled by both
engines, and every task's start and end compared. Many small networks share one TaskJuggler
run, because tj3 takes most of a second just to start.

Semantic differences mapped in the comparison:

* TaskJuggler starts a successor at the instant its predecessor ends (e.g. 18:00) and a task
  without links at the project start (00:00); Keel, like Microsoft Project, shows the start
  of the first working minute (09:00 next day). TaskJuggler's start of a task with duration
  is therefore moved to the next working instant before comparing. Milestones compare as is.
* A task on its own calendar becomes a TaskJuggler shift. Keel counts a lag on the
  successor's calendar and starts an SS successor at the predecessor's first working minute;
  TaskJuggler counts gaps in project working time from its unshifted start. So tasks on the
  evening calendar are linked by FS links without lag only.
* Elapsed durations are not compared: TaskJuggler's ``duration`` counts from its unshifted
  start, Keel's elapsed time (as Microsoft Project's) from the predecessor's finish.
* A summary's start is its earliest child's start (a milestone at 18:00 included), so it is
  derived from its children's compared starts rather than moved itself.
* SNET has no TaskJuggler keyword that moves dates; the writer makes the task depend on a
  hidden milestone fixed at the constraint date, which is the same rule.
* FF and SF links, leads (negative lags), FNET and ALAP have no TaskJuggler equivalent for
  an as-soon-as-possible task, so the random networks use FS and SS links, lags ≥ 0,
  SNET/MSO/MFO constraints and milestones. Milestones take FS links only: an SS link would
  copy TaskJuggler's unshifted start of the predecessor into the milestone.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from keel.domain.schedule.calendar import WorkingCalendar
from keel.domain.schedule.cpm import schedule
from keel.domain.schedule.model import (
    Constraint,
    ConstraintType,
    Dependency,
    DependencyType,
    Network,
    Task,
)
from keel.interchange.tj3 import Tj3Missing, find_tj3, run_tj3
from keel.interchange.tjp import write_tjp

pytestmark = pytest.mark.tj3

START = datetime(2025, 3, 3, 9, 0)  # a Monday


@pytest.fixture(scope="module", autouse=True)
def _tj3_installed() -> None:
    try:
        find_tj3()
    except Tj3Missing as err:
        pytest.fail(str(err))


def lunch_break_calendar(first_hour: int, saturday: bool, seed: int) -> WorkingCalendar:
    """A week with a lunch break and a handful of weekday holidays in the first ten weeks."""
    rng = random.Random(seed)
    day = ((first_hour * 60, 12 * 60), (13 * 60, (first_hour + 9) * 60))
    sat = ((first_hour * 60, 12 * 60),) if saturday else ()
    week = (day, day, day, day, day, sat, ())
    holidays: dict[date, tuple[tuple[int, int], ...]] = {}
    while len(holidays) < 6:
        candidate = START.date() + timedelta(days=rng.randrange(1, 70))
        if candidate.weekday() < 5:
            holidays[candidate] = ()
    return WorkingCalendar("site", week=week, exceptions=holidays)


def random_network(
    rng: random.Random, prefix: str, calendar: WorkingCalendar
) -> tuple[list[Task], list[Dependency]]:
    """One small plan: summaries, milestones, FS/SS links with lags, SNET/MSO/MFO."""
    tasks: list[Task] = []
    deps: list[Dependency] = []
    leaves: list[Task] = []
    count = rng.randint(6, 16)
    parent: str | None = None
    for i in range(count):
        tid = f"{prefix}_{i}"
        if parent is None and rng.random() < 0.2 and i < count - 2:
            parent = tid
            tasks.append(Task(tid, f"Summary {tid}"))
            continue
        milestone = rng.random() < 0.12
        duration = 0 if milestone else rng.choice([15, 60, 90, 240, 480, 600, 960, 1440, 2400])
        constraint = Constraint()
        preds = rng.sample(leaves, k=min(len(leaves), rng.choice([0, 1, 1, 1, 2, 2])))
        roll = rng.random()
        if roll < 0.12:
            when = START + timedelta(days=rng.randrange(0, 25), hours=rng.choice([-2, 0, 5, 10]))
            constraint = Constraint(ConstraintType.SNET, when)
        elif roll < 0.17 and not preds and not milestone:
            day = _working_day(calendar, START + timedelta(days=rng.randrange(1, 20)))
            constraint = Constraint(ConstraintType.MSO, day)
        elif roll < 0.21 and not preds and not milestone:
            day = _working_day(calendar, START + timedelta(days=rng.randrange(5, 25)))
            finish = calendar.previous_working_instant(
                datetime.combine(day.date(), datetime.min.time()) + timedelta(days=1)
            )
            constraint = Constraint(ConstraintType.MFO, finish)
        task = Task(
            tid, f"Task {tid}", duration, parent=parent, milestone=milestone, constraint=constraint
        )
        tasks.append(task)
        for pred in preds:
            ss = rng.random() < 0.25 and not milestone
            kind = DependencyType.SS if ss else DependencyType.FS
            lag = rng.choice([0, 0, 0, 30, 60, 240, 480, 960])
            percent = None
            if rng.random() < 0.08 and pred.duration % 4 == 0 and pred.duration:
                percent, lag = 50.0, 0
            deps.append(Dependency(pred.id, tid, kind, lag, percent))
        leaves.append(task)
        if parent is not None and rng.random() < 0.3:
            parent = None
    if tasks[-1].id == parent:  # a summary needs children
        tasks.pop()
    summaries = {t.id for t in tasks if any(c.parent == t.id for c in tasks)}
    tasks = [t for t in tasks if t.duration or t.milestone or t.id in summaries]
    return tasks, deps


def _working_day(calendar: WorkingCalendar, when: datetime) -> datetime:
    while not calendar.is_working_day(when.date()):
        when += timedelta(days=1)
    return calendar.next_working_instant(when.replace(hour=0, minute=0))


EVENING = WorkingCalendar("evening", week=(((14 * 60, 22 * 60),),) * 5 + ((), ()))


def build_batch(seed: int, networks: int, calendar: WorkingCalendar) -> Network:
    """Many independent random networks in one plan (they share no links).

    Some top-level tasks linked only by FS links without lag work on an evening calendar
    (14:00-22:00), written as a TaskJuggler shift.
    """
    rng = random.Random(seed)
    tasks: list[Task] = []
    deps: list[Dependency] = []
    for k in range(networks):
        more_tasks, more_deps = random_network(rng, f"n{k}", calendar)
        tasks += more_tasks
        deps += more_deps
    touching: dict[str, list[Dependency]] = {}
    for dep in deps:
        touching.setdefault(dep.predecessor, []).append(dep)
        touching.setdefault(dep.successor, []).append(dep)
    parents = {t.parent for t in tasks}
    for i, task in enumerate(tasks):
        plain_links = all(
            d.type is DependencyType.FS and not d.lag and d.lag_percent is None
            for d in touching.get(task.id, [])
        )
        eligible = (
            task.parent is None
            and task.id not in parents
            and task.duration
            and task.constraint.type is ConstraintType.ASAP
            and plain_links
        )
        if eligible and rng.random() < 0.6:
            tasks[i] = replace(task, calendar="evening")
    start = calendar.next_working_instant(START)
    return Network(
        tuple(tasks),
        tuple(deps),
        start,
        {"site": calendar, "evening": EVENING},
        calendar="site",
        name=f"agreement {seed}",
    )


def compare(network: Network) -> tuple[int, list[str]]:
    """Schedule with both engines; return the number of tasks compared and the mismatches."""
    # Durations and lags are multiples of 15 minutes; a short horizon keeps tj3 fast.
    export = write_tjp(network, horizon=timedelta(days=200), resolution_minutes=15)
    assert export.skipped == ()
    theirs = run_tj3(export)
    ours = schedule(network)

    def own(task: Task) -> WorkingCalendar:
        cal = network.calendars[task.calendar or network.calendar]
        assert isinstance(cal, WorkingCalendar)
        return cal

    expected_start = {
        task.id: theirs[task.id].start
        if task.milestone
        else own(task).next_working_instant(theirs[task.id].start)
        for task in network.tasks
    }
    for task in reversed(network.tasks):  # children come after their summary
        if task.parent is not None:
            parent = task.parent
            expected_start[parent] = min(expected_start[parent], expected_start[task.id])
    mismatches = []
    for task in network.tasks:
        mine = ours.tasks[task.id]
        tj = theirs[task.id]
        tj_start = expected_start[task.id]
        if (mine.start, mine.finish) != (tj_start, tj.end):
            mismatches.append(
                f"{task.id}: keel {mine.start:%Y-%m-%d %H:%M} – {mine.finish:%Y-%m-%d %H:%M}, "
                f"tj3 {tj.start:%Y-%m-%d %H:%M} – {tj.end:%Y-%m-%d %H:%M}"
            )
    return len(network.tasks), mismatches


@pytest.mark.parametrize(
    ("seed", "first_hour", "saturday"),
    [(1, 9, False), (2, 8, True)],
)
def test_random_networks_match_taskjuggler(seed: int, first_hour: int, saturday: bool) -> None:
    """Every task of 40 random networks starts and ends when TaskJuggler says it does."""
    calendar = lunch_break_calendar(first_hour, saturday, seed)
    network = build_batch(seed, 40, calendar)
    links = {d.type for d in network.dependencies}
    kinds = {t.constraint.type for t in network.tasks}
    assert {DependencyType.FS, DependencyType.SS} <= links
    assert {ConstraintType.SNET, ConstraintType.MSO, ConstraintType.MFO} <= kinds
    assert any(t.milestone for t in network.tasks)
    assert any(d.lag for d in network.dependencies)
    assert sum(t.calendar == "evening" for t in network.tasks) >= 8
    compared, mismatches = compare(network)
    assert compared > 200
    assert not mismatches, f"{len(mismatches)} of {compared} differ:\n" + "\n".join(mismatches[:20])
